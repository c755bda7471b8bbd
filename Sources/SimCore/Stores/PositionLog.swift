/// Elements in insertion order, each at a fixed *position* (0, 1, 2, … since the log was made,
/// never reused), in chunks of `chunkSize`: appending copies at most one chunk, dropping the
/// oldest moves nothing, and an element's slot can be emptied (a deleted record) without
/// shifting the others, so a position stays valid for as long as its element is kept.
///
/// A memory-store bucket keeps its records here and finds them through a `PositionIndex`.
struct PositionLog<Element> {
    static var chunkSize: Int { 4096 }
    private var chunks: [[Element?]] = []
    /// The position of `chunks[0][0]`.
    private var base = 0
    /// Slots of `chunks[0]` before this index are dropped.
    private var head = 0
    /// The position of the oldest kept slot (emptied or not).
    var first: Int { base + head }
    /// The position the next append gets.
    private(set) var end = 0
    /// Kept slots that hold an element.
    private(set) var count = 0
    /// Kept slots, emptied ones included (what the log's chunks hold).
    var span: Int { end - first }

    /// Appends `e` and returns its position.
    mutating func append(_ e: Element) -> Int {
        if chunks.isEmpty || chunks[chunks.count - 1].count == Self.chunkSize {
            // The first chunk grows as elements come (most buckets hold a few records); later
            // ones are made full size at once.
            var c: [Element?] = []
            if !chunks.isEmpty { c.reserveCapacity(Self.chunkSize) }
            chunks.append(c)
        }
        chunks[chunks.count - 1].append(e)
        count += 1
        end += 1
        return end - 1
    }

    /// The element at `p` (nil when `p` is outside the log or its slot was emptied).
    subscript(p: Int) -> Element? {
        guard p >= first, p < end else { return nil }
        let o = p - base
        return chunks[o / Self.chunkSize][o % Self.chunkSize]
    }

    /// Changes the element at `p` in place (nothing when the slot is empty or outside the log).
    mutating func update(at p: Int, _ change: (inout Element) -> Void) {
        guard p >= first, p < end else { return }
        let o = p - base
        guard var e = chunks[o / Self.chunkSize][o % Self.chunkSize] else { return }
        // Taken out and put back: the slot's element is changed without a second reference.
        chunks[o / Self.chunkSize][o % Self.chunkSize] = nil
        change(&e)
        chunks[o / Self.chunkSize][o % Self.chunkSize] = e
    }

    /// Empties the slot at `p` and returns what it held; emptied slots at the front are dropped.
    @discardableResult
    mutating func remove(at p: Int) -> Element? {
        guard p >= first, p < end else { return nil }
        let o = p - base
        guard let e = chunks[o / Self.chunkSize][o % Self.chunkSize] else { return nil }
        chunks[o / Self.chunkSize][o % Self.chunkSize] = nil
        count -= 1
        dropEmptyFront()
        return e
    }

    /// Removes the oldest element and returns it with its position (nil when the log is empty).
    mutating func removeFirst() -> (position: Int, element: Element)? {
        dropEmptyFront()
        let p = first
        guard count > 0, let e = remove(at: p) else { return nil }
        return (p, e)
    }

    /// The positions of kept elements, oldest first (`ascending`) or newest first, starting
    /// strictly after `p` in that direction (from the start when nil).
    func positions(ascending: Bool, after p: Int? = nil) -> PositionSequence {
        if ascending { return PositionSequence(at: p.map { max($0 + 1, first) } ?? first, stop: end, step: 1) }
        return PositionSequence(at: p.map { min($0 - 1, end - 1) } ?? end - 1, stop: first - 1, step: -1)
    }

    struct PositionSequence: Sequence, IteratorProtocol {
        var at: Int
        let stop: Int
        let step: Int
        mutating func next() -> Int? {
            guard step > 0 ? at < stop : at > stop else { return nil }
            defer { at += step }
            return at
        }
    }

    private mutating func dropEmptyFront() {
        while first < end {
            if chunks[0][head] != nil { return }
            head += 1
            if head == chunks[0].count {
                if chunks.count == 1 {
                    // Everything is gone: the next append starts a fresh chunk at `end`.
                    chunks = []
                    base = end
                } else {
                    chunks.removeFirst()
                    base += Self.chunkSize
                }
                head = 0
            }
        }
    }
}

extension PositionLog: Sendable where Element: Sendable {}

/// Open-addressing hash index from a key's 64-bit hash to a position in a `PositionLog`
/// (linear probing, at most half full, deletions shift entries back instead of leaving
/// tombstones). Each slot holds the hash itself, so probing never reads the keys: a lookup asks
/// the caller whether the position it found holds the key (`matches`), only when the hashes
/// are equal; removing the oldest record matches on its position alone.
///
/// Why not a `Dictionary` keyed by id: a lookup there compares keys in the table (reading each
/// probed key), and a stored response's insert and eviction touched the table's bitmap, keys and
/// values apart; under load that was about a tenth of a `POST /v1/responses` (perf, 2026-11-27).
struct PositionIndex: Sendable {
    private struct Slot {
        var hash: UInt64
        /// position + 1; 0: empty.
        var mark: Int
    }
    private var slots: [Slot] = Array(repeating: Slot(hash: 0, mark: 0), count: 8)
    private var mask = 7
    private var shift: UInt64 = 61
    private(set) var count = 0

    /// Fibonacci hashing: spreads hashes whose low bits repeat (sequential ids) over the table.
    @inline(__always) private func home(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The position of the entry with `hash` whose position `matches`, or nil.
    func find(_ hash: UInt64, _ matches: (Int) -> Bool) -> Int? {
        slot(hash, matches).map { slots[$0].mark - 1 }
    }

    private func slot(_ hash: UInt64, _ matches: (Int) -> Bool) -> Int? {
        var i = home(hash)
        while true {
            let s = slots[i]
            if s.mark == 0 { return nil }
            if s.hash == hash, matches(s.mark - 1) { return i }
            i = (i + 1) & mask
        }
    }

    /// Adds an entry (the caller knows the key is not in the index).
    mutating func insert(_ hash: UInt64, position: Int) {
        if (count + 1) * 2 > slots.count { grow() }
        var i = home(hash)
        while slots[i].mark != 0 { i = (i + 1) & mask }
        slots[i] = Slot(hash: hash, mark: position + 1)
        count += 1
    }

    /// Removes the entry with `hash` at `position`; false when there is none.
    @discardableResult
    mutating func remove(_ hash: UInt64, position: Int) -> Bool {
        guard var i = slot(hash, { $0 == position }) else { return false }
        // Backward-shift deletion: each following entry of the run moves into the hole unless
        // its home lies cyclically in (hole, its slot], where it would no longer be found.
        var j = i
        while true {
            j = (j + 1) & mask
            let s = slots[j]
            if s.mark == 0 { break }
            let k = home(s.hash)
            let stays = i <= j ? (i < k && k <= j) : (i < k || k <= j)
            if stays { continue }
            slots[i] = s
            i = j
        }
        slots[i] = Slot(hash: 0, mark: 0)
        count -= 1
        return true
    }

    /// Doubles the table: a copy of integers (no key is read), 16 bytes a slot.
    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(hash: 0, mark: 0), count: old.count * 2)
        mask = slots.count - 1
        shift -= 1
        for s in old where s.mark != 0 {
            var i = home(s.hash)
            while slots[i].mark != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }
}

import SimSupport

/// A read-only set of 64-bit hashes (open addressing, linear probing, at most half full). Every
/// word of a request is looked up in sets like the stop words or the moderation lexicon's word
/// lists; `Set<UInt64>` spends most of that time in SipHash, this spends one multiply.
struct HashSet64: Sendable {
    /// The table: a power-of-two count of slots, 0 where empty (`tableContains` reads it, also
    /// when it has been copied into a larger buffer).
    let keys: [UInt64]
    let mask: Int
    /// 0 marks an empty slot, so a 0 key is remembered apart.
    let hasZero: Bool
    /// The members, in ascending order.
    let members: [UInt64]

    init<S: Sequence>(_ keys: S) where S.Element == UInt64 {
        members = Set(keys).sorted()
        var size = 4
        while size < members.count * 2 { size *= 2 }
        var k = [UInt64](repeating: 0, count: size)
        var zero = false
        for key in members {
            if key == 0 { zero = true; continue }
            var i = Self.slot(key, size - 1)
            while k[i] != 0 { i = (i + 1) & (size - 1) }
            k[i] = key
        }
        self.keys = k
        mask = size - 1
        hasZero = zero
    }

    @inline(__always) static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    @inline(__always) func contains(_ key: UInt64) -> Bool {
        withSlots { $0.contains(key) }
    }

    /// Whether the non-zero `key` is in a table laid out as `keys` (0 is never found: it marks
    /// the empty slots).
    @inline(__always) static func tableContains(_ key: UInt64, table: UnsafeBufferPointer<UInt64>, mask: Int) -> Bool {
        var i = slot(key, mask)
        while true {
            let k = table[i]
            if k == 0 { return false }
            if k == key { return true }
            i = (i + 1) & mask
        }
    }

    /// The set as a view over its slots, for loops that look up many keys.
    struct Slots {
        let slots: UnsafeBufferPointer<UInt64>
        let mask: Int
        let hasZero: Bool

        @inline(__always) func contains(_ key: UInt64) -> Bool {
            key == 0 ? hasZero : HashSet64.tableContains(key, table: slots, mask: mask)
        }
    }

    @inline(__always) func withSlots<R>(_ body: (Slots) -> R) -> R {
        keys.withUnsafeBufferPointer { body(Slots(slots: $0, mask: mask, hasZero: hasZero)) }
    }
}

/// Which of a list of lowercase ASCII cues ("one sentence", "in detail", …) occur in a text,
/// ignoring ASCII case, found in one pass over its bytes (instead of one search per cue).
struct CueSet: Sendable {
    /// All cues' bytes back to back; cue i is `bytes[start[i]..<start[i + 1]]`.
    private let bytes: [UInt8]
    private let start: [Int]
    /// Group (bit index) of each cue.
    private let group: [Int]
    /// Each cue's first four bytes as a little-endian word, with bit 0x20 set in every byte.
    private let head: [UInt32]
    /// For each pair of leading bytes (low five bits of each, lower-cased), the cues that can
    /// start with it (bit i = cue i). Letters map to distinct entries; other bytes may share
    /// one, which only adds candidates that are then compared in full.
    private let byPair: [UInt64]
    /// How far the scan may move on, by the pair of bytes at offsets 2 and 3 of the current position
    /// (indexed by `skipIndex`): a cue starting at position p, p + 1 or p + 2 would have that pair at
    /// offset 2, 1 or 0 of its first four bytes, so a pair found in no cue's first four bytes lets
    /// the scan skip three positions (Wu–Manber). `skip[0]` counts every cue; `skip[1]` leaves out
    /// the opening-only cues (past the opening).
    private let skip: [[UInt8]]
    /// Cues that count only when they lie within the first `opening` bytes (bit i = cue i).
    private let openingOnly: UInt64
    private let opening: Int

    /// Groups of cues: up to 64 cues in all, each at least 4 bytes. The cues of the groups in
    /// `openingGroups` count only when they lie entirely within the first `opening` bytes.
    init(_ groups: [[String]], openingGroups: Set<Int> = [], opening: Int = 0) {
        var bytes: [UInt8] = []
        var start: [Int] = [0]
        var group: [Int] = []
        var head: [UInt32] = []
        var pair = [UInt64](repeating: 0, count: 1024)
        var openingOnly: UInt64 = 0
        var skip = [[UInt8]](repeating: [UInt8](repeating: 3, count: Self.skipIndex(0x1F1F) + 1), count: 2)
        for (g, list) in groups.enumerated() {
            for c in list {
                let b = Array(c.utf8)
                precondition(b.count >= 4 && c == c.lowercased() && group.count < 64)
                if openingGroups.contains(g) { openingOnly |= 1 << UInt64(group.count) }
                for q in 0..<3 {
                    let at = Self.skipIndex(UInt16(b[q]) | UInt16(b[q + 1]) << 8)
                    for t in 0..<(openingGroups.contains(g) ? 1 : 2) { skip[t][at] = min(skip[t][at], UInt8(2 - q)) }
                }
                pair[Self.pairIndex(b[0], b[1])] |= 1 << UInt64(group.count)
                head.append((UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24) | 0x2020_2020)
                bytes += b
                start.append(bytes.count)
                group.append(g)
            }
        }
        precondition(groups.count <= 64)
        self.bytes = bytes
        self.start = start
        self.group = group
        self.head = head
        byPair = pair
        self.skip = skip
        self.openingOnly = openingOnly
        self.opening = opening
    }

    @inline(__always) static func pairIndex(_ a: UInt8, _ b: UInt8) -> Int { Int(a & 0x1F) << 5 | Int(b & 0x1F) }

    /// The `skip` tables' index of two bytes read as a little-endian word: the same low five bits
    /// of each as `pairIndex`, left where they are (one mask per step of the scan's inner loop;
    /// the tables get 7,968 entries instead of 1,024).
    @inline(__always) static func skipIndex(_ two: UInt16) -> Int { Int(two & 0x1F1F) }

    /// Bit g is set when some cue of group g occurs in `text`.
    func groups(in text: String) -> UInt64 {
        groups(ofCues: TextAnalysis.withBytes(text) { cuesFound(in: $0) })
    }

    /// The groups of the cues in `cues` (bit i = cue i, as `cuesFound` returns them).
    func groups(ofCues cues: UInt64) -> UInt64 {
        var found = cues
        var groups: UInt64 = 0
        while found != 0 {
            groups |= 1 << UInt64(group[found.trailingZeroBitCount])
            found &= found &- 1
        }
        return groups
    }

    /// Bit i is set when cue i (in the order given) occurs in `b`.
    func cuesFound(in b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        bytes.withUnsafeBufferPointer { cues in
            start.withUnsafeBufferPointer { start in
                head.withUnsafeBufferPointer { head in
                    byPair.withUnsafeBufferPointer { pair in
                        skip[0].withUnsafeBufferPointer { skipAll in
                            skip[1].withUnsafeBufferPointer { skipLater in
                                Self.scan(b, cues, start, head, pair, (skipAll, skipLater), openingOnly, opening)
                            }
                        }
                    }
                }
            }
        }
    }

    private static func scan(_ b: UnsafeBufferPointer<UInt8>, _ cues: UnsafeBufferPointer<UInt8>, _ start: UnsafeBufferPointer<Int>,
                             _ head: UnsafeBufferPointer<UInt32>, _ pair: UnsafeBufferPointer<UInt64>,
                             _ skips: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>),
                             _ openingOnly: UInt64, _ opening: Int) -> UInt64 {
        var found: UInt64 = 0
        let n = b.count
        guard n >= 4 else { return 0 }
        let raw = UnsafeRawPointer(b.baseAddress!)
        let openingEnd = min(n, opening)
        // Every cue has 4+ bytes, so only positions with 4 bytes left can start one. The pair
        // index keeps the low five bits of each byte, which ASCII case does not change. Past
        // the opening (no room left for a cue there), its cues are no longer looked for.
        var i = 0
        // Cues still looked for: not found yet (and not the opening's, past it).
        var live: UInt64 = openingEnd >= 4 ? ~0 : ~openingOnly
        var switchAt = openingEnd >= 4 ? openingEnd - 3 : n
        var skip = openingEnd >= 4 ? skips.0 : skips.1
        while true {
            let end = min(switchAt, n - 3)
            while i < end {
                let ahead = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i + 2, as: UInt16.self))
                let by = Int(skip[skipIndex(ahead)])
                if by != 0 {
                    i += by
                    continue
                }
                let two = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt16.self))
                var candidates = pair[Int(two & 0x1F) << 5 | Int((two >> 8) & 0x1F)] & live
                if candidates != 0 {
                    // One 4-byte compare rejects most candidates: a match has equal bytes after setting
                    // bit 0x20 (which folds ASCII case), so this never rejects one; the rest is compared in full.
                    let word = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)) | 0x2020_2020
                    while candidates != 0 {
                        let k = candidates.trailingZeroBitCount
                        candidates &= candidates &- 1
                        guard head[k] == word else { continue }
                        let from = start[k], count = start[k + 1] - from
                        guard i + count <= (openingOnly & (1 << UInt64(k)) != 0 ? openingEnd : n) else { continue }
                        var j = 0
                        while j < count, TextAnalysis.lower(b[i + j]) == cues[from + j] { j += 1 }
                        if j == count {
                            found |= 1 << UInt64(k)
                            live &= ~(1 << UInt64(k))
                        }
                    }
                }
                i += 1
            }
            guard i < n - 3 else { break }
            live &= ~openingOnly
            skip = skips.1
            switchAt = n
        }
        return found
    }
}

extension TextAnalysis {
    /// Calls `body` with the text's UTF-8 bytes (contiguous for native strings: no copy).
    @inline(__always) static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        text.withUTF8Bytes(body)
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c + 32 : c }
}

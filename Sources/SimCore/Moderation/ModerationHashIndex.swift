/// An open-addressing table from a token hash to a run of entries: the classifier looks up every
/// token twice (idioms, rules), and this is several times faster than `Dictionary` with SipHash.
struct ModerationHashIndex<Entry: Sendable>: Sendable {
    private let keys: [UInt64]
    private let starts: [Int32]
    private let ends: [Int32]
    let entries: [Entry]
    private let mask: Int

    /// `map` must not use key 0 (the empty-slot marker; it is also the masked-token hash).
    init(_ map: [UInt64: [Entry]]) {
        var size = 16
        while size < map.count * 3 { size *= 2 }
        var k = [UInt64](repeating: 0, count: size)
        var s = [Int32](repeating: 0, count: size)
        var e = [Int32](repeating: 0, count: size)
        var flat: [Entry] = []
        for (key, values) in map.sorted(by: { $0.key < $1.key }) where key != 0 {
            var i = Self.slot(key, size - 1)
            while k[i] != 0 { i = (i + 1) & (size - 1) }
            k[i] = key
            s[i] = Int32(flat.count)
            flat += values
            e[i] = Int32(flat.count)
        }
        keys = k; starts = s; ends = e; entries = flat; mask = size - 1
    }

    @inline(__always) private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: ((key ^ (key >> 31)) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// The positions in `keys` whose key has entries, with those entries, in order (allocated at
    /// the first: most tokens of a text have none). One tight loop over a whole text keeps its
    /// few values in registers, where a loop that also matched what it found spilled them.
    func hits(_ keys: UnsafeBufferPointer<UInt64>) -> [(position: Int, entries: Range<Int>)] {
        var out: [(position: Int, entries: Range<Int>)] = []
        let mask = self.mask
        self.keys.withUnsafeBufferPointer { table in
            for p in 0..<keys.count {
                let key = keys[p]
                var i = Self.slot(key, mask)
                while true {
                    let k = table[i]
                    if k == key { out.append((p, Int(starts[i])..<Int(ends[i]))); break }
                    if k == 0 { break }
                    i = (i + 1) & mask
                }
            }
        }
        return out
    }

    /// The entries for `key` (empty when absent).
    @inline(__always) func lookup(_ key: UInt64) -> Range<Int> {
        var i = Self.slot(key, mask)
        while true {
            let k = keys[i]
            if k == key { return Int(starts[i])..<Int(ends[i]) }
            if k == 0 { return 0..<0 }
            i = (i + 1) & mask
        }
    }
}

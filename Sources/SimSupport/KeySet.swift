/// A fixed set of short strings (a request's parameter names) whose membership test costs a
/// fraction of `Set<String>`'s: FNV-1a over the UTF-8 bytes (read in place) instead of the
/// randomly seeded SipHash, one probe of a small open-addressing table of hashes, and a string
/// compare only when a hash matches. Request parsers check every key of every body against one.
public struct KeySet: Sendable, ExpressibleByArrayLiteral {
    /// Per slot: the member's hash with the low bit set (never 0), or 0 for an empty slot.
    private let hashes: [UInt64]
    private let keys: [String]
    private let mask: Int
    /// The members, in the order given (duplicates dropped).
    public let members: [String]

    public init(_ members: [String]) {
        var unique: [String] = []
        for m in members where !unique.contains(m) { unique.append(m) }
        self.members = unique
        var size = 8
        while size < unique.count * 2 { size *= 2 }
        var h = [UInt64](repeating: 0, count: size)
        var k = [String](repeating: "", count: size)
        for m in unique {
            let hash = Self.hash(m)
            var i = Int(truncatingIfNeeded: hash >> 7) & (size - 1)
            while h[i] != 0 { i = (i + 1) & (size - 1) }
            h[i] = hash
            k[i] = m
        }
        hashes = h
        keys = k
        mask = size - 1
    }

    public init(arrayLiteral elements: String...) { self.init(elements) }

    @inline(__always) static func hash(_ s: String) -> UInt64 { StableHash.fnv1a(s) | 1 }

    public func contains(_ key: String) -> Bool {
        let hash = Self.hash(key)
        return hashes.withUnsafeBufferPointer { h in
            var i = Int(truncatingIfNeeded: hash >> 7) & mask
            while true {
                let slot = h[i]
                if slot == 0 { return false }
                if slot == hash && keys[i] == key { return true }
                i = (i + 1) & mask
            }
        }
    }
}

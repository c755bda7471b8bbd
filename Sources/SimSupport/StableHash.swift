/// FNV-1a 64: a hash that is the same in every process (Swift's `Hasher` is randomly seeded per run).
public enum StableHash {
    public static func fnv1a(_ s: String, seed: UInt64 = 0xcbf29ce484222325) -> UInt64 {
        var s = s
        return s.withUTF8 { buf in
            var h = seed
            for c in buf { h ^= UInt64(c); h = h &* 0x100000001b3 }
            return h
        }
    }
    public static func fnv1a<C: Collection>(bytes: C, seed: UInt64 = 0xcbf29ce484222325) -> UInt64 where C.Element == UInt8 {
        var h = seed
        for c in bytes { h ^= UInt64(c); h = h &* 0x100000001b3 }
        return h
    }
    /// Mixes two 64-bit values (SplitMix64 finaliser).
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a &+ 0x9e3779b97f4a7c15 &* (b | 1)
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }
}

/// FNV-1a 64: a hash that is the same in every process (Swift's `Hasher` is randomly seeded per run).
public enum StableHash {
    public static func fnv1a(_ s: String, seed: UInt64 = 0xcbf29ce484222325) -> UInt64 {
        // Read in place (a `var` copy for `withUTF8` costs more than hashing a short string).
        s.withUTF8Bytes { fnv1a(buffer: $0, seed: seed) }
    }

    /// FNV-1a of `buf`, eight bytes per loop step (the same value as byte by byte, with less
    /// loop overhead on long texts).
    public static func fnv1a(buffer buf: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0xcbf29ce484222325) -> UInt64 {
        let prime: UInt64 = 0x100000001b3
        var h = seed
        var i = 0
        let n = buf.count
        while i &+ 8 <= n {
            h = (h ^ UInt64(buf[i])) &* prime
            h = (h ^ UInt64(buf[i &+ 1])) &* prime
            h = (h ^ UInt64(buf[i &+ 2])) &* prime
            h = (h ^ UInt64(buf[i &+ 3])) &* prime
            h = (h ^ UInt64(buf[i &+ 4])) &* prime
            h = (h ^ UInt64(buf[i &+ 5])) &* prime
            h = (h ^ UInt64(buf[i &+ 6])) &* prime
            h = (h ^ UInt64(buf[i &+ 7])) &* prime
            i &+= 8
        }
        while i < n {
            h = (h ^ UInt64(buf[i])) &* prime
            i &+= 1
        }
        return h
    }
    public static func fnv1a<C: Collection>(bytes: C, seed: UInt64 = 0xcbf29ce484222325) -> UInt64 where C.Element == UInt8 {
        var h = seed
        for c in bytes { h ^= UInt64(c); h = h &* 0x100000001b3 }
        return h
    }
    /// A stable hash of `bytes` taken eight bytes per step: one multiply per word instead of
    /// FNV-1a's one per byte, whose serial chain made hashing a long prompt cost more than a
    /// microsecond. The same bytes give the same value on every machine (words are read
    /// little-endian); it seeds randomness, it is not a defence against chosen collisions.
    public static func words(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0x243f_6a88_85a3_08d3) -> UInt64 {
        let n = bytes.count
        var h = seed ^ (UInt64(truncatingIfNeeded: n) &* 0x9e37_79b9_7f4a_7c15)
        guard let base = bytes.baseAddress else { return mix(h, 0x5eed) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= n {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = (h ^ w) &* 0xff51_afd7_ed55_8ccd
            h ^= h >> 32
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { tail |= UInt64(base[i]) << shift; shift += 8; i += 1 }
            h = (h ^ tail) &* 0xff51_afd7_ed55_8ccd
            h ^= h >> 32
        }
        // `mix` drops its second argument's lowest bit: every input bit is already in `h`.
        return mix(h, 0x5eed)
    }

    /// Mixes two 64-bit values (SplitMix64 finaliser).
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a &+ 0x9e3779b97f4a7c15 &* (b | 1)
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }
}

/// Streaming MD5 (RFC 1321), used for the `md5` of stored blobs. Not for security.
public struct MD5: Sendable {
    private var a: UInt32 = 0x6745_2301
    private var b: UInt32 = 0xEFCD_AB89
    private var c: UInt32 = 0x98BA_DCFE
    private var d: UInt32 = 0x1032_5476
    /// Bytes seen so far.
    private var length: UInt64 = 0
    /// A partial block (64 bytes) waiting for more input.
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0

    /// A fresh digest with no input.
    public init() {}

    /// Feeds `bytes` into the digest.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var p = base
        var n = bytes.count
        length &+= UInt64(n)
        if pendingCount > 0 {
            let take = min(64 - pendingCount, n)
            let filled = pendingCount
            withUnsafeMutableBytes(of: &pending) { buf in
                guard let dst = buf.baseAddress else { return }
                (dst + filled).copyMemory(from: p, byteCount: take)
            }
            pendingCount += take
            p += take
            n -= take
            guard pendingCount == 64 else { return }
            var block = pending
            withUnsafeBytes(of: &block) { buf in
                if let bp = buf.baseAddress { compress(bp) }
            }
            pendingCount = 0
        }
        while n >= 64 {
            compress(p)
            p += 64
            n -= 64
        }
        if n > 0 {
            withUnsafeMutableBytes(of: &pending) { buf in
                buf.baseAddress?.copyMemory(from: p, byteCount: n)
            }
            pendingCount = n
        }
    }

    /// Feeds `bytes` into the digest.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything fed so far, as 32 lowercase hex digits (the digest itself is left unchanged).
    public func finalizeHex() -> String {
        var copy = self
        let bitLength = length &* 8
        var padding: [UInt8] = [0x80]
        let afterMarker = (pendingCount + 1) % 64
        let zeros = afterMarker <= 56 ? 56 - afterMarker : 120 - afterMarker
        padding.append(contentsOf: repeatElement(0, count: zeros))
        for i in 0..<8 { padding.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
        let savedLength = copy.length
        copy.update(padding)
        copy.length = savedLength
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in [copy.a, copy.b, copy.c, copy.d] {
            for i in 0..<4 {
                let byte = UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) private static func step(_ a: UInt32, _ f: UInt32, _ b: UInt32, _ m: UInt32, _ k: UInt32, _ s: UInt32) -> UInt32 {
        let x = a &+ f &+ m &+ k
        return b &+ ((x &<< s) | (x &>> (32 &- s)))
    }

    /// One 64-byte block.
    @inline(__always) private mutating func compress(_ p: UnsafeRawPointer) {
        @inline(__always) func w(_ i: Int) -> UInt32 { UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)) }
        let m0 = w(0), m1 = w(1), m2 = w(2), m3 = w(3), m4 = w(4), m5 = w(5), m6 = w(6), m7 = w(7)
        let m8 = w(8), m9 = w(9), m10 = w(10), m11 = w(11), m12 = w(12), m13 = w(13), m14 = w(14), m15 = w(15)
        var a = self.a, b = self.b, c = self.c, d = self.d

        @inline(__always) func f(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { z ^ (x & (y ^ z)) }
        @inline(__always) func g(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { y ^ (z & (x ^ y)) }
        @inline(__always) func h(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { x ^ y ^ z }
        @inline(__always) func i(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { y ^ (x | ~z) }

        a = Self.step(a, f(b, c, d), b, m0, 0xD76A_A478, 7); d = Self.step(d, f(a, b, c), a, m1, 0xE8C7_B756, 12)
        c = Self.step(c, f(d, a, b), d, m2, 0x2420_70DB, 17); b = Self.step(b, f(c, d, a), c, m3, 0xC1BD_CEEE, 22)
        a = Self.step(a, f(b, c, d), b, m4, 0xF57C_0FAF, 7); d = Self.step(d, f(a, b, c), a, m5, 0x4787_C62A, 12)
        c = Self.step(c, f(d, a, b), d, m6, 0xA830_4613, 17); b = Self.step(b, f(c, d, a), c, m7, 0xFD46_9501, 22)
        a = Self.step(a, f(b, c, d), b, m8, 0x6980_98D8, 7); d = Self.step(d, f(a, b, c), a, m9, 0x8B44_F7AF, 12)
        c = Self.step(c, f(d, a, b), d, m10, 0xFFFF_5BB1, 17); b = Self.step(b, f(c, d, a), c, m11, 0x895C_D7BE, 22)
        a = Self.step(a, f(b, c, d), b, m12, 0x6B90_1122, 7); d = Self.step(d, f(a, b, c), a, m13, 0xFD98_7193, 12)
        c = Self.step(c, f(d, a, b), d, m14, 0xA679_438E, 17); b = Self.step(b, f(c, d, a), c, m15, 0x49B4_0821, 22)

        a = Self.step(a, g(b, c, d), b, m1, 0xF61E_2562, 5); d = Self.step(d, g(a, b, c), a, m6, 0xC040_B340, 9)
        c = Self.step(c, g(d, a, b), d, m11, 0x265E_5A51, 14); b = Self.step(b, g(c, d, a), c, m0, 0xE9B6_C7AA, 20)
        a = Self.step(a, g(b, c, d), b, m5, 0xD62F_105D, 5); d = Self.step(d, g(a, b, c), a, m10, 0x0244_1453, 9)
        c = Self.step(c, g(d, a, b), d, m15, 0xD8A1_E681, 14); b = Self.step(b, g(c, d, a), c, m4, 0xE7D3_FBC8, 20)
        a = Self.step(a, g(b, c, d), b, m9, 0x21E1_CDE6, 5); d = Self.step(d, g(a, b, c), a, m14, 0xC337_07D6, 9)
        c = Self.step(c, g(d, a, b), d, m3, 0xF4D5_0D87, 14); b = Self.step(b, g(c, d, a), c, m8, 0x455A_14ED, 20)
        a = Self.step(a, g(b, c, d), b, m13, 0xA9E3_E905, 5); d = Self.step(d, g(a, b, c), a, m2, 0xFCEF_A3F8, 9)
        c = Self.step(c, g(d, a, b), d, m7, 0x676F_02D9, 14); b = Self.step(b, g(c, d, a), c, m12, 0x8D2A_4C8A, 20)

        a = Self.step(a, h(b, c, d), b, m5, 0xFFFA_3942, 4); d = Self.step(d, h(a, b, c), a, m8, 0x8771_F681, 11)
        c = Self.step(c, h(d, a, b), d, m11, 0x6D9D_6122, 16); b = Self.step(b, h(c, d, a), c, m14, 0xFDE5_380C, 23)
        a = Self.step(a, h(b, c, d), b, m1, 0xA4BE_EA44, 4); d = Self.step(d, h(a, b, c), a, m4, 0x4BDE_CFA9, 11)
        c = Self.step(c, h(d, a, b), d, m7, 0xF6BB_4B60, 16); b = Self.step(b, h(c, d, a), c, m10, 0xBEBF_BC70, 23)
        a = Self.step(a, h(b, c, d), b, m13, 0x289B_7EC6, 4); d = Self.step(d, h(a, b, c), a, m0, 0xEAA1_27FA, 11)
        c = Self.step(c, h(d, a, b), d, m3, 0xD4EF_3085, 16); b = Self.step(b, h(c, d, a), c, m6, 0x0488_1D05, 23)
        a = Self.step(a, h(b, c, d), b, m9, 0xD9D4_D039, 4); d = Self.step(d, h(a, b, c), a, m12, 0xE6DB_99E5, 11)
        c = Self.step(c, h(d, a, b), d, m15, 0x1FA2_7CF8, 16); b = Self.step(b, h(c, d, a), c, m2, 0xC4AC_5665, 23)

        a = Self.step(a, i(b, c, d), b, m0, 0xF429_2244, 6); d = Self.step(d, i(a, b, c), a, m7, 0x432A_FF97, 10)
        c = Self.step(c, i(d, a, b), d, m14, 0xAB94_23A7, 15); b = Self.step(b, i(c, d, a), c, m5, 0xFC93_A039, 21)
        a = Self.step(a, i(b, c, d), b, m12, 0x655B_59C3, 6); d = Self.step(d, i(a, b, c), a, m3, 0x8F0C_CC92, 10)
        c = Self.step(c, i(d, a, b), d, m10, 0xFFEF_F47D, 15); b = Self.step(b, i(c, d, a), c, m1, 0x8584_5DD1, 21)
        a = Self.step(a, i(b, c, d), b, m8, 0x6FA8_7E4F, 6); d = Self.step(d, i(a, b, c), a, m15, 0xFE2C_E6E0, 10)
        c = Self.step(c, i(d, a, b), d, m6, 0xA301_4314, 15); b = Self.step(b, i(c, d, a), c, m13, 0x4E08_11A1, 21)
        a = Self.step(a, i(b, c, d), b, m4, 0xF753_7E82, 6); d = Self.step(d, i(a, b, c), a, m11, 0xBD3A_F235, 10)
        c = Self.step(c, i(d, a, b), d, m2, 0x2AD7_D2BB, 15); b = Self.step(b, i(c, d, a), c, m9, 0xEB86_D391, 21)

        self.a &+= a
        self.b &+= b
        self.c &+= c
        self.d &+= d
    }
}

/// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), checked
/// eight ASCII bytes at a time.
public enum UTF8Validation {
    /// The offset of the first byte that does not begin a well-formed sequence, or nil when all
    /// of `b` is well-formed.
    public static func firstInvalid(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = b.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let n = b.count
        var i = 0
        while i < n {
            while i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { break }
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let more: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: more = 1
            case 0xE0: more = 2; low = 0xA0          // no overlong three-byte forms
            case 0xE1...0xEC, 0xEE, 0xEF: more = 2
            case 0xED: more = 2; high = 0x9F         // no surrogates
            case 0xF0: more = 3; low = 0x90          // no overlong four-byte forms
            case 0xF1...0xF3: more = 3
            case 0xF4: more = 3; high = 0x8F         // nothing past U+10FFFF
            default: return i                       // a continuation byte, C0, C1, F5-FF
            }
            guard i + more < n, b[i + 1] >= low, b[i + 1] <= high else { return i }
            var k = 2
            while k <= more {
                guard b[i + k] & 0xC0 == 0x80 else { return i }
                k += 1
            }
            i += more + 1
        }
        return nil
    }
}

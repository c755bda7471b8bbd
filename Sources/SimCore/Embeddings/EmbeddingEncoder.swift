/// Writes embedding vectors straight into JSON bytes: floats as 9 significant digits (enough for
/// every float32 to round-trip) or base64 of little-endian float32, as the API's
/// `encoding_format: "base64"` returns and the official SDKs decode.
public enum EmbeddingEncoder {
    /// At most: sign, "0.", 4 leading zeros, 9 digits, or "d.dddddddde-NN", plus a comma.
    static let maxFloatBytes = 18
    static let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let pow10: [Double] = (0...60).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }

    /// Appends `[v0,v1,…]`.
    public static func appendFloatArray(_ values: [Float], to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: 2 + values.count * maxFloatBytes))
        var n = start
        out.withUnsafeMutableBufferPointer { buf in
            pow10.withUnsafeBufferPointer { tens in
                values.withUnsafeBufferPointer { vs in
                    guard let p = buf.baseAddress, let t = tens.baseAddress else { return }
                    p[n] = UInt8(ascii: "["); n += 1
                    for i in 0..<vs.count {
                        if i > 0 { p[n] = UInt8(ascii: ","); n += 1 }
                        n = writeFloat(vs[i], p, n, t)
                    }
                    p[n] = UInt8(ascii: "]"); n += 1
                }
            }
        }
        out.removeLast(out.count - n)
    }

    /// Appends `"<base64 of little-endian float32s>"`.
    public static func appendBase64(_ values: [Float], to out: inout [UInt8]) {
        let raw: [UInt8] = values.withUnsafeBytes { b in
            if UInt32(1).littleEndian == 1 { return Array(b) }
            var swapped: [UInt8] = []
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { swapped.append(contentsOf: $0) } }
            return swapped
        }
        out.append(UInt8(ascii: "\""))
        appendBase64Bytes(raw, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    static func appendBase64Bytes(_ raw: [UInt8], to out: inout [UInt8]) {
        let start = out.count
        let full = raw.count / 3
        let rest = raw.count - full * 3
        out.append(contentsOf: repeatElement(0, count: (raw.count + 2) / 3 * 4))
        out.withUnsafeMutableBufferPointer { buf in
            base64Alphabet.withUnsafeBufferPointer { alpha in
                raw.withUnsafeBufferPointer { src in
                    guard let o = buf.baseAddress.map({ $0 + start }), let a = alpha.baseAddress, let r = src.baseAddress else { return }
                    var j = 0
                    for i in 0..<full {
                        let v = UInt32(r[i * 3]) << 16 | UInt32(r[i * 3 + 1]) << 8 | UInt32(r[i * 3 + 2])
                        o[j] = a[Int(v >> 18 & 63)]; o[j + 1] = a[Int(v >> 12 & 63)]
                        o[j + 2] = a[Int(v >> 6 & 63)]; o[j + 3] = a[Int(v & 63)]
                        j += 4
                    }
                    if rest > 0 {
                        let i = full * 3
                        let v = UInt32(r[i]) << 16 | (rest == 2 ? UInt32(r[i + 1]) << 8 : 0)
                        o[j] = a[Int(v >> 18 & 63)]; o[j + 1] = a[Int(v >> 12 & 63)]
                        o[j + 2] = rest == 2 ? a[Int(v >> 6 & 63)] : UInt8(ascii: "=")
                        o[j + 3] = UInt8(ascii: "=")
                    }
                }
            }
        }
    }

    /// Writes one float at `p[n]`, returns the new end. Plain decimals down to 1e-5, exponent below.
    @inline(__always) static func writeFloat(_ v: Float, _ p: UnsafeMutablePointer<UInt8>, _ n0: Int, _ pow10: UnsafePointer<Double>) -> Int {
        var n = n0
        guard v.isFinite else { for c in "null".utf8 { p[n] = c; n += 1 }; return n }
        if v == 0 { p[n] = 0x30; p[n + 1] = 0x2E; p[n + 2] = 0x30; return n + 3 }
        var a = Double(v)
        if a < 0 { p[n] = UInt8(ascii: "-"); n += 1; a = -a }
        // k: a is in [10^-k, 10^(1-k)); every finite float fits -38...46.
        var k = 0
        if a >= 1 {
            while k > -39 && a >= pow10[1 - k] { k -= 1 }
        } else {
            k = 1
            while k < 50 && a * pow10[k] < 1 { k += 1 }
        }
        let scale = k + 8 >= 0 ? a * pow10[k + 8] : a / pow10[-(k + 8)]
        var m = UInt64(scale.rounded())
        if m >= 1_000_000_000 { m /= 10; k -= 1 }
        // Nine digits of m written straight into place, trailing zeros dropped.
        if k >= 1 && k <= 5 {
            p[n] = 0x30; p[n + 1] = 0x2E; n += 2
            for _ in 1..<k { p[n] = 0x30; n += 1 }
            var x = m
            var j = n + 8
            while j >= n { p[j] = UInt8(truncatingIfNeeded: x % 10) &+ 0x30; x /= 10; j -= 1 }
            n += 9
            while p[n - 1] == 0x30 && p[n - 2] != 0x2E { n -= 1 }
        } else {
            // d.dddddddd then e(-k)
            var x = m
            var j = n + 9
            while j >= n + 2 { p[j] = UInt8(truncatingIfNeeded: x % 10) &+ 0x30; x /= 10; j -= 1 }
            p[n] = UInt8(truncatingIfNeeded: x) &+ 0x30; p[n + 1] = 0x2E
            n += 10
            while p[n - 1] == 0x30 && p[n - 2] != 0x2E { n -= 1 }
            let e = -k
            if e != 0 {
                p[n] = UInt8(ascii: "e"); n += 1
                var ea = e
                if e < 0 { p[n] = UInt8(ascii: "-"); n += 1; ea = -e }
                if ea >= 10 { p[n] = UInt8(ea / 10) + 0x30; n += 1 }
                p[n] = UInt8(ea % 10) + 0x30; n += 1
            }
        }
        return n
    }
}

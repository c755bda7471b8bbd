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
        let cap = 2 + values.count * maxFloatBytes
        out.append(contentsOf: repeatElement(0, count: cap))
        var n = start
        out.withUnsafeMutableBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            let p = base + 0
            p[n] = UInt8(ascii: "["); n += 1
            for (i, v) in values.enumerated() {
                if i > 0 { p[n] = UInt8(ascii: ","); n += 1 }
                n = writeFloat(v, p, n)
            }
            p[n] = UInt8(ascii: "]"); n += 1
        }
        out.removeLast(out.count - n)
    }

    /// Appends `"<base64 of little-endian float32s>"`.
    public static func appendBase64(_ values: [Float], to out: inout [UInt8]) {
        var raw = [UInt8](repeating: 0, count: values.count * 4)
        for (i, v) in values.enumerated() {
            let b = v.bitPattern.littleEndian
            raw[i * 4] = UInt8(truncatingIfNeeded: b)
            raw[i * 4 + 1] = UInt8(truncatingIfNeeded: b >> 8)
            raw[i * 4 + 2] = UInt8(truncatingIfNeeded: b >> 16)
            raw[i * 4 + 3] = UInt8(truncatingIfNeeded: b >> 24)
        }
        out.append(UInt8(ascii: "\""))
        appendBase64Bytes(raw, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    static func appendBase64Bytes(_ raw: [UInt8], to out: inout [UInt8]) {
        let a = base64Alphabet
        var i = 0
        out.reserveCapacity(out.count + (raw.count + 2) / 3 * 4 + 2)
        while i + 3 <= raw.count {
            let v = UInt32(raw[i]) << 16 | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2])
            out.append(a[Int(v >> 18 & 63)]); out.append(a[Int(v >> 12 & 63)])
            out.append(a[Int(v >> 6 & 63)]); out.append(a[Int(v & 63)])
            i += 3
        }
        let rest = raw.count - i
        if rest == 1 {
            let v = UInt32(raw[i]) << 16
            out.append(a[Int(v >> 18 & 63)]); out.append(a[Int(v >> 12 & 63)])
            out.append(UInt8(ascii: "=")); out.append(UInt8(ascii: "="))
        } else if rest == 2 {
            let v = UInt32(raw[i]) << 16 | UInt32(raw[i + 1]) << 8
            out.append(a[Int(v >> 18 & 63)]); out.append(a[Int(v >> 12 & 63)])
            out.append(a[Int(v >> 6 & 63)]); out.append(UInt8(ascii: "="))
        }
    }

    /// Writes one float at `p[n]`, returns the new end. Plain decimals down to 1e-5, exponent below.
    @inline(__always) static func writeFloat(_ v: Float, _ p: UnsafeMutablePointer<UInt8>, _ n0: Int) -> Int {
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
        // Nine digits of m, trailing zeros dropped.
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 9
        withUnsafeMutableBytes(of: &digits) { d in
            var x = m
            for j in stride(from: 8, through: 0, by: -1) { d[j] = UInt8(x % 10) + 0x30; x /= 10 }
            while count > 1 && d[count - 1] == 0x30 { count -= 1 }
        }
        withUnsafeBytes(of: &digits) { d in
            if k >= 1 && k <= 5 {
                p[n] = 0x30; p[n + 1] = 0x2E; n += 2
                for _ in 1..<k { p[n] = 0x30; n += 1 }
                for j in 0..<count { p[n] = d[j]; n += 1 }
            } else {
                // d.ddd e(-k)
                p[n] = d[0]; p[n + 1] = 0x2E; n += 2
                if count == 1 { p[n] = 0x30; n += 1 } else { for j in 1..<count { p[n] = d[j]; n += 1 } }
                let e = -k
                if e != 0 {
                    p[n] = UInt8(ascii: "e"); n += 1
                    var ea = e
                    if e < 0 { p[n] = UInt8(ascii: "-"); n += 1; ea = -e }
                    if ea >= 10 { p[n] = UInt8(ea / 10) + 0x30; n += 1 }
                    p[n] = UInt8(ea % 10) + 0x30; n += 1
                }
            }
        }
        return n
    }
}

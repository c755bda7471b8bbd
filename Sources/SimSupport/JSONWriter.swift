/// A fast JSON serializer writing UTF-8 bytes straight into a buffer (no Foundation).
public struct JSONWriter {
    public var bytes: [UInt8]

    public init(capacity: Int = 256) { bytes = []; bytes.reserveCapacity(capacity) }

    public static func encode(_ value: JSON) -> [UInt8] {
        // Most bodies are a few hundred bytes to a few KB: start big enough to grow rarely.
        var w = JSONWriter(capacity: 2048)
        w.write(value)
        return w.bytes
    }

    public static func string(_ value: JSON) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    /// Appends literal JSON text as is.
    @inline(__always) public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// The string's UTF-8 bytes as they are (no quoting or escaping).
    @inline(__always) public mutating func appendRaw(_ s: String) {
        // Reads the string in place: no copy, so no reference-count traffic on a shared string.
        if s.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: s.utf8) }
    }

    public mutating func write(_ value: JSON) {
        switch value {
        case .null: raw("null")
        case let .bool(b): if b { raw("true") } else { raw("false") }
        case let .int(i): writeInt(i)
        case let .double(d): writeDouble(d)
        case let .string(s): writeString(s)
        case let .array(items):
            bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case let .object(pairs):
            bytes.append(UInt8(ascii: "{"))
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(k)
                bytes.append(UInt8(ascii: ":"))
                write(v)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    public mutating func writeInt(_ i: Int64) {
        if i == 0 { bytes.append(UInt8(ascii: "0")); return }
        var v = i.magnitude
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { buf in
            while v > 0 { buf[n] = UInt8(truncatingIfNeeded: v % 10) + 48; v /= 10; n += 1 }
        }
        if i < 0 { bytes.append(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &tmp) { buf in
            var j = n - 1
            while j >= 0 { bytes.append(buf[j]); j -= 1 }
        }
    }

    public mutating func writeDouble(_ d: Double) {
        guard d.isFinite else { raw("null"); return }
        if d == d.rounded(), abs(d) < 1e15 {
            // Integral doubles keep a fractional part so readers see a number of the same kind.
            writeInt(Int64(d)); raw(".0"); return
        }
        bytes.append(contentsOf: d.description.utf8)
    }

    /// `d` rounded to hundredths, written as `Double.description` would write that value
    /// ("0.25", "3.0", "0.1") without going through it.
    public mutating func writeHundredths(_ d: Double) {
        let scaled = (d * 100).rounded()
        guard scaled.isFinite, abs(scaled) < 1e15 else { writeDouble(scaled / 100); return }
        var n = Int64(scaled)
        if n < 0 { bytes.append(UInt8(ascii: "-")); n = -n }
        writeInt(n / 100)
        bytes.append(UInt8(ascii: "."))
        let frac = n % 100
        bytes.append(UInt8(truncatingIfNeeded: frac / 10) + 48)
        if frac % 10 != 0 { bytes.append(UInt8(truncatingIfNeeded: frac % 10) + 48) }
    }

    public mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            var i = 0
            while true {
                i = JSONBytes.firstSpecial(utf8, from: i)
                if i == utf8.count { break }
                let c = utf8[i]
                defer { i += 1 }
                if start < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i])) }
                start = i + 1
                switch c {
                case 0x22: raw("\\\"")
                case 0x5C: raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                default:
                    raw("\\u00")
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(hex[Int(c >> 4)]); bytes.append(hex[Int(c & 0xF)])
                }
            }
            if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSON {
    /// Compact UTF-8 encoding, keys in insertion order.
    public var encoded: [UInt8] { JSONWriter.encode(self) }
    public var encodedString: String { JSONWriter.string(self) }
}

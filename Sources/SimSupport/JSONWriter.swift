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

    /// Appends literal JSON text as is. `@inlinable`: the encoders in other modules call it for
    /// every fixed piece of text, and a call across modules costs more than the append.
    @inlinable @inline(__always) public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// The string's UTF-8 bytes as they are (no quoting or escaping).
    @inlinable @inline(__always) public mutating func appendRaw(_ s: String) { bytes.appendUTF8(s) }

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
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DecimalText.maxBytes) { buf in
            bytes.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress!, count: DecimalText.int(i, to: buf.baseAddress!)))
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
        let written: Int? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DecimalText.maxBytes) { buf in
            guard let n = DecimalText.hundredths(d, to: buf.baseAddress!) else { return nil }
            bytes.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress!, count: n))
            return n
        }
        if written == nil { writeDouble((d * 100).rounded() / 100) }
    }

    public mutating func writeString(_ s: String) {
        // Read in place (a `var` copy for `withUTF8` cost more than writing a short string).
        s.withUTF8Bytes { utf8 in
            var i = JSONBytes.firstSpecial(utf8, from: 0)
            if i == utf8.count {
                // Nothing to escape (nearly every string): the quotes and the bytes. (No
                // `reserveCapacity` here: reserving a little more on every call would regrow
                // the array to the exact size each time instead of geometrically.)
                bytes.append(UInt8(ascii: "\""))
                bytes.append(contentsOf: utf8)
                bytes.append(UInt8(ascii: "\""))
                return
            }
            bytes.append(UInt8(ascii: "\""))
            var start = 0
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
            bytes.append(UInt8(ascii: "\""))
        }
    }
}

extension JSON {
    /// Compact UTF-8 encoding, keys in insertion order.
    public var encoded: [UInt8] { JSONWriter.encode(self) }
    public var encodedString: String { JSONWriter.string(self) }
}

/// Decimal text written through a pointer the caller has room behind (`maxBytes`): shared by
/// `JSONWriter` and the logger's stack-formatted request line.
public enum DecimalText {
    public static let maxBytes = 24

    /// `value` in decimal ("-12", "0"); returns how many bytes it wrote.
    public static func int(_ value: Int64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var v = value.magnitude
        var n = 0
        if value < 0 { p[0] = 0x2D; n = 1 }
        var digits = 1, t = v
        while t >= 10 { t /= 10; digits += 1 }
        n += digits
        var i = n - 1
        repeat { p[i] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30; v /= 10; i -= 1 } while v > 0
        return n
    }

    /// `d` rounded to hundredths, as `Double.description` would write that value ("0.25", "3.0",
    /// "0.1"); nil, with nothing written, when it is not finite or too large for this form.
    public static func hundredths(_ d: Double, to p: UnsafeMutablePointer<UInt8>) -> Int? {
        let scaled = (d * 100).rounded()
        guard scaled.isFinite, abs(scaled) < 1e15 else { return nil }
        var n = Int64(scaled), o = 0
        if n < 0 { p[0] = 0x2D; o = 1; n = -n }
        o += int(n / 100, to: p + o)
        p[o] = 0x2E; o += 1
        let frac = n % 100
        p[o] = UInt8(truncatingIfNeeded: frac / 10) &+ 0x30; o += 1
        if frac % 10 != 0 { p[o] = UInt8(truncatingIfNeeded: frac % 10) &+ 0x30; o += 1 }
        return o
    }
}

extension String {
    /// Calls `body` with the string's UTF-8 bytes: in place for native strings (no copy, no
    /// reference-count traffic), through a copy otherwise.
    @inlinable @inline(__always) public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = self
        return copy.withUTF8(body)
    }
}

extension Array where Element == UInt8 {
    /// Appends the string's UTF-8 bytes (read in place).
    @inlinable @inline(__always) public mutating func appendUTF8(_ s: String) { s.withUTF8Bytes { append(contentsOf: $0) } }
}

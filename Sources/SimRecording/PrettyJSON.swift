import SimSupport

/// Readable, diffable JSON for cassettes: two-space indent, keys in the order given, and
/// arrays/objects that fit in a short line kept on one line.
public enum PrettyJSON {
    public static func encode(_ value: JSON) -> [UInt8] {
        var out: [UInt8] = []
        write(value, indent: 0, into: &out)
        out.append(10)
        return out
    }

    static func write(_ value: JSON, indent: Int, into out: inout [UInt8]) {
        switch value {
        case let .array(items) where !items.isEmpty:
            if let short = inline(value) { out += short; return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                out += newline(indent + 2)
                write(item, indent: indent + 2, into: &out)
                if i < items.count - 1 { out.append(UInt8(ascii: ",")) }
            }
            out += newline(indent)
            out.append(UInt8(ascii: "]"))
        case let .object(pairs) where !pairs.isEmpty:
            if let short = inline(value) { out += short; return }
            out.append(UInt8(ascii: "{"))
            for (i, (k, v)) in pairs.enumerated() {
                out += newline(indent + 2)
                var w = JSONWriter(capacity: k.utf8.count + 4)
                w.writeString(k)
                out += w.bytes
                out += Array(": ".utf8)
                write(v, indent: indent + 2, into: &out)
                if i < pairs.count - 1 { out.append(UInt8(ascii: ",")) }
            }
            out += newline(indent)
            out.append(UInt8(ascii: "}"))
        default:
            out += value.encoded
        }
    }

    /// The compact form when it is short and holds no nested containers with more than a few items.
    private static func inline(_ value: JSON) -> [UInt8]? {
        let bytes = value.encoded
        return bytes.count <= 100 ? spaced(bytes) : nil
    }

    /// `{"a":1,"b":2}` → `{"a": 1, "b": 2}` (outside strings only).
    private static func spaced(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var inString = false
        var escaped = false
        for b in bytes {
            out.append(b)
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: ":") || b == UInt8(ascii: ",") {
                out.append(UInt8(ascii: " "))
            }
        }
        return out
    }

    private static func newline(_ indent: Int) -> [UInt8] { [10] + [UInt8](repeating: 32, count: indent) }
}

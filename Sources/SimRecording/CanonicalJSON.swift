import SimSupport

/// JSON in one canonical spelling: keys sorted at every level, no whitespace, integral numbers
/// written as integers. Two bodies that differ only in key order or spacing give the same text.
public enum CanonicalJSON {
    public static func string(_ value: JSON) -> String { String(decoding: JSONWriter.encode(sorted(value)), as: UTF8.self) }

    /// `value` with object keys sorted recursively and integral doubles turned into integers.
    public static func sorted(_ value: JSON) -> JSON {
        switch value {
        case let .object(pairs):
            return .object(pairs.sorted { $0.0 < $1.0 }.map { ($0.0, sorted($0.1)) })
        case let .array(items):
            return .array(items.map(sorted))
        case let .double(d) where d.rounded() == d && abs(d) < 9.0e15:
            return .int(Int64(d))
        default:
            return value
        }
    }

    /// `value` without the dotted paths in `fields` (`metadata.trace_id`; `*` matches any key or index).
    public static func removing(_ fields: [String], from value: JSON) -> JSON {
        var out = value
        for f in fields where !f.isEmpty {
            out = remove(f.split(separator: ".").map(String.init)[...], from: out)
        }
        return out
    }

    private static func remove(_ path: ArraySlice<String>, from value: JSON) -> JSON {
        guard let head = path.first else { return value }
        let rest = path.dropFirst()
        switch value {
        case let .object(pairs):
            if rest.isEmpty { return .object(pairs.filter { head != "*" && $0.0 != head }) }
            return .object(pairs.map { k, v in (head == "*" || k == head) ? (k, remove(rest, from: v)) : (k, v) })
        case let .array(items):
            if head == "*" { return .array(items.map { remove(rest, from: $0) }) }
            guard let i = Int(head), i >= 0, i < items.count else { return value }
            var copy = items
            if rest.isEmpty { copy.remove(at: i) } else { copy[i] = remove(rest, from: items[i]) }
            return .array(copy)
        default:
            return value
        }
    }
}

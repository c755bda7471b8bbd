import FoundationEssentials
import SimSupport

/// A JSON predicate from a scenario's `match.body`, `match.query` or `match.headers`: equality
/// for plain values, `{contains: s}`, `{regex: r}`, `{exists: bool}`, and nested mappings that
/// must match key by key (other keys of the request are ignored).
public indirect enum Predicate: Sendable {
    case equals(JSON)
    case contains(String)
    case regex(RegexBox)
    case exists(Bool)
    case object([(String, Predicate)])

    /// Operators recognised in a one-key mapping.
    public static let operators = ["contains", "regex", "exists", "equals"]

    /// The value as the scenario wrote it, to compare two predicates for the unreachable-rule check.
    public var source: JSON {
        switch self {
        case let .equals(v): return v
        case let .contains(s): return ["contains": .string(s)]
        case let .regex(r): return ["regex": .string(r.pattern)]
        case let .exists(b): return ["exists": .bool(b)]
        case let .object(pairs): return .object(pairs.map { ($0.0, $0.1.source) })
        }
    }

    /// Nil when `value` (nil: absent) satisfies the predicate, else why not, naming `path`.
    public func miss(_ value: JSON?, at path: String) -> String? {
        switch self {
        case let .exists(want):
            let present = value != nil && value != .null
            if present == want { return nil }
            return want ? "\(path) is missing, rule wants it present" : "\(path) was \(Self.show(value)), rule wants it absent"
        case let .equals(want):
            guard let v = value else { return "\(path) is missing, rule wants \(Self.show(want))" }
            if v == want { return nil }
            // Scalars compare loosely across types for query/header text ("5" vs 5).
            if case let .string(s) = v, want.stringForm == s { return nil }
            return "\(path) was \(Self.show(v)), rule wants \(Self.show(want))"
        case let .contains(needle):
            guard let v = value else { return "\(path) is missing, rule wants it to contain \(Self.quote(needle))" }
            if Self.strings(in: v).contains(where: { $0.contains(needle) }) { return nil }
            return "\(path) was \(Self.show(v)), rule wants it to contain \(Self.quote(needle))"
        case let .regex(r):
            guard let v = value else { return "\(path) is missing, rule wants it to match /\(r.pattern)/" }
            if Self.strings(in: v).contains(where: { r.matches($0) }) { return nil }
            return "\(path) was \(Self.show(v)), rule wants it to match /\(r.pattern)/"
        case let .object(pairs):
            guard let v = value else { return "\(path) is missing" }
            guard case .object = v else { return "\(path) was \(v.typeName), rule wants an object" }
            for (k, p) in pairs {
                if let why = p.miss(v[k], at: path + "." + k) { return why }
            }
            return nil
        }
    }

    /// Every string inside `v` (numbers and booleans in their text form), for contains/regex.
    static func strings(in v: JSON) -> [String] {
        switch v {
        case let .array(a): return a.flatMap { strings(in: $0) }
        case let .object(o): return o.flatMap { strings(in: $0.1) }
        case .null: return []
        default: return [v.stringForm]
        }
    }

    static func show(_ v: JSON?) -> String {
        guard let v else { return "missing" }
        switch v {
        case let .string(s):
            let plain = !s.isEmpty && s.count <= 60 && !s.contains(" ") && !s.contains(",")
            return plain ? s : quote(s)
        case .object, .array:
            let text = v.encodedString
            return text.count <= 60 ? text : String(text.prefix(57)) + "..."
        default: return v.stringForm
        }
    }

    static func quote(_ s: String) -> String {
        let short = s.count <= 60 ? s : String(s.prefix(57)) + "..."
        return "\"" + short + "\""
    }
}

extension JSON {
    /// Scalars as text ("5", "true", "gpt-4o"); collections as compact JSON.
    var stringForm: String {
        switch self {
        case let .string(s): return s
        case let .int(i): return String(i)
        case let .double(d): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case let .bool(b): return b ? "true" : "false"
        case .null: return "null"
        default: return encodedString
        }
    }
}

/// A compiled regular expression that can be shared across threads (it is immutable once built).
public final class RegexBox: @unchecked Sendable {
    public let pattern: String
    private let regex: Regex<AnyRegexOutput>

    public init?(_ pattern: String) {
        // Swift's Regex (ICU-compatible syntax), matching scalar by scalar as NSRegularExpression
        // did, rather than by grapheme cluster.
        guard let r = try? Regex(pattern) else { return nil }
        self.pattern = pattern
        regex = r.matchingSemantics(.unicodeScalar)
    }

    public func matches(_ s: String) -> Bool {
        (try? regex.firstMatch(in: s)) != nil
    }
}

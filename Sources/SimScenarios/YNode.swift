import SimSupport

/// A parsed YAML (or JSON) node with the 1-based line and column where it starts, so that
/// validation messages can point at `file:line`.
public struct YNode: Sendable {
    public enum Kind: Sendable {
        /// `plain` is false for quoted and block scalars: those are always strings.
        case scalar(String, plain: Bool)
        case sequence([YNode])
        case mapping([(YNode, YNode)])
    }

    public var kind: Kind
    public var line: Int
    public var column: Int

    public init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// The scalar text, or nil for collections.
    public var text: String? { if case let .scalar(s, _) = kind { return s }; return nil }

    public var entries: [(YNode, YNode)]? { if case let .mapping(m) = kind { return m }; return nil }

    public var items: [YNode]? { if case let .sequence(s) = kind { return s }; return nil }

    /// What the node is, for messages ("a mapping", "a list", "a string", "a number"...).
    public var typeName: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar: return json.typeName == "integer" ? "an integer" : "a \(json.typeName)"
        }
    }

    /// The node as JSON, with YAML 1.2 core-schema typing of plain scalars
    /// (null, true/false, integers, floats; everything else is a string).
    public var json: JSON {
        switch kind {
        case let .scalar(s, plain):
            return plain ? Self.typedScalar(s) : .string(s)
        case let .sequence(items):
            return .array(items.map(\.json))
        case let .mapping(pairs):
            return .object(pairs.map { ($0.0.text ?? $0.0.json.encodedString, $0.1.json) })
        }
    }

    static func typedScalar(_ s: String) -> JSON {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let i = Int64(s) { return .int(i) }
        if s.hasPrefix("0x"), let i = Int64(s.dropFirst(2), radix: 16) { return .int(i) }
        if let first = s.first, first.isNumber || first == "-" || first == "+" || first == ".",
           !s.contains(where: { $0.isLetter && $0 != "e" && $0 != "E" }), let d = Double(s), d.isFinite {
            return .double(d)
        }
        return .string(s)
    }
}

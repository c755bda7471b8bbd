/// A hyperparameter that is either the string `"auto"` or a concrete value.
public enum AutoOr<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    case auto
    case value(Value)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            guard s == "auto" else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected \"auto\" or a number, got \"\(s)\"")
            }
            self = .auto
        } else {
            self = .value(try c.decode(Value.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .auto: try c.encode("auto")
        case let .value(v): try c.encode(v)
        }
    }
}

import SimSupport

/// One input to embed: text, or token IDs the caller already produced.
public enum EmbeddingInput: Sendable, Equatable {
    case text(String)
    case tokens([Int])
}

/// A validated `CreateEmbeddingRequest`.
public struct EmbeddingRequest: Sendable, Equatable {
    public enum EncodingFormat: String, Sendable { case float, base64 }
    public static let maxInputs = 2048
    /// Largest token ID accepted in token-array inputs (the o200k vocabulary; cl100k is a subset).
    public static let maxTokenID = 200_018

    public var model: String
    public var inputs: [EmbeddingInput]
    public var encodingFormat: EncodingFormat
    public var dimensions: Int?
    public var user: String?

    public init(model: String, inputs: [EmbeddingInput], encodingFormat: EncodingFormat = .float, dimensions: Int? = nil,
                user: String? = nil) {
        self.model = model
        self.inputs = inputs
        self.encodingFormat = encodingFormat
        self.dimensions = dimensions
        self.user = user
    }

    /// The API's answer to an input it cannot use (empty string, empty or mixed array, bad token).
    public static let invalidInput = APIError.invalidRequest(
        "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.")

    /// Parses a JSON request body (an object), failing as the API does.
    public static func parse(_ body: JSON) throws(APIError) -> EmbeddingRequest {
        func present(_ k: String) -> JSON? { body[k].flatMap { $0.isNull ? nil : $0 } }
        guard let modelValue = present("model") else { throw .missingParameter("model") }
        guard let model = modelValue.stringValue else { throw .invalidType("model", expected: "a string", got: modelValue) }
        guard let input = present("input") else { throw .missingParameter("input") }
        var format = EncodingFormat.float
        if let f = present("encoding_format") {
            guard let s = f.stringValue else { throw .invalidType("encoding_format", expected: "a string", got: f) }
            guard let parsed = EncodingFormat(rawValue: s) else {
                throw .invalidValue("encoding_format", s, supported: ["float", "base64"])
            }
            format = parsed
        }
        var dimensions: Int?
        if let d = present("dimensions") {
            guard let i = d.intValue else { throw .invalidType("dimensions", expected: "an integer", got: d) }
            guard i >= 1 else {
                throw .invalidRequest("Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got \(i) instead.",
                                      param: "dimensions", code: "integer_below_min_value")
            }
            dimensions = Int(clamping: i)
        }
        var user: String?
        if let u = present("user") {
            guard let s = u.stringValue else { throw .invalidType("user", expected: "a string", got: u) }
            user = s
        }
        return EmbeddingRequest(model: model, inputs: try parseInput(input), encodingFormat: format, dimensions: dimensions,
                                user: user)
    }

    static func parseInput(_ input: JSON) throws(APIError) -> [EmbeddingInput] {
        switch input {
        case let .string(s):
            guard !s.isEmpty else { throw invalidInput }
            return [.text(s)]
        case let .array(items):
            guard let first = items.first else { throw invalidInput }
            // The 2048 limit counts inputs; one flat token array is one input (limited by tokens instead).
            let flatTokens: Bool
            switch first { case .int, .double: flatTokens = true; default: flatTokens = false }
            if items.count > maxInputs && !flatTokens {
                throw .invalidRequest("Invalid 'input': array too long. Expected an array with maximum length \(maxInputs), but got an array with length \(items.count) instead.",
                                      param: "input", code: "array_above_max_length")
            }
            switch first {
            case .string:
                var out: [EmbeddingInput] = []
                out.reserveCapacity(items.count)
                for item in items {
                    guard case let .string(s) = item, !s.isEmpty else { throw invalidInput }
                    out.append(.text(s))
                }
                return out
            case .int, .double:
                return [.tokens(try tokenIDs(items))]
            case .array:
                var out: [EmbeddingInput] = []
                out.reserveCapacity(items.count)
                for item in items {
                    guard case let .array(ids) = item, !ids.isEmpty else { throw invalidInput }
                    out.append(.tokens(try tokenIDs(ids)))
                }
                return out
            default:
                throw invalidInput
            }
        default:
            throw invalidInput
        }
    }

    static func tokenIDs(_ items: [JSON]) throws(APIError) -> [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(items.count)
        for item in items {
            guard let i = item.intValue, i >= 0, i <= Int64(maxTokenID) else { throw invalidInput }
            ids.append(Int(i))
        }
        return ids
    }
}

import SimSupport

/// One part of a multi-modal moderation input.
public enum ModerationPart: Sendable, Equatable {
    case text(String)
    case imageURL(String)
}

/// One moderation input (one entry of `results`): a string, or text/image parts judged together.
public enum ModerationInput: Sendable, Equatable {
    case text(String)
    case parts([ModerationPart])

    var hasImage: Bool {
        guard case let .parts(ps) = self else { return false }
        return ps.contains { if case .imageURL = $0 { return true }; return false }
    }
}

/// A validated `CreateModerationRequest`.
public struct ModerationRequest: Sendable, Equatable {
    public static let defaultModel = "omni-moderation-latest"
    public var model: String
    public var inputs: [ModerationInput]

    public init(model: String = defaultModel, inputs: [ModerationInput]) {
        self.model = model
        self.inputs = inputs
    }

    /// Parses a JSON request body (an object), failing as the API does.
    public static func parse(_ body: JSON) throws(APIError) -> ModerationRequest {
        var model = defaultModel
        if let m = body["model"], !m.isNull {
            guard let s = m.stringValue else { throw .invalidType("model", expected: "a string", got: m) }
            model = s
        }
        guard let input = body["input"], !input.isNull else { throw .missingParameter("input") }
        return ModerationRequest(model: model, inputs: try parseInput(input))
    }

    static func parseInput(_ input: JSON) throws(APIError) -> [ModerationInput] {
        switch input {
        case let .string(s):
            return [.text(s)]
        case let .array(items):
            guard let first = items.first else {
                throw .invalidRequest("Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                                      param: "input", code: "empty_array")
            }
            if case .string = first {
                var out: [ModerationInput] = []
                out.reserveCapacity(items.count)
                for (i, item) in items.enumerated() {
                    guard let s = item.stringValue else { throw .invalidType("input[\(i)]", expected: "a string", got: item) }
                    out.append(.text(s))
                }
                return out
            }
            var parts: [ModerationPart] = []
            for (i, item) in items.enumerated() { parts.append(try parsePart(item, at: "input[\(i)]")) }
            return [.parts(parts)]
        default:
            throw .invalidType("input", expected: "a string or an array", got: input)
        }
    }

    static func parsePart(_ item: JSON, at path: String) throws(APIError) -> ModerationPart {
        guard case .object = item else { throw .invalidType(path, expected: "an object", got: item) }
        guard let typeValue = item["type"], !typeValue.isNull else { throw .missingParameter("\(path).type") }
        guard let type = typeValue.stringValue else { throw .invalidType("\(path).type", expected: "a string", got: typeValue) }
        switch type {
        case "text":
            guard let t = item["text"], !t.isNull else { throw .missingParameter("\(path).text") }
            guard let s = t.stringValue else { throw .invalidType("\(path).text", expected: "a string", got: t) }
            return .text(s)
        case "image_url":
            guard let iu = item["image_url"], !iu.isNull else { throw .missingParameter("\(path).image_url") }
            guard case .object = iu else { throw .invalidType("\(path).image_url", expected: "an object", got: iu) }
            guard let u = iu["url"], !u.isNull else { throw .missingParameter("\(path).image_url.url") }
            guard let url = u.stringValue else { throw .invalidType("\(path).image_url.url", expected: "a string", got: u) }
            guard !url.isEmpty else {
                throw .invalidRequest("Invalid '\(path).image_url.url': empty string. Expected a valid URL or base64-encoded data URL.",
                                      param: "\(path).image_url.url", code: "invalid_value")
            }
            return .imageURL(url)
        default:
            throw .invalidValue("\(path).type", type, supported: ["text", "image_url"])
        }
    }
}

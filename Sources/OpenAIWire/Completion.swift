/// The body of `POST /v1/completions` (`CreateCompletionRequest`, the legacy Completions API).
public struct CreateCompletionRequest: Encodable, Sendable {
    /// `prompt`: a string, several strings, or token ids.
    public enum Prompt: Encodable, Sendable, Hashable {
        case text(String)
        case texts([String])
        case tokens([Int])

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case let .text(s): try c.encode(s)
            case let .texts(s): try c.encode(s)
            case let .tokens(t): try c.encode(t)
            }
        }
    }

    public var model: String
    public var prompt: Prompt
    public var maxTokens: Int?
    public var n: Int?
    public var bestOf: Int?
    public var echo: Bool?
    public var logprobs: Int?
    public var stop: [String]?
    public var seed: Int?
    public var temperature: Double?
    public var suffix: String?
    public var user: String?
    /// Set by the client: `create` sends false/absent, `stream` sends true.
    public var stream: Bool?
    public var streamOptions: CreateChatCompletionRequest.StreamOptions?

    public init(model: String, prompt: Prompt, maxTokens: Int? = nil, n: Int? = nil, seed: Int? = nil) {
        self.model = model
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.n = n
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case model, prompt, n, echo, logprobs, stop, seed, temperature, suffix, user, stream
        case maxTokens = "max_tokens", bestOf = "best_of", streamOptions = "stream_options"
    }
}

/// A legacy completion (`CreateCompletionResponse`), also each chunk of its stream.
public struct Completion: Codable, Sendable, Hashable {
    public struct Choice: Codable, Sendable, Hashable {
        /// The legacy logprobs object.
        public struct Logprobs: Codable, Sendable, Hashable {
            public let tokens: [String]?
            public let tokenLogprobs: [Double]?
            public let topLogprobs: [[String: Double]]?
            public let textOffset: [Int]?
            enum CodingKeys: String, CodingKey {
                case tokens, tokenLogprobs = "token_logprobs", topLogprobs = "top_logprobs", textOffset = "text_offset"
            }
        }
        public let text: String
        public let index: Int
        public let logprobs: Logprobs?
        /// `stop`, `length` or `content_filter`; nil in a stream chunk before a choice's last.
        public let finishReason: String?
        enum CodingKeys: String, CodingKey { case text, index, logprobs, finishReason = "finish_reason" }
    }

    public let id: String
    public let object: String
    public let created: Int
    public let model: String
    public let systemFingerprint: String?
    public let choices: [Choice]
    public let usage: CompletionUsage?

    enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage, systemFingerprint = "system_fingerprint"
    }
}

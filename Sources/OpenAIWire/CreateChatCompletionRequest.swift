/// The body of `POST /v1/chat/completions` (`CreateChatCompletionRequest`), common fields only.
public struct CreateChatCompletionRequest: Encodable, Sendable {
    /// A message with text content.
    public struct Message: Codable, Sendable, Hashable {
        public var role: String
        public var content: String
        public var name: String?

        public init(role: String, content: String, name: String? = nil) {
            self.role = role
            self.content = content
            self.name = name
        }

        public static func system(_ text: String) -> Message { Message(role: "system", content: text) }
        public static func developer(_ text: String) -> Message { Message(role: "developer", content: text) }
        public static func user(_ text: String) -> Message { Message(role: "user", content: text) }
        public static func assistant(_ text: String) -> Message { Message(role: "assistant", content: text) }
    }

    /// `stream_options`.
    public struct StreamOptions: Encodable, Sendable {
        public var includeUsage: Bool
        public init(includeUsage: Bool) { self.includeUsage = includeUsage }
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    public var model: String
    public var messages: [Message]
    public var temperature: Double?
    public var topP: Double?
    public var n: Int?
    public var maxCompletionTokens: Int?
    public var seed: Int?
    public var stop: [String]?
    public var user: String?
    public var store: Bool?
    public var metadata: [String: String]?
    public var tools: [JSONValue]?
    public var toolChoice: JSONValue?
    public var responseFormat: JSONValue?
    /// Set by the client: `create` sends false/absent, `stream` sends true.
    public var stream: Bool?
    public var streamOptions: StreamOptions?
    /// Moderated completions: `{"model": "omni-moderation-latest", "policy": {…}}`.
    public var moderation: JSONValue?
    /// Predicted Outputs: `{"type": "content", "content": "…"}`.
    public var prediction: JSONValue?

    public init(model: String, messages: [Message], temperature: Double? = nil, maxCompletionTokens: Int? = nil,
                n: Int? = nil, seed: Int? = nil) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.maxCompletionTokens = maxCompletionTokens
        self.n = n
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, n, seed, stop, user, store, metadata, tools, stream
        case topP = "top_p", maxCompletionTokens = "max_completion_tokens", toolChoice = "tool_choice"
        case responseFormat = "response_format", streamOptions = "stream_options", moderation, prediction
    }
}

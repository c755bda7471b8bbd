/// The body of `POST /v1/responses` (`CreateResponse`), common fields only.
public struct CreateResponse: Encodable, Sendable {
    /// `input`: a string, or a list of role/content messages.
    public enum Input: Encodable, Sendable {
        case text(String)
        case messages([CreateChatCompletionRequest.Message])

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case let .text(s): try c.encode(s)
            case let .messages(m): try c.encode(m)
            }
        }
    }

    public var model: String
    public var input: Input
    public var instructions: String?
    public var maxOutputTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var previousResponseID: String?
    public var store: Bool?
    public var metadata: [String: String]?
    public var tools: [JSONValue]?
    public var toolChoice: JSONValue?
    public var text: JSONValue?
    /// Set by the client: `create` sends absent, `stream` sends true.
    public var stream: Bool?

    public init(model: String, input: Input, instructions: String? = nil, maxOutputTokens: Int? = nil) {
        self.model = model
        self.input = input
        self.instructions = instructions
        self.maxOutputTokens = maxOutputTokens
    }

    enum CodingKeys: String, CodingKey {
        case model, input, instructions, temperature, store, metadata, tools, text, stream
        case maxOutputTokens = "max_output_tokens", topP = "top_p", previousResponseID = "previous_response_id"
        case toolChoice = "tool_choice"
    }
}

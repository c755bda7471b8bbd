/// The body of `POST /v1/responses` (`CreateResponse`), common fields only.
public struct CreateResponse: Encodable, Sendable {
    /// `input`: a string, a list of role/content messages, or a list of input items.
    public enum Input: Encodable, Sendable {
        case text(String)
        case messages([CreateChatCompletionRequest.Message])
        case items([InputItem])

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case let .text(s): try c.encode(s)
            case let .messages(m): try c.encode(m)
            case let .items(i): try c.encode(i)
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
    /// The conversation whose items come before `input`; the response's input and output are added to it.
    public var conversation: ConversationParam?
    public var store: Bool?
    public var metadata: [String: String]?
    public var tools: [JSONValue]?
    public var toolChoice: JSONValue?
    public var text: JSONValue?
    /// Set by the client: `create` sends absent, `stream` sends true.
    public var stream: Bool?
    /// Moderated completions: `{"model": "omni-moderation-latest", "policy": {…}}`.
    public var moderation: JSONValue?

    public init(model: String, input: Input, instructions: String? = nil, maxOutputTokens: Int? = nil) {
        self.model = model
        self.input = input
        self.instructions = instructions
        self.maxOutputTokens = maxOutputTokens
    }

    enum CodingKeys: String, CodingKey {
        case model, input, instructions, temperature, store, metadata, tools, text, stream, conversation
        case maxOutputTokens = "max_output_tokens", topP = "top_p", previousResponseID = "previous_response_id"
        case toolChoice = "tool_choice", moderation
    }
}

/// `conversation` of a create request (`ConversationParam`): a conversation id, or `{"id": …}`.
public enum ConversationParam: Encodable, Sendable, Hashable {
    /// `"conv_…"`.
    case id(String)
    /// `{"id": "conv_…"}`.
    case object(id: String)

    enum CodingKeys: String, CodingKey { case id }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .id(id):
            var c = encoder.singleValueContainer()
            try c.encode(id)
        case let .object(id):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
        }
    }
}

/// One item of an input list (`InputItem`): a role/content message with text (`EasyInputMessage`),
/// or any other item (a message with content parts, a tool call output, an `item_reference`, a
/// stored `ConversationItem`'s `json`, …) as JSON.
public enum InputItem: Encodable, Sendable, Hashable {
    case message(CreateChatCompletionRequest.Message)
    case item(JSONValue)

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .message(m): try m.encode(to: encoder)
        case let .item(j): try j.encode(to: encoder)
        }
    }

    public static func system(_ text: String) -> InputItem { .message(.system(text)) }
    public static func developer(_ text: String) -> InputItem { .message(.developer(text)) }
    public static func user(_ text: String) -> InputItem { .message(.user(text)) }
    public static func assistant(_ text: String) -> InputItem { .message(.assistant(text)) }
    /// `{"type": "item_reference", "id": …}`: an item already stored (in the conversation, or an earlier response's).
    public static func reference(_ id: String) -> InputItem { .item(["type": "item_reference", "id": .string(id)]) }
    /// `{"type": "function_call_output", "call_id": …, "output": …}`: the result of a function call.
    public static func functionCallOutput(callID: String, output: String) -> InputItem {
        .item(["type": "function_call_output", "call_id": .string(callID), "output": .string(output)])
    }
}

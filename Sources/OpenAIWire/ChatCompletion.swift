/// A chat completion (`CreateChatCompletionResponse` in the spec).
public struct ChatCompletion: Codable, Sendable, Hashable {
    /// Why generation stopped.
    public enum FinishReason: String, Codable, Sendable {
        case stop, length, toolCalls = "tool_calls", contentFilter = "content_filter", functionCall = "function_call"
    }

    /// A tool call made by the model.
    public struct ToolCall: Codable, Sendable, Hashable {
        /// The function and its JSON-encoded arguments.
        public struct Function: Codable, Sendable, Hashable {
            public let name: String
            public let arguments: String
        }
        /// A custom tool's name and free-form input (`type` "custom").
        public struct Custom: Codable, Sendable, Hashable {
            public let name: String
            public let input: String
        }
        public let id: String
        public let type: String
        public let function: Function?
        public let custom: Custom?
    }

    /// The assistant message (`ChatCompletionResponseMessage`).
    public struct Message: Codable, Sendable, Hashable {
        public let role: String
        public let content: String?
        public let refusal: String?
        public let toolCalls: [ToolCall]?
        /// `url_citation` annotations (search models).
        public let annotations: [JSONValue]?

        enum CodingKeys: String, CodingKey { case role, content, refusal, annotations, toolCalls = "tool_calls" }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            role = try c.decodeConstant("assistant", forKey: .role)
            content = try c.decodeNullable(String.self, forKey: .content)
            refusal = try c.decodeNullable(String.self, forKey: .refusal)
            toolCalls = try c.decodeIfPresent([ToolCall].self, forKey: .toolCalls)
            annotations = try c.decodeIfPresent([JSONValue].self, forKey: .annotations)
        }
    }

    /// One choice.
    public struct Choice: Codable, Sendable, Hashable {
        public let index: Int
        public let message: Message
        public let finishReason: FinishReason
        public let logprobs: JSONValue?

        enum CodingKeys: String, CodingKey { case index, message, logprobs, finishReason = "finish_reason" }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            index = try c.decode(Int.self, forKey: .index)
            message = try c.decode(Message.self, forKey: .message)
            finishReason = try c.decode(FinishReason.self, forKey: .finishReason)
            logprobs = try c.decodeNullable(JSONValue.self, forKey: .logprobs)
        }
    }

    public let id: String
    public let object: String
    public let created: Int
    public let model: String
    public let choices: [Choice]
    public let usage: CompletionUsage?
    public let serviceTier: String?
    public let systemFingerprint: String?
    /// Moderated completions' results (`{"input": …, "output": …}`), when requested.
    public let moderation: JSONValue?

    enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage, moderation
        case serviceTier = "service_tier", systemFingerprint = "system_fingerprint"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("chat.completion", forKey: .object)
        created = try c.decode(Int.self, forKey: .created)
        model = try c.decode(String.self, forKey: .model)
        choices = try c.decode([Choice].self, forKey: .choices)
        usage = try c.decodeIfPresent(CompletionUsage.self, forKey: .usage)
        serviceTier = try c.decodeIfPresent(String.self, forKey: .serviceTier)
        systemFingerprint = try c.decodeIfPresent(String.self, forKey: .systemFingerprint)
        moderation = try c.decodeIfPresent(JSONValue.self, forKey: .moderation)
    }
}

public typealias CreateChatCompletionResponse = ChatCompletion

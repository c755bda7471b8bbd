/// One streamed chat completion chunk (`CreateChatCompletionStreamResponse` in the spec).
public struct ChatCompletionChunk: Codable, Sendable, Hashable {
    /// A tool-call fragment (`ChatCompletionMessageToolCallChunk`).
    public struct ToolCallDelta: Codable, Sendable, Hashable {
        /// Function name/arguments fragments.
        public struct Function: Codable, Sendable, Hashable {
            public let name: String?
            public let arguments: String?
        }
        public let index: Int
        public let id: String?
        public let type: String?
        public let function: Function?
    }

    /// What this chunk adds (`ChatCompletionStreamResponseDelta`).
    public struct Delta: Codable, Sendable, Hashable {
        public let role: String?
        public let content: String?
        public let refusal: String?
        public let toolCalls: [ToolCallDelta]?

        enum CodingKeys: String, CodingKey { case role, content, refusal, toolCalls = "tool_calls" }
    }

    /// One choice's delta.
    public struct Choice: Codable, Sendable, Hashable {
        public let index: Int
        public let delta: Delta
        public let finishReason: ChatCompletion.FinishReason?
        public let logprobs: JSONValue?

        enum CodingKeys: String, CodingKey { case index, delta, logprobs, finishReason = "finish_reason" }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            index = try c.decode(Int.self, forKey: .index)
            delta = try c.decode(Delta.self, forKey: .delta)
            finishReason = try c.decodeNullable(ChatCompletion.FinishReason.self, forKey: .finishReason)
            logprobs = try c.decodeIfPresent(JSONValue.self, forKey: .logprobs)
        }
    }

    public let id: String
    public let object: String
    public let created: Int
    public let model: String
    public let choices: [Choice]
    public let usage: CompletionUsage?
    public let systemFingerprint: String?
    /// The moderation chunk's results (moderated completions).
    public let moderation: JSONValue?

    enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage, moderation, systemFingerprint = "system_fingerprint"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("chat.completion.chunk", forKey: .object)
        created = try c.decode(Int.self, forKey: .created)
        model = try c.decode(String.self, forKey: .model)
        choices = try c.decode([Choice].self, forKey: .choices)
        usage = try c.decodeIfPresent(CompletionUsage.self, forKey: .usage)
        systemFingerprint = try c.decodeIfPresent(String.self, forKey: .systemFingerprint)
        moderation = try c.decodeIfPresent(JSONValue.self, forKey: .moderation)
    }
}

public typealias CreateChatCompletionStreamResponse = ChatCompletionChunk

import SimSupport

/// Why generation stopped (the values both APIs report).
public enum FinishReason: String, Sendable {
    case stop
    case length
    case toolCalls = "tool_calls"
    case contentFilter = "content_filter"
}

/// One function call the model decided to make.
public struct GeneratedToolCall: Sendable, Equatable {
    public var name: String
    /// The arguments as a JSON string (what the wire carries); a custom tool's input text.
    public var arguments: String
    /// A custom tool's call (`arguments` is its free-form input).
    public var custom: Bool
    public init(name: String, arguments: String, custom: Bool = false) {
        self.name = name
        self.arguments = arguments
        self.custom = custom
    }
}

/// What a generator produced for one choice.
public struct GenerationOutput: Sendable, Equatable {
    /// Visible text (nil when the model only called tools).
    public var text: String?
    public var toolCalls: [GeneratedToolCall]
    public var finishReason: FinishReason
    /// Visible output tokens (text or tool-call arguments), excluding reasoning.
    public var outputTokens: Int
    /// Hidden reasoning tokens (reasoning models only); billed as output.
    public var reasoningTokens: Int

    public init(text: String?, toolCalls: [GeneratedToolCall] = [], finishReason: FinishReason, outputTokens: Int,
                reasoningTokens: Int = 0) {
        self.text = text
        self.toolCalls = toolCalls
        self.finishReason = finishReason
        self.outputTokens = outputTokens
        self.reasoningTokens = reasoningTokens
    }

    /// Output tokens as billed: visible + reasoning.
    public var totalOutputTokens: Int { outputTokens + reasoningTokens }
}

import SimSupport

extension APIError {
    /// 400 `context_length_exceeded`, worded as the API words it.
    public static func contextLengthExceeded(limit: Int, requested: Int, param: String = "messages") -> APIError {
        .invalidRequest("This model's maximum context length is \(limit) tokens. However, your messages resulted in \(requested) tokens. Please reduce the length of the messages.",
                        param: param, code: "context_length_exceeded")
    }
}

/// The context-window rule both text endpoints enforce.
public enum ContextWindow {
    /// Throws `context_length_exceeded` when `inputTokens` exceed the model's window.
    public static func check(_ model: ModelInfo, inputTokens: Int, param: String = "messages") throws(APIError) {
        if inputTokens > model.contextWindow {
            throw .contextLengthExceeded(limit: model.contextWindow, requested: inputTokens, param: param)
        }
    }
}

import SimSupport

/// Produces a model's output for one request. Implementations must be pure functions of the
/// request (same request ⇒ same output) so runs stay byte-identical.
public protocol TextGenerator: Sendable {
    func generate(_ request: GenerationRequest) -> GenerationOutput
}

/// A raw answer before budgets are applied: text, JSON, or tool calls.
public enum ModelAnswer: Sendable, Equatable {
    case text(String)
    case json(JSON)
    case toolCalls([GeneratedToolCall])
}

/// A source of answers consulted before the default generator (e.g. a fine-tuned model that
/// answers from its training examples). Return nil to let the next provider answer.
public protocol ModelAnswerProvider: Sendable {
    func answer(_ request: GenerationRequest) -> ModelAnswer?
}

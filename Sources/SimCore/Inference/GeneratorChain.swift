import SimSupport

/// The generator the endpoints use: scenario overrides first, then registered answer providers
/// (e.g. fine-tuned models answering from their training data), then `DeterministicGenerator`.
/// Every answer goes through the same budget (`Budget.finish`).
public final class GeneratorChain: TextGenerator {
    private let providers = Locked<[(id: String, provider: any ModelAnswerProvider)]>([])
    private let fallback: DeterministicGenerator

    public init(fallback: DeterministicGenerator = DeterministicGenerator()) {
        self.fallback = fallback
    }

    /// Adds (or replaces, by `id`) a provider consulted before the default generator.
    public func register(_ provider: any ModelAnswerProvider, id: String) {
        providers.withLock { p in
            p.removeAll { $0.id == id }
            p.append((id, provider))
        }
    }

    public func unregister(id: String) { providers.withLock { p in p.removeAll { $0.id == id } } }

    public func generate(_ r: GenerationRequest) -> GenerationOutput {
        Budget.finish(answer(r), r)
    }

    /// The raw answer before budgets.
    public func answer(_ r: GenerationRequest) -> ModelAnswer {
        if let o = overridden(r) { return o }
        let list = providers.withLock { $0 }
        for entry in list {
            if let a = entry.provider.answer(r), fits(a, r) { return a }
        }
        return fallback.answer(r) ?? .text("")
    }

    /// A scenario's fixed output: JSON becomes tool arguments when a tool must be called, the
    /// content when JSON is asked for, else its text; fixed text is always the content.
    func overridden(_ r: GenerationRequest) -> ModelAnswer? {
        if let t = r.overrides.outputText { return .text(t) }
        guard let j = r.overrides.outputJSON else { return nil }
        var toolName: String?
        switch r.toolChoice {
        case let .function(n): toolName = n
        case .required: toolName = r.tools.first?.name
        case .auto: if r.toolOutputs.isEmpty, case .text = r.format, r.tools.count == 1 { toolName = r.tools[0].name }
        case .none: break
        }
        if let name = toolName, r.toolOutputs.isEmpty { return .toolCalls([GeneratedToolCall(name: name, arguments: j.encodedString)]) }
        return .json(j)
    }

    /// Whether a provider's answer respects the requested format (else the next one answers).
    func fits(_ a: ModelAnswer, _ r: GenerationRequest) -> Bool {
        switch (a, r.format) {
        case (.toolCalls, _): return !r.tools.isEmpty
        case (.text, .text): return true
        case let (.text(s), .jsonObject):
            if let v = try? JSONParser.parse(s), case .object = v { return true }
            return false
        case let (.text(s), .jsonSchema(_, schema, _)):
            guard let v = try? JSONParser.parse(s) else { return false }
            return SchemaValidator.validate(v, against: schema).isEmpty
        case let (.json(v), .jsonSchema(_, schema, _)): return SchemaValidator.validate(v, against: schema).isEmpty
        case (.json, _): return true
        }
    }
}

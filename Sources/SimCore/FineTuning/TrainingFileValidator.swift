import SimSupport

/// Checks a fine-tuning JSONL file line by line, as the service does while a job is
/// `validating_files`, and measures it (examples, tokens) for hyperparameters and durations.
public struct TrainingFileValidator: Sendable {
    /// Why a file was refused; `code`/`message` become the job's `error`, `param` names the file field.
    public struct Failure: Error, Sendable, Equatable {
        public var code: String
        public var message: String
        public var line: Int?
    }

    /// What a valid file holds.
    public struct Summary: Sendable, Equatable {
        public var examples: Int
        /// Sum over examples of min(tokens, limit): the tokens one epoch trains on.
        public var billingTokens: Int
        /// (user turn, assistant reply) pairs the fine-tuned model answers from.
        public var pairs: [TrainedPair]
    }

    public static let minimumExamples = 10
    static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]
    static let messageKeys: Set<String> = ["role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call",
                                           "refusal", "thinking"]
    static let maxPairs = 5_000

    public let method: FineTuningHyperparameters.Method
    /// Per-example token limit of the base model.
    public let tokenLimit: Int
    public let requireMinimum: Bool

    public init(method: FineTuningHyperparameters.Method, tokenLimit: Int, requireMinimum: Bool = true) {
        self.method = method
        self.tokenLimit = tokenLimit
        self.requireMinimum = requireMinimum
    }

    /// Validates `bytes`; the first bad line fails the whole file, as the service reports one problem at a time.
    public func validate(_ bytes: [UInt8]) -> Result<Summary, Failure> {
        var summary = Summary(examples: 0, billingTokens: 0, pairs: [])
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        for (i, raw) in lines.enumerated() {
            var line = raw
            if line.last == 0x0D { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            switch check(line: Array(line), number: i + 1) {
            case let .failure(f): return .failure(f)
            case let .success((tokens, pairs)):
                summary.examples += 1
                summary.billingTokens += min(tokens, tokenLimit)
                if summary.pairs.count < Self.maxPairs { summary.pairs += pairs.prefix(Self.maxPairs - summary.pairs.count) }
            }
        }
        if requireMinimum, summary.examples < Self.minimumExamples {
            return .failure(Failure(code: "invalid_n_examples",
                                    message: "Training file has \(summary.examples) example(s), but must have at least \(Self.minimumExamples) examples.",
                                    line: nil))
        }
        return .success(summary)
    }

    private func fail(_ n: Int, _ problem: String) -> Result<(Int, [TrainedPair]), Failure> {
        .failure(Failure(code: "invalid_file_format", message: "Invalid file format. Line \(n): \(problem)", line: n))
    }

    func check(line: [UInt8], number n: Int) -> Result<(Int, [TrainedPair]), Failure> {
        guard let value = try? JSONParser.parse(line) else { return fail(n, "the line is not valid JSON.") }
        guard value.objectValue != nil else { return fail(n, "each line must be a JSON object, got \(APIError.article(value.typeName)).") }
        let checked: Result<(Int, [TrainedPair]), Failure>
        switch method {
        case .supervised: checked = supervised(value, n)
        case .dpo: checked = dpo(value, n)
        case .reinforcement: checked = reinforcement(value, n)
        }
        if case let .success((tokens, _)) = checked, tokens > tokenLimit {
            return .failure(Failure(code: "exceeds_token_limit",
                                    message: "Example on line \(n) has \(tokens) tokens, which exceeds the maximum of \(tokenLimit) tokens per example for this model.",
                                    line: n))
        }
        return checked
    }

    /// `messages` array: valid roles and keys, content present, weight 0/1 on assistant turns only.
    private func messages(_ v: JSON?, _ key: String, _ n: Int) -> Result<[JSON], Failure> {
        guard let v else {
            return .failure(Failure(code: "invalid_file_format", message: "Invalid file format. Line \(n): missing required key '\(key)'.", line: n))
        }
        guard let list = v.arrayValue, !list.isEmpty else {
            return .failure(Failure(code: "invalid_file_format", message: "Invalid file format. Line \(n): '\(key)' must be a non-empty array.", line: n))
        }
        for (i, m) in list.enumerated() {
            let where_ = "\(key)[\(i)]"
            func bad(_ p: String) -> Result<[JSON], Failure> {
                .failure(Failure(code: "invalid_file_format", message: "Invalid file format. Line \(n), \(where_): \(p)", line: n))
            }
            guard let pairs = m.objectValue else { return bad("each message must be an object.") }
            for (k, _) in pairs where !Self.messageKeys.contains(k) { return bad("unrecognized key '\(k)'.") }
            guard let role = m["role"]?.stringValue else { return bad("missing 'role'.") }
            guard Self.roles.contains(role) else {
                return bad("unrecognized role '\(role)'; expected one of system, developer, user, assistant, tool.")
            }
            let content = m["content"] ?? .null
            let hasCalls = m["tool_calls"] != nil || m["function_call"] != nil
            if content.isNull {
                if !(role == "assistant" && hasCalls) { return bad("missing 'content'.") }
            } else if content.stringValue == nil {
                guard let parts = content.arrayValue, parts.allSatisfy({ $0["type"]?.stringValue != nil }) else {
                    return bad("'content' must be a string or an array of content parts.")
                }
            }
            if let w = m["weight"] {
                guard role == "assistant" else { return bad("'weight' is only allowed on assistant messages.") }
                guard let wi = w.intValue, wi == 0 || wi == 1 else { return bad("'weight' must be 0 or 1.") }
            }
        }
        return .success(list)
    }

    private func supervised(_ ex: JSON, _ n: Int) -> Result<(Int, [TrainedPair]), Failure> {
        let list: [JSON]
        switch messages(ex["messages"], "messages", n) {
        case let .failure(f): return .failure(f)
        case let .success(l): list = l
        }
        if let tools = ex["tools"], tools.arrayValue == nil { return fail(n, "'tools' must be an array.") }
        guard list.contains(where: { $0["role"]?.stringValue == "assistant" }) else {
            return fail(n, "the example has no assistant message; each example needs at least one.")
        }
        return .success((FineTuningTokens.count(messages: list), Self.pairs(list)))
    }

    private func dpo(_ ex: JSON, _ n: Int) -> Result<(Int, [TrainedPair]), Failure> {
        guard let input = ex["input"] else { return fail(n, "missing required key 'input'.") }
        guard input.objectValue != nil else { return fail(n, "'input' must be an object with 'messages'.") }
        let list: [JSON]
        switch messages(input["messages"], "input.messages", n) {
        case let .failure(f): return .failure(f)
        case let .success(l): list = l
        }
        guard list.contains(where: { $0["role"]?.stringValue == "user" }) else { return fail(n, "'input.messages' needs a user message.") }
        var tokens = FineTuningTokens.count(messages: list)
        var preferred = ""
        for key in ["preferred_output", "non_preferred_output"] {
            let out: [JSON]
            switch messages(ex[key], key, n) {
            case let .failure(f): return .failure(f)
            case let .success(l): out = l
            }
            guard out.count == 1, out[0]["role"]?.stringValue == "assistant" else {
                return fail(n, "'\(key)' must hold exactly one assistant message.")
            }
            tokens += FineTuningTokens.count(messages: out)
            if key == "preferred_output" { preferred = TrainingText.text(of: out[0]["content"] ?? .null) }
        }
        let user = list.last { $0["role"]?.stringValue == "user" }.map { TrainingText.text(of: $0["content"] ?? .null) } ?? ""
        return .success((tokens, preferred.isEmpty ? [] : [TrainedPair(user: user, assistant: preferred)]))
    }

    private func reinforcement(_ ex: JSON, _ n: Int) -> Result<(Int, [TrainedPair]), Failure> {
        let list: [JSON]
        switch messages(ex["messages"], "messages", n) {
        case let .failure(f): return .failure(f)
        case let .success(l): list = l
        }
        guard list.contains(where: { $0["role"]?.stringValue == "user" }) else { return fail(n, "'messages' needs a user message.") }
        if list.last?["role"]?.stringValue == "assistant" {
            return fail(n, "the last message must not be an assistant message; the model writes the reply that is graded.")
        }
        return .success((FineTuningTokens.count(messages: list), []))
    }

    /// Each weighted assistant turn with the user turn before it.
    static func pairs(_ list: [JSON]) -> [TrainedPair] {
        var out: [TrainedPair] = []
        var lastUser: String?
        for m in list {
            let text = TrainingText.text(of: m["content"] ?? .null)
            switch m["role"]?.stringValue {
            case "user": lastUser = text
            case "assistant":
                if let u = lastUser, !text.isEmpty, m["weight"]?.intValue != 0 { out.append(TrainedPair(user: u, assistant: text)) }
            default: break
            }
        }
        return out
    }
}

/// One thing the fine-tuned model learned to say: `assistant` in reply to `user`.
public struct TrainedPair: Sendable, Equatable {
    public var user: String
    public var assistant: String
    public init(user: String, assistant: String) { self.user = user; self.assistant = assistant }
}

import SimSupport

/// The default model: readable, varied English (or schema-conforming JSON, or tool calls) that
/// is a pure function of (seed, model, input). Longer questions get longer answers; "briefly",
/// "one sentence", "in detail" and "list" change the shape; `Say "x"` answers x.
public struct DeterministicGenerator: TextGenerator, ModelAnswerProvider {
    public init() {}

    public func generate(_ request: GenerationRequest) -> GenerationOutput {
        Budget.finish(answer(request) ?? .text(""), request)
    }

    /// Always answers (the last link of a chain).
    public func answer(_ r: GenerationRequest) -> ModelAnswer? {
        if r.toolOutputs.isEmpty, let calls = ToolSelector.calls(for: r) { return .toolCalls(calls) }
        let hints = SchemaHints.from(r.lastUserMessage)
        switch r.format {
        case let .jsonSchema(_, schema, _):
            return .json(SchemaValueGenerator.generate(schema, seed: r.contentSeed, hints: hints))
        case .jsonObject:
            var w = SentenceWriter(seed: r.contentSeed, topics: hints.topics)
            var pairs: [(String, JSON)] = [("answer", .string(w.sentence()))]
            if !hints.topics.isEmpty { pairs.append(("topics", .array(hints.topics.prefix(3).map { .string($0) }))) }
            return .json(.object(pairs))
        case .text:
            return .text(r.toolOutputs.isEmpty ? text(r) : toolFollowUp(r))
        }
    }

    func text(_ r: GenerationRequest) -> String {
        let user = r.lastUserMessage
        if let quoted = Self.requestedVerbatim(user) { return quoted }
        let lower = user.lowercased()
        let topics = TextAnalysis.topicWords(user).isEmpty ? TextAnalysis.topicWords(r.prompt) : TextAnalysis.topicWords(user)
        var w = SentenceWriter(seed: r.contentSeed, topics: topics)
        if lower.contains("one word") || lower.contains("single word") {
            return w.capitalized(topics.first ?? w.pick(WordBank.nouns)) + "."
        }
        if lower.contains("yes or no") { return w.chance(0.5) ? "Yes." : "No." }
        if lower.contains("one sentence") || lower.contains("single sentence") { return w.sentence() }
        let userTokens = TokenEstimator.count(user)
        var lengthRng = SeededRandom(seed: StableHash.mix(r.contentSeed, 0x1e57))
        let jitter = lengthRng.unit()
        var target = 40 + min(userTokens, 240) / 2 + Int(jitter * 80)
        if ["briefly", "brief", "short", "concise", "tl;dr", "few words", "quick"].contains(where: lower.contains) { target = 18 }
        if ["in detail", "detailed", "essay", "thorough", "comprehensive", "in depth", "long"].contains(where: lower.contains) {
            target = 380 + Int(jitter * 220)
        }
        if ["list", "bullet", "steps"].contains(where: lower.contains) { return list(&w, target: target) }
        var out = w.chance(0.6) ? w.opener() : ""
        var tokens = TokenEstimator.count(out)
        var inParagraph = 0
        while tokens < target {
            let s = w.sentence()
            if out.isEmpty {
                out = s
            } else if inParagraph >= 3 && w.chance(0.45) {
                out += "\n\n" + s
                inParagraph = 0
            } else {
                out += " " + s
            }
            inParagraph += 1
            tokens += TokenEstimator.count(s) + 1
        }
        if target > 120, w.chance(0.5) { out += "\n\n" + w.closer() }
        return out
    }

    private func list(_ w: inout SentenceWriter, target: Int) -> String {
        let items = max(3, min(8, target / 20))
        var lines = [w.opener()]
        for i in 1...items { lines.append("\(i). " + w.sentence()) }
        return lines.joined(separator: "\n")
    }

    /// A text answer that uses the results of the tools the model called.
    func toolFollowUp(_ r: GenerationRequest) -> String {
        var parts: [String] = []
        for t in r.toolOutputs {
            let source = t.name.map { "the \($0) result" } ?? "the tool result"
            if let obj = try? JSONParser.parse(t.output), let pairs = obj.objectValue, !pairs.isEmpty {
                let facts = pairs.prefix(4).compactMap { k, v -> String? in
                    let key = k.replacingUnderscores
                    switch v {
                    case let .string(s): return "the \(key) is \(s)"
                    case let .int(i): return "the \(key) is \(i)"
                    case let .double(d): return "the \(key) is \(d)"
                    case let .bool(b): return "\(key) is \(b ? "true" : "false")"
                    default: return nil
                    }
                }
                parts.append(facts.isEmpty ? "According to \(source), the request succeeded." :
                    "According to \(source), " + Self.joinedList(facts) + ".")
            } else {
                let snippet = t.output.trimmingWhitespace
                parts.append(snippet.isEmpty ? "The tool returned no output." : "According to \(source): \(String(snippet.prefix(300)))")
            }
        }
        var w = SentenceWriter(seed: r.contentSeed, topics: TextAnalysis.topicWords(r.lastUserMessage))
        if w.chance(0.5) { parts.append(w.sentence()) }
        return parts.joined(separator: " ")
    }

    static func joinedList(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }

    /// `Say "x"`, `Reply with 'x'`, `Respond with only: x`, `Repeat after me: x` → x.
    static func requestedVerbatim(_ text: String) -> String? {
        let lower = text.lowercased()
        for cue in ["say ", "reply with ", "respond with ", "answer with ", "repeat after me", "output ", "print "] {
            guard let r = lower.firstRange(of: cue) else { continue }
            let offset = lower.distance(from: lower.startIndex, to: r.upperBound)
            let rest = text.dropFirst(offset)
            if let q = rest.first(where: { $0 == "\"" || $0 == "'" || $0 == "`" || $0 == "“" }),
               let open = rest.firstIndex(of: q), rest.distance(from: rest.startIndex, to: open) <= 14 {
                let closeChar: Character = q == "“" ? "”" : q
                let after = rest[rest.index(after: open)...]
                if let close = after.firstIndex(of: closeChar), after.distance(from: after.startIndex, to: close) > 0 {
                    return String(after[..<close])
                }
            }
            if let colon = rest.firstIndex(of: ":"), rest.distance(from: rest.startIndex, to: colon) <= 14 {
                let v = rest[rest.index(after: colon)...].trimmingWhitespace
                if !v.isEmpty, v.count <= 200 { return v }
            }
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }

    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}

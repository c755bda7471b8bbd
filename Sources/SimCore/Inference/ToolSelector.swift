import SimSupport

/// Decides which functions the default model calls, and with what arguments.
/// `required` calls the best-matching tool, a named choice calls that tool, and `auto` calls a
/// tool only when the last user message clearly asks for it: it names the function (or the
/// words of its name) or shares several content words with its description.
enum ToolSelector {
    /// Score at which `auto` decides a message calls for a tool.
    static let autoThreshold = 3

    static func calls(for r: GenerationRequest) -> [GeneratedToolCall]? {
        guard !r.tools.isEmpty else { return nil }
        let chosen: [FunctionTool]
        switch r.toolChoice {
        case .none: return nil
        case let .function(name):
            guard let t = r.tools.first(where: { $0.name == name }) else { return nil }
            chosen = [t]
        case .required:
            let ranked = rank(r)
            guard let best = ranked.first else { return nil }
            let strong = ranked.filter { $0.score >= autoThreshold }
            chosen = r.parallelToolCalls && strong.count > 1 ? strong.map(\.tool) : [best.tool]
        case .auto:
            let strong = rank(r).filter { $0.score >= autoThreshold }
            guard let first = strong.first else { return nil }
            chosen = r.parallelToolCalls ? strong.map(\.tool) : [first.tool]
        }
        let hints = SchemaHints.from(r.lastUserMessage)
        return chosen.enumerated().map { i, tool in
            let seed = StableHash.mix(r.contentSeed, StableHash.fnv1a(tool.name) &+ UInt64(i))
            if let format = tool.custom {
                return GeneratedToolCall(name: tool.name, arguments: CustomToolInput.generate(tool, format: format, request: r.lastUserMessage, seed: seed),
                                         custom: true)
            }
            let schema = tool.parameters ?? .object([("type", "object"), ("properties", .object([]))])
            let args = SchemaValueGenerator.generate(schema, seed: seed, hints: hints)
            return GeneratedToolCall(name: tool.name, arguments: args.encodedString)
        }
    }

    /// Tools by how clearly the last user message asks for them (best first, stable).
    static func rank(_ r: GenerationRequest) -> [(tool: FunctionTool, score: Int)] {
        let userWords = TextAnalysis.words(r.lastUserMessage)
        let userSet = Set(userWords)
        let lowerUser = TextAnalysis.lowerBytes(r.lastUserMessage)
        var scored: [(tool: FunctionTool, score: Int, index: Int)] = []
        for (i, tool) in r.tools.enumerated() {
            var score = 0
            if TextAnalysis.find(String(decoding: TextAnalysis.lowerBytes(tool.name), as: UTF8.self), in: lowerUser) != nil { score += 10 }
            for part in nameParts(tool.name) where part.count >= 4 && !WordBank.stopwords.contains(part) {
                if userWords.contains(where: { TextAnalysis.sameStem($0, part) }) { score += 3 }
            }
            var seen = Set<String>()
            for w in TextAnalysis.words(tool.description ?? "") where w.count >= 4 && !WordBank.stopwords.contains(w) && seen.insert(w).inserted {
                if userSet.contains(w) || userWords.contains(where: { TextAnalysis.sameStem($0, w) }) { score += 1 }
            }
            scored.append((tool, score, i))
        }
        return scored.sorted { ($0.score, -$0.index) > ($1.score, -$1.index) }.map { ($0.tool, $0.score) }
    }

    /// `get_current_weather` / `getCurrentWeather` → ["get", "current", "weather"].
    static func nameParts(_ name: String) -> [String] {
        var parts: [String] = []
        var cur = ""
        for ch in name {
            if ch == "_" || ch == "-" || ch == "." || ch == " " {
                if !cur.isEmpty { parts.append(cur.lowercased()); cur = "" }
            } else if ch.isUppercase, !cur.isEmpty, cur.last?.isLowercase == true {
                parts.append(cur.lowercased()); cur = String(ch)
            } else {
                cur.append(ch)
            }
        }
        if !cur.isEmpty { parts.append(cur.lowercased()) }
        return parts
    }
}

import SimSupport

/// Decides which functions the default model calls, and with what arguments.
/// `required` calls the best-matching tool, a named choice calls that tool, and `auto` calls a
/// tool only when the request clearly asks for it: the last user message names the function
/// (or the words of its name), or shares several content words with its description and its
/// parameters (property names, enum values), the system/developer instructions naming the tool
/// counting for two of them ("… by calling the query function").
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
        let guidance = instructions(r.prompt)
        let guidanceWords = Set(TextAnalysis.words(guidance))
        let lowerGuidance = TextAnalysis.lowerBytes(guidance)
        var scored: [(tool: FunctionTool, score: Int, index: Int)] = []
        for (i, tool) in r.tools.enumerated() {
            var score = 0
            let lowerName = String(decoding: TextAnalysis.lowerBytes(tool.name), as: UTF8.self)
            if TextAnalysis.find(lowerName, in: lowerUser) != nil { score += 10 }
            let parts = nameParts(tool.name)
            for part in parts where part.count >= 4 && !WordBank.stopwords.contains(part) {
                if userWords.contains(where: { TextAnalysis.sameStem($0, part) }) { score += 3 }
            }
            // The instructions name the tool (as a word, or its name's words in order).
            if guidanceWords.contains(lowerName) || (parts.count > 1 && TextAnalysis.find(parts.joined(separator: " "), in: lowerGuidance) != nil) {
                score += 2
            }
            var seen = Set<String>()
            for w in TextAnalysis.words(tool.description ?? "") where w.count >= 4 && !WordBank.stopwords.contains(w) && seen.insert(w).inserted {
                if userSet.contains(w) || userWords.contains(where: { TextAnalysis.sameStem($0, w) }) { score += 1 }
            }
            // The user asks about what the parameters name (at most 3 points).
            var parameterPoints = 0
            for w in parameterWords(tool.parameters) where !seen.contains(w) {
                if userSet.contains(w) || userWords.contains(where: { TextAnalysis.sameStem($0, w) }) { parameterPoints += 1 }
            }
            score += min(parameterPoints, 3)
            scored.append((tool, score, i))
        }
        return scored.sorted { ($0.score, -$0.index) > ($1.score, -$1.index) }.map { ($0.tool, $0.score) }
    }

    /// The system and developer messages of a flattened prompt ("role: content" per message,
    /// a message's further lines without a prefix), joined.
    static func instructions(_ prompt: String) -> String {
        var out: [Substring] = []
        var inInstructions = false
        for line in prompt.split(separator: "\n", omittingEmptySubsequences: false) {
            if let colon = line.firstIndex(of: ":"), line[line.index(after: colon)...].hasPrefix(" "),
               Self.roles.contains(String(line[..<colon])) {
                let role = line[..<colon]
                inInstructions = role == "system" || role == "developer"
                if inInstructions { out.append(line[line.index(colon, offsetBy: 2)...]) }
            } else if inInstructions {
                out.append(line)
            }
        }
        return out.joined(separator: "\n")
    }

    private static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]

    /// The content words a parameters schema names: its property names' words and its string
    /// enum values' words (4+ letters, not stopwords), nested schemas and `$defs` included.
    static func parameterWords(_ schema: JSON?) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        func add(_ text: String) {
            for w in nameParts(text).flatMap({ TextAnalysis.words($0) }) where w.count >= 4 && !WordBank.stopwords.contains(w) {
                if seen.insert(w).inserted { out.append(w) }
            }
        }
        func walk(_ v: JSON, depth: Int) {
            guard depth < 8 else { return }
            switch v {
            case let .object(pairs):
                for (k, x) in pairs {
                    if k == "properties", case let .object(props) = x {
                        for (name, sub) in props { add(name); walk(sub, depth: depth + 1) }
                    } else if k == "enum", let values = x.arrayValue {
                        for e in values { if let s = e.stringValue { add(s) } }
                    } else if k != "description" && k != "title" {
                        walk(x, depth: depth + 1)
                    }
                }
            case let .array(items):
                for x in items { walk(x, depth: depth + 1) }
            default: break
            }
        }
        if let schema { walk(schema, depth: 0) }
        return out
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

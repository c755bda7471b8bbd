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
        switch r.format {
        case let .jsonSchema(_, schema, _):
            return .json(SchemaValueGenerator.generate(schema, seed: r.contentSeed, hints: SchemaHints.from(r.lastUserMessage)))
        case .jsonObject:
            let hints = SchemaHints.from(r.lastUserMessage)
            var w = SentenceWriter(seed: r.contentSeed, topics: hints.topics)
            var pairs: [(String, JSON)] = [("answer", .string(w.sentence()))]
            if !hints.topics.isEmpty { pairs.append(("topics", .array(hints.topics.prefix(3).map { .string($0) }))) }
            return .json(.object(pairs))
        case .text:
            // A prediction (a file regenerated with changes the model cannot make up here) is repeated.
            if r.toolOutputs.isEmpty, let p = r.prediction { return .text(p) }
            return .text(r.toolOutputs.isEmpty ? text(r) : toolFollowUp(r))
        }
    }

    /// Phrases that change the answer's shape, found in one pass over the user's message
    /// together with the verbatim cues (`Say "x"`, only near the start).
    enum Cue: Int {
        case oneWord, yesNo, oneSentence, brief, detailed, list
        static let shapeGroups = [
            ["one word", "single word"], ["yes or no"], ["one sentence", "single sentence"],
            ["briefly", "brief", "short", "concise", "tl;dr", "few words", "quick"],
            ["in detail", "detailed", "essay", "thorough", "comprehensive", "in depth", "long"],
            ["list", "bullet", "steps"],
        ]
        /// The shape groups, then each verbatim cue as a group of its own (group `firstVerbatim + i`
        /// is `verbatimCues[i]`), looked for only in the first `verbatimWindow` bytes.
        static let firstVerbatim = shapeGroups.count
        static let set = CueSet(shapeGroups + verbatimCues.map { [$0] }, openingGroups: Set(firstVerbatim..<(firstVerbatim + verbatimCues.count)),
                                opening: verbatimWindow)

        /// Shape-cue groups (bit = `Cue.rawValue`) and verbatim cues found (bit i = `verbatimCues[i]`).
        static func scan(_ text: String) -> (shape: UInt64, verbatim: UInt64) {
            let groups = set.groups(in: text)
            return (groups & ((1 << UInt64(firstVerbatim)) - 1), groups >> UInt64(firstVerbatim))
        }
    }

    func text(_ r: GenerationRequest) -> String {
        let user = r.lastUserMessage
        let (cues, verbatim) = Cue.scan(user)
        if verbatim != 0, let quoted = Self.requestedVerbatim(user, found: verbatim) { return quoted }
        let seed = r.contentSeed
        if let hello = Self.greetingReply(user, seed: seed) { return hello }
        func has(_ cue: Cue) -> Bool { cues & (1 << UInt64(cue.rawValue)) != 0 }
        var topics = TextAnalysis.topicWords(user)
        if topics.isEmpty { topics = TextAnalysis.topicWords(r.prompt) }
        var w = SentenceWriter(seed: seed, topics: topics)
        if has(.oneWord) {
            return w.capitalized(topics.first ?? w.pick(WordBank.nouns)) + "."
        }
        if has(.yesNo) { return w.chance(0.5) ? "Yes." : "No." }
        if has(.oneSentence) { return w.sentence() }
        let userTokens = r.lastUserMessageTokens
        var lengthRng = SeededRandom(seed: StableHash.mix(seed, 0x1e57))
        let jitter = lengthRng.unit()
        var target = 40 + min(userTokens, 240) / 2 + Int(jitter * 80)
        if has(.brief) { target = 18 }
        if has(.detailed) { target = 380 + Int(jitter * 220) }
        if has(.list) { return list(&w, target: target) }
        let opener = w.chance(0.6) ? w.opener() : ""
        // Built as bytes and made a String once (each String `+=` costs a few hundred instructions).
        var out: [UInt8] = []
        out.reserveCapacity(target * 6 + 64)
        out.appendUTF8(opener)
        var tokens = TokenEstimator.count(opener)
        var inParagraph = 0
        while tokens < target {
            let s = w.sentence()
            if out.isEmpty {
            } else if inParagraph >= 3 && w.chance(0.45) {
                out.append(0x0A); out.append(0x0A)
                inParagraph = 0
            } else {
                out.append(0x20)
            }
            out.appendUTF8(s)
            inParagraph += 1
            tokens += TokenEstimator.count(s) + 1
        }
        if target > 120, w.chance(0.5) {
            out.append(0x0A); out.append(0x0A)
            out.appendUTF8(w.closer())
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A short greeting ("hi", "hello there", "good morning!") gets a short greeting back.
    static func greetingReply(_ text: String, seed: UInt64) -> String? {
        guard text.utf8.count <= 40 else { return nil }
        let words = TextAnalysis.words(text)
        guard let first = words.first, words.count <= 4 else { return nil }
        let greetings: Set<String> = ["hi", "hello", "hey", "hiya", "howdy", "greetings", "yo", "morning", "evening", "good"]
        guard greetings.contains(first), first != "good" || words.count > 1 && ["morning", "afternoon", "evening", "day"].contains(words[1]) else {
            return nil
        }
        let replies = ["Hello! How can I help you today?", "Hi there! What can I do for you?", "Hey! How can I help?",
                       "Hello! What would you like to talk about?"]
        return replies[Int(seed % UInt64(replies.count))]
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

    static let verbatimCues = ["say ", "reply with ", "respond with ", "answer with ", "repeat after me", "output ", "print "]
    /// Only an instruction near the start counts ("Say 'x'" opens a message).
    static let verbatimWindow = 400

    /// `Say "x"`, `Reply with 'x'`, `Respond with only: x`, `Repeat after me: x` → x, given the
    /// verbatim cues found in the text's opening (bit i = `verbatimCues[i]`, see `Cue.scan`).
    static func requestedVerbatim(_ text: String, found: UInt64) -> String? {
        let low = TextAnalysis.withBytes(text) { $0.prefix(verbatimWindow).map(TextAnalysis.lower) }
        var copied: [UInt8]?
        let quotes: [UInt8] = [0x22, 0x27, 0x60]
        for (ci, cue) in verbatimCues.enumerated() where low.count >= 4 && found & (1 << UInt64(ci)) != 0 {
            guard let at = TextAnalysis.find(cue, in: low) else { continue }
            let bytes = copied ?? Array(text.utf8)
            copied = bytes
            let start = at + cue.utf8.count
            let window = start..<min(bytes.count, start + 14)
            // A quoted phrase right after the cue: "x", 'x', `x` or “x”.
            for i in window {
                var close: [UInt8]
                var open = 1
                if quotes.contains(bytes[i]) { close = [bytes[i]] } else if i + 2 < bytes.count, bytes[i] == 0xE2, bytes[i + 1] == 0x80, bytes[i + 2] == 0x9C {
                    close = [0xE2, 0x80, 0x9D]
                    open = 3
                } else { continue }
                let from = i + open
                var j = from
                while j + close.count <= bytes.count, Array(bytes[j..<(j + close.count)]) != close { j += 1 }
                if j > from, j + close.count <= bytes.count { return String(decoding: bytes[from..<j], as: UTF8.self) }
                break
            }
            if let colon = window.first(where: { bytes[$0] == 0x3A }) {
                let v = String(decoding: bytes[(colon + 1)...], as: UTF8.self).trimmingWhitespace
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

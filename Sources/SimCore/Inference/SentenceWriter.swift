import SimSupport

/// Writes readable, varied English sentences from the word bank, seeded, around topic words.
struct SentenceWriter {
    private var rng: SeededRandom
    private let topics: [String]
    private var lastTemplate = -1

    init(seed: UInt64, topics: [String]) {
        rng = SeededRandom(seed: seed)
        self.topics = topics
    }

    mutating func pick(_ items: [String]) -> String {
        guard !items.isEmpty else { return "" }
        return items[Int(rng.next() % UInt64(items.count))]
    }

    mutating func chance(_ p: Double) -> Bool { rng.unit() < p }

    mutating func opener() -> String { pick(WordBank.openers) }
    mutating func closer() -> String { pick(WordBank.closers) }

    /// One sentence from a template (never the same template twice in a row).
    mutating func sentence() -> String {
        var i = Int(rng.next() % UInt64(WordBank.templates.count))
        if i == lastTemplate { i = (i + 1) % WordBank.templates.count }
        lastTemplate = i
        var out = ""
        var tpl = Substring(WordBank.templates[i])
        while let open = tpl.firstIndex(of: "{") {
            out += tpl[..<open]
            guard let close = tpl[open...].firstIndex(of: "}") else { break }
            out += fill(String(tpl[tpl.index(after: open)..<close]))
            tpl = tpl[tpl.index(after: close)...]
        }
        out += tpl
        return capitalized(out)
    }

    private mutating func fill(_ slot: String) -> String {
        switch slot {
        case "T": return topics.isEmpty || chance(0.25) ? "the " + pick(WordBank.nouns) : pick(topics)
        case "N": return pick(WordBank.nouns)
        case "Ns": return pick(WordBank.plurals)
        case "A": return pick(WordBank.adjectives)
        case "V": return pick(WordBank.verbs)
        case "Vb": return pick(WordBank.baseVerbs)
        case "D": return pick(WordBank.adverbs)
        default: return slot
        }
    }

    func capitalized(_ s: String) -> String {
        guard let f = s.first else { return s }
        return f.uppercased() + s.dropFirst()
    }
}

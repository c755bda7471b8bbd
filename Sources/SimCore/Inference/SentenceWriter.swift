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
        // Templates filled in run to 40–100 bytes: written as bytes into one buffer (a String
        // `+=` costs a few hundred instructions each), made a String once.
        var out: [UInt8] = []
        out.reserveCapacity(128)
        for part in Self.parsed[i] {
            switch part {
            case let .text(t): out.appendUTF8(t)
            case .slot(.topic):
                // As `fill(.topic)`, without building "the " + noun first (same draws, same order).
                if topics.isEmpty || chance(0.25) {
                    out.appendUTF8("the ")
                    out.appendUTF8(pick(WordBank.nouns))
                } else {
                    out.appendUTF8(pick(topics))
                }
            case let .slot(slot): out.appendUTF8(fill(slot))
            }
        }
        // `capitalized`, on the bytes when the first character is plain ASCII.
        guard let f = out.first else { return "" }
        if f < 0x80, out.count == 1 || out[1] < 0x80 {
            if f >= 0x61 && f <= 0x7A { out[0] = f - 32 }
            return String(decoding: out, as: UTF8.self)
        }
        return capitalized(String(decoding: out, as: UTF8.self))
    }

    enum Slot { case topic, noun, plural, adjective, verb, baseVerb, adverb }
    enum Part { case text(String), slot(Slot) }

    /// The templates split once into literal text and slots (an unknown `{X}` reads as `X`).
    static let parsed: [[Part]] = WordBank.templates.map { tpl in
        var parts: [Part] = []
        var rest = Substring(tpl)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            if open > rest.startIndex { parts.append(.text(String(rest[..<open]))) }
            let name = rest[rest.index(after: open)..<close]
            switch name {
            case "T": parts.append(.slot(.topic))
            case "N": parts.append(.slot(.noun))
            case "Ns": parts.append(.slot(.plural))
            case "A": parts.append(.slot(.adjective))
            case "V": parts.append(.slot(.verb))
            case "Vb": parts.append(.slot(.baseVerb))
            case "D": parts.append(.slot(.adverb))
            default: parts.append(.text(String(name)))
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return parts
    }

    private mutating func fill(_ slot: Slot) -> String {
        switch slot {
        case .topic: return topics.isEmpty || chance(0.25) ? "the " + pick(WordBank.nouns) : pick(topics)
        case .noun: return pick(WordBank.nouns)
        case .plural: return pick(WordBank.plurals)
        case .adjective: return pick(WordBank.adjectives)
        case .verb: return pick(WordBank.verbs)
        case .baseVerb: return pick(WordBank.baseVerbs)
        case .adverb: return pick(WordBank.adverbs)
        }
    }

    /// The text with its first character upper-cased.
    func capitalized(_ s: String) -> String {
        enum First { case unchanged, lowerASCII, other }
        // An ASCII first character not followed by a combining mark changes at most one byte.
        let first: First = TextAnalysis.withBytes(s) { b in
            guard let f = b.first else { return .unchanged }
            guard f < 0x80, b.count == 1 || b[1] < 0x80 else { return .other }
            return f >= 0x61 && f <= 0x7A ? .lowerASCII : .unchanged
        }
        switch first {
        case .unchanged: return s
        case .lowerASCII:
            var bytes = Array(s.utf8)
            bytes[0] -= 32
            return String(decoding: bytes, as: UTF8.self)
        case .other:
            guard let f = s.first else { return s }
            return f.uppercased() + s.dropFirst()
        }
    }
}

import SimSupport

/// A compiled word pattern from the moderation lexicon, matched against hashed lowercase tokens.
///
/// Pattern syntax (space-separated slots):
/// - `word` — that exact token; `a|b|c` — any of them;
/// - `kill+` — the word and its inflections (kills, killed, killing; doubled consonant, dropped e);
/// - `@class` — any word of a named class (see `ModerationLexicon.classes`);
/// - a trailing `?` — the slot is optional; `~N` — skip up to N arbitrary tokens.
struct ModerationPattern: Sendable {
    struct Slot: Sendable {
        var words: ModerationWordSet
        var optional: Bool
        /// Non-zero: skip up to `gap` tokens instead of matching one.
        var gap: Int
    }

    let slots: [Slot]
    let source: String

    /// Masked tokens (inside benign idioms) carry this hash and match no slot.
    static let maskedToken: UInt64 = 0

    init?(_ source: String, classes: [String: Set<UInt64>]) {
        self.source = source
        var out: [Slot] = []
        for raw in source.split(separator: " ") {
            if raw.hasPrefix("~") {
                guard let n = Int(raw.dropFirst()), n > 0 else { return nil }
                out.append(Slot(words: ModerationWordSet([]), optional: false, gap: n))
                continue
            }
            var text = raw
            let optional = text.hasSuffix("?")
            if optional { text = text.dropLast() }
            var words: Set<UInt64> = []
            for alt in text.split(separator: "|") {
                if alt.hasPrefix("@") {
                    guard let members = classes[String(alt.dropFirst())] else { return nil }
                    words.formUnion(members)
                } else {
                    for w in Self.expand(alt) { words.insert(Self.hash(w)) }
                }
            }
            guard !words.isEmpty else { return nil }
            out.append(Slot(words: ModerationWordSet(words), optional: optional, gap: 0))
        }
        guard let first = out.first, first.gap == 0, !first.optional else { return nil }
        slots = out
    }

    /// Token hashes a match can start with.
    var firstWords: [UInt64] { slots.first?.words.members ?? [] }

    /// The end (exclusive) of a match starting at `start`, or nil.
    func match(_ tokens: UnsafeBufferPointer<UInt64>, at start: Int) -> Int? {
        slots.withUnsafeBufferPointer { Self.match(tokens, $0, slot: 0, pos: start) }
    }

    private static func match(_ tokens: UnsafeBufferPointer<UInt64>, _ slots: UnsafeBufferPointer<Slot>, slot: Int, pos: Int) -> Int? {
        if slot == slots.count { return pos }
        let gap = slots[slot].gap
        if gap > 0 {
            var skip = 0
            while skip <= gap && pos + skip <= tokens.count {
                if let end = match(tokens, slots, slot: slot + 1, pos: pos + skip) { return end }
                skip += 1
            }
            return nil
        }
        // Masked tokens (hash 0) are in no word set.
        if pos < tokens.count, slots[slot].words.contains(tokens[pos]),
           let end = match(tokens, slots, slot: slot + 1, pos: pos + 1) {
            return end
        }
        return slots[slot].optional ? match(tokens, slots, slot: slot + 1, pos: pos) : nil
    }

    /// FNV-1a of a lowercase word (the tokenizer hashes input words the same way).
    static func hash<S: StringProtocol>(_ word: S) -> UInt64 {
        var h = StableHash.fnv1a(bytes: word.utf8)
        if h == maskedToken { h = 1 }
        return h
    }

    /// `word+` → the word and its regular inflections; plain words → themselves.
    static func expand(_ alt: Substring) -> [String] {
        guard alt.hasSuffix("+") else { return [String(alt)] }
        let w = String(alt.dropLast())
        var forms = [w, w + "s", w + "es", w + "ed", w + "ing", w + "d"]
        if let last = w.last {
            forms += [w + String(last) + "ed", w + String(last) + "ing"]
            if last == "e" { forms.append(String(w.dropLast()) + "ing") }
            if last == "y" { forms += [String(w.dropLast()) + "ies", String(w.dropLast()) + "ied"] }
        }
        return forms
    }
}

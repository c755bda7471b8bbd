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
        var words: HashSet64
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
                out.append(Slot(words: HashSet64([]), optional: false, gap: n))
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
            out.append(Slot(words: HashSet64(words), optional: optional, gap: 0))
        }
        guard let first = out.first, first.gap == 0, !first.optional else { return nil }
        slots = out
    }

    /// Token hashes a match can start with.
    var firstWords: [UInt64] { slots.first?.words.members ?? [] }

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

/// Compiled patterns flattened into plain-integer tables (slots, and every slot's word table in
/// one key array), so matching reads memory through unsafe buffers and touches no reference
/// counts; `ModerationPattern` keeps the readable form.
struct ModerationMatcher: Sendable {
    struct Slot: Sendable {
        /// The slot's word table: `keys[keyStart...keyStart + mask]`.
        var keyStart: Int
        var mask: Int
        var optional: Bool
        /// Non-zero: skip up to `gap` tokens instead of matching one.
        var gap: Int
    }

    private let slots: [Slot]
    private let keys: [UInt64]
    /// Per pattern, its slots: `slots[starts[p]..<starts[p + 1]]`.
    private let starts: [Int]

    init(_ patterns: [ModerationPattern]) {
        var slots: [Slot] = []
        var keys: [UInt64] = []
        var starts = [0]
        for p in patterns {
            for s in p.slots {
                slots.append(Slot(keyStart: keys.count, mask: s.words.mask, optional: s.optional, gap: s.gap))
                keys += s.words.keys
            }
            starts.append(slots.count)
        }
        self.slots = slots; self.keys = keys; self.starts = starts
    }

    /// The tables as unsafe buffers, for as long as `body` runs.
    func withTables<R>(_ body: (Tables) -> R) -> R {
        slots.withUnsafeBufferPointer { s in
            keys.withUnsafeBufferPointer { k in
                starts.withUnsafeBufferPointer { body(Tables(slots: s, keys: k, starts: $0)) }
            }
        }
    }

    struct Tables {
        let slots: UnsafeBufferPointer<ModerationMatcher.Slot>
        let keys: UnsafeBufferPointer<UInt64>
        let starts: UnsafeBufferPointer<Int>

        /// The end (exclusive) of a match of pattern `p` starting at `start`, or nil.
        @inline(__always) func match(_ p: Int, _ tokens: UnsafeBufferPointer<UInt64>, at start: Int) -> Int? {
            match(tokens, slot: starts[p], end: starts[p + 1], pos: start)
        }

        private func match(_ tokens: UnsafeBufferPointer<UInt64>, slot: Int, end: Int, pos: Int) -> Int? {
            if slot == end { return pos }
            let s = slots[slot]
            if s.gap > 0 {
                var skip = 0
                while skip <= s.gap && pos + skip <= tokens.count {
                    if let e = match(tokens, slot: slot + 1, end: end, pos: pos + skip) { return e }
                    skip += 1
                }
                return nil
            }
            // Masked tokens (hash 0) are in no word table.
            if pos < tokens.count,
               HashSet64.tableContains(tokens[pos], table: UnsafeBufferPointer(rebasing: keys[s.keyStart...(s.keyStart + s.mask)]), mask: s.mask),
               let e = match(tokens, slot: slot + 1, end: end, pos: pos + 1) {
                return e
            }
            return s.optional ? match(tokens, slot: slot + 1, end: end, pos: pos) : nil
        }
    }
}

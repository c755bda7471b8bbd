import SimSupport

/// The deterministic moderation "model": lexicon rules over lowercase word tokens, with benign
/// idioms masked first, negation damping, intensity boosts, category hierarchy, and tiny
/// hash-derived scores for everything that did not match. See docs/MODERATION.md.
public final class ModerationClassifier: Sendable {
    struct RulePattern: Sendable {
        let rule: Int
        let pattern: Int
    }

    struct CompiledRule: Sendable {
        let scores: [(ModerationCategory, Float)]
        let negatable: Bool
    }

    /// What can start at a token: a benign idiom (a `maskMatcher` pattern) or a rule's pattern.
    enum Start: Sendable {
        case idiom(Int)
        case rule(RulePattern)
    }

    let rules: [CompiledRule]
    /// Every rule's patterns in one matcher (`RulePattern.pattern` indexes it).
    let ruleMatcher: ModerationMatcher
    /// The benign idioms.
    let maskMatcher: ModerationMatcher
    /// First-token hash → the idioms, then the rule patterns, that can start there: one look-up
    /// per token serves both passes.
    let starts: ModerationHashIndex<Start>
    let negators: HashSet64
    let intensifiers: HashSet64
    let minors: HashSet64
    let ageWords: HashSet64
    /// Lexicon entries that failed to compile (a lexicon bug; tests assert this is empty).
    public let invalidPatterns: [String]

    /// Strength of a match preceded (or interrupted) by a negator: "I would never hurt anyone".
    static let negatedStrength: Float = 0.25
    static let negationWindow = 3

    /// The classifier built from `ModerationLexicon` (compiled once).
    public static let shared = ModerationClassifier()

    init() {
        var classes: [String: Set<UInt64>] = [:]
        for (name, words) in ModerationLexicon.classes {
            var set: Set<UInt64> = []
            for w in words.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                for form in ModerationPattern.expand(w) { set.insert(ModerationPattern.hash(form)) }
            }
            classes[name] = set
        }
        var bad: [String] = []
        var compiled: [CompiledRule] = []
        var allPatterns: [ModerationPattern] = []
        var idx: [UInt64: [RulePattern]] = [:]
        for rule in ModerationLexicon.rules {
            var pats: [ModerationPattern] = []
            for src in rule.patterns {
                if let p = ModerationPattern(src, classes: classes) { pats.append(p) } else { bad.append(src) }
            }
            var scores: [(ModerationCategory, Float)] = []
            for item in rule.scores.split(separator: " ") {
                let kv = item.split(separator: "=")
                if kv.count == 2, let c = ModerationCategory.fromCode(kv[0]), let v = Float(kv[1]) { scores.append((c, v)) } else {
                    bad.append(rule.scores)
                }
            }
            let r = compiled.count
            for p in pats {
                for w in p.firstWords { idx[w, default: []].append(RulePattern(rule: r, pattern: allPatterns.count)) }
                allPatterns.append(p)
            }
            compiled.append(CompiledRule(scores: scores, negatable: rule.negatable))
        }
        var maskPats: [ModerationPattern] = []
        var midx: [UInt64: [Int]] = [:]
        for src in ModerationLexicon.masks {
            guard let p = ModerationPattern(src, classes: classes) else { bad.append(src); continue }
            for w in p.firstWords { midx[w, default: []].append(maskPats.count) }
            maskPats.append(p)
        }
        rules = compiled
        ruleMatcher = ModerationMatcher(allPatterns)
        maskMatcher = ModerationMatcher(maskPats)
        var startMap: [UInt64: [Start]] = [:]
        for (w, masks) in midx { startMap[w, default: []] += masks.map { .idiom($0) } }
        for (w, pairs) in idx { startMap[w, default: []] += pairs.map { .rule($0) } }
        starts = ModerationHashIndex(startMap)
        invalidPatterns = bad
        func set(_ s: String) -> HashSet64 { HashSet64(s.split(separator: " ").map { ModerationPattern.hash($0) }) }
        negators = set("not never dont doesnt didnt wont wouldnt cant cannot couldnt shouldnt isnt arent wasnt werent neither nor without avoid prevent preventing prevention stop against")
        intensifiers = set("really so very fucking absolutely totally seriously literally definitely")
        minors = HashSet64(classes["minor"] ?? [])
        ageWords = set("year years yr yrs yo")
    }

    /// Per-category scores in [0, 1] for a text, indexed by `ModerationCategory.rawValue`.
    public func scoreText(_ text: String) -> [Float] {
        ModerationText.withTokens(text) { original, numbers, textHash in
            let n = original.count
            // The tokens that can start an idiom or a rule, found in one look-up each.
            let hits = starts.hits(original)
            // Benign idioms are matched on the original tokens and masked in a copy (made only
            // when one matches); the rules see the masked tokens.
            var masked: UnsafeMutablePointer<UInt64>?
            defer { masked?.deallocate() }
            maskMatcher.withTables { masks in
                for (i, entries) in hits {
                    for k in entries {
                        guard case let .idiom(m) = starts.entries[k] else { break } // rules follow the idioms
                        guard let end = masks.match(m, original, at: i) else { continue }
                        if masked == nil {
                            masked = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
                            masked!.initialize(from: original.baseAddress!, count: n)
                        }
                        for j in i..<end { masked![j] = ModerationPattern.maskedToken }
                    }
                }
            }
            let tokens = masked.map { UnsafeBufferPointer(start: $0, count: n) } ?? original
            // Per rule, the strongest match (allocated at the first match: most texts match none).
            var strength: [Float] = []
            ruleMatcher.withTables { patterns in
                var global: Float = 0 // the text's intensity (>= 1), computed at the first match
                for (i, entries) in hits {
                    guard tokens[i] != ModerationPattern.maskedToken else { continue }
                    for k in entries {
                        guard case let .rule(rp) = starts.entries[k] else { continue }
                        let r = rp.rule
                        guard let end = patterns.match(rp.pattern, tokens, at: i) else { continue }
                        if global == 0 { global = ModerationText.intensity(text) }
                        var s = global
                        if rules[r].negatable && negated(tokens, start: i, end: end) { s *= Self.negatedStrength }
                        if i > 0 && intensifiers.contains(tokens[i - 1]) { s *= 1.06 }
                        if strength.isEmpty { strength = Self.filled(0, count: rules.count) }
                        if s > strength[r] { strength[r] = s }
                    }
                }
            }
            // `scores` holds each category's miss probability first, then 1 minus it.
            var scores = Self.filled(1, count: ModerationCategory.count)
            for (r, st) in strength.enumerated() where st > 0 {
                for (c, v) in rules[r].scores { scores[c.rawValue] *= 1 - min(0.995, v * st) }
            }
            for i in scores.indices { scores[i] = 1 - scores[i] }
            let sexual = scores[ModerationCategory.sexual.rawValue]
            if sexual >= 0.4 && mentionsMinor(original, numbers) {
                let sm = ModerationCategory.sexualMinors.rawValue
                scores[sm] = max(scores[sm], min(0.98, 0.45 + sexual * 0.5))
            }
            Self.applyHierarchy(&scores)
            Self.finish(&scores, seed: textHash, applicable: { _ in true })
            return scores
        }
    }

    /// `count` copies of `value`. `[Float](repeating:count:)` allocates through the standard
    /// library's unspecialised generic path (about a thousand instructions of metadata look-ups);
    /// copying a collection into a new array takes the specialised one.
    static func filled(_ value: Float, count: Int) -> [Float] {
        Array(repeatElement(value, count: count))
    }

    /// Scores for an image: a hash of the URL keeps them tiny unless the URL's words name a category.
    public func scoreImage(url: String) -> [Float] {
        var scores = Self.filled(0, count: ModerationCategory.count)
        if !url.hasPrefix("data:") {
            let words = ModerationText(url).tokens
            for (i, w) in words.enumerated() {
                for (set, hits) in ModerationImageTerms.table where set.contains(w) {
                    for (c, v) in hits { scores[c.rawValue] = max(scores[c.rawValue], v) }
                }
                if w == ModerationImageTerms.selfWord, i + 1 < words.count, words[i + 1] == ModerationImageTerms.harmWord {
                    scores[ModerationCategory.selfHarm.rawValue] = max(scores[ModerationCategory.selfHarm.rawValue], 0.8)
                }
            }
        }
        Self.applyHierarchy(&scores)
        Self.finish(&scores, seed: StableHash.fnv1a(url, seed: 0x696d_6167_65), applicable: { $0.appliesToImages })
        return scores
    }

    private func negated(_ tokens: UnsafeBufferPointer<UInt64>, start: Int, end: Int) -> Bool {
        var j = max(0, start - Self.negationWindow)
        while j < end {
            if negators.contains(tokens[j]) { return true }
            j += 1
        }
        return false
    }

    /// A minor word, or a number below 18 followed by an age word ("14 year old").
    private func mentionsMinor(_ tokens: UnsafeBufferPointer<UInt64>, _ numbers: [(token: Int, value: Int)]) -> Bool {
        if tokens.contains(where: { minors.contains($0) }) { return true }
        return numbers.contains { $0.value < 18 && $0.token + 1 < tokens.count && ageWords.contains(tokens[$0.token + 1]) }
    }

    static func applyHierarchy(_ scores: inout [Float]) {
        for (c, p) in ModerationCategory.hierarchy { scores[p] = max(scores[p], scores[c] * 0.95) }
    }

    /// Jitters matched scores slightly and gives unmatched categories tiny, input-specific scores
    /// (1e-6…1e-3), so responses look like a model's while staying deterministic.
    static func finish(_ scores: inout [Float], seed: UInt64, applicable: (ModerationCategory) -> Bool) {
        for c in ModerationCategory.all {
            guard applicable(c) else { scores[c.rawValue] = 0; continue }
            let u = Float(StableHash.mix(seed, UInt64(c.rawValue + 1)) >> 40) / Float(1 << 24)
            let v = scores[c.rawValue]
            if v < 0.01 {
                scores[c.rawValue] = max(v, 1e-6 * (1 + 999 * u * u * u))
            } else {
                scores[c.rawValue] = min(0.9995, v * (0.985 + 0.03 * u))
            }
        }
    }
}

/// URL words that raise image scores (the simulator never looks at pixels).
enum ModerationImageTerms {
    static func set(_ s: String) -> HashSet64 { HashSet64(s.split(separator: " ").map { ModerationPattern.hash($0) }) }
    static let selfWord = ModerationPattern.hash("self")
    static let harmWord = ModerationPattern.hash("harm")
    static let table: [(HashSet64, [(ModerationCategory, Float)])] = [
        (set("nsfw nude nudes naked porn porno xxx explicit topless hentai"), [(.sexual, 0.88)]),
        (set("sexy lingerie erotic bikini"), [(.sexual, 0.46)]),
        (set("gore gory corpse corpses mutilated mutilation decapitated dismembered beheading"), [(.violenceGraphic, 0.86), (.violence, 0.82)]),
        (set("blood bloody"), [(.violence, 0.62), (.violenceGraphic, 0.48)]),
        (set("gun guns weapon weapons rifle pistol knife fight fighting violence violent war shooting attack explosion"),
         [(.violence, 0.68)]),
        (set("suicide selfharm cutting"), [(.selfHarm, 0.82), (.selfHarmIntent, 0.55)]),
    ]
}

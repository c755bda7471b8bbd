import Testing
@testable import SimCore
import SimSupport

/// The byte-level text readers against plain reference implementations (the straightforward
/// versions they replaced), on seeded random texts full of edge cases.
@Suite struct TextScanTests {
    static let atoms = [
        " ", "  ", "\n", "\t", ",", ".", "!", "?", ";", "'", "-", "_", "--", "'s", "x", "ab", "the", "and", "Garden", "GARDEN",
        "garden", "gardens", "river-side", "_init_", "'quoted'", "don't", "naïve", "Émile", "東京", "ß", "über", "Rivers", "rivers",
        "12345", "4u", "long", "LIST", "In Detail", "tl;dr", "one sentence", "Single Word", "yes or no", "say ", "Reply With ",
        "brief", "quick", "steps", "thorough", "essay", "comprehensive", "detailed", "concise", "bullet", "few words", "in depth",
    ]

    static func texts() -> [String] {
        var rng = SeededRandom(seed: 0x5ca7)
        var out: [String] = ["", "a", "ab", "abc", "abcd", "say", "SAY \"x\""]
        for _ in 0..<600 {
            var s = ""
            for _ in 0..<(1 + Int(rng.next() % 220)) { s += atoms[Int(rng.next() % UInt64(atoms.count))] }
            out.append(s)
        }
        return out
    }

    /// The topic reader as first written: a lower-cased byte buffer per word, trimmed, hashed.
    static func referenceTopics(_ text: String, limit: Int) -> [String] {
        var seen = Set<UInt64>()
        var out: [String] = []
        var cur: [UInt8] = []
        var consumed = 0
        let stop = Set(WordBank.stopwords.map { StableHash.fnv1a($0) })
        func take() {
            defer { cur.removeAll() }
            var a = 0, b = cur.count
            while a < b, cur[a] == 0x27 || cur[a] == 0x2D || cur[a] == 0x5F { a += 1 }
            while b > a, cur[b - 1] == 0x27 || cur[b - 1] == 0x2D || cur[b - 1] == 0x5F { b -= 1 }
            guard b - a >= 4, (cur[a] >= 0x61 && cur[a] <= 0x7A) || cur[a] >= 0x80 else { return }
            let h = StableHash.fnv1a(bytes: cur[a..<b])
            guard !stop.contains(h), seen.insert(h).inserted else { return }
            out.append(String(decoding: cur[a..<b], as: UTF8.self))
        }
        for c in text.utf8 {
            consumed += 1
            switch c {
            case 0x41...0x5A: cur.append(c + 32)
            case 0x61...0x7A, 0x30...0x39, 0x27, 0x2D, 0x5F, 0x80...: cur.append(c)
            default: if !cur.isEmpty { take() }
            }
            if consumed > 600 && cur.isEmpty || out.count == 32 { break }
        }
        if !cur.isEmpty, out.count < 32 { take() }
        let ranked = out.enumerated().sorted { ($0.element.utf8.count, -$0.offset) > ($1.element.utf8.count, -$1.offset) }
        return ranked.prefix(limit).map(\.element)
    }

    @Test func topicWordsMatchTheReference() {
        for t in Self.texts() {
            #expect(TextAnalysis.topicWords(t) == Self.referenceTopics(t, limit: 6), "\(t.debugDescription)")
            #expect(TextAnalysis.topicWords(t, limit: 40) == Self.referenceTopics(t, limit: 40))
        }
    }

    @Test func cueSetFindsExactlyTheCuesASearchFinds() {
        let groups = [["one word", "single word"], ["yes or no"], ["one sentence", "single sentence"],
                      ["briefly", "brief", "short", "concise", "tl;dr", "few words", "quick"],
                      ["in detail", "detailed", "essay", "thorough", "comprehensive", "in depth", "long"], ["list", "bullet", "steps"],
                      DeterministicGenerator.verbatimCues]
        let set = CueSet(groups)
        for t in Self.texts() {
            #expect(set.groups(in: t) == Self.referenceGroups(groups, in: t), "\(t.debugDescription)")
        }
    }

    /// The groups (bit `g` for `groups[g]`) with a cue that a plain search finds in `text`.
    static func referenceGroups(_ groups: [[String]], in text: String) -> UInt64 {
        let lower = TextAnalysis.lowerBytes(text)
        var found: UInt64 = 0
        for (g, cues) in groups.enumerated() where cues.contains(where: { TextAnalysis.find($0, in: lower) != nil }) {
            found |= 1 << UInt64(g)
        }
        return found
    }

    @Test func generatorCueScanLooksForVerbatimCuesOnlyInTheOpening() {
        let shape = DeterministicGenerator.Cue.shapeGroups
        let verbatim = DeterministicGenerator.verbatimCues
        let window = DeterministicGenerator.verbatimWindow
        // Long texts too, with cues straddling the end of the opening.
        var texts = Self.texts()
        for pad in (window - 12)...(window + 2) {
            for cue in ["say ", "Reply With ", "repeat after me", "brief", "in detail"] {
                texts.append(String(repeating: "x", count: pad) + cue + "tail")
            }
        }
        for t in texts {
            let lower = TextAnalysis.lowerBytes(t)
            var expectedShape: UInt64 = 0
            for (g, cues) in shape.enumerated() where cues.contains(where: { TextAnalysis.find($0, in: lower) != nil }) {
                expectedShape |= 1 << UInt64(g)
            }
            let opening = Array(lower.prefix(window))
            var expectedVerbatim: UInt64 = 0
            for (i, cue) in verbatim.enumerated() where TextAnalysis.find(cue, in: opening) != nil { expectedVerbatim |= 1 << UInt64(i) }
            let found = DeterministicGenerator.Cue.scan(t)
            #expect(found.shape == expectedShape, "\(t.debugDescription)")
            #expect(found.verbatim == expectedVerbatim, "\(t.debugDescription)")
        }
    }
}

import Testing
import SimSupport
@testable import SimCore

/// Random texts for the moderation fast paths: lexicon words (so rules, idioms, negators and
/// ages match), capitals, digits, ASCII and curly apostrophes, other U+20xx punctuation (which
/// starts with the byte 0xE2 like U+2019), other non-ASCII letters, whole corpus sentences (so
/// benign idioms get masked), and pieces glued together
/// with or without separators, from empty to a few thousand bytes.
struct ModerationTextGenerator {
    var state: UInt64

    static let sentences = ModerationCorpus.ordinary + ModerationCorpus.violations.map(\.0)

    static let words: [String] = {
        var out = Set<String>()
        for t in sentences {
            for w in t.split(separator: " ") { out.insert(String(w)) }
        }
        return out.sorted()
    }()

    static let pieces: [String] = [
        "'", "''", "\u{2019}", "\u{2018}", "\u{201C}", "\u{2014}", "\u{20AC}", "\u{E9}", "\u{1F600}", "\u{4E2D}",
        "14", "7", "007", "12345", "17 year old", "14 yo", "!!!", "!", ".", ",", "?", "-", "\n", "\t", "KILL", "Don't",
        "don\u{2019}t", "I'M", "caf\u{E9}", "A", "z", "Z", "@", "[", "`", "{", "0", "9", "x'y", "'tis", "end'",
    ]

    mutating func next(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int(state >> 33) % n
    }

    mutating func text() -> String {
        let count = [0, 1, 3, 12, 40, 200][next(6)]
        var s = ""
        for _ in 0..<count {
            switch next(10) {
            case 0..<6: s += Self.words[next(Self.words.count)]
            case 6: s += Self.words[next(Self.words.count)].uppercased()
            case 7: s += Self.sentences[next(Self.sentences.count)] // whole idioms and threats
            default: s += Self.pieces[next(Self.pieces.count)]
            }
            switch next(8) {
            case 0: break // glued to the next piece
            case 1: s += "  "
            default: s += " "
            }
        }
        return s
    }
}

@Suite struct ModerationFastPathTests {
    /// The tokenizer as first written (one byte at a time, every rule spelled out): what
    /// `ModerationText` must produce.
    static func referenceTokens(_ bytes: [UInt8]) -> (tokens: [UInt64], numbers: [(token: Int, value: Int)], textHash: UInt64) {
        var tokens: [UInt64] = [], numbers: [(token: Int, value: Int)] = []
        let whole = bytes.withUnsafeBufferPointer { StableHash.words($0) }
        var word: [UInt8] = []
        var prevWord = false
        func flush() {
            guard !word.isEmpty else { return }
            if word.count <= 4, word.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                numbers.append((tokens.count, word.reduce(0) { $0 * 10 + Int($1 - 0x30) }))
            }
            var h = StableHash.fnv1a(bytes: word)
            if h == ModerationPattern.maskedToken { h = 1 }
            tokens.append(h)
            word = []
        }
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if (0x41...0x5A).contains(c) { word.append(c + 32); prevWord = true; continue }
            if (0x61...0x7A).contains(c) || (0x30...0x39).contains(c) { word.append(c); prevWord = true; continue }
            var apostrophe = c == 0x27
            if c == 0xE2 && i + 1 < bytes.count && bytes[i] == 0x80 && bytes[i + 1] == 0x99 {
                i += 2
                apostrophe = true
            } else if c >= 0x80 {
                word.append(c); prevWord = true; continue
            }
            if apostrophe && prevWord { continue }
            flush()
            prevWord = false
        }
        flush()
        return (tokens, numbers, whole)
    }

    static func check(_ bytes: [UInt8]) -> Bool {
        let want = referenceTokens(bytes)
        let got = bytes.withUnsafeBufferPointer { ModerationText(bytes: $0) }
        return got.tokens == want.tokens && got.textHash == want.textHash
            && got.numbers.map(\.token) == want.numbers.map(\.token) && got.numbers.map(\.value) == want.numbers.map(\.value)
    }

    @Test func tokensMatchTheReferenceOnGeneratedTexts() {
        var g = ModerationTextGenerator(state: 0x5DEE_CE66_D1CE_4E5B)
        for _ in 0..<3000 {
            let text = g.text()
            #expect(Self.check(Array(text.utf8)), "\(text)")
            let t = ModerationText(text)
            #expect(t.tokens == Self.referenceTokens(Array(text.utf8)).tokens)
        }
    }

    @Test func tokensMatchTheReferenceOnRandomBytes() {
        // Every byte value, also invalid UTF-8 (0xE2 at the very end, 0xE2 0x80 without 0x99),
        // and the edge cases of the unchecked letter runs: a text that is one letter run, that
        // ends in a letter, in a digit, or in an apostrophe.
        let edge: [[UInt8]] = [[], [0x61], [0x41], [0x31], [0x27], [0xE2], [0xE2, 0x80], [0xE2, 0x80, 0x99], [0x61, 0xE2, 0x80, 0x99],
                               [0x61, 0xE2, 0x80, 0x99, 0x74], Array("don't".utf8), Array("abc".utf8), Array(" abc".utf8),
                               Array("ab1".utf8), Array("1ab".utf8), Array("ab'".utf8), Array("ab ".utf8), Array("ab\u{E9}".utf8)]
        for bytes in edge { #expect(Self.check(bytes), "\(bytes)") }
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let alphabet: [UInt8] = [0x61, 0x7A, 0x41, 0x5A, 0x40, 0x5B, 0x60, 0x7B, 0x30, 0x39, 0x27, 0x20, 0xE2, 0x80, 0x99, 0xC3, 0xA9, 0xFF]
        for _ in 0..<5000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let n = Int(state >> 58)
            var bytes: [UInt8] = []
            for _ in 0..<n {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let r = Int(state >> 33)
                bytes.append(r % 3 == 0 ? UInt8(truncatingIfNeeded: r >> 8) : alphabet[(r >> 8) % alphabet.count])
            }
            #expect(Self.check(bytes), "\(bytes)")
        }
    }

    /// FNV-1a over every score's bits and every response byte, for texts from the generator;
    /// and how many texts were flagged (so rules matched), and flagged for sexual/minors.
    static func checksum(texts: Int, seed: UInt64) -> (sum: UInt64, flagged: Int, minors: Int, masked: Int) {
        var g = ModerationTextGenerator(state: seed)
        var h: UInt64 = 0xcbf29ce484222325
        func add(_ x: UInt64) { h = (h ^ x) &* 0x100000001b3 }
        let c = ModerationClassifier.shared
        var flagged = 0, minors = 0, masked = 0
        for i in 0..<texts {
            let text = g.text()
            let scores = c.scoreText(text)
            if ModerationCategory.allCases.contains(where: { scores[$0.rawValue] >= $0.threshold }) { flagged += 1 }
            if scores[ModerationCategory.sexualMinors.rawValue] >= 0.35 { minors += 1 }
            if c.masksAnIdiom(text) { masked += 1 }
            for s in scores { add(UInt64(s.bitPattern)) }
            let result = ModerationResult(scores: scores, hasText: true, hasImage: i % 5 == 0, omni: i % 3 != 0)
            for b in ModerationEncoder.encode(id: "modr-\(i)", model: "m", results: [result]) { add(UInt64(b)) }
        }
        return (h, flagged, minors, masked)
    }

    @Test func scoresAndResponsesAreUnchanged() {
        // Taken before the fast paths (tokenizer, scratch buffers, score text) went in, and again
        // when the small scores' seed became `StableHash.words` of the text (it was FNV-1a; the
        // flag, minors and mask counts below stayed 1631, 698, 1066): any change in a score's
        // bits or a response byte for these 4,000 texts changes the sum.
        let (sum, flagged, minors, masked) = Self.checksum(texts: 4000, seed: 0x9E37_79B9_7F4A_7C15)
        #expect(sum == 0x58bd_fed3_5e86_e964, "\(String(sum, radix: 16))")
        // The texts exercise the rules, the minors check and the idiom masks (1631, 698, 1066).
        #expect(flagged > 1000 && minors > 300 && masked > 500, "\(flagged) \(minors) \(masked)")
    }
}

extension ModerationClassifier {
    /// Whether a benign idiom matches somewhere in `text` (the generator's texts must mask some).
    func masksAnIdiom(_ text: String) -> Bool {
        let tokens = ModerationText(text).tokens
        return maskMatcher.withTables { masks in
            tokens.withUnsafeBufferPointer { t in
                t.indices.contains { i in
                    starts.lookup(t[i]).contains { k in
                        guard case let .idiom(m) = starts.entries[k] else { return false }
                        return masks.match(m, t, at: i) != nil
                    }
                }
            }
        }
    }
}

import Foundation
import Testing
import SimCore
import SimSupport

/// The token estimator's exact behaviour, recorded: counts, piece boundaries and prompt-cache
/// hashes for the tuning corpus of docs/TOKENS.md (`token_samples.json`, exported from
/// scripts/token_corpus.py) and for seeded random texts full of edge cases (non-ASCII letters,
/// digits, contractions, punctuation runs, whitespace runs). Rewrites of the estimator for speed
/// must keep `Tests/fixtures/golden/tokens.txt`; re-record (SIM_GOLDEN_RECORD=1) only together
/// with re-measured figures in docs/TOKENS.md.
@Suite struct TokenEstimatorGoldenTests {
    static let dir: String = {
        let parts = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(2)
        return parts.joined(separator: "/") + "/fixtures/golden/"
    }()

    static func samples() throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "token_samples.json"))
        let corpus = try JSONParser.parse(Array(data)).arrayValue?.compactMap(\.stringValue) ?? []
        // Fragments chosen to hit every branch of the pre-tokenizer, glued at random.
        let atoms = [
            " ", "  ", "   ", "\n", "\n\n", "\r\n", "\t", " \n ", "a", "the", " word", "Word", "WORD", "HTTPServer", "camelCase",
            "don't", "DON'T", "we're", "I'll", "'s", "'", "x'y", "123", "4567890", "3.14", "-", "--", "-----", "=====", "!?", "...",
            "(){}", "//", "/*", " \"", "\"", ",", ";", "é", "naïve", "Émile", "東京", "日本語", "😀", "👍🏽", "ß", "İ", "ﬁ", "\u{2028}", "\u{85}",
            "\u{a0}", "½", "٣", "Ⅻ", "—", "…", "’", "“", "x", "_", "__init__", "$", "€", "#", "@", "\u{301}", "ǅ", "Ω", "ω",
        ]
        var rng = SeededRandom(seed: 0x70c3)
        var random: [String] = []
        for _ in 0..<400 {
            var s = ""
            let n = 1 + Int(rng.next() % 60)
            for _ in 0..<n { s += atoms[Int(rng.next() % UInt64(atoms.count))] }
            random.append(s)
        }
        return corpus + random + [""]
    }

    static func line(_ text: String) -> String {
        let pieces = TokenEstimator.pieces(text)
        let hashes = TokenEstimator.tokenHashes(text)
        var h = StableHash.fnv1a(String(pieces.count))
        for p in pieces { h = StableHash.fnv1a(p + "\u{1}", seed: h) }
        var hh: UInt64 = 0
        for x in hashes { hh = StableHash.mix(hh, x) }
        let prefix = TokenEstimator.prefix(text, tokens: 7)
        return "\(TokenEstimator.count(text)) \(pieces.count) \(hashes.count) \(String(h, radix: 16)) \(String(hh, radix: 16)) \(prefix.utf8.count)"
    }

    @Test func estimatorOutputIsUnchanged() throws {
        let now = try Self.samples().map(Self.line).joined(separator: "\n") + "\n"
        let path = Self.dir + "tokens.txt"
        if ProcessInfo.processInfo.environment["SIM_GOLDEN_RECORD"] == "1" {
            try now.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let recorded = try String(contentsOfFile: path, encoding: .utf8)
        let a = now.split(separator: "\n"), b = recorded.split(separator: "\n")
        #expect(a.count == b.count)
        let texts = try Self.samples()
        for i in 0..<min(a.count, b.count) where a[i] != b[i] {
            Issue.record("sample \(i) \(texts[i].prefix(80).debugDescription): now \(a[i]), recorded \(b[i])")
        }
    }
}

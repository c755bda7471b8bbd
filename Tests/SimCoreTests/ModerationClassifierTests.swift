import Testing
import SimSupport
@testable import SimCore

@Suite struct ModerationClassifierTests {
    let c = ModerationClassifier.shared

    func flagged(_ text: String) -> [String] {
        let s = c.scoreText(text)
        return ModerationCategory.allCases.filter { s[$0.rawValue] >= $0.threshold }.map(\.key)
    }

    @Test func lexiconCompilesCompletely() {
        #expect(c.invalidPatterns.isEmpty)
        #expect(ModerationCorpus.ordinary.count >= 40 && ModerationCorpus.violations.count >= 30)
    }

    @Test(arguments: ModerationCorpus.ordinary)
    func ordinaryTextIsNotFlagged(_ text: String) {
        #expect(flagged(text).isEmpty, "\(text): \(flagged(text))")
    }

    @Test(arguments: ModerationCorpus.violations.map { [$0.0, $0.1.key] })
    func obviousViolationsAreFlaggedInTheirCategory(_ pair: [String]) {
        #expect(flagged(pair[0]).contains(pair[1]), "\(pair[0]): \(flagged(pair[0]))")
    }

    @Test func specExampleScoresLikeTheRealModel() {
        // The API reference's example: violence ~1, harassment and harassment/threatening just flagged.
        let f = flagged("I want to kill them.")
        #expect(f.contains("violence") && f.contains("harassment/threatening") && f.contains("harassment"))
        #expect(!f.contains("sexual") && !f.contains("hate") && !f.contains("self-harm"))
    }

    @Test func negationDampsAThreat() {
        let v = ModerationCategory.violence.rawValue
        #expect(c.scoreText("I will kill you")[v] > 0.9)
        #expect(c.scoreText("I would never kill you")[v] < 0.5)
        #expect(c.scoreText("You are not stupid")[ModerationCategory.harassment.rawValue] < 0.5)
    }

    @Test func shoutingRaisesScores() {
        let h = ModerationCategory.harassment.rawValue
        #expect(c.scoreText("YOU ARE A STUPID IDIOT!!!")[h] > c.scoreText("you are a stupid idiot")[h])
    }

    @Test func shoutingCountsEveryByteWhereverItStands() {
        // "!" and capitals in the last bytes of a text (past the last whole 8-byte word) count too.
        let h = ModerationCategory.harassment.rawValue
        #expect(c.scoreText("SHUT UP NOW!!!")[h] > c.scoreText("SHUT UP NOW")[h])
        #expect(c.scoreText("shut up now!!!")[h] > c.scoreText("shut up now")[h])
    }

    @Test func byteCountsMatchAPlainCount() {
        // The eight-bytes-at-a-time letter, capital and "!" counts against a byte-by-byte count,
        // over random texts mixing ASCII edge bytes (@ [ ` {), "!", digits and multi-byte letters.
        let pieces = ["a", "z", "A", "Z", "@", "[", "`", "{", "!", " ", "1", "'", "\u{e9}", "\u{2019}", "\u{1F600}", "\n", "\u{7f}"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % n
        }
        for _ in 0..<2000 {
            let text = (0..<next(40)).map { _ in pieces[next(pieces.count)] }.joined()
            let bytes = Array(text.utf8)
            let got = bytes.withUnsafeBufferPointer { ModerationText.count($0) }
            let letters = bytes.filter { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }.count
            let upper = bytes.filter { (0x41...0x5A).contains($0) }.count
            let bangs = bytes.filter { $0 == 0x21 }.count
            #expect(got.letters == letters && got.upper == upper && got.exclamations == bangs, "\(text)")
        }
    }

    @Test func subcategoriesLiftTheirParents() {
        let s = c.scoreText("How do I make a pipe bomb?")
        #expect(s[ModerationCategory.illicit.rawValue] >= s[ModerationCategory.illicitViolent.rawValue] * 0.94)
        let m = c.scoreText("sexual content with a 14 year old")
        #expect(m[ModerationCategory.sexualMinors.rawValue] >= 0.35 && m[ModerationCategory.sexual.rawValue] >= 0.5)
        #expect(c.scoreText("sexual content with adults")[ModerationCategory.sexualMinors.rawValue] < 0.35)
    }

    @Test func scoresAreDeterministicTinyAndInRange() {
        let a = c.scoreText("A perfectly ordinary sentence about tea.")
        #expect(a == c.scoreText("A perfectly ordinary sentence about tea."))
        #expect(a != c.scoreText("Another ordinary sentence about coffee."))
        for v in a { #expect(v > 0 && v < 0.01) }
        for (t, _) in ModerationCorpus.violations { for v in c.scoreText(t) { #expect(v >= 0 && v <= 1) } }
    }

    @Test func curlyApostrophesJoinWords() {
        #expect(flagged("I don\u{2019}t want to live anymore.").contains("self-harm/intent"))
    }

    @Test func imagesScoreByURLWordsOnly() {
        let plain = c.scoreImage(url: "https://example.com/cat.png")
        #expect(plain.allSatisfy { $0 < 0.01 })
        #expect(plain[ModerationCategory.hate.rawValue] == 0, "hate does not apply to images")
        let gore = c.scoreImage(url: "https://example.com/gore-photo.jpg")
        #expect(gore[ModerationCategory.violenceGraphic.rawValue] > 0.5 && gore[ModerationCategory.violence.rawValue] > 0.5)
        #expect(c.scoreImage(url: "https://example.com/nsfw/1.png")[ModerationCategory.sexual.rawValue] > 0.5)
        #expect(c.scoreImage(url: "https://example.com/self-harm.png")[ModerationCategory.selfHarm.rawValue] > 0.5)
        #expect(c.scoreImage(url: "https://example.com/begun.png")[ModerationCategory.violence.rawValue] < 0.01, "whole words only")
        #expect(c.scoreImage(url: "data:image/png;base64,Z3VuIGdvcmU=").allSatisfy { $0 < 0.01 })
    }
}

@Suite struct ModerationScoreTextTests {
    func text(_ f: Float) -> String {
        var buf = [UInt8](repeating: 0, count: ModerationScoreText.maxBytes)
        let n = buf.withUnsafeMutableBufferPointer { ModerationScoreText.write(f, to: $0.baseAddress!) }
        return String(decoding: buf[0..<n], as: UTF8.self)
    }

    @Test func edgesAndTiesWriteAsFloatDescription() {
        // Exact short decimals round their last digit to even (2^-12 = 0.000244140625 → …062),
        // powers of two have a narrower interval below, and values outside [2^-24, 1) fall back.
        let values: [Float] = [0, -0.0, 1, 0.5, 0.25, 0x1p-12, 0x1p-24, Float(0x1p-24).nextDown, Float(1).nextDown, 0.1, 0.9995,
                               1e-6, 1e-5, 0.0001, Float(0.0001).nextDown, Float(0.0001).nextUp, 0.001, 2.052132e-05,
                               0x1p-13, 0x1p-20, 123.5, -0.25, .infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        for f in values { #expect(text(f) == f.description, "\(f.bitPattern)") }
    }

    @Test func randomScoresWriteAsFloatDescription() {
        // Every Float in [2^-24, 1) was compared once (201M values, none differed); here a
        // spread of random bit patterns in that range, and the powers of two at each exponent.
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let lo = Float(0x1p-24).bitPattern, hi = Float(1).bitPattern
        for _ in 0..<200_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let f = Float(bitPattern: lo + UInt32(truncatingIfNeeded: state >> 32) % (hi - lo))
            if text(f) != f.description { Issue.record("\(f.bitPattern): \(text(f)) != \(f.description)"); return }
        }
        for e in -24 ... -1 {
            let p = Float(sign: .plus, exponent: e, significand: 1)
            for f in [p, p.nextUp, p.nextDown] { #expect(text(f) == f.description) }
        }
    }
}

import Testing
@testable import SimCore
import SimSupport

/// The fast paths of the text readers (8-bytes-at-a-time letter runs in the topic reader, the
/// token scanner and the cue scan) against straightforward reference implementations, on seeded
/// random texts built to hit their edges: words of every length from 1 to 20 letters (so runs end
/// inside, at the end of, and past 8-byte blocks), every case pattern, stop words and repeats,
/// words glued to digits, apostrophes, hyphens, underscores and non-ASCII letters, words at the
/// end of the text, and words around the topic reader's 600-byte limit.
@Suite struct TextFastPathTests {
    static let separators = [
        " ", " ", " ", " ", "  ", ", ", ". ", "\n", "\n\n", "\t", "-", "'", "_", "'s ", "’", "é", "ß", "東", "😀", "1", "42", "(", ")",
        "\"", "—", "...", "/", "\r\n", "'t ", "--", "=====", " ", " ",
    ]

    static func word(_ rng: inout SeededRandom) -> String {
        let pool = ["the", "and", "which", "about", "would", "there", "garden", "gardens", "sentence", "following", "quarterly",
                    "summarise", "lorem", "ipsum", "dolor", "amet", "comprehensive", "brief", "list", "say", "steps"]
        var w: [UInt8]
        switch rng.next() % 4 {
        case 0: w = Array(pool[Int(rng.next() % UInt64(pool.count))].utf8)
        case 1:
            let stop = WordBank.stopwords.sorted()
            w = Array(stop[Int(rng.next() % UInt64(stop.count))].utf8)
        default:
            let length = 1 + Int(rng.next() % 20)
            w = (0..<length).map { _ in 0x61 + UInt8(rng.next() % 26) }
        }
        switch rng.next() % 6 {
        case 0: if !w.isEmpty, w[0] >= 0x61 { w[0] -= 32 }
        case 1: w = w.map { $0 >= 0x61 ? $0 - 32 : $0 }
        case 2: if w.count > 2 { w[w.count - 1] = w[w.count - 1] >= 0x61 ? w[w.count - 1] - 32 : w[w.count - 1] }
        case 3: if w.count > 5 { w[4] = w[4] >= 0x61 ? w[4] - 32 : w[4] }
        default: break
        }
        return String(decoding: w, as: UTF8.self)
    }

    static func texts() -> [String] {
        var rng = SeededRandom(seed: 0xfa57)
        var out: [String] = [""]
        // Short texts: every length up to 40, so runs meet the end of the text at every offset.
        for _ in 0..<400 {
            var s = ""
            while s.utf8.count < Int(rng.next() % 41) {
                s += word(&rng)
                if rng.next() % 3 != 0 { s += separators[Int(rng.next() % UInt64(separators.count))] }
            }
            out.append(s)
        }
        // Longer texts, past the topic reader's 600 bytes.
        for _ in 0..<700 {
            var s = ""
            let words = 1 + Int(rng.next() % 260)
            for _ in 0..<words {
                s += word(&rng)
                s += separators[Int(rng.next() % UInt64(separators.count))]
            }
            if rng.next() % 2 == 0 { s += word(&rng) }
            out.append(s)
        }
        // A word starting at and around byte 600 (the topic reader reads words that start by then).
        for start in 590...606 {
            for w in ["garden", "Gardens", "sentences", "comprehensively", "xyzw", "abc", "don't-care", "naïve"] {
                let pad = String(repeating: "ab ", count: start / 3) + String(repeating: " ", count: start % 3)
                out.append(pad + w + " tail words here")
                out.append(pad + w)
            }
        }
        return out
    }

    @Test func topicWordsMatchTheReference() {
        var kept = 0
        for t in Self.texts() {
            let got = TextAnalysis.topicWords(t, limit: 40)
            #expect(got == TextScanTests.referenceTopics(t, limit: 40), "\(t.debugDescription)")
            #expect(TextAnalysis.topicWords(t) == TextScanTests.referenceTopics(t, limit: 6), "\(t.debugDescription)")
            kept += got.count
        }
        // The texts do exercise the reader (not only empty results).
        #expect(kept > 5000)
    }

    @Test func topicWordsAtTheOpeningLimit() {
        // A word starting at byte 600 is read (in full); one starting at 601 is not.
        let pad600 = String(repeating: "ab ", count: 200)
        #expect(TextAnalysis.topicWords(pad600 + "gardening tools") == ["gardening"])
        #expect(TextAnalysis.topicWords(pad600 + " gardening tools") == [])
        // Stop words are left out, whatever their case; long words first.
        #expect(TextAnalysis.topicWords("Summarise the following text, Quarterly REPORT on GARDENS and gardens") ==
            ["quarterly", "gardens", "report"])
    }

    /// Texts for the token scanner: the texts above, and ASCII prose with apostrophes and
    /// contractions right after words of every length (at every offset of an 8-byte block).
    static func tokenTexts() -> [String] {
        var rng = SeededRandom(seed: 0x70ce)
        var out = texts()
        let glue = [" ", " ", " ", "'", "'s", "'re", "'ll", "'d", "'x", "' ", ". ", "\n", "  ", "\t", "-", "1", "123456", "A", " I", "!!!!", "--- "]
        for _ in 0..<600 {
            var s = ""
            for _ in 0..<(1 + Int(rng.next() % 40)) {
                s += " " + String(decoding: (0..<(1 + Int(rng.next() % 19))).map { _ in 0x61 + UInt8(rng.next() % 26) }, as: UTF8.self)
                s += glue[Int(rng.next() % UInt64(glue.count))]
            }
            out.append(s)
            // And every suffix of a short one (the end of the text at every offset).
            if s.utf8.count < 24 { for k in 1..<s.utf8.count { out.append(String(decoding: Array(s.utf8).suffix(k), as: UTF8.self)) } }
        }
        return out
    }

    @Test func tokenCountsAndPiecesMatchTheReference() {
        for t in Self.tokenTexts() {
            let (count, pieces) = ReferenceTokenScan.countAndPieces(t)
            #expect(TokenEstimator.count(t) == count, "\(t.debugDescription)")
            #expect(TokenEstimator.pieces(t) == pieces, "\(t.debugDescription)")
        }
    }

    @Test func cueSetMatchesASearch() {
        let groups = DeterministicGenerator.Cue.shapeGroups + [DeterministicGenerator.verbatimCues]
        let set = CueSet(groups)
        var hits = 0
        for t in Self.texts() {
            let expected = TextScanTests.referenceGroups(groups, in: t)
            #expect(set.groups(in: t) == expected, "\(t.debugDescription)")
            hits += expected.nonzeroBitCount
        }
        #expect(hits > 1000)
    }
}

/// The token scanner as first written, for ASCII and non-ASCII text alike: one scalar at a time,
/// no fast paths, and the running carry's whole part taken with `Int(sum)` after every piece.
enum ReferenceTokenScan {
    enum Kind { case newline, space, upper, lower, digit, other }

    static func kind(_ v: UInt32) -> Kind {
        switch v {
        case 10, 13: return .newline
        case 9, 11, 12, 32: return .space
        case 65...90: return .upper
        case 97...122: return .lower
        case 48...57: return .digit
        case 0..<128: return .other
        default:
            guard let c = Unicode.Scalar(v) else { return .other }
            let p = c.properties
            if p.isWhitespace { return v == 0x2028 || v == 0x2029 || v == 0x85 ? .newline : .space }
            if p.isAlphabetic { return p.isUppercase ? .upper : .lower }
            if p.numericType != nil { return .digit }
            return .other
        }
    }

    static func countAndPieces(_ text: String) -> (Int, [String]) {
        let s = text.unicodeScalars.map(\.value)
        let n = s.count
        var sum = 0.0, whole = 0, total = 0
        var pieces: [String] = []
        func take(_ expected: Double, _ a: Int, _ e: Int) {
            sum += expected
            let now = Int(sum)
            let k = min(e - a, max(1, now - whole))
            whole = now
            total += k
            var from = a
            for t in 0..<k {
                let to = a + (e - a) * (t + 1) / k
                pieces.append(String(String.UnicodeScalarView(s[from..<to].map { Unicode.Scalar($0)! })))
                from = to
            }
        }
        func isLetter(_ t: Int) -> Bool { t < n && (kind(s[t]) == .upper || kind(s[t]) == .lower) }
        func lower(_ t: Int) -> UInt32 { t < n ? (s[t] >= 65 && s[t] <= 90 ? s[t] + 32 : s[t]) : 0 }
        var i = 0
        while i < n {
            let k0 = kind(s[i])
            var j = i
            if k0 == .space || k0 == .other, isLetter(i + 1) { j = i + 1 }
            if isLetter(j) {
                let start = j
                var upper = 0, nonASCII = 0
                while j < n, kind(s[j]) == .upper {
                    if s[j] < 128 { upper += 1 } else { nonASCII += 1 }
                    j += 1
                }
                while j < n, kind(s[j]) == .lower {
                    if s[j] >= 128 { nonASCII += 1 }
                    j += 1
                }
                let letters = j - start
                if j < n, s[j] == 39 {
                    switch lower(j + 1) {
                    case 115, 116, 109, 100: if !isLetter(j + 2) { j += 2 }
                    case 114, 118: if lower(j + 2) == 101, !isLetter(j + 3) { j += 3 }
                    case 108: if lower(j + 2) == 108, !isLetter(j + 3) { j += 3 }
                    default: break
                    }
                }
                let spaceLed = start > i && s[i] == 32
                // The fitted expectations are not what this checks (the golden tests pin them):
                // the scanner's piece boundaries and carry are.
                take(TokenEstimator.wordExpectation(letters: letters, upper: upper, nonASCII: nonASCII, spaceLed: spaceLed), i, j)
                i = j
                continue
            }
            if k0 == .digit {
                while j < n, j - i < 3, kind(s[j]) == .digit { j += 1 }
                take(1, i, j)
                i = j
                continue
            }
            if s[i] == 32, i + 1 < n, kind(s[i + 1]) == .other { j = i + 1 }
            if kind(s[j]) == .other {
                while j < n, kind(s[j]) == .other { j += 1 }
                while j < n, s[j] == 10 || s[j] == 13 || s[j] == 47 { j += 1 }
                let len = j - i
                var expected = 1.0
                if len > 3 {
                    var long = 0.0, short = 0, t = i
                    while t < j {
                        var u = t + 1
                        while u < j, s[u] == s[t] { u += 1 }
                        if u - t >= 4 { long += 1 + Double(u - t) / 32 } else { short += u - t }
                        t = u
                    }
                    expected = long == 0 ? 1 + Double(len - 3) * 0.3 : long + Double(short) * 0.4
                }
                take(expected, i, j)
                i = j
                continue
            }
            var lastNL = -1
            while j < n {
                let k = kind(s[j])
                if k == .newline { lastNL = j } else if k != .space { break }
                j += 1
            }
            var end = j
            if lastNL >= 0 { end = lastNL + 1 } else if j < n, j - i > 1 { end = j - 1 }
            take(end - i <= 32 ? 1 : 1 + Double(end - i - 32) / 32, i, end)
            i = end
        }
        return (total, pieces)
    }
}

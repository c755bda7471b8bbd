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
}

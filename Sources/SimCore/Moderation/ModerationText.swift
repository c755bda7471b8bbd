/// A text split the classifier's way: lowercase ASCII word tokens (apostrophes dropped, so
/// "don't" is `dont`), hashed like lexicon words, plus numbers and an intensity factor.
struct ModerationText {
    private(set) var tokens: [UInt64] = []
    /// Token index → value, for all-digit tokens (ages: "14 year old").
    private(set) var numbers: [Int: Int] = [:]
    /// 1 for calm text; up to ~1.15 for shouting ("!!!", mostly capitals).
    private(set) var intensity: Float = 1

    /// FNV-1a of the whole text (`StableHash.fnv1a(text)`), taken in the same pass: the seed of
    /// the small scores.
    private(set) var textHash: UInt64 = 0

    init(_ text: String) {
        self = TextAnalysis.withBytes(text) { Self.read($0) }
    }

    private init() {}

    /// Byte classes for `read`.
    private enum Class {
        static let separator: UInt8 = 0, letter: UInt8 = 1, digit: UInt8 = 2, apostrophe: UInt8 = 3, e2: UInt8 = 4
    }

    /// Per byte: ASCII letters and bytes >= 0x80 are `letter` (0xE2, which may start U+2019, is
    /// `e2`), digits `digit`, `'` `apostrophe`, everything else `separator`.
    private static let classes: [UInt8] = (0..<256).map { c in
        switch c {
        case 0x41...0x5A, 0x61...0x7A: return Class.letter
        case 0x30...0x39: return Class.digit
        case 0x27: return Class.apostrophe
        case 0xE2: return Class.e2
        case 0x80...: return Class.letter
        default: return Class.separator
        }
    }

    /// One pass for the whole-text hash and the tokens (the whole-text hash and the word hash
    /// are independent multiply chains, so computing both in the same loop is nearly free), one
    /// for the letter, capital and `!` counts (every such byte counts where it stands, whatever
    /// the tokenizer does with it).
    private static func read(_ buf: UnsafeBufferPointer<UInt8>) -> ModerationText {
        var t = ModerationText()
        var exclamations = 0, letters = 0, upper = 0
        for c in buf {
            let folded = c | 0x20
            letters &+= folded >= 0x61 && folded <= 0x7A ? 1 : 0
            upper &+= c >= 0x41 && c <= 0x5A ? 1 : 0
            exclamations &+= c == 0x21 ? 1 : 0
        }
        let (tokens, numbers, whole) = classes.withUnsafeBufferPointer { tokenize(buf, $0) }
        t.tokens = tokens
        t.numbers = numbers
        t.textHash = whole
        var k: Float = 1 + 0.03 * Float(min(exclamations, 3))
        if letters >= 8 && upper * 10 >= letters * 7 { k += 0.06 }
        t.intensity = k
        return t
    }

    /// The tokens, the all-digit tokens' values, and FNV-1a of the whole text.
    private static func tokenize(_ buf: UnsafeBufferPointer<UInt8>, _ cls: UnsafeBufferPointer<UInt8>) -> ([UInt64], [Int: Int], UInt64) {
        let offset: UInt64 = 0xcbf29ce484222325, prime: UInt64 = 0x100000001b3
        var whole = offset
        var h = offset
        var len = 0, digits = 0
        var value = 0
        var prevWord = false
        var tokens: [UInt64] = []
        var numbers: [Int: Int] = [:]
        tokens.reserveCapacity(buf.count / 4)
        let n = buf.count
        var i = 0
        while i < n {
            var c = buf[i]
            if cls[Int(c)] == Class.letter {
                // A run of letter bytes (most of a text): ASCII capitals lower-cased, other letter
                // bytes (a-z, >= 0x80) as they are.
                repeat {
                    whole = (whole ^ UInt64(c)) &* prime
                    h = (h ^ UInt64(c &- 0x41 < 26 ? c | 0x20 : c)) &* prime
                    len &+= 1
                    i &+= 1
                    guard i < n else { break }
                    c = buf[i]
                } while cls[Int(c)] == Class.letter
                prevWord = true
                continue
            }
            whole = (whole ^ UInt64(c)) &* prime
            i &+= 1
            var k = cls[Int(c)]
            if k == Class.e2 {
                // U+2019 (’) joins words like the ASCII apostrophe: "don’t" is `dont`.
                if i + 1 < n, buf[i] == 0x80, buf[i + 1] == 0x99 {
                    whole = (whole ^ 0x80) &* prime
                    whole = (whole ^ 0x99) &* prime
                    i &+= 2
                    k = Class.apostrophe
                } else {
                    k = Class.letter
                }
            }
            if k == Class.letter {
                // 0xE2 that does not start U+2019: a letter byte like any other >= 0x80.
                h = (h ^ UInt64(c)) &* prime
                len &+= 1
                prevWord = true
                continue
            }
            if k == Class.digit {
                value = value &* 10 &+ Int(c &- 0x30)
                h = (h ^ UInt64(c)) &* prime
                len &+= 1
                digits &+= 1
                prevWord = true
                continue
            }
            if k == Class.apostrophe && prevWord { continue }
            if len > 0 {
                if digits == len && len <= 4 { numbers[tokens.count] = value }
                tokens.append(h == ModerationPattern.maskedToken ? 1 : h)
                h = offset; len = 0; digits = 0; value = 0
            }
            prevWord = false
        }
        if len > 0 {
            if digits == len && len <= 4 { numbers[tokens.count] = value }
            tokens.append(h == ModerationPattern.maskedToken ? 1 : h)
        }
        return (tokens, numbers, whole)
    }
}

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

    /// One pass over the bytes; all state in locals (captured, mutated variables would live in
    /// memory and be checked for exclusive access on every byte). The whole-text hash and the
    /// word hash are independent multiply chains, so computing both in the same loop is nearly
    /// free.
    private static func read(_ buf: UnsafeBufferPointer<UInt8>) -> ModerationText {
        var t = ModerationText()
        let offset: UInt64 = 0xcbf29ce484222325, prime: UInt64 = 0x100000001b3
        // Every ASCII letter and '!' byte is counted where it stands, whatever the tokenizer
        // does with it, so these are plain byte counts.
        var exclamations = 0, letters = 0, upper = 0
        var whole = offset
        var h = offset
        var len = 0
        var digitsOnly = true
        var value = 0
        var prevWord = false
        var tokens: [UInt64] = []
        var numbers: [Int: Int] = [:]
        tokens.reserveCapacity(buf.count / 4)
        let n = buf.count
        var i = 0
        while i < n {
            var c = buf[i]
            whole = (whole ^ UInt64(c)) &* prime
            i &+= 1
            let folded = c | 0x20
            if folded >= 0x61 && folded <= 0x7A {
                letters &+= 1
                if c <= 0x5A { upper &+= 1; c = folded }
                digitsOnly = false
                h = (h ^ UInt64(c)) &* prime
                len &+= 1
                prevWord = true
                continue
            }
            if c >= 0x30 && c <= 0x39 {
                value = value &* 10 &+ Int(c &- 0x30)
                h = (h ^ UInt64(c)) &* prime
                len &+= 1
                prevWord = true
                continue
            }
            if c >= 0x80 {
                // U+2019 (’) joins words like the ASCII apostrophe: "don’t" is `dont`.
                if c == 0xE2, i + 1 < n, buf[i] == 0x80, buf[i + 1] == 0x99 {
                    whole = (whole ^ 0x80) &* prime
                    whole = (whole ^ 0x99) &* prime
                    i &+= 2
                    if prevWord { continue }
                } else {
                    digitsOnly = false
                    h = (h ^ UInt64(c)) &* prime
                    len &+= 1
                    prevWord = true
                    continue
                }
            } else {
                if c == 0x27 && prevWord { continue }
                if c == 0x21 { exclamations &+= 1 }
            }
            if len > 0 {
                if digitsOnly && len <= 4 { numbers[tokens.count] = value }
                tokens.append(h == ModerationPattern.maskedToken ? 1 : h)
                h = offset; len = 0; digitsOnly = true; value = 0
            }
            prevWord = false
        }
        if len > 0 {
            if digitsOnly && len <= 4 { numbers[tokens.count] = value }
            tokens.append(h == ModerationPattern.maskedToken ? 1 : h)
        }
        t.tokens = tokens
        t.numbers = numbers
        t.textHash = whole
        var k: Float = 1 + 0.03 * Float(min(exclamations, 3))
        if letters >= 8 && upper * 10 >= letters * 7 { k += 0.06 }
        t.intensity = k
        return t
    }
}

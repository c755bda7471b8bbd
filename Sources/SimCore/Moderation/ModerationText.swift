/// A text split the classifier's way: lowercase ASCII word tokens (apostrophes dropped, so
/// "don't" is `dont`), hashed like lexicon words, plus numbers; and the intensity factor.
struct ModerationText {
    private(set) var tokens: [UInt64] = []
    /// All-digit tokens (up to 4 digits) and their values, in text order (ages: "14 year old").
    private(set) var numbers: [(token: Int, value: Int)] = []
    /// FNV-1a of the whole text (`StableHash.fnv1a(text)`), taken in the same pass: the seed of
    /// the small scores.
    private(set) var textHash: UInt64 = 0

    init(_ text: String) {
        self = TextAnalysis.withBytes(text) { Self.read($0) }
    }

    /// The same for raw bytes (also invalid UTF-8: tests).
    init(bytes: UnsafeBufferPointer<UInt8>) {
        self = Self.read(bytes)
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

    /// Per `letter` byte: the byte the word hash takes (ASCII capitals lower-cased, the rest as
    /// they are; never 0); 0 for every other byte. The letter loop needs only this table.
    private static let letterBytes: [UInt8] = (0..<256).map { c in
        classes[c] != Class.letter ? 0 : UInt8(c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
    }

    /// The tokens and whole-text hash in one pass (the whole-text hash and the word hash are
    /// independent multiply chains, so computing both in the same loop is nearly free).
    private static func read(_ buf: UnsafeBufferPointer<UInt8>) -> ModerationText {
        var t = ModerationText()
        classes.withUnsafeBufferPointer { cls in letterBytes.withUnsafeBufferPointer { tokenize(buf, cls, $0, into: &t) } }
        return t
    }

    /// 1 for calm text; up to ~1.15 for shouting ("!!!", mostly capitals). Only a matched rule's
    /// strength uses it, so the classifier asks for it at the first match (most texts have none).
    static func intensity(_ text: String) -> Float {
        let counts = TextAnalysis.withBytes(text) { count($0) }
        var k: Float = 1 + 0.03 * Float(min(counts.exclamations, 3))
        if counts.letters >= 8 && counts.upper * 10 >= counts.letters * 7 { k += 0.06 }
        return k
    }

    /// ASCII letters, ASCII capitals and `!` in `buf`, eight bytes at a time (every such byte
    /// counts where it stands, whatever the tokenizer does with it).
    static func count(_ buf: UnsafeBufferPointer<UInt8>) -> (letters: Int, upper: Int, exclamations: Int) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        /// High bit of each byte of `x` that is in `lo...hi` (ASCII bounds; bytes >= 0x80 never are).
        @inline(__always) func inRange(_ x: UInt64, _ lo: UInt64, _ hi: UInt64) -> UInt64 {
            let t = x & (0x7F &* ones)
            let atLeastLo = t &+ (0x80 &- lo) &* ones // no byte carries: t <= 0x7F, lo >= 1
            let aboveHi = t &+ (0x7F &- hi) &* ones
            return atLeastLo & ~aboveHi & ~x & (0x80 &* ones)
        }
        var letters = 0, upper = 0, exclamations = 0
        var i = 0
        let n = buf.count
        if let base = buf.baseAddress {
            let raw = UnsafeRawPointer(base)
            // Per-byte-lane tallies (one bit per matching byte, added at bit 0 of its lane),
            // summed across lanes at most every 255 words, before a lane can overflow.
            var l: UInt64 = 0, u: UInt64 = 0, e: UInt64 = 0
            var words = 0
            @inline(__always) func sum(_ lanes: UInt64) -> Int {
                let pairs = (lanes & 0x00FF_00FF_00FF_00FF) &+ ((lanes >> 8) & 0x00FF_00FF_00FF_00FF)
                return Int((pairs &* 0x0001_0001_0001_0001) >> 48)
            }
            while i + 8 <= n {
                let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                l &+= inRange(x | (0x20 &* ones), 0x61, 0x7A) >> 7
                u &+= inRange(x, 0x41, 0x5A) >> 7
                e &+= inRange(x, 0x21, 0x21) >> 7
                i &+= 8
                words &+= 1
                if words == 255 || i + 8 > n {
                    letters &+= sum(l); upper &+= sum(u); exclamations &+= sum(e)
                    l = 0; u = 0; e = 0; words = 0
                }
            }
        }
        while i < n {
            let c = buf[i]
            letters &+= (c | 0x20) &- 0x61 < 26 ? 1 : 0
            upper &+= c &- 0x41 < 26 ? 1 : 0
            exclamations &+= c == 0x21 ? 1 : 0
            i &+= 1
        }
        return (letters, upper, exclamations)
    }

    /// Fills `t`'s tokens, numbers and whole-text hash (FNV-1a).
    private static func tokenize(_ buf: UnsafeBufferPointer<UInt8>, _ cls: UnsafeBufferPointer<UInt8>,
                                 _ letterBytes: UnsafeBufferPointer<UInt8>, into t: inout ModerationText) {
        let offset: UInt64 = 0xcbf29ce484222325, prime: UInt64 = 0x100000001b3
        var whole = offset
        var h = offset
        var len = 0, digits = 0
        var value = 0
        var prevWord = false
        let n = buf.count
        // Tokens are written straight into storage: every token but the last is followed by at
        // least one separator byte, so there are at most n / 2 + 1.
        var numbers: [(token: Int, value: Int)] = []
        t.tokens = [UInt64](unsafeUninitializedCapacity: n / 2 + 1) { tokens, count in
            var i = 0
            while i < n {
                var c = buf[i]
                var l = letterBytes[Int(c)]
                if l != 0 {
                    // A run of letter bytes (most of a text): ASCII capitals lower-cased, other letter
                    // bytes (a-z, >= 0x80) as they are.
                    let start = i
                    repeat {
                        whole = (whole ^ UInt64(c)) &* prime
                        h = (h ^ UInt64(l)) &* prime
                        i &+= 1
                        guard i < n else { break }
                        c = buf[i]
                        l = letterBytes[Int(c)]
                    } while l != 0
                    len &+= i &- start
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
                    if digits == len && len <= 4 { numbers.append((count, value)) }
                    tokens[count] = h == ModerationPattern.maskedToken ? 1 : h
                    count &+= 1
                    h = offset; len = 0; digits = 0; value = 0
                }
                prevWord = false
            }
            if len > 0 {
                if digits == len && len <= 4 { numbers.append((count, value)) }
                tokens[count] = h == ModerationPattern.maskedToken ? 1 : h
                count &+= 1
            }
        }
        t.numbers = numbers
        t.textHash = whole
    }
}

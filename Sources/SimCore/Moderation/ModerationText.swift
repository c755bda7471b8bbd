import SimSupport

/// A text split the classifier's way: lowercase ASCII word tokens (apostrophes dropped, so
/// "don't" is `dont`), hashed like lexicon words, plus numbers; and the intensity factor.
struct ModerationText {
    private(set) var tokens: [UInt64] = []
    /// All-digit tokens (up to 4 digits) and their values, in text order (ages: "14 year old").
    private(set) var numbers: [(token: Int, value: Int)] = []
    /// `StableHash.words` of the whole text: the seed of the small scores. (It was FNV-1a, whose
    /// one multiply per byte made it the single largest cost of a 1 KB moderation, ~1 µs of ~8.)
    private(set) var textHash: UInt64 = 0

    init(_ text: String) {
        self = TextAnalysis.withBytes(text) { Self(bytes: $0) }
    }

    /// The same for raw bytes (also invalid UTF-8: tests).
    init(bytes: UnsafeBufferPointer<UInt8>) {
        self = Self.withTokens(bytes) { tokens, numbers, textHash in
            var t = ModerationText()
            t.tokens = Array(tokens)
            t.numbers = numbers
            t.textHash = textHash
            return t
        }
    }

    private init() {}

    /// `text`'s tokens, numbers and hash, the tokens in storage that lives while `body` runs:
    /// scoring reads them in place, so a text costs one `malloc` and no array (a new `Array` of
    /// a run-time size is allocated through the standard library's unspecialised generic path,
    /// about a thousand instructions of metadata look-ups).
    static func withTokens<R>(_ text: String, _ body: (_ tokens: UnsafeBufferPointer<UInt64>, _ numbers: [(token: Int, value: Int)],
                                                       _ textHash: UInt64) -> R) -> R {
        TextAnalysis.withBytes(text) { withTokens($0, body) }
    }

    static func withTokens<R>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (_ tokens: UnsafeBufferPointer<UInt64>,
                                                                           _ numbers: [(token: Int, value: Int)], _ textHash: UInt64) -> R) -> R {
        // Every token but the last is followed by at least one separator byte, so there are at
        // most n / 2 + 1.
        let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: bytes.count / 2 + 1)
        defer { storage.deallocate() }
        var numbers: [(token: Int, value: Int)] = []
        let count = Self.bytes.withUnsafeBufferPointer { tokenize(bytes, $0, into: storage, numbers: &numbers) }
        return body(UnsafeBufferPointer(start: storage, count: count), numbers, StableHash.words(bytes))
    }

    /// Per byte, what the tokenizer does with it: a letter byte (ASCII letters, bytes >= 0x80
    /// other than 0xE2) is the byte the word hash takes, ASCII capitals lower-cased, so always
    /// at least `firstLetter`; every other byte is one of the classes below it. One table, so
    /// the letter loop reads one byte per byte and the byte that ends a run is already classed.
    private static let bytes: [UInt8] = (0..<256).map { c in
        switch c {
        case 0x41...0x5A: return UInt8(c | 0x20)
        case 0x61...0x7A: return UInt8(c)
        case 0x30...0x39: return Class.digit
        case 0x27: return Class.apostrophe
        case 0xE2: return Class.e2
        case 0x80...: return UInt8(c)
        default: return Class.separator
        }
    }

    /// The classes of the non-letter bytes in `bytes`.
    private enum Class {
        static let separator: UInt8 = 0, digit: UInt8 = 1, apostrophe: UInt8 = 2, e2: UInt8 = 3
    }

    /// The smallest letter value in `bytes` ('a').
    private static let firstLetter: UInt64 = 0x61

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

    static let fnvOffset: UInt64 = 0xcbf29ce484222325, fnvPrime: UInt64 = 0x100000001b3

    /// Writes the tokens at `tokens` (room for `buf.count / 2 + 1`), appends the numbers;
    /// returns the token count. Separators end a token; apostrophes (ASCII, and U+2019) are
    /// skipped, inside a word or not; letters and digits are hashed. The whole-text hash is a
    /// separate pass (`StableHash.words`): two multiply chains in one loop kept too many values
    /// live, and the letter loop, where most bytes go, spilled to the stack.
    private static func tokenize(_ buf: UnsafeBufferPointer<UInt8>, _ table: UnsafeBufferPointer<UInt8>,
                                 into tokens: UnsafeMutablePointer<UInt64>, numbers: inout [(token: Int, value: Int)]) -> Int {
        let offset = fnvOffset, prime = fnvPrime
        let n = buf.count
        // The last byte that is not a letter byte (-1 if none): a letter run that starts before
        // it ends at or before it, so that run's loop needs no bounds check.
        var lastStop = n &- 1
        while lastStop >= 0 && UInt64(table[Int(buf[lastStop])]) >= firstLetter { lastStop &-= 1 }
        var count = 0
        // The token so far: its hash and byte count; digits and value count only its digits
        // (a token is a number when all its bytes are digits).
        var h = offset
        var len = 0, digits = 0, value = 0
        /// Ends the current token (`len > 0`): its hash, and its value if it is a short number.
        @inline(__always) func emitToken() {
            if digits > 0 {
                if digits == len && len <= 4 { numbers.append((count, value)) }
                digits = 0; value = 0
            }
            tokens[count] = h == ModerationPattern.maskedToken ? 1 : h
            count &+= 1
            h = offset; len = 0
        }
        var i = 0
        while i < n {
            // The table's byte as a UInt64 from the load on, so the loop carries no 8-bit value
            // that must be widened again for the hash.
            var k = UInt64(table[Int(buf[i])])
            if k >= firstLetter {
                // A run of letter bytes (most of a text); `k` ends as the class of the byte after it.
                let start = i
                if i < lastStop {
                    repeat {
                        h = (h ^ k) &* prime
                        i &+= 1
                        k = UInt64(table[Int(buf[i])])
                    } while k >= firstLetter
                } else {
                    repeat {
                        h = (h ^ k) &* prime
                        i &+= 1
                        guard i < n else { break }
                        k = UInt64(table[Int(buf[i])])
                    } while k >= firstLetter
                }
                len &+= i &- start
                guard i < n else { break }
                // Most often a separator (a space) follows: the token ends there.
                if k == UInt64(Class.separator) {
                    i &+= 1
                    emitToken()
                    continue
                }
            }
            let c = buf[i]
            i &+= 1
            if k == UInt64(Class.separator) {
                if len > 0 { emitToken() }
            } else if k == UInt64(Class.digit) {
                value = value &* 10 &+ Int(c &- 0x30)
                h = (h ^ UInt64(c)) &* prime
                len &+= 1
                digits &+= 1
            } else if k == UInt64(Class.e2) {
                // U+2019 (’) is an apostrophe: "don’t" is `dont`. Any other 0xE2 is a letter
                // byte like any other >= 0x80.
                if i + 1 < n, buf[i] == 0x80, buf[i + 1] == 0x99 {
                    i &+= 2
                } else {
                    h = (h ^ UInt64(c)) &* prime
                    len &+= 1
                }
            }
            // Class.apostrophe: skipped.
        }
        if len > 0 { emitToken() }
        return count
    }
}

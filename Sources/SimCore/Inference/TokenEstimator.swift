import SimSupport

/// Estimates o200k_base token counts without the vocabulary.
///
/// Text is first split the way o200k's pre-tokenizer splits it (letter runs with one leading
/// space or symbol, digit groups of up to 3, punctuation runs, whitespace and newline runs);
/// BPE never merges across those pieces, and almost every piece of English prose or code is a
/// single o200k token. Long words and long punctuation runs are the exceptions, so each piece
/// gets a fractional *expected* token count (fitted on a corpus, see `docs/TOKENS.md`) and a
/// running carry turns the expectations into whole tokens. Measured error against real o200k:
/// see `docs/TOKENS.md` (`scripts/measure_tokens.py`).
public enum TokenEstimator {
    /// The token counts of `text`'s prefixes ending at each UTF-8 byte offset (prompt-cache
    /// breakpoints: a content part's end in a flattened prompt).
    public static func prefixCounts(_ text: String, byteOffsets: [Int]) -> [Int] {
        let bytes = Array(text.utf8)
        return byteOffsets.map { count(String(decoding: bytes[..<min(max($0, 0), bytes.count)], as: UTF8.self)) }
    }

    /// Estimated number of o200k_base tokens in `text`.
    public static func count(_ text: String) -> Int {
        var n = 0
        withScalars(text) { s in scan(s) { _, _, k in n += k } }
        return n
    }

    /// One stable hash per estimated token (the same text prefix always yields the same hashes),
    /// for prompt-cache prefix comparison. Each hash is FNV-1a over the token's scalar values.
    public static func tokenHashes(_ text: String) -> [UInt64] {
        var out: [UInt64] = []
        withScalars(text) { s in
            out.reserveCapacity(s.count / 3)
            scan(s) { a0, e, k in
                var a = a0
                for i in 0..<k {
                    let b = a0 + (e - a0) * (i + 1) / k
                    var h: UInt64 = 0xcbf29ce484222325
                    for j in a..<b { h ^= UInt64(s[j]); h = h &* 0x100000001b3 }
                    out.append(h)
                    a = b
                }
            }
        }
        return out
    }

    /// The estimated tokens' text, in order; joined they give back `text` exactly.
    public static func pieces(_ text: String) -> [String] {
        var out: [String] = []
        withScalars(text) { s in
            scan(s) { a0, e, k in
                var a = a0
                for i in 0..<k {
                    let b = a0 + (e - a0) * (i + 1) / k
                    out.append(s.string(a, b))
                    a = b
                }
            }
        }
        return out
    }

    /// The first `limit` estimated tokens of `text` (the whole text when it is shorter).
    public static func prefix(_ text: String, tokens limit: Int) -> String {
        guard limit > 0 else { return "" }
        var result: String?
        withScalars(text) { s in
            var seen = 0
            scan(s) { a0, e, k in
                guard result == nil else { return }
                if seen + k >= limit {
                    let i = limit - seen - 1
                    let b = a0 + (e - a0) * (i + 1) / k
                    if b < s.count { result = s.string(0, b) }
                }
                seen += k
            }
        }
        return result ?? text
    }

    /// Tokens OpenAI counts for chat messages: 3 per message, plus role, content and name
    /// (1 more when a name is given), plus 3 that prime the reply.
    public static func countMessages(_ messages: [(role: String, content: String)]) -> Int {
        var n = 3
        for m in messages { n += 3 + count(m.role) + count(m.content) }
        return n
    }

    // MARK: - Pre-tokenizer

    enum Kind { case newline, space, upper, lower, digit, other }

    @inline(__always) static func kind(_ v: UInt32) -> Kind {
        if v < 128 {
            switch v {
            case 10, 13: return .newline
            case 9, 11, 12, 32: return .space
            case 65...90: return .upper
            case 97...122: return .lower
            case 48...57: return .digit
            default: return .other
            }
        }
        return nonASCIIKind(v)
    }

    static func nonASCIIKind(_ v: UInt32) -> Kind {
        guard let c = Unicode.Scalar(v) else { return .other }
        let p = c.properties
        if p.isWhitespace { return v == 0x2028 || v == 0x2029 || v == 0x85 ? .newline : .space }
        if p.isAlphabetic { return p.isUppercase ? .upper : .lower }
        if p.numericType != nil { return .digit }
        return .other
    }

    /// Indexable scalar values for the scanner.
    protocol Scalars {
        /// Every value is below 128 (lets the ASCII scanner drop the non-ASCII branches).
        static var isASCII: Bool { get }
        var count: Int { get }
        subscript(_ i: Int) -> UInt32 { get }
        /// `kind(self[i])`.
        func kind(at i: Int) -> Kind
        /// The first index at or after `j` whose kind is not `.lower`.
        func lowerRunEnd(from j: Int) -> Int
        /// When a space and then a lower-case letter start at `i` and the letter run
        /// (`lowerRunEnd(from: i + 2)`) is not followed by `'`: the end of the run; otherwise `i`.
        /// Used only for ASCII text.
        func spaceLedWordEnd(at i: Int) -> Int
    }

    /// `kind` of every ASCII value, looked up instead of branching on ranges in the scan loops.
    static let asciiKinds: [Kind] = (0..<128).map { kind(UInt32($0)) }

    struct ASCIIScalars: Scalars {
        let b: UnsafeBufferPointer<UInt8>
        let kinds: UnsafeBufferPointer<Kind>
        static var isASCII: Bool { true }
        var count: Int { b.count }
        @inline(__always) subscript(_ i: Int) -> UInt32 { UInt32(b[i]) }
        @inline(__always) func kind(at i: Int) -> Kind { kinds[Int(b[i] & 0x7F)] }

        /// Eight bytes at a time: per byte, bit 7 of (byte + 0x1F) says >= 0x61 ("a") and of
        /// (byte + 0x05) says >= 0x7B (past "z"); bytes are below 0x80, so nothing carries.
        @inline(__always) func lowerRunEnd(from j0: Int) -> Int {
            var j = j0
            let n = b.count
            let raw = UnsafeRawPointer(b.baseAddress!)
            while j + 8 <= n {
                let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self))
                let lower = (x &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(x &+ 0x0505_0505_0505_0505) & 0x8080_8080_8080_8080
                let other = ~lower & 0x8080_8080_8080_8080
                if other != 0 { return j + other.trailingZeroBitCount / 8 }
                j += 8
            }
            while j < n, kind(at: j) == .lower { j += 1 }
            return j
        }

        /// The space, the first letter and the first block of the run in one 8-byte read (the
        /// same per-byte test as `lowerRunEnd`).
        @inline(__always) func spaceLedWordEnd(at i: Int) -> Int {
            let n = b.count
            guard i + 8 <= n else {
                guard b[i] == 32, i + 1 < n, kind(at: i + 1) == .lower else { return i }
                let j = lowerRunEnd(from: i + 2)
                return j == n || b[j] != 39 ? j : i
            }
            let x = UInt64(littleEndian: UnsafeRawPointer(b.baseAddress!).loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let lower = (x &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(x &+ 0x0505_0505_0505_0505) & 0x8080_8080_8080_8080
            // Byte 0 a space, byte 1 a lower-case letter.
            guard x & 0xFF == 32, lower & 0x8000 != 0 else { return i }
            let other = ~lower & 0x8080_8080_8080_8000
            if other != 0 {
                // The run ends in this block; the byte that ends it is in `x` (bit 7 of its lane is bit `at`).
                let at = other.trailingZeroBitCount
                return UInt8(truncatingIfNeeded: x >> UInt64(at - 7)) != 39 ? i + at / 8 : i
            }
            let j = lowerRunEnd(from: i + 8)
            return j == n || b[j] != 39 ? j : i
        }
    }

    struct DecodedScalars: Scalars {
        let v: UnsafeBufferPointer<UInt32>
        let kinds: UnsafeBufferPointer<Kind>
        static var isASCII: Bool { false }
        var count: Int { v.count }
        @inline(__always) subscript(_ i: Int) -> UInt32 { v[i] }
        @inline(__always) func kind(at i: Int) -> Kind {
            let x = v[i]
            return x < 128 ? kinds[Int(x)] : TokenEstimator.nonASCIIKind(x)
        }

        @inline(__always) func lowerRunEnd(from j0: Int) -> Int {
            var j = j0
            while j < v.count, kind(at: j) == .lower { j += 1 }
            return j
        }

        @inline(__always) func spaceLedWordEnd(at i: Int) -> Int {
            guard v[i] == 32, i + 1 < v.count, kind(at: i + 1) == .lower else { return i }
            let j = lowerRunEnd(from: i + 2)
            return j == v.count || v[j] != 39 ? j : i
        }
    }

    /// A text's scalars: its UTF-8 bytes themselves when the text is ASCII (the common case: no
    /// decoding, no copy), else the decoded values with each one's byte offset.
    struct ScalarText {
        let utf8: UnsafeBufferPointer<UInt8>
        /// Decoded values and byte offsets (one more: the end); nil for ASCII text.
        let decoded: UnsafeBufferPointer<UInt32>?
        let offsets: UnsafeBufferPointer<Int>?

        var count: Int { decoded?.count ?? utf8.count }
        @inline(__always) subscript(_ i: Int) -> UInt32 { decoded.map { $0[i] } ?? UInt32(utf8[i]) }

        /// The text of scalars `a..<b`.
        func string(_ a: Int, _ b: Int) -> String {
            let lo = offsets.map { $0[a] } ?? a, hi = offsets.map { $0[b] } ?? b
            return String(decoding: UnsafeBufferPointer(rebasing: utf8[lo..<hi]), as: UTF8.self)
        }
    }

    @inline(__always) static func withScalars(_ text: String, _ body: (ScalarText) -> Void) {
        var text = text
        text.withUTF8 { utf8 in
            var any: UInt8 = 0
            for c in utf8 { any |= c }
            if any < 0x80 {
                body(ScalarText(utf8: utf8, decoded: nil, offsets: nil))
                return
            }
            var values: [UInt32] = []
            var offsets: [Int] = []
            values.reserveCapacity(utf8.count)
            offsets.reserveCapacity(utf8.count + 1)
            var it = utf8.makeIterator()
            var decoder = UTF8()
            var at = 0
            loop: while true {
                switch decoder.decode(&it) {
                case let .scalarValue(v):
                    values.append(v.value)
                    offsets.append(at)
                    at += UTF8.width(v)
                case .emptyInput: break loop
                case .error: // a String is valid UTF-8; unreachable, but stay total
                    values.append(0xFFFD)
                    offsets.append(at)
                    at += 1
                }
            }
            offsets.append(utf8.count)
            values.withUnsafeBufferPointer { v in
                offsets.withUnsafeBufferPointer { o in body(ScalarText(utf8: utf8, decoded: v, offsets: o)) }
            }
        }
    }

    static func scan(_ text: String, _ body: (Int, Int, Int) -> Void) { withScalars(text) { scan($0, body) } }

    @inline(__always) static func scan(_ s: ScalarText, _ body: (Int, Int, Int) -> Void) {
        asciiKinds.withUnsafeBufferPointer { kinds in
            if let d = s.decoded { scanScalars(DecodedScalars(v: d, kinds: kinds), body) } else {
                scanScalars(ASCIIScalars(b: s.utf8, kinds: kinds), body)
            }
        }
    }

    /// Running sum of expected tokens; its whole part grows by each piece's token count.
    struct Carry {
        var sum = 0.0
        /// `Int(sum)`: the sum is never negative, so truncation is the floor.
        var whole = 0
        /// `Double(whole + 1)` (whole numbers this size are exact doubles).
        var next = 1.0

        /// Whole tokens for a piece of `length` scalars expected to take `expected` tokens.
        @inline(__always) mutating func take(_ expected: Double, _ length: Int) -> Int {
            sum += expected
            // Most pieces are expected to take 1 to 2 tokens, so the whole part grows by 0 or 1:
            // told by comparing the sum with whole numbers, which is cheaper than `Int(sum)`. Either
            // way the piece takes max(1, 0 or 1) tokens.
            if sum < next { return min(length, 1) }
            if sum < next + 1 {
                whole += 1
                next += 1
                return min(length, 1)
            }
            let now = Int(sum)
            defer {
                whole = now
                next = Double(now + 1)
            }
            return min(length, max(1, now - whole))
        }
    }

    /// Calls `body(start, end, tokens)` for every pre-token piece of `s`. Inlined into each
    /// caller so that `body` (usually a counter) is inlined too.
    @inline(__always) static func scanScalars<S: Scalars>(_ s: S, _ body: (Int, Int, Int) -> Void) {
        let n = s.count
        var i = 0
        var carry = Carry()
        while i < n {
            // The most common piece of ASCII prose first: a space, then lower-case letters (what
            // the general case below does for it, with the branches it cannot take left out).
            if S.isASCII {
                let j = s.spaceLedWordEnd(at: i)
                if j != i {
                    body(i, j, carry.take(wordExpectation(letters: j - i - 1, upper: 0, nonASCII: 0, spaceLed: true), j - i))
                    i = j
                    continue
                }
            }
            let k0 = s.kind(at: i)
            var j = i
            // A letter run, optionally led by one space or symbol.
            if k0 == .space || k0 == .other, i + 1 < n {
                let k1 = s.kind(at: i + 1)
                if k1 == .upper || k1 == .lower { j = i + 1 }
            }
            let kj = j == i ? k0 : s.kind(at: j)
            if kj == .upper || kj == .lower {
                let start = j
                // ASCII letters of the upper run are A-Z; of the lower run, a-z.
                var upper = 0, nonASCII = 0
                while j < n, s.kind(at: j) == .upper {
                    if S.isASCII || s[j] < 128 { upper += 1 } else { nonASCII += 1 }
                    j += 1
                }
                if S.isASCII {
                    j = s.lowerRunEnd(from: j)
                } else {
                    while j < n, s.kind(at: j) == .lower {
                        if s[j] >= 128 { nonASCII += 1 }
                        j += 1
                    }
                }
                let letters = j - start
                if j < n, s[j] == 39 { j = contraction(s, j) }
                let spaceLed = start > i && s[i] == 32
                body(i, j, carry.take(wordExpectation(letters: letters, upper: upper, nonASCII: nonASCII, spaceLed: spaceLed), j - i))
                i = j
                continue
            }
            if k0 == .digit {
                while j < n, j - i < 3, s.kind(at: j) == .digit { j += 1 }
                body(i, j, carry.take(1, j - i))
                i = j
                continue
            }
            if s[i] == 32, i + 1 < n, s.kind(at: i + 1) == .other { j = i + 1 }
            if s.kind(at: j) == .other {
                while j < n, s.kind(at: j) == .other { j += 1 }
                while j < n, s[j] == 10 || s[j] == 13 || s[j] == 47 { j += 1 }
                body(i, j, carry.take(punctuationExpectation(s, i, j), j - i))
                i = j
                continue
            }
            // Whitespace: through the last newline; otherwise leave one space for the next word.
            var lastNL = -1
            while j < n {
                let k = s.kind(at: j)
                if k == .newline { lastNL = j } else if k != .space { break }
                j += 1
            }
            var end = j
            if lastNL >= 0 { end = lastNL + 1 } else if j < n, j - i > 1 { end = j - 1 }
            body(i, end, carry.take(end - i <= 32 ? 1 : 1 + Double(end - i - 32) / 32, end - i))
            i = end
        }
    }

    /// `'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d` (any case) right after a letter run, unless
    /// more letters follow; returns the end of the piece.
    @inline(__always) private static func contraction<S: Scalars>(_ s: S, _ j: Int) -> Int {
        guard j < s.count, s[j] == 39 else { return j }
        @inline(__always) func lower(_ t: Int) -> UInt32 {
            guard t < s.count else { return 0 }
            let v = s[t]
            return v >= 65 && v <= 90 ? v + 32 : v
        }
        @inline(__always) func ends(_ after: Int) -> Int? {
            if after < s.count { let k = s.kind(at: after); if k == .upper || k == .lower { return nil } }
            return after
        }
        // Tried in the order 's, 't, 're, 've, 'm, 'll, 'd; the first that fits wins.
        switch lower(j + 1) {
        case 115, 116, 109, 100: return ends(j + 2) ?? j // s t m d
        case 114: if lower(j + 2) == 101, let e = ends(j + 3) { return e }; return j // re
        case 118: if lower(j + 2) == 101, let e = ends(j + 3) { return e }; return j // ve
        case 108: if lower(j + 2) == 108, let e = ends(j + 3) { return e }; return j // ll
        default: return j
        }
    }

    /// Expected tokens for a punctuation run. Short runs are mostly one token; a run of one
    /// repeated character (`-----`, `=====`) is about one token per 32 characters; other
    /// characters in long mixed runs split every three or so.
    private static func punctuationExpectation<S: Scalars>(_ s: S, _ start: Int, _ end: Int) -> Double {
        let len = end - start
        if len <= 3 { return 1 }
        var long = 0.0
        var short = 0
        var t = start
        while t < end {
            var u = t + 1
            while u < end, s[u] == s[t] { u += 1 }
            if u - t >= 4 { long += 1 + Double(u - t) / 32 } else { short += u - t }
            t = u
        }
        if long == 0 { return 1 + Double(len - 3) * 0.3 }
        return long + Double(short) * 0.4
    }

    /// Expected o200k tokens for a letter run of `letters` scalars (`upper` of them ASCII
    /// capitals, `nonASCII` beyond ASCII), led by a space or not. Fitted per length and shape on
    /// the corpus in docs/TOKENS.md: space-led lowercase words are nearly always one token;
    /// identifiers glued to symbols, capitalised long words and ALL-CAPS words split more often.
    @inline(__always) static func wordExpectation(letters: Int, upper: Int, nonASCII: Int, spaceLed: Bool) -> Double {
        let base: Double
        if upper == letters && letters >= 4 {
            base = letters < 6 ? 1.15 : letters < 8 ? 1.5 : 1 + Double(letters) * 0.2
        } else if spaceLed && upper == 0 {
            base = letters <= 7 ? 1.015 : letters <= 9 ? 1.08 : 1.13 + Double(letters - 10) * 0.12
        } else if spaceLed {
            base = letters <= 7 ? 1.02 : letters <= 9 ? 1.27 : 1.5 + Double(letters - 10) * 0.15
        } else {
            base = letters < 4 ? 1.04 : letters < 6 ? 1.06 : letters < 8 ? 1.2 : letters < 10 ? 1.45 : 1.8 + Double(letters - 10) * 0.15
        }
        return base + Double(nonASCII) * 0.6
    }

}

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
    /// Estimated number of o200k_base tokens in `text`.
    public static func count(_ text: String) -> Int {
        var n = 0
        scan(text) { _, _, k in n += k }
        return n
    }

    /// One stable hash per estimated token (the same text prefix always yields the same hashes),
    /// for prompt-cache prefix comparison.
    public static func tokenHashes(_ text: String) -> [UInt64] {
        var out: [UInt64] = []
        let scalars = Self.scalars(text)
        scan(scalars) { s, e, k in
            for i in 0..<k {
                let a = s + (e - s) * i / k, b = s + (e - s) * (i + 1) / k
                var h: UInt64 = 0xcbf29ce484222325
                for j in a..<b { h ^= UInt64(scalars[j].value); h = h &* 0x100000001b3 }
                out.append(h)
            }
        }
        return out
    }

    /// The estimated tokens' text, in order; joined they give back `text` exactly.
    public static func pieces(_ text: String) -> [String] {
        var out: [String] = []
        let scalars = Self.scalars(text)
        scan(scalars) { s, e, k in
            for i in 0..<k {
                let a = s + (e - s) * i / k, b = s + (e - s) * (i + 1) / k
                var str = String.UnicodeScalarView()
                str.append(contentsOf: scalars[a..<b])
                out.append(String(str))
            }
        }
        return out
    }

    /// The first `limit` estimated tokens of `text` (the whole text when it is shorter).
    public static func prefix(_ text: String, tokens limit: Int) -> String {
        guard limit > 0 else { return "" }
        let p = pieces(text)
        return p.count <= limit ? text : p.prefix(limit).joined()
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

    @inline(__always) static func kind(_ c: Unicode.Scalar) -> Kind {
        let v = c.value
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
        let p = c.properties
        if p.isWhitespace { return v == 0x2028 || v == 0x2029 || v == 0x85 ? .newline : .space }
        if p.isAlphabetic { return p.isUppercase ? .upper : .lower }
        if p.numericType != nil { return .digit }
        return .other
    }

    static func scan(_ text: String, _ body: (Int, Int, Int) -> Void) { scan(scalars(text), body) }

    /// The scalars of `text` in one pass (no separate counting pass).
    static func scalars(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars { out.append(c) }
        return out
    }

    /// Calls `body(start, end, tokens)` for every pre-token piece of `s`.
    static func scan(_ s: [Unicode.Scalar], _ body: (Int, Int, Int) -> Void) {
        let n = s.count
        var i = 0
        var carry = 0.0
        func emit(_ a: Int, _ b: Int, _ expected: Double) {
            let before = carry
            carry += expected
            let k = min(b - a, max(1, Int(carry.rounded(.down)) - Int(before.rounded(.down))))
            body(a, b, k)
        }
        while i < n {
            let k0 = kind(s[i])
            var j = i
            // A letter run, optionally led by one space or symbol.
            if k0 == .space || k0 == .other, i + 1 < n, kind(s[i + 1]) == .upper || kind(s[i + 1]) == .lower { j = i + 1 }
            let kj = kind(s[j])
            if kj == .upper || kj == .lower {
                let start = j
                while j < n, kind(s[j]) == .upper { j += 1 }
                while j < n, kind(s[j]) == .lower { j += 1 }
                let lettersEnd = j
                j = contraction(s, j)
                emit(i, j, wordExpectation(s, lead: start > i ? i : nil, start, lettersEnd))
                i = j
                continue
            }
            if k0 == .digit {
                while j < n, j - i < 3, kind(s[j]) == .digit { j += 1 }
                emit(i, j, 1)
                i = j
                continue
            }
            if s[i] == " ", i + 1 < n, kind(s[i + 1]) == .other { j = i + 1 }
            if kind(s[j]) == .other {
                while j < n, kind(s[j]) == .other { j += 1 }
                while j < n, s[j] == "\n" || s[j] == "\r" || s[j] == "/" { j += 1 }
                emit(i, j, punctuationExpectation(s, i, j))
                i = j
                continue
            }
            // Whitespace: through the last newline; otherwise leave one space for the next word.
            while j < n, kind(s[j]) == .space || kind(s[j]) == .newline { j += 1 }
            var lastNL = -1
            for t in i..<j where kind(s[t]) == .newline { lastNL = t }
            var end = j
            if lastNL >= 0 { end = lastNL + 1 } else if j < n, j - i > 1 { end = j - 1 }
            emit(i, end, end - i <= 32 ? 1 : 1 + Double(end - i - 32) / 32)
            i = end
        }
    }

    private static let contractions: [[UInt8]] = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].map { Array($0.utf8) }

    private static func contraction(_ s: [Unicode.Scalar], _ j: Int) -> Int {
        guard j < s.count, s[j] == "'" else { return j }
        for c in contractions where j + c.count <= s.count {
            var ok = true
            for (t, b) in c.enumerated() {
                let v = s[j + t].value
                if (v >= 65 && v <= 90 ? v + 32 : v) != UInt32(b) { ok = false; break }
            }
            if ok {
                let after = j + c.count
                if after < s.count, kind(s[after]) == .upper || kind(s[after]) == .lower { continue }
                return after
            }
        }
        return j
    }

    /// Expected tokens for a punctuation run. Short runs are mostly one token; a run of one
    /// repeated character (`-----`, `=====`) is about one token per 32 characters; other
    /// characters in long mixed runs split every three or so.
    private static func punctuationExpectation(_ s: [Unicode.Scalar], _ start: Int, _ end: Int) -> Double {
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

    /// Expected o200k tokens for the letter run `start..<end` (`lead` is the index of a leading
    /// space or symbol, if any). Fitted per length and shape on the corpus in docs/TOKENS.md:
    /// space-led lowercase words are nearly always one token; identifiers glued to symbols,
    /// capitalised long words and ALL-CAPS words split more often.
    private static func wordExpectation(_ s: [Unicode.Scalar], lead: Int?, _ start: Int, _ end: Int) -> Double {
        let letters = end - start
        var nonASCII = 0
        var upper = 0
        for t in start..<end {
            let v = s[t].value
            if v >= 128 { nonASCII += 1 } else if v >= 65 && v <= 90 { upper += 1 }
        }
        let spaceLed = lead.map { s[$0] == " " } ?? false
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

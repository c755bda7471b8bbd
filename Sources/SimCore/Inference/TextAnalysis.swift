import SimSupport

/// Small, deterministic readings of input text: topic words, proper nouns, word overlap.
public enum TextAnalysis {
    /// Lower-cased words of letters, digits, `'`, `-` and `_` (bytes ≥ 0x80, i.e. non-ASCII
    /// letters, count as letters). Works on UTF-8 bytes: this runs on every request.
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        var cur: [UInt8] = []
        func flush() {
            var a = 0, b = cur.count
            while a < b, cur[a] == 0x27 || cur[a] == 0x2D || cur[a] == 0x5F { a += 1 }
            while b > a, cur[b - 1] == 0x27 || cur[b - 1] == 0x2D || cur[b - 1] == 0x5F { b -= 1 }
            if a < b { out.append(String(decoding: cur[a..<b], as: UTF8.self)) }
            cur.removeAll(keepingCapacity: true)
        }
        for c in text.utf8 {
            switch c {
            case 0x41...0x5A: cur.append(c + 32)
            case 0x61...0x7A, 0x30...0x39, 0x27, 0x2D, 0x5F, 0x80...: cur.append(c)
            default: if !cur.isEmpty { flush() }
            }
        }
        if !cur.isEmpty { flush() }
        return out
    }

    /// ASCII-lower-cased UTF-8 bytes (same length and offsets as the original).
    public static func lowerBytes(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
    }

    /// Byte offset of the first occurrence of `needle` (ASCII, lower-case) in `hay`.
    public static func find(_ needle: String, in hay: [UInt8], from start: Int = 0) -> Int? {
        let n = Array(needle.utf8)
        guard !n.isEmpty, hay.count >= n.count else { return n.isEmpty ? start : nil }
        var i = start
        let last = hay.count - n.count
        while i <= last {
            if hay[i] == n[0] {
                var k = 1
                while k < n.count, hay[i + k] == n[k] { k += 1 }
                if k == n.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Up to `limit` distinct content words (4+ letters, not stop words), longest first (long
    /// words are more often the nouns a text is about), ties in order of appearance. Runs on
    /// every request, so it works on bytes and makes strings only for the words it keeps.
    public static func topicWords(_ text: String, limit: Int = 6) -> [String] {
        var seen = Set<UInt64>()
        var out: [String] = []
        var cur: [UInt8] = []
        cur.reserveCapacity(32)
        var consumed = 0
        func take() {
            defer { cur.removeAll(keepingCapacity: true) }
            var a = 0, b = cur.count
            while a < b, cur[a] == 0x27 || cur[a] == 0x2D || cur[a] == 0x5F { a += 1 }
            while b > a, cur[b - 1] == 0x27 || cur[b - 1] == 0x2D || cur[b - 1] == 0x5F { b -= 1 }
            guard b - a >= 4, (cur[a] >= 0x61 && cur[a] <= 0x7A) || cur[a] >= 0x80 else { return }
            let h = StableHash.fnv1a(bytes: cur[a..<b])
            guard !stopwordHashes.contains(h), seen.insert(h).inserted else { return }
            out.append(String(decoding: cur[a..<b], as: UTF8.self))
        }
        // What a text is about shows in its opening; long inputs are read only that far.
        for c in text.utf8 {
            consumed += 1
            switch c {
            case 0x41...0x5A: cur.append(c + 32)
            case 0x61...0x7A, 0x30...0x39, 0x27, 0x2D, 0x5F, 0x80...: cur.append(c)
            default: if !cur.isEmpty { take() }
            }
            if consumed > 600 && cur.isEmpty || out.count == 32 { break }
        }
        if !cur.isEmpty, out.count < 32 { take() }
        let ranked = out.enumerated().sorted { ($0.element.utf8.count, -$0.offset) > ($1.element.utf8.count, -$1.offset) }
        return ranked.prefix(limit).map(\.element)
    }

    private static let stopwordHashes: Set<UInt64> = Set(WordBank.stopwords.map { StableHash.fnv1a($0) })

    /// Capitalised words that do not start a sentence (runs of them joined: "New York").
    public static func properNouns(_ text: String) -> [String] {
        var out: [String] = []
        var run: [String] = []
        var sentenceStart = true
        func flush() {
            if !run.isEmpty { let p = run.joined(separator: " "); if !out.contains(p) { out.append(p) } }
            run = []
        }
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            var word = Substring(token)
            while let f = word.first, !f.isLetter && !f.isNumber { word = word.dropFirst() }
            var trailing = false
            while let l = word.last, !l.isLetter && !l.isNumber {
                if l == "." || l == "?" || l == "!" || l == "," || l == ";" || l == ":" { trailing = true }
                word = word.dropLast()
            }
            if word.hasSuffix("'s") { word = word.dropLast(2) }
            let capital = word.first?.isUppercase == true && word.count > 1
            let stop = WordBank.stopwords.contains(word.lowercased())
            if capital, !sentenceStart, !stop { run.append(String(word)) } else { flush() }
            if trailing { flush() }
            sentenceStart = token.last == "." || token.last == "?" || token.last == "!" || token.last == ":"
        }
        flush()
        return out
    }

    /// Whether two words share a stem (the same first five letters, or equal when shorter).
    public static func sameStem(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard a.count >= 5, b.count >= 5 else { return false }
        return a.prefix(5) == b.prefix(5)
    }
}

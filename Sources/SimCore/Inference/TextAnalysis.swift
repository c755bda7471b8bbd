import SimSupport

/// Small, deterministic readings of input text: topic words, proper nouns, word overlap.
public enum TextAnalysis {
    /// Lower-cased words of letters, digits, `'`, `-` and `_`.
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        var cur = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber || ch == "'" || ch == "_" || ch == "-" { cur.append(ch) } else if !cur.isEmpty {
                out.append(cur); cur = ""
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out.map { w in
            var s = Substring(w)
            while let f = s.first, f == "'" || f == "-" || f == "_" { s = s.dropFirst() }
            while let l = s.last, l == "'" || l == "-" || l == "_" { s = s.dropLast() }
            return String(s)
        }.filter { !$0.isEmpty }
    }

    /// Up to `limit` distinct content words (4+ letters, not stop words), longest first (long
    /// words are more often the nouns a text is about), ties in order of appearance.
    public static func topicWords(_ text: String, limit: Int = 6) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for w in words(text) where w.count >= 4 && !WordBank.stopwords.contains(w) && w.first?.isLetter == true {
            if seen.insert(w).inserted { out.append(w) }
            if out.count == 32 { break }
        }
        let ranked = out.enumerated().sorted { ($0.element.count, -$0.offset) > ($1.element.count, -$1.offset) }
        return ranked.prefix(limit).map(\.element)
    }

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

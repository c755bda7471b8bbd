import SimSupport

/// A string that a custom tool's grammar accepts, for the input of a simulated call:
/// `regex` patterns (literals, escapes, classes, groups, alternation, quantifiers; anchors and
/// lookarounds are skipped) and Lark grammars (rules and terminals with alternatives, string
/// literals, `/regex/` terminals, groups, `[optional]`, `? * +`, the `common` terminals, and
/// `%ignore`d whitespace between tokens). Choices are seeded and repeats kept short, and
/// recursion is cut off by preferring the alternative with the fewest rule references once deep.
/// Nil when the grammar uses something this sampler does not read.
enum GrammarSample {
    // MARK: - Regular expressions

    indirect enum Rx {
        case literal(Character)
        case set([ClosedRange<Character>], negated: Bool)
        case sequence([Rx])
        case alternation([Rx])
        case repeated(Rx, min: Int, max: Int)
        case empty
    }

    /// Longest sample produced: a grammar that asks for more (`a{100000000}`, or Lark rules that
    /// multiply) is not sampled.
    static let maxLength = 20_000

    static func regex(_ pattern: String, seed: UInt64) -> String? {
        var p = RxParser(Array(pattern))
        guard let node = p.alternation(), p.i == p.chars.count else { return nil }
        var rng = SeededRandom(seed: seed)
        var out = ""
        emit(node, &rng, &out)
        return out.utf8.count > maxLength ? nil : out
    }

    static func emit(_ n: Rx, _ rng: inout SeededRandom, _ out: inout String) {
        guard out.utf8.count <= maxLength else { return }
        switch n {
        case let .literal(c): out.append(c)
        case let .set(ranges, negated):
            if negated {
                // The first printable character no range holds.
                let pool = Array("abcdefghijklmnopqrstuvwxyz0123456789 ")
                if let c = pool.first(where: { c in !ranges.contains { $0.contains(c) } }) { out.append(c) }
            } else if !ranges.isEmpty {
                let r = ranges[Int(rng.next() % UInt64(ranges.count))]
                let lo = r.lowerBound.unicodeScalars.first!.value, hi = r.upperBound.unicodeScalars.first!.value
                let v = lo + UInt32(rng.next() % UInt64(hi - lo + 1))
                out.append(Character(Unicode.Scalar(v) ?? "a"))
            }
        case let .sequence(items): for x in items { emit(x, &rng, &out) }
        case let .alternation(alts): emit(alts[Int(rng.next() % UInt64(alts.count))], &rng, &out)
        case let .repeated(x, lo, hi):
            let top = min(hi, lo + 3)
            let n = lo + Int(rng.next() % UInt64(top - lo + 1))
            for _ in 0..<n where out.utf8.count <= maxLength { emit(x, &rng, &out) }
        case .empty: break
        }
    }

    struct RxParser {
        let chars: [Character]
        var i = 0
        var depth = 0
        init(_ chars: [Character]) { self.chars = chars }

        mutating func alternation() -> Rx? {
            depth += 1
            defer { depth -= 1 }
            guard depth < 64 else { return nil }
            var alts: [Rx] = []
            guard let first = sequence() else { return nil }
            alts.append(first)
            while i < chars.count, chars[i] == "|" {
                i += 1
                guard let next = sequence() else { return nil }
                alts.append(next)
            }
            return alts.count == 1 ? alts[0] : .alternation(alts)
        }

        mutating func sequence() -> Rx? {
            var items: [Rx] = []
            while i < chars.count, chars[i] != "|", chars[i] != ")" {
                guard var atom = atom() else { return nil }
                if i < chars.count, let (lo, hi) = quantifier() {
                    atom = .repeated(atom, min: lo, max: hi)
                    if i < chars.count, chars[i] == "?" || chars[i] == "+" { i += 1 } // lazy / possessive
                }
                items.append(atom)
            }
            return .sequence(items)
        }

        mutating func quantifier() -> (Int, Int)? {
            switch chars[i] {
            case "?": i += 1; return (0, 1)
            case "*": i += 1; return (0, 4)
            case "+": i += 1; return (1, 4)
            case "{":
                var j = i + 1
                var a = "", b = ""
                var comma = false
                while j < chars.count, chars[j] != "}" {
                    if chars[j] == "," { comma = true } else if chars[j].isNumber { if comma { b.append(chars[j]) } else { a.append(chars[j]) } } else { return nil }
                    j += 1
                }
                guard j < chars.count, let lo = Int(a), lo <= GrammarSample.maxLength else { return nil }
                i = j + 1
                let hi = comma ? (Int(b) ?? lo + 3) : lo
                return (lo, max(lo, hi))
            default: return nil
            }
        }

        mutating func atom() -> Rx? {
            let c = chars[i]
            i += 1
            switch c {
            case "^", "$": return .empty
            case ".": return .set(["a"..."z"], negated: false)
            case "(":
                if i < chars.count, chars[i] == "?" {
                    // (?:…), (?P<name>…) and (?<name>…) are groups; lookarounds and flags are skipped whole.
                    guard i + 1 < chars.count else { return nil }
                    let named = chars[i + 1] == "P" && i + 2 < chars.count && chars[i + 2] == "<"
                        || chars[i + 1] == "<" && i + 2 < chars.count && chars[i + 2] != "=" && chars[i + 2] != "!"
                    if chars[i + 1] == ":" { i += 2 } else if named {
                        while i < chars.count, chars[i] != ">" { i += 1 }
                        i += 1
                    } else {
                        var level = 1
                        while i < chars.count, level > 0 { if chars[i] == "(" { level += 1 } else if chars[i] == ")" { level -= 1 }; i += 1 }
                        return .empty
                    }
                }
                guard let inner = alternation(), i < chars.count, chars[i] == ")" else { return nil }
                i += 1
                return inner
            case "[": return charClass()
            case "\\": return escape(inClass: false)
            case "*", "+", "?", "{", ")": return nil
            default: return .literal(c)
            }
        }

        mutating func escape(inClass: Bool) -> Rx? {
            guard i < chars.count else { return nil }
            let e = chars[i]
            i += 1
            switch e {
            case "d": return .set(["0"..."9"], negated: false)
            case "w": return .set(["a"..."z", "A"..."Z", "0"..."9", "_"..."_"], negated: false)
            case "s": return .literal(" ")
            case "D": return .literal("a")
            case "W", "S": return .literal("-")
            case "n": return .literal("\n")
            case "t": return .literal("\t")
            case "b", "B", "A", "z", "Z": return .empty
            default: return .literal(e)
            }
        }

        mutating func charClass() -> Rx? {
            var negated = false
            if i < chars.count, chars[i] == "^" { negated = true; i += 1 }
            var ranges: [ClosedRange<Character>] = []
            var first = true
            while i < chars.count, chars[i] != "]" || first {
                first = false
                var c = chars[i]
                i += 1
                if c == "\\" {
                    guard let e = escape(inClass: true) else { return nil }
                    switch e {
                    case let .set(r, _): ranges += r; continue
                    case let .literal(l): c = l
                    default: continue
                    }
                }
                if i + 1 < chars.count, chars[i] == "-", chars[i + 1] != "]" {
                    var hi = chars[i + 1]
                    i += 2
                    if hi == "\\", i < chars.count { hi = chars[i]; i += 1 }
                    guard c <= hi else { return nil }
                    ranges.append(c...hi)
                } else {
                    ranges.append(c...c)
                }
            }
            guard i < chars.count else { return nil }
            i += 1
            return .set(ranges, negated: negated)
        }
    }

    // MARK: - Lark

    indirect enum Lk {
        case literal(String)
        case pattern(String)
        case ref(String)
        case sequence([Lk])
        case choice([Lk])
        case repeated(Lk, min: Int, max: Int)
    }

    /// Terminals of Lark's `common` library (`%import common.NAME`), as regexes.
    static let common: [String: String] = [
        "DIGIT": "[0-9]", "HEXDIGIT": "[a-f0-9]", "INT": "[0-9]{1,3}", "SIGNED_INT": "-?[0-9]{1,3}", "DECIMAL": "[0-9]{1,2}\\.[0-9]",
        "NUMBER": "[0-9]{1,3}", "SIGNED_NUMBER": "-?[0-9]{1,3}", "FLOAT": "[0-9]{1,2}\\.[0-9]", "SIGNED_FLOAT": "-?[0-9]\\.[0-9]",
        "LETTER": "[a-z]", "LCASE_LETTER": "[a-z]", "UCASE_LETTER": "[A-Z]", "WORD": "[a-z]{3,8}", "CNAME": "[a-z_][a-z0-9_]{2,8}",
        "WS": " ", "WS_INLINE": " ", "NEWLINE": "\\n", "CR": "\\r", "LF": "\\n", "ESCAPED_STRING": "\"[a-z ]{3,12}\"",
        "_STRING_INNER": "[a-z ]{3,12}", "SH_COMMENT": "# [a-z]{3,8}", "CPP_COMMENT": "// [a-z]{3,8}",
    ]

    static func lark(_ grammar: String, seed: UInt64) -> String? {
        var rules: [String: Lk] = [:]
        var spaced = false
        var imported: [String: String] = [:]
        // Rules may continue on lines that start with `|`.
        var lines: [String] = []
        for raw in grammar.split(separator: "\n", omittingEmptySubsequences: false) {
            let t = withoutComment(String(raw)).trimmingCharacters()
            if t.isEmpty { continue }
            if t.hasPrefix("|"), !lines.isEmpty { lines[lines.count - 1] += " " + t } else { lines.append(t) }
        }
        for line in lines {
            if line.hasPrefix("%ignore") { spaced = true; continue }
            if line.hasPrefix("%import") {
                let rest = line.dropFirst(7).trimmingCharacters()
                let name = rest.split(whereSeparator: { $0 == "." || $0 == " " }).map(String.init)
                guard name.count >= 2, name[0] == "common" else { return nil }
                // `%import common.NUMBER` or `%import common (NUMBER, WS)`.
                for n in name.dropFirst() {
                    let clean = n.filter { $0.isLetter || $0 == "_" }
                    guard let rx = common[clean] else { return nil }
                    imported[clean] = rx
                }
                continue
            }
            if line.hasPrefix("%") { return nil }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            var name = String(line[..<colon]).trimmingCharacters()
            // `name.2: …` (priority) and `?name:` / `!name:` (tree shaping) are plain rules here.
            if let dot = name.firstIndex(of: ".") { name = String(name[..<dot]) }
            name = name.filter { $0.isLetter || $0.isNumber || $0 == "_" }
            var p = LarkParser(Array(line[line.index(after: colon)...]))
            guard let body = p.choice(), p.atEnd else { return nil }
            rules[name] = body
        }
        for (k, v) in imported where rules[k] == nil { rules[k] = .pattern(v) }
        guard let start = rules["start"] else { return nil }
        var rng = SeededRandom(seed: seed)
        var tokens: [String] = []
        var ok = true
        func refs(_ n: Lk) -> Int {
            switch n {
            case .literal, .pattern: return 0
            case .ref: return 1
            case let .sequence(xs), let .choice(xs): return xs.reduce(0) { $0 + refs($1) }
            case let .repeated(x, lo, _): return lo == 0 ? 0 : refs(x)
            }
        }
        var length = 0
        func expand(_ n: Lk, depth: Int) {
            guard ok else { return }
            guard depth < 40, length <= maxLength else { ok = false; return }
            switch n {
            case let .literal(s):
                tokens.append(s)
                length += s.utf8.count + 1
            case let .pattern(rx):
                guard let s = regex(rx, seed: rng.next()) else { ok = false; return }
                tokens.append(s)
                length += s.utf8.count + 1
            case let .ref(name):
                guard let r = rules[name] else { ok = false; return }
                if name.first?.isUppercase == true {
                    // A terminal is one token, however it is built.
                    let saved = tokens
                    tokens = []
                    expand(r, depth: depth + 1)
                    tokens = saved + [tokens.joined()]
                } else {
                    expand(r, depth: depth + 1)
                }
            case let .sequence(xs): for x in xs { expand(x, depth: depth) }
            case let .choice(alts):
                let pick = depth > 8 ? alts.min { refs($0) < refs($1) }! : alts[Int(rng.next() % UInt64(alts.count))]
                expand(pick, depth: depth)
            case let .repeated(x, lo, hi):
                let n = depth > 8 ? lo : lo + Int(rng.next() % UInt64(min(hi, lo + 2) - lo + 1))
                for _ in 0..<n where ok { expand(x, depth: depth + 1) }
            }
        }
        expand(start, depth: 0)
        guard ok else { return nil }
        return tokens.joined(separator: spaced ? " " : "")
    }

    /// A Lark line without its `// comment` (slashes inside "strings" and /regexes/ kept).
    static func withoutComment(_ line: String) -> String {
        let c = Array(line)
        var i = 0
        var inString = false, inRegex = false
        while i < c.count {
            let ch = c[i]
            if ch == "\\" { i += 2; continue }
            if inString { if ch == "\"" { inString = false } } else if inRegex { if ch == "/" { inRegex = false } } else if ch == "\"" {
                inString = true
            } else if ch == "/" {
                if i + 1 < c.count, c[i + 1] == "/" { return String(c[..<i]) }
                inRegex = true
            }
            i += 1
        }
        return line
    }

    struct LarkParser {
        let chars: [Character]
        var i = 0
        var depth = 0
        init(_ chars: [Character]) { self.chars = chars }

        var atEnd: Bool { mutating get { skip(); return i >= chars.count } }

        mutating func skip() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }

        mutating func choice() -> Lk? {
            depth += 1
            defer { depth -= 1 }
            guard depth < 64 else { return nil }
            var alts: [Lk] = []
            guard let first = sequence() else { return nil }
            alts.append(first)
            skip()
            while i < chars.count, chars[i] == "|" {
                i += 1
                guard let next = sequence() else { return nil }
                alts.append(next)
                skip()
            }
            return alts.count == 1 ? alts[0] : .choice(alts)
        }

        mutating func sequence() -> Lk? {
            var items: [Lk] = []
            while true {
                skip()
                guard i < chars.count, chars[i] != "|", chars[i] != ")", chars[i] != "]" else { break }
                // `-> alias` ends the alternative's items.
                if chars[i] == "-", i + 1 < chars.count, chars[i + 1] == ">" {
                    while i < chars.count, chars[i] != "|" { i += 1 }
                    break
                }
                guard var item = item() else { return nil }
                if i < chars.count {
                    switch chars[i] {
                    case "?": i += 1; item = .repeated(item, min: 0, max: 1)
                    case "*": i += 1; item = .repeated(item, min: 0, max: 3)
                    case "+": i += 1; item = .repeated(item, min: 1, max: 3)
                    case "~":
                        i += 1
                        var n = ""
                        while i < chars.count, chars[i].isNumber { n.append(chars[i]); i += 1 }
                        guard let k = Int(n), k <= GrammarSample.maxLength else { return nil }
                        item = .repeated(item, min: k, max: k)
                    default: break
                    }
                }
                items.append(item)
            }
            return .sequence(items)
        }

        mutating func item() -> Lk? {
            let c = chars[i]
            switch c {
            case "\"":
                i += 1
                var s = ""
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count {
                        i += 1
                        switch chars[i] { case "n": s.append("\n"); case "t": s.append("\t"); default: s.append(chars[i]) }
                    } else { s.append(chars[i]) }
                    i += 1
                }
                guard i < chars.count else { return nil }
                i += 1
                if i < chars.count, chars[i] == "i" { i += 1 }
                // A range "a".."z".
                if i + 1 < chars.count, chars[i] == ".", chars[i + 1] == "." {
                    i += 2
                    guard let hi = item(), case let .literal(h) = hi, let lo = s.first, let top = h.first, lo <= top else { return nil }
                    return .pattern("[\(lo)-\(top)]")
                }
                return .literal(s)
            case "/":
                i += 1
                var s = ""
                while i < chars.count, chars[i] != "/" {
                    if chars[i] == "\\", i + 1 < chars.count { s.append(chars[i]); i += 1 }
                    s.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { return nil }
                i += 1
                while i < chars.count, chars[i].isLetter { i += 1 } // flags
                return .pattern(s)
            case "(":
                i += 1
                guard let inner = choice() else { return nil }
                skip()
                guard i < chars.count, chars[i] == ")" else { return nil }
                i += 1
                return inner
            case "[":
                i += 1
                guard let inner = choice() else { return nil }
                skip()
                guard i < chars.count, chars[i] == "]" else { return nil }
                i += 1
                return .repeated(inner, min: 0, max: 1)
            default:
                guard c.isLetter || c == "_" else { return nil }
                var name = ""
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { name.append(chars[i]); i += 1 }
                return .ref(name)
            }
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

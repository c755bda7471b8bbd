import Glibc
import SimSupport

/// `{{item.field}}` / `{{sample.output_text}}` templates, as eval graders and run data sources
/// use them.
public enum EvalTemplate {
    /// `template` with every `{{ path }}` replaced by the value at `path` (`item.…` in `item`,
    /// `sample.…` in `sample`). Strings are inserted as they are, other values as JSON; a path
    /// that leads nowhere becomes the empty string.
    public static func render(_ template: String, item: JSON, sample: JSON?) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstRange(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let path = rest[open.upperBound..<close.lowerBound].trimmingSpaces()
            if let v = value(at: path, item: item, sample: sample) { out += text(v) }
            rest = rest[close.upperBound...]
        }
        out += rest
        return out
    }

    /// The value at a dotted path rooted at `item` or `sample`; nil when there is none.
    public static func value(at path: String, item: JSON, sample: JSON?) -> JSON? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let root = parts.first else { return nil }
        var cur: JSON?
        switch root {
        case "item": cur = item
        case "sample": cur = sample
        default: return nil
        }
        for key in parts.dropFirst() {
            if let i = Int(key), let a = cur?.arrayValue { cur = i >= 0 && i < a.count ? a[i] : nil } else { cur = cur?[key] }
        }
        return cur
    }

    static func text(_ v: JSON) -> String {
        switch v {
        case let .string(s): return s
        case .null: return ""
        default: return v.encodedString
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}

/// The text-similarity metrics of the `text_similarity` grader, each in [0, 1]. Words are
/// lower-cased runs of letters and digits (`TextAnalysis.words`).
public enum TextSimilarity {
    public static let metrics = ["cosine", "fuzzy_match", "bleu", "gleu", "meteor",
                                 "rouge_1", "rouge_2", "rouge_3", "rouge_4", "rouge_5", "rouge_l"]

    /// Longest text a metric reads (characters): past it the texts are cut, so that two huge
    /// texts cost milliseconds, not minutes (the longest common subsequence is quadratic).
    static let maxCharacters = 20_000

    public static func score(_ metric: String, _ a: String, _ b: String) -> Double {
        if a.count > maxCharacters || b.count > maxCharacters {
            return score(metric, String(a.prefix(maxCharacters)), String(b.prefix(maxCharacters)))
        }
        switch metric {
        case "fuzzy_match": return fuzzyMatch(a, b)
        case "bleu": return bleu(candidate: words(a), reference: words(b))
        case "gleu": return gleu(candidate: words(a), reference: words(b))
        case "meteor": return meteor(candidate: words(a), reference: words(b))
        case "rouge_l": return rougeL(candidate: words(a), reference: words(b))
        case "cosine": return cosine(a, b)
        default:
            if metric.hasPrefix("rouge_"), let n = Int(metric.dropFirst(6)), (1...5).contains(n) {
                return rougeN(n, candidate: words(a), reference: words(b))
            }
            return 0
        }
    }

    static func words(_ s: String) -> [String] { TextAnalysis.words(s) }

    /// Indel similarity of the two strings' characters (rapidfuzz's `ratio` / 100): twice their
    /// longest common subsequence over their total length; 1 for two empty strings.
    public static func fuzzyMatch(_ a: String, _ b: String) -> Double {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty && y.isEmpty { return 1 }
        return 2 * Double(lcs(x, y)) / Double(x.count + y.count)
    }

    /// Length of the longest common subsequence, bit-parallel (Hyyrö): one pass over `y` with a
    /// bit per element of `x`, so two 10,000-character texts cost 1.6 million word operations, not
    /// 100 million cells.
    static func lcs<T: Hashable>(_ x: [T], _ y: [T]) -> Int {
        guard !x.isEmpty, !y.isEmpty else { return 0 }
        let words = (x.count + 63) / 64
        var match: [T: [UInt64]] = [:]
        for (i, e) in x.enumerated() { match[e, default: [UInt64](repeating: 0, count: words)][i / 64] |= 1 << UInt64(i % 64) }
        var v = [UInt64](repeating: ~0, count: words)
        let none = [UInt64](repeating: 0, count: words)
        for e in y {
            let m = match[e] ?? none
            // V = (V + (V & M)) | (V - (V & M)), carries and borrows running across the words.
            var carry: UInt64 = 0, borrow: UInt64 = 0
            for k in 0..<words {
                let u = v[k] & m[k]
                let (s1, c1) = v[k].addingReportingOverflow(u)
                let (s2, c2) = s1.addingReportingOverflow(carry)
                carry = (c1 || c2) ? 1 : 0
                let (d1, b1) = v[k].subtractingReportingOverflow(u)
                let (d2, b2) = d1.subtractingReportingOverflow(borrow)
                borrow = (b1 || b2) ? 1 : 0
                v[k] = s2 | d2
            }
        }
        // Zero bits of V among the first x.count are the common subsequence's length.
        var zeros = 0
        for k in 0..<words {
            let bits = k == words - 1 && x.count % 64 != 0 ? x.count % 64 : 64
            let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
            zeros += (~v[k] & mask).nonzeroBitCount
        }
        return zeros
    }

    static func ngrams(_ w: [String], _ n: Int) -> [String: Int] {
        var out: [String: Int] = [:]
        guard w.count >= n, n > 0 else { return out }
        for i in 0...(w.count - n) { out[w[i..<(i + n)].joined(separator: " "), default: 0] += 1 }
        return out
    }

    static func overlap(_ a: [String: Int], _ b: [String: Int]) -> Int {
        a.reduce(0) { $0 + min($1.value, b[$1.key] ?? 0) }
    }

    /// Sentence BLEU: geometric mean of clipped 1- to 4-gram precisions (a precision of zero
    /// counts as 0.1 matches, "method 1" smoothing) times the brevity penalty.
    public static func bleu(candidate c: [String], reference r: [String]) -> Double {
        guard !c.isEmpty, !r.isEmpty else { return c.isEmpty && r.isEmpty ? 1 : 0 }
        var logSum = 0.0
        for n in 1...4 {
            let cand = ngrams(c, n), total = max(0, c.count - n + 1)
            if total == 0 { logSum += log(0.1 / 1.0); continue }
            let m = overlap(cand, ngrams(r, n))
            logSum += log((m == 0 ? 0.1 : Double(m)) / Double(total))
        }
        let bp = c.count >= r.count ? 1.0 : exp(1 - Double(r.count) / Double(c.count))
        return min(1, bp * exp(logSum / 4))
    }

    /// Google BLEU: matching 1- to 4-grams over the larger of the two sides' n-gram counts.
    public static func gleu(candidate c: [String], reference r: [String]) -> Double {
        guard !c.isEmpty || !r.isEmpty else { return 1 }
        var matches = 0, candTotal = 0, refTotal = 0
        for n in 1...4 {
            let cn = ngrams(c, n), rn = ngrams(r, n)
            matches += overlap(cn, rn)
            candTotal += max(0, c.count - n + 1)
            refTotal += max(0, r.count - n + 1)
        }
        let denominator = max(candTotal, refTotal)
        return denominator == 0 ? 0 : Double(matches) / Double(denominator)
    }

    /// METEOR on exact word matches: the recall-weighted harmonic mean of unigram precision and
    /// recall, less a penalty for matches that fall in many separate chunks.
    public static func meteor(candidate c: [String], reference r: [String]) -> Double {
        guard !c.isEmpty, !r.isEmpty else { return c.isEmpty && r.isEmpty ? 1 : 0 }
        // Align each candidate word to the first unused equal reference word.
        var used = [Bool](repeating: false, count: r.count)
        var aligned: [(Int, Int)] = []
        for (i, w) in c.enumerated() {
            if let j = r.indices.first(where: { !used[$0] && r[$0] == w }) {
                used[j] = true
                aligned.append((i, j))
            }
        }
        let m = Double(aligned.count)
        guard m > 0 else { return 0 }
        let p = m / Double(c.count), rec = m / Double(r.count)
        let fmean = 10 * p * rec / (rec + 9 * p)
        var chunks = 1
        for k in 1..<aligned.count where !(aligned[k].0 == aligned[k - 1].0 + 1 && aligned[k].1 == aligned[k - 1].1 + 1) { chunks += 1 }
        let penalty = 0.5 * pow(Double(chunks) / m, 3)
        return max(0, fmean * (1 - penalty))
    }

    /// ROUGE-N F1: n-gram overlap against both sides' n-gram counts.
    public static func rougeN(_ n: Int, candidate c: [String], reference r: [String]) -> Double {
        let cn = ngrams(c, n), rn = ngrams(r, n)
        let m = Double(overlap(cn, rn))
        let ct = Double(max(0, c.count - n + 1)), rt = Double(max(0, r.count - n + 1))
        guard m > 0, ct > 0, rt > 0 else { return 0 }
        let p = m / ct, rec = m / rt
        return 2 * p * rec / (p + rec)
    }

    /// ROUGE-L F1: the longest common word subsequence against both lengths.
    public static func rougeL(candidate c: [String], reference r: [String]) -> Double {
        let m = Double(lcs(c, r))
        guard m > 0 else { return 0 }
        let p = m / Double(c.count), rec = m / Double(r.count)
        return 2 * p * rec / (p + rec)
    }

    /// Cosine similarity of the two texts' simulated text-embedding-3-large vectors (unit length,
    /// so their dot product), clamped to [0, 1].
    public static func cosine(_ a: String, _ b: String) -> Double {
        let embedder = Embedder.forModel("text-embedding-3-large", nativeDimensions: 3072)
        func vector(_ s: String) -> [Float] {
            var f: [EmbeddingFeature] = []
            EmbeddingFeatures.text(s, into: &f)
            return embedder.embed(f, dimensions: 3072)
        }
        let x = vector(a), y = vector(b)
        var dot = 0.0
        for i in 0..<min(x.count, y.count) { dot += Double(x[i]) * Double(y[i]) }
        return min(1, max(0, dot))
    }
}

/// One testing criterion as a run applies it to one item.
public struct EvalGrader: Sendable {
    public let json: JSON
    public var type: String { json["type"]?.stringValue ?? "" }
    /// The criterion's id (`<name>-<uuid>`, given at create), which results name it by.
    public var name: String { json["id"]?.stringValue ?? json["name"]?.stringValue ?? type }

    public init(_ json: JSON) { self.json = json }

    /// `{"name","type","score","passed","sample"}` for `item` and its `sample`
    /// (`{"output_text", "output_json"?}`, or nil when the run sampled nothing).
    /// `python`: the outcome of this grader's source for this item (`PythonGraderRunner`), nil
    /// when no runner ran it.
    public func grade(item: JSON, sample: JSON?, seed: UInt64, python: PythonGradeOutcome? = nil) -> JSON {
        var score = 0.0
        var passed = false
        var extra: [(String, JSON)] = []
        func render(_ key: String) -> String { EvalTemplate.render(json[key]?.stringValue ?? "", item: item, sample: sample) }
        switch type {
        case "string_check":
            let input = render("input"), reference = render("reference")
            let ok: Bool
            switch json["operation"]?.stringValue ?? "" {
            case "eq": ok = input == reference
            case "ne": ok = input != reference
            case "like": ok = input.contains(reference)
            case "ilike": ok = input.lowercased().contains(reference.lowercased())
            default: ok = false
            }
            score = ok ? 1 : 0
            passed = ok
        case "text_similarity":
            score = TextSimilarity.score(json["evaluation_metric"]?.stringValue ?? "", render("input"), render("reference"))
            passed = score >= (json["pass_threshold"]?.doubleValue ?? 1)
        case "label_model":
            let label = chooseLabel(item: item, sample: sample, seed: seed)
            let passing = (json["passing_labels"]?.arrayValue ?? []).compactMap(\.stringValue)
            passed = passing.contains(label)
            score = passed ? 1 : 0
            extra.append(("label", .string(label)))
        case "score_model":
            let range = (json["range"]?.arrayValue ?? []).compactMap(\.doubleValue)
            let lo = range.count == 2 ? range[0] : 0, hi = range.count == 2 ? range[1] : 1
            let text = messagesText(item: item, sample: sample)
            let unit = Double(StableHash.mix(seed, StableHash.fnv1a(text + "\u{1}" + name)) >> 11) / Double(1 << 53)
            score = ((lo + unit * (hi - lo)) * 1000).rounded() / 1000
            passed = score >= (json["pass_threshold"]?.doubleValue ?? (lo + hi) / 2)
        case "python" where python != nil:
            switch python {
            case let .score(x)?:
                score = x
                passed = x >= (json["pass_threshold"]?.doubleValue ?? 0.5)
            case let .runtimeError(message)?:
                extra.append(("error", .string("The python grader raised: \(message)")))
            case let .serverError(kind, message)?:
                extra.append(("error", .string("The python grader could not run (\(kind)): \(message)")))
            case nil: break
            }
        default:
            // python without a runner (serve --python-graders), and anything else accepted at create.
            extra.append(("error", .string("\(type) graders are not run by openai-sim unless it serves with --python-graders; the result counts as failed.")))
        }
        return .object([("name", .string(name)), ("type", .string(type)), ("score", .double(score)),
                        ("passed", .bool(passed)), ("sample", .null)] + extra)
    }

    /// The text a model grader reads: its input messages rendered for this item and sample.
    func messagesText(item: JSON, sample: JSON?) -> String {
        (json["input"]?.arrayValue ?? []).map { EvalRunSampler.contentText($0["content"], item: item, sample: sample) }
            .joined(separator: "\n")
    }

    /// A label model's answer, deterministically: the label the sample's output names (the first
    /// in `labels` found as a word, ignoring case); else the one the rendered input names last;
    /// else a seeded pick.
    func chooseLabel(item: JSON, sample: JSON?, seed: UInt64) -> String {
        let labels = (json["labels"]?.arrayValue ?? []).compactMap(\.stringValue)
        guard !labels.isEmpty else { return "" }
        func named(in text: String) -> [String] {
            let w = Set(TextAnalysis.words(text))
            return labels.filter { l in
                let lw = TextAnalysis.words(l)
                return !lw.isEmpty && lw.allSatisfy(w.contains)
            }
        }
        if let out = sample?["output_text"]?.stringValue, let first = named(in: out).first { return first }
        let input = messagesText(item: item, sample: sample)
        if let last = named(in: input).last { return last }
        return labels[Int(StableHash.mix(seed, StableHash.fnv1a(input + name)) % UInt64(labels.count))]
    }
}

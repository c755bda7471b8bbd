import SimSupport

/// Deterministic, internally consistent log probabilities for generated tokens: every logprob
/// is ≤ 0, the chosen token heads its own `top_logprobs` list when it is the likeliest, the
/// alternatives' probabilities never sum past 1, and all are a pure function of (seed, text).
public enum Logprobs {
    /// `ChatCompletionTokenLogprob` objects for `pieces` (the estimated tokens of the output).
    public static func tokens(_ pieces: [String], seed: UInt64, top: Int) -> [JSON] {
        var rng = SeededRandom(seed: StableHash.mix(seed, 0x10b9))
        return pieces.map { piece in entry(piece, rng: &rng, top: top) }
    }

    static func entry(_ piece: String, rng: inout SeededRandom, top: Int) -> JSON {
        // Most generated tokens are near-certain; a few are real choices.
        let u = rng.unit()
        let p = 1 - 0.85 * u * u * u
        let lp = rounded(log(p))
        var alternatives: [(String, Double)] = []
        if top > 0 {
            var remaining = 1 - p
            let leading = piece.first == " " ? " " : ""
            var used: Set<String> = [piece]
            for k in 0..<top {
                let pool = k % 2 == 0 ? WordBank.nouns : WordBank.adjectives
                var candidate = leading + pool[Int(rng.next() % UInt64(pool.count))]
                if used.contains(candidate) { candidate = leading + "the" + String(k) }
                used.insert(candidate)
                let share = remaining * (0.35 + 0.3 * rng.unit())
                remaining -= share
                alternatives.append((candidate, rounded(log(max(share, 1e-12)))))
            }
        }
        var top: [(String, Double)] = [(piece, lp)] + alternatives
        top.sort { $0.1 > $1.1 }
        top = Array(top.prefix(alternatives.count))
        return .object([
            ("token", .string(piece)), ("logprob", .double(lp)), ("bytes", bytes(piece)),
            ("top_logprobs", .array(top.map { .object([("token", .string($0.0)), ("logprob", .double($0.1)), ("bytes", bytes($0.0))]) })),
        ])
    }

    static func bytes(_ s: String) -> JSON { .array(s.utf8.map { .int(Int64($0)) }) }

    /// Six decimals, and never positive.
    static func rounded(_ x: Double) -> Double { min(0, (x * 1_000_000).rounded() / 1_000_000) }

    /// Natural log without Foundation (for x in (0, 1]).
    static func log(_ x: Double) -> Double {
        guard x > 0 else { return -9999 }
        // ln(x) = 2 atanh((x-1)/(x+1)), after scaling x into [0.5, 1] by powers of 2.
        var m = x
        var e = 0.0
        while m < 0.5 { m *= 2; e -= 1 }
        while m > 1 { m /= 2; e += 1 }
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        var term = t
        var sum = 0.0
        var k = 1.0
        for _ in 0..<40 {
            sum += term / k
            term *= t2
            k += 2
        }
        return 2 * sum + e * 0.6931471805599453
    }
}

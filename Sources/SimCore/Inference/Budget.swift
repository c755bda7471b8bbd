import SimSupport

/// Applies a request's output budget to a raw answer: reasoning tokens first (reasoning models),
/// then visible tokens; past the budget the output is cut and `finish_reason` is `length`.
public enum Budget {
    /// The finished output for `answer` under `r`'s limits.
    public static func finish(_ answer: ModelAnswer, _ r: GenerationRequest) -> GenerationOutput {
        let limit = max(0, r.maxOutputTokens ?? r.modelInfo.maxOutputTokens)
        let reasoning = reasoningTokens(r)
        if reasoning >= limit {
            return GenerationOutput(text: "", finishReason: .length, outputTokens: 0, reasoningTokens: limit)
        }
        let budget = limit - reasoning
        switch answer {
        case let .text(s): return cut(s, budget: budget, reasoning: reasoning)
        case let .json(j): return cut(j.encodedString, budget: budget, reasoning: reasoning)
        case let .toolCalls(calls):
            var used = 0
            var out: [GeneratedToolCall] = []
            for c in calls {
                let cost = toolCallTokens(c)
                if used + cost > budget {
                    let room = max(0, budget - used - toolCallTokens(GeneratedToolCall(name: c.name, arguments: "")))
                    out.append(GeneratedToolCall(name: c.name, arguments: TokenEstimator.prefix(c.arguments, tokens: room), custom: c.custom))
                    return GenerationOutput(text: nil, toolCalls: out, finishReason: .length, outputTokens: budget, reasoningTokens: reasoning)
                }
                used += cost
                out.append(c)
            }
            return GenerationOutput(text: nil, toolCalls: out, finishReason: .toolCalls, outputTokens: used, reasoningTokens: reasoning)
        }
    }

    static func cut(_ s: String, budget: Int, reasoning: Int) -> GenerationOutput {
        let n = TokenEstimator.count(s)
        if n <= budget {
            return GenerationOutput(text: s, finishReason: .stop, outputTokens: n, reasoningTokens: reasoning)
        }
        return GenerationOutput(text: TokenEstimator.prefix(s, tokens: budget), finishReason: .length, outputTokens: budget,
                                reasoningTokens: reasoning)
    }

    /// Tokens a function call costs: name, arguments and a little framing.
    public static func toolCallTokens(_ c: GeneratedToolCall) -> Int {
        TokenEstimator.count(c.name) + TokenEstimator.count(c.arguments) + 3
    }

    /// Hidden reasoning for reasoning models: multiples of 64, more for higher effort and longer input.
    public static func reasoningTokens(_ r: GenerationRequest) -> Int {
        guard r.modelInfo.family == .reasoning else { return 0 }
        var rng = SeededRandom(seed: StableHash.mix(r.contentSeed, 0x7ea5))
        let range: ClosedRange<Int>
        switch r.reasoningEffort ?? "medium" {
        case "none", "minimal": return 0
        case "low": range = 1...3
        case "high": range = 6...18
        case "xhigh": range = 10...28
        case "max": range = 16...40
        default: range = 2...8
        }
        let steps = range.lowerBound + Int(rng.next() % UInt64(range.count)) + min(r.inputTokens / 2000, 8)
        return steps * 64
    }
}

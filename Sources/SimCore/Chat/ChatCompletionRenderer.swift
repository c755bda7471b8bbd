import SimSupport

/// One generated choice, ready to render.
struct ChatChoice {
    var index: Int
    var output: GenerationOutput
    var toolCallIDs: [String]
    /// Logprob entries for the content, when requested.
    var logprobs: [JSON]?
    /// `url_citation` annotations (search models).
    var annotations: [JSON] = []
    /// Predicted Outputs: the prediction's accepted and rejected tokens (zero without one).
    var prediction: (accepted: Int, rejected: Int) = (0, 0)
    /// Completion tokens as billed: visible, reasoning and rejected prediction tokens.
    var billedOutputTokens: Int { output.totalOutputTokens + prediction.rejected }
}

/// Renders chat completions and their stream chunks in the API's field order.
struct ChatCompletionRenderer {
    let id: String
    let created: Int64
    let model: String
    let serviceTier: String
    let fingerprint: String

    func usage(prompt: Int, cached: Int, choices: [ChatChoice]) -> JSON {
        let completion = choices.reduce(0) { $0 + $1.billedOutputTokens }
        let reasoning = choices.reduce(0) { $0 + $1.output.reasoningTokens }
        let accepted = choices.reduce(0) { $0 + $1.prediction.accepted }, rejected = choices.reduce(0) { $0 + $1.prediction.rejected }
        return .object([
            ("prompt_tokens", .int(Int64(prompt))), ("completion_tokens", .int(Int64(completion))),
            ("total_tokens", .int(Int64(prompt + completion))),
            ("prompt_tokens_details", .object([("cached_tokens", .int(Int64(cached))), ("audio_tokens", 0)])),
            ("completion_tokens_details", .object([("reasoning_tokens", .int(Int64(reasoning))), ("audio_tokens", 0),
                                                   ("accepted_prediction_tokens", .int(Int64(accepted))),
                                                   ("rejected_prediction_tokens", .int(Int64(rejected)))])),
        ])
    }

    func toolCallsJSON(_ c: ChatChoice) -> JSON {
        .array(c.output.toolCalls.enumerated().map { i, call in
            call.custom
                ? .object([("id", .string(c.toolCallIDs[i])), ("type", "custom"),
                           ("custom", .object([("name", .string(call.name)), ("input", .string(call.arguments))]))])
                : .object([("id", .string(c.toolCallIDs[i])), ("type", "function"),
                           ("function", .object([("name", .string(call.name)), ("arguments", .string(call.arguments))]))])
        })
    }

    func message(_ c: ChatChoice) -> JSON {
        var m: [(String, JSON)] = [("role", "assistant"), ("content", JSON(c.output.text)), ("refusal", .null)]
        if !c.output.toolCalls.isEmpty { m.append(("tool_calls", toolCallsJSON(c))) }
        m.append(("annotations", .array(c.annotations)))
        return .object(m)
    }

    func completion(choices: [ChatChoice], usage: JSON, metadata: JSON? = nil, moderation: JSON? = nil) -> JSON {
        var pairs: [(String, JSON)] = [("id", .string(id)), ("object", "chat.completion"), ("created", .int(created)), ("model", .string(model))]
        if let metadata { pairs.append(("metadata", metadata)) }
        pairs.append(("choices", .array(choices.map { c in
            .object([("index", .int(Int64(c.index))), ("message", message(c)),
                     ("logprobs", c.logprobs.map { .object([("content", .array($0)), ("refusal", .null)]) } ?? .null),
                     ("finish_reason", .string(c.output.finishReason.rawValue))])
        })))
        pairs.append(("usage", usage))
        if let moderation { pairs.append(("moderation", moderation)) }
        pairs += [("service_tier", .string(serviceTier)), ("system_fingerprint", .string(fingerprint))]
        return .object(pairs)
    }

    /// `JSONWriter.encode(completion(choices:usage:metadata:))` with `usage(prompt:cached:choices:)`,
    /// written straight to bytes (the response of every non-streamed create; no JSON tree).
    func completionBytes(choices: [ChatChoice], prompt: Int, cached: Int, moderation: JSON? = nil) -> [UInt8] {
        var w = JSONWriter(capacity: 640 + choices.reduce(0) { $0 + ($1.output.text?.utf8.count ?? 256) + 128 })
        w.raw(#"{"id":"#); w.writeString(id)
        w.raw(#","object":"chat.completion","created":"#); w.writeInt(created)
        w.raw(#","model":"#); w.writeString(model)
        w.raw(#","choices":["#)
        for (n, c) in choices.enumerated() {
            if n > 0 { w.raw(",") }
            w.raw(#"{"index":"#); w.writeInt(Int64(c.index))
            w.raw(#","message":{"role":"assistant","content":"#)
            if let text = c.output.text { w.writeString(text) } else { w.raw("null") }
            w.raw(#","refusal":null"#)
            if !c.output.toolCalls.isEmpty { w.raw(#","tool_calls":"#); w.write(toolCallsJSON(c)) }
            if c.annotations.isEmpty { w.raw(#","annotations":[]},"logprobs":"#) } else {
                w.raw(#","annotations":"#); w.write(.array(c.annotations)); w.raw(#"},"logprobs":"#)
            }
            if let lps = c.logprobs { w.raw(#"{"content":"#); w.write(.array(lps)); w.raw(#","refusal":null}"#) } else { w.raw("null") }
            w.raw(#","finish_reason":"#); w.writeString(c.output.finishReason.rawValue)
            w.raw("}")
        }
        let completion = choices.reduce(0) { $0 + $1.billedOutputTokens }
        let reasoning = choices.reduce(0) { $0 + $1.output.reasoningTokens }
        w.raw(#"],"usage":{"prompt_tokens":"#); w.writeInt(Int64(prompt))
        w.raw(#","completion_tokens":"#); w.writeInt(Int64(completion))
        w.raw(#","total_tokens":"#); w.writeInt(Int64(prompt + completion))
        w.raw(#","prompt_tokens_details":{"cached_tokens":"#); w.writeInt(Int64(cached))
        w.raw(#","audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":"#); w.writeInt(Int64(reasoning))
        let accepted = choices.reduce(0) { $0 + $1.prediction.accepted }, rejected = choices.reduce(0) { $0 + $1.prediction.rejected }
        if accepted == 0 && rejected == 0 {
            w.raw(#","audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}"#)
        } else {
            w.raw(#","audio_tokens":0,"accepted_prediction_tokens":"#); w.writeInt(Int64(accepted))
            w.raw(#","rejected_prediction_tokens":"#); w.writeInt(Int64(rejected))
            w.raw("}}")
        }
        if let moderation { w.raw(#","moderation":"#); w.write(moderation) }
        w.raw(#","service_tier":"#)
        w.writeString(serviceTier)
        w.raw(#","system_fingerprint":"#); w.writeString(fingerprint)
        w.raw("}")
        return w.bytes
    }

    /// The chunk sequence of a streamed completion (without `[DONE]`): per choice a role chunk,
    /// one chunk per token (or tool-call argument piece), a finish chunk; then the usage chunk.
    /// With `n` > 1 the choices' chunks are interleaved, one of each in turn, as the API's
    /// choices arrive while they are generated side by side (a client must go by `index`).
    /// With `moderation`, a moderation chunk (no choices, the results) comes after the choices'
    /// chunks, before the usage chunk.
    func chunks(choices: [ChatChoice], usage: JSON?, obfuscationSeed: UInt64?, moderation: JSON? = nil) -> [JSON] {
        var rng = SeededRandom(seed: obfuscationSeed ?? 0)
        var out: [JSON] = []
        func chunk(_ choice: JSON?, usageValue: JSON? = nil, moderationValue: JSON? = nil) {
            var pairs: [(String, JSON)] = [("id", .string(id)), ("object", "chat.completion.chunk"), ("created", .int(created)),
                                           ("model", .string(model)), ("service_tier", .string(serviceTier)),
                                           ("system_fingerprint", .string(fingerprint)), ("choices", .array(choice.map { [$0] } ?? []))]
            if usage != nil { pairs.append(("usage", usageValue ?? .null)) }
            if let moderationValue { pairs.append(("moderation", moderationValue)) }
            if obfuscationSeed != nil { pairs.append(("obfuscation", .string(obfuscation(&rng)))) }
            out.append(.object(pairs))
        }
        func choiceJSON(_ index: Int, _ delta: JSON, logprobs: JSON = .null, finish: JSON = .null) -> JSON {
            .object([("index", .int(Int64(index))), ("delta", delta), ("logprobs", logprobs), ("finish_reason", finish)])
        }
        // Each choice's chunk bodies in order, then sent in turns.
        var lanes: [[JSON]] = []
        for c in choices {
            let i = c.index
            var lane: [JSON] = []
            if c.output.toolCalls.isEmpty {
                lane.append(choiceJSON(i, .object([("role", "assistant"), ("content", ""), ("refusal", .null)])))
                let pieces = TokenEstimator.pieces(c.output.text ?? "")
                for (k, piece) in pieces.enumerated() {
                    let lp: JSON = c.logprobs.map { lps in
                        .object([("content", .array(k < lps.count ? [lps[k]] : [])), ("refusal", .null)])
                    } ?? .null
                    lane.append(choiceJSON(i, .object([("content", .string(piece))]), logprobs: lp))
                }
            } else {
                for (t, call) in c.output.toolCalls.enumerated() {
                    // A custom tool's call arrives whole in one delta (the stream's tool-call chunks
                    // are defined for functions only).
                    let head: JSON = call.custom
                        ? .object([("index", .int(Int64(t))), ("id", .string(c.toolCallIDs[t])), ("type", "custom"),
                                   ("custom", .object([("name", .string(call.name)), ("input", .string(call.arguments))]))])
                        : .object([("index", .int(Int64(t))), ("id", .string(c.toolCallIDs[t])), ("type", "function"),
                                   ("function", .object([("name", .string(call.name)), ("arguments", "")]))])
                    let delta: JSON = t == 0
                        ? .object([("role", "assistant"), ("content", .null), ("tool_calls", .array([head])), ("refusal", .null)])
                        : .object([("tool_calls", .array([head]))])
                    lane.append(choiceJSON(i, delta))
                    if call.custom { continue }
                    for piece in argumentPieces(call.arguments) {
                        lane.append(choiceJSON(i, .object([("tool_calls", .array([.object([("index", .int(Int64(t))),
                                                                                             ("function", .object([("arguments", .string(piece))]))])]))])))
                    }
                }
            }
            lane.append(choiceJSON(i, .object([]), finish: .string(c.output.finishReason.rawValue)))
            lanes.append(lane)
        }
        for step in 0..<(lanes.map(\.count).max() ?? 0) {
            for lane in lanes where step < lane.count { chunk(lane[step]) }
        }
        if let moderation { chunk(nil, moderationValue: moderation) }
        if let usage { chunk(nil, usageValue: usage) }
        return out
    }

    /// Tool arguments stream a few tokens at a time.
    func argumentPieces(_ s: String) -> [String] {
        let pieces = TokenEstimator.pieces(s)
        return stride(from: 0, to: pieces.count, by: 4).map { pieces[$0..<min($0 + 4, pieces.count)].joined() }
    }

    private func obfuscation(_ rng: inout SeededRandom) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let n = 1 + Int(rng.next() % 12)
        return String((0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }
}

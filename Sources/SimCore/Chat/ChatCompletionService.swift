import SimSupport

/// The result of a create: the completion object, and (for `stream: true`) its chunks.
public struct ChatCompletionResult: Sendable {
    let renderer: ChatCompletionRenderer
    let choices: [ChatChoice]
    let promptTokens: Int
    let cachedTokens: Int
    /// Moderated completions' results (`moderation`), when requested.
    let moderation: JSON?
    /// The completion object.
    public var completion: JSON {
        renderer.completion(choices: choices, usage: renderer.usage(prompt: promptTokens, cached: cachedTokens, choices: choices),
                            moderation: moderation)
    }
    /// `completion` encoded, written straight to bytes (no JSON tree).
    public var body: [UInt8] { renderer.completionBytes(choices: choices, prompt: promptTokens, cached: cachedTokens, moderation: moderation) }
    /// Stream chunks in order, including the usage chunk when `stream_options.include_usage`.
    public let chunks: [JSON]
    public let stream: Bool
}

/// The Chat Completions API: create (plain and streamed), and stored completions (list,
/// retrieve, update metadata, delete, list messages).
public struct ChatCompletionService: Sendable {
    public static let collection = "chat_completions"
    let env: SimEnvironment
    let models: ModelService
    let engine: InferenceEngine

    public init(env: SimEnvironment, models: ModelService, engine: InferenceEngine) {
        self.env = env
        self.models = models
        self.engine = engine
    }

    /// - Remark: POST /v1/chat/completions
    public func create(tenant: Tenant, body: JSON, overrides: RequestOverrides = RequestOverrides()) throws(APIError) -> ChatCompletionResult {
        let req = try ChatCompletionRequest.parse(body)
        let info = try models.resolve(tenant: tenant, id: req.model)
        try checkModel(info, req)
        let moderator = try req.moderation?.resolved(tenant: tenant, models: models)
        // Moderated completions: the input is judged first (a blocked input is not answered).
        var inputModeration: ModerationResult?
        if let m = moderator { inputModeration = m.classify(texts: req.messages.map(\.text), images: Self.imageURLs(req.messages)) }
        let inputBlocked = moderator?.blocksInput == true && inputModeration?.flagged == true
        try PromptCacheOptions.checkRetention(req.retentionParam, model: info)
        let prompt = ChatPrompt(req)
        try ContextWindow.check(info, inputTokens: prompt.inputTokens)
        // gpt-5.5 and later keep cached prefixes 24 hours; `explicit` prompt-cache options without
        // a breakpoint do not cache (on the models that support the options).
        let options = info.supportsPromptCacheOptions
        let implicit = !(options && req.promptCacheOptions?.mode == "explicit")
        let marks = options ? prompt.breakpoints : []
        let cached = engine.cache.lookup(tenant: tenant, key: req.promptCacheKey, hashes: implicit || !marks.isEmpty ? prompt.hashes : [],
                                         inputTokens: prompt.inputTokens,
                                         retention: info.onlyExtendedCacheRetention ? .extended : req.retention, overrides: overrides,
                                         marks: marks, implicit: implicit)
        let ids = env.ids(tenant)
        let id = ids.make("chatcmpl-", length: 29)
        let seed = engine.seed(requestSeed: req.seed)
        var choices: [ChatChoice] = []
        for index in 0..<req.n {
            if inputBlocked {
                choices.append(ChatChoice(index: index, output: GenerationOutput(text: nil, finishReason: .contentFilter, outputTokens: 0),
                                          toolCallIDs: [], logprobs: nil))
                continue
            }
            let g = GenerationRequest(model: req.model, modelInfo: info, tenant: tenant, seed: seed, prompt: prompt.text,
                                      lastUserMessage: prompt.lastUserMessage, inputTokens: prompt.inputTokens, maxOutputTokens: req.maxTokens,
                                      format: req.format, tools: req.tools, toolChoice: req.toolChoice, parallelToolCalls: req.parallelToolCalls,
                                      toolOutputs: prompt.toolOutputs, reasoningEffort: req.reasoningEffort, overrides: overrides, choiceIndex: index,
                                      lastUserMessageTokens: prompt.lastUserMessageTokens, prediction: req.prediction)
            var output = Self.applyStop(engine.generator.generate(g), stop: req.stop)
            var annotations: [JSON] = []
            if info.searchesWeb, output.toolCalls.isEmpty, output.finishReason == .stop, let text = output.text {
                (output.text, annotations) = Self.cited(text, query: prompt.lastUserMessage, size: req.webSearchContextSize ?? "medium",
                                                        seed: StableHash.mix(g.contentSeed, 0x5EA8C4))
                output.outputTokens += TokenEstimator.count(output.text ?? "") - TokenEstimator.count(text)
            }
            let callIDs = output.toolCalls.map { _ in ids.make("call_", length: 24) }
            var lps: [JSON]?
            if req.logprobs { lps = Logprobs.tokens(TokenEstimator.pieces(output.text ?? ""), seed: g.contentSeed, top: req.topLogprobs) }
            var choice = ChatChoice(index: index, output: output, toolCallIDs: callIDs, logprobs: lps, annotations: annotations)
            if let p = req.prediction { choice.prediction = PredictedOutput.split(prediction: p, completion: output.text ?? "") }
            choices.append(choice)
        }
        var moderation: JSON?
        if let m = moderator, let inputModeration {
            var outputs: [ModerationResult] = []
            for i in choices.indices {
                let r = m.classify(texts: [choices[i].output.text ?? ""], images: [])
                outputs.append(r)
                // A flagged output under a `block` policy is withheld (its tokens were generated).
                if m.blocksOutput && r.flagged {
                    choices[i].output.text = nil
                    choices[i].output.finishReason = .contentFilter
                    choices[i].logprobs = nil
                    choices[i].annotations = []
                }
            }
            moderation = .object([("input", m.chatResults([inputModeration])), ("output", m.chatResults(outputs))])
        }
        let renderer = ChatCompletionRenderer(id: id, created: env.now(), model: req.model, serviceTier: Self.tier(req.serviceTier),
                                              fingerprint: Self.fingerprint(req.model))
        // The completion is rendered when asked for: as bytes for a live response, as a JSON tree
        // for a batch line; the usage tree only for the stored copy and the stream's usage chunk.
        var usage: JSON { renderer.usage(prompt: prompt.inputTokens, cached: cached, choices: choices) }
        if req.store {
            try store(tenant: tenant, completion: renderer.completion(choices: choices, usage: usage, metadata: req.metadata ?? .object([]),
                                                                      moderation: moderation), req: req)
        }
        engine.usage.record(tenant, .completions, model: req.model, input: prompt.inputTokens, cached: cached,
                            output: choices.reduce(0) { $0 + $1.billedOutputTokens }, batch: engine.isBatch(env))
        let chunks = req.stream
            ? renderer.chunks(choices: choices, usage: req.includeUsage ? usage : Optional<JSON>.none,
                              obfuscationSeed: req.includeObfuscation ? StableHash.mix(seed, StableHash.fnv1a(id)) : nil, moderation: moderation)
            : []
        return ChatCompletionResult(renderer: renderer, choices: choices, promptTokens: prompt.inputTokens, cachedTokens: cached,
                                    moderation: moderation, chunks: chunks, stream: req.stream)
    }

    /// The image URLs of the messages' `image_url` parts (what an omni moderation model also judges).
    static func imageURLs(_ messages: [ChatMessage]) -> [String] {
        var out: [String] = []
        for m in messages {
            for part in m.content.arrayValue ?? [] where part["type"]?.stringValue == "image_url" {
                if let u = part["image_url"]?["url"]?.stringValue { out.append(u) }
            }
        }
        return out
    }

    /// A search model's answer: `text` citing its sources (as the Responses web search does),
    /// with Chat Completions' `url_citation` annotations.
    static func cited(_ text: String, query: String, size: String, seed: UInt64) -> (String, [JSON]) {
        let (out, annotations) = WebSearchTool.cite(text, sources: WebSearchTool.sources(query: WebSearchTool.query(query), seed: seed,
                                                                                          contextSize: size))
        return (out, annotations.map { a in
            .object([("type", "url_citation"), ("url_citation", .object([
                ("end_index", a["end_index"] ?? 0), ("start_index", a["start_index"] ?? 0), ("title", a["title"] ?? ""), ("url", a["url"] ?? ""),
            ]))])
        })
    }

    func checkModel(_ info: ModelInfo, _ req: ChatCompletionRequest) throws(APIError) {
        guard info.family == .chat || info.family == .reasoning else {
            throw APIError(status: 404, type: "invalid_request_error", param: "model",
                           message: "This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?")
        }
        if req.webSearchContextSize != nil, !info.searchesWeb {
            throw .invalidRequest("Unsupported parameter: 'web_search_options' is not supported with this model.", param: "web_search_options",
                                  code: "unsupported_parameter")
        }
        if info.responsesOnly {
            throw APIError(status: 404, type: "invalid_request_error", param: "model",
                           message: "This model is only supported in v1/responses and not in v1/chat/completions.")
        }
        if info.family == .reasoning {
            if req.maxTokensParam == "max_tokens", req.maxTokens != nil {
                throw .invalidRequest("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
                                      param: "max_tokens", code: "unsupported_parameter")
            }
            if let t = req.temperature, t != 1 {
                throw .invalidRequest("Unsupported value: 'temperature' does not support \(BodyReader.show(t)) with this model. Only the default (1) value is supported.",
                                      param: "temperature", code: "unsupported_value")
            }
            if req.logprobs {
                throw .invalidRequest("Unsupported parameter: 'logprobs' is not supported with this model.", param: "logprobs",
                                      code: "unsupported_parameter")
            }
        } else if req.reasoningEffort != nil {
            throw .invalidRequest("Unsupported parameter: 'reasoning_effort' is not supported with this model.", param: "reasoning_effort",
                                  code: "unsupported_parameter")
        }
        if let m = req.maxTokens, m > info.maxOutputTokens {
            throw .invalidRequest("\(req.maxTokensParam) is too large: \(m). This model supports at most \(info.maxOutputTokens) completion tokens, whereas you provided \(m).",
                                  param: req.maxTokensParam, code: "invalid_value")
        }
    }

    /// Cuts text at the first stop sequence (the sequence itself is not returned).
    static func applyStop(_ o: GenerationOutput, stop: [String]) -> GenerationOutput {
        guard let text = o.text, !stop.isEmpty else { return o }
        var cut: String.Index?
        for s in stop where !s.isEmpty {
            if let r = text.firstRange(of: s), cut.map({ r.lowerBound < $0 }) ?? true { cut = r.lowerBound }
        }
        guard let at = cut else { return o }
        var out = o
        out.text = String(text[..<at])
        out.outputTokens = TokenEstimator.count(out.text ?? "")
        out.finishReason = .stop
        return out
    }

    static func tier(_ requested: String?) -> String {
        switch requested {
        case "flex": return "flex"
        case "scale": return "scale"
        case "priority", "fast": return "priority"
        default: return "default"
        }
    }

    /// `fp_` + 10 hex digits, stable per model.
    static func fingerprint(_ model: String) -> String {
        // The first 10 of the hash's 16 zero-padded hex digits.
        // 13 ASCII bytes: a small string, written in place (no allocation).
        let h = StableHash.fnv1a(model, seed: 0x5f1a)
        return String(unsafeUninitializedCapacity: 13) { out in
            out[0] = UInt8(ascii: "f"); out[1] = UInt8(ascii: "p"); out[2] = UInt8(ascii: "_")
            for i in 0..<10 {
                let d = UInt8(truncatingIfNeeded: (h >> UInt64(60 - 4 * i)) & 0xF)
                out[3 + i] = d < 10 ? 48 + d : 87 + d
            }
            return 13
        }
    }
}

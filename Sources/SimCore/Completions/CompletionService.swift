import SimSupport

/// The legacy Completions API (`POST /v1/completions`, the SDK's `client.completions`): a prompt
/// in, `text_completion` choices out, from the same generator as Chat Completions. Served by the
/// completion models the spec names (`gpt-3.5-turbo-instruct`, `davinci-002`, `babbage-002`).
public struct CompletionService: Sendable {
    let env: SimEnvironment
    let models: ModelService
    let engine: InferenceEngine

    public init(env: SimEnvironment, models: ModelService, engine: InferenceEngine) {
        self.env = env
        self.models = models
        self.engine = engine
    }

    /// A validated request.
    struct Request {
        var model: String
        /// Each prompt's text and token count (token-array prompts are counted, not decoded).
        var prompts: [(text: String, tokens: Int)]
        var n: Int
        var bestOf: Int
        var maxTokens: Int
        var echo: Bool
        var logprobs: Int?
        var stop: [String]
        var stream: Bool
        var includeUsage: Bool
        var seed: Int64?
    }

    /// Prompts × `best_of` one request may ask for (a simulator limit; the API's is not known here).
    static let maxGenerations = 2_048

    static let known: KeySet = [
        "model", "prompt", "best_of", "echo", "frequency_penalty", "logit_bias", "logprobs", "max_tokens", "n", "presence_penalty",
        "seed", "stop", "stream", "stream_options", "suffix", "temperature", "top_p", "user",
    ]

    /// The completion object, and (for `stream: true`) its chunks, usage chunk included when asked for.
    public struct Result: Sendable {
        public let completion: JSON
        public let chunks: [JSON]
        public let stream: Bool
    }

    /// - Remark: POST /v1/completions
    public func create(tenant: Tenant, body: JSON, overrides: RequestOverrides = RequestOverrides()) throws(APIError) -> Result {
        let req = try Self.parse(body)
        let info = try models.resolve(tenant: tenant, id: req.model)
        guard info.family == .completion else {
            let chat = info.family == .chat || info.family == .reasoning
            throw APIError(status: 404, type: "invalid_request_error", param: "model",
                           message: chat ? "This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions?"
                                         : "The model `\(req.model)` is not supported in the v1/completions endpoint.")
        }
        let promptTokens = req.prompts.reduce(0) { $0 + $1.tokens }
        for p in req.prompts where p.tokens + req.maxTokens > info.contextWindow {
            throw .invalidRequest("This model's maximum context length is \(info.contextWindow) tokens, however you requested \(p.tokens + req.maxTokens) tokens (\(p.tokens) in your prompt; \(req.maxTokens) for the completion). Please reduce your prompt; or completion length.",
                                  param: "max_tokens", code: "context_length_exceeded")
        }
        let ids = env.ids(tenant)
        let id = ids.make("cmpl-", length: 29)
        let seed = engine.seed(requestSeed: req.seed)
        var choices: [JSON] = []
        var completionTokens = 0
        for (promptIndex, prompt) in req.prompts.enumerated() {
            // `best_of` candidates are generated (and billed); the first `n` are returned.
            for candidate in 0..<req.bestOf {
                let g = GenerationRequest(model: req.model, modelInfo: info, tenant: tenant, seed: seed, prompt: prompt.text,
                                          lastUserMessage: prompt.text, inputTokens: prompt.tokens, maxOutputTokens: req.maxTokens,
                                          overrides: overrides, choiceIndex: candidate)
                let output = ChatCompletionService.applyStop(engine.generator.generate(g), stop: req.stop)
                completionTokens += output.outputTokens
                guard candidate < req.n else { continue }
                // A completion continues the prompt: it starts with a space, as the models' text does.
                let generated = req.maxTokens == 0 ? "" : " " + (output.text ?? "")
                let text = req.echo ? prompt.text + generated : generated
                var logprobs: JSON = .null
                if let top = req.logprobs {
                    logprobs = Self.logprobs(echoed: req.echo ? prompt.text : nil, generated: generated, seed: g.contentSeed, top: top)
                }
                choices.append(.object([("text", .string(text)), ("index", .int(Int64(promptIndex * req.n + candidate))),
                                        ("logprobs", logprobs),
                                        ("finish_reason", .string(output.finishReason == .length || req.maxTokens == 0 ? "length" : "stop"))]))
            }
        }
        engine.usage.record(tenant, .completions, model: req.model, input: promptTokens, cached: 0, output: completionTokens,
                            batch: engine.isBatch(env))
        let created = env.now()
        let usage: JSON = .object([("prompt_tokens", .int(Int64(promptTokens))), ("completion_tokens", .int(Int64(completionTokens))),
                                   ("total_tokens", .int(Int64(promptTokens + completionTokens)))])
        func object(_ choices: [JSON], usage: JSON?) -> JSON {
            var pairs: [(String, JSON)] = [("id", .string(id)), ("object", "text_completion"), ("created", .int(created)),
                                           ("model", .string(req.model)), ("system_fingerprint", .string(ChatCompletionService.fingerprint(req.model))),
                                           ("choices", .array(choices))]
            if let usage { pairs.append(("usage", usage)) }
            return .object(pairs)
        }
        guard req.stream else { return Result(completion: object(choices, usage: usage), chunks: [], stream: false) }
        return Result(completion: object(choices, usage: usage), chunks: Self.chunks(choices, usage: req.includeUsage ? usage : nil, object: object),
                      stream: true)
    }

    /// Stream chunks: each choice's text in pieces of a few tokens (choices one after another),
    /// its last chunk with `finish_reason`; then the usage chunk (no choices) when asked for.
    static func chunks(_ choices: [JSON], usage: JSON?, object: ([JSON], JSON?) -> JSON) -> [JSON] {
        var out: [JSON] = []
        for choice in choices {
            let pieces = TokenEstimator.pieces(choice["text"]?.stringValue ?? "")
            var groups: [String] = []
            var i = 0
            while i < pieces.count {
                groups.append(pieces[i..<min(i + 3, pieces.count)].joined())
                i += 3
            }
            if groups.isEmpty { groups = [""] }
            for (k, text) in groups.enumerated() {
                let last = k == groups.count - 1
                out.append(object([.object([("text", .string(text)), ("index", choice["index"] ?? 0),
                                            ("logprobs", last ? choice["logprobs"] ?? .null : .null),
                                            ("finish_reason", last ? choice["finish_reason"] ?? .null : .null)])], nil))
            }
        }
        if let usage { out.append(object([], usage)) }
        return out
    }

    /// The legacy logprobs object: the tokens (the prompt's too with `echo`), each one's logprob,
    /// the `top` likeliest alternatives, and offsets into the text. Every entry is a number and an
    /// object, as the spec types them.
    static func logprobs(echoed: String?, generated: String, seed: UInt64, top: Int) -> JSON {
        let promptPieces = echoed.map(TokenEstimator.pieces) ?? []
        let pieces = promptPieces + TokenEstimator.pieces(generated)
        let entries = Logprobs.tokens(pieces, seed: seed, top: top)
        var offset = 0
        var offsets: [JSON] = []
        for p in pieces {
            offsets.append(.int(Int64(offset)))
            offset += p.count
        }
        return .object([
            ("tokens", .array(pieces.map { .string($0) })),
            ("token_logprobs", .array(entries.map { $0["logprob"] ?? 0 })),
            ("top_logprobs", .array(entries.map { e in
                .object((e["top_logprobs"]?.arrayValue ?? []).map { ($0["token"]?.stringValue ?? "", $0["logprob"] ?? 0) })
            })),
            ("text_offset", .array(offsets)),
        ])
    }

    static func parse(_ body: JSON) throws(APIError) -> Request {
        guard case let .object(pairs) = body else { throw .invalidRequest("The request body must be a JSON object.") }
        for (k, _) in pairs where !known.contains(k) { throw .unknownParameter(k) }
        let r = BodyReader(body)
        let model = try r.requiredString("model")
        // Required, and nullable: `null` is the spec's default, "<|endoftext|>" (a new document).
        guard let raw = body.field("prompt") else { throw .missingParameter("prompt") }
        let prompts = try Self.prompts(raw)
        let n = Int(try r.int("n", min: 1, max: 128) ?? 1)
        let bestOf = Int(try r.int("best_of", min: 0, max: 20) ?? Int64(n))
        guard bestOf >= n else {
            throw .invalidRequest("best_of must be greater than or equal to n.", param: "best_of", code: "invalid_value")
        }
        // Every prompt gets `best_of` generations: a bound keeps one request from holding a server thread for minutes.
        if prompts.count * max(bestOf, 1) > Self.maxGenerations {
            throw .invalidRequest("Invalid 'prompt': \(prompts.count) prompts with best_of \(max(bestOf, 1)) would generate \(prompts.count * max(bestOf, 1)) completions; at most \(Self.maxGenerations) are generated per request.",
                                  param: "prompt", code: "invalid_value")
        }
        let stream = try r.bool("stream") ?? false
        if stream, bestOf > 1 {
            throw .invalidRequest("Cannot stream results with best_of > 1.", param: "best_of", code: "invalid_value")
        }
        var includeUsage = false
        if let so = try r.objectReader("stream_options") {
            guard stream else {
                throw .invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: "stream_options",
                                      code: "invalid_value")
            }
            includeUsage = try so.bool("include_usage") ?? false
        }
        let maxTokens = Int(try r.int("max_tokens", min: 0) ?? 16)
        let logprobs = try r.int("logprobs", min: 0, max: 5).map(Int.init)
        _ = try r.number("temperature", min: 0, max: 2)
        _ = try r.number("top_p", min: 0, max: 1)
        _ = try r.number("frequency_penalty", min: -2, max: 2)
        _ = try r.number("presence_penalty", min: -2, max: 2)
        let echo = try r.bool("echo") ?? false
        _ = try r.string("suffix")
        _ = try r.string("user")
        let stop = try r.stopSequences()
        return Request(model: model, prompts: prompts, n: n, bestOf: max(bestOf, 1), maxTokens: maxTokens, echo: echo, logprobs: logprobs,
                       stop: stop, stream: stream, includeUsage: includeUsage, seed: try r.int("seed"))
    }

    /// A string, strings, a token array or token arrays (as the spec allows); null is the
    /// end-of-text token alone, as the API reads a missing prompt.
    static func prompts(_ raw: JSON) throws(APIError) -> [(text: String, tokens: Int)] {
        func tokens(_ items: [JSON], _ param: String) throws(APIError) -> (text: String, tokens: Int) {
            for (i, t) in items.enumerated() where t.intValue == nil {
                throw .invalidType("\(param)[\(i)]", expected: "an integer", got: t)
            }
            // The simulator has no tokenizer vocabulary to decode them: the text generated from is a stand-in.
            return ("tokens " + items.prefix(64).compactMap { $0.intValue.map(String.init) }.joined(separator: " "), items.count)
        }
        switch raw {
        case .null: return [("<|endoftext|>", 1)]
        case let .string(s): return [(s, max(1, TokenEstimator.count(s)))]
        case let .array(items):
            guard !items.isEmpty else {
                throw .invalidRequest("Invalid 'prompt': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                                      param: "prompt", code: "empty_array")
            }
            if items.allSatisfy({ $0.intValue != nil }) { return [try tokens(items, "prompt")] }
            var out: [(text: String, tokens: Int)] = []
            for (i, item) in items.enumerated() {
                switch item {
                case let .string(s): out.append((s, max(1, TokenEstimator.count(s))))
                case let .array(inner): out.append(try tokens(inner, "prompt[\(i)]"))
                default: throw .invalidType("prompt[\(i)]", expected: "a string or an array of integers", got: item)
                }
            }
            return out
        default:
            throw .invalidType("prompt", expected: "a string, an array of strings, an array of integers or an array of integer arrays", got: raw)
        }
    }
}

import SimSupport

/// A validated `POST /v1/chat/completions` body.
public struct ChatCompletionRequest: Sendable {
    public var model: String
    public var messages: [ChatMessage]
    public var n: Int
    public var stream: Bool
    public var includeUsage: Bool
    public var includeObfuscation: Bool
    /// `max_completion_tokens` (or the older `max_tokens`), and which of the two was used.
    public var maxTokens: Int?
    public var maxTokensParam: String
    public var format: OutputFormat
    public var tools: [FunctionTool]
    public var toolChoice: ToolChoice
    public var parallelToolCalls: Bool
    public var logprobs: Bool
    public var topLogprobs: Int
    public var seed: Int64?
    public var store: Bool
    public var metadata: JSON?
    public var promptCacheKey: String?
    /// `prompt_cache_retention` as the cache reads it (checked at parse).
    public var retention: PromptCache.Retention { retentionParam.flatMap(PromptCache.Retention.init(wire:)) ?? .inMemory }
    public var reasoningEffort: String?
    public var serviceTier: String?
    public var temperature: Double?
    public var stop: [String]
    /// `web_search_options.search_context_size` ("medium" when the options are given without
    /// it); nil without `web_search_options`.
    public var webSearchContextSize: String?
    /// The parameters few requests carry, boxed: a request without them copies one nil pointer
    /// (and its parse reads none of them).
    public final class Rare: Sendable {
        /// Moderated completions (`moderation`); its model is checked by the service.
        public let moderation: ModeratedCompletion?
        /// Predicted Outputs: the prediction's text (`prediction.content`).
        public let prediction: String?
        /// `prompt_cache_options` (honoured for the models that support them).
        public let promptCacheOptions: PromptCacheOptions?
        init(moderation: ModeratedCompletion?, prediction: String?, promptCacheOptions: PromptCacheOptions?) {
            self.moderation = moderation
            self.prediction = prediction
            self.promptCacheOptions = promptCacheOptions
        }
    }
    public var rare: Rare?
    public var moderation: ModeratedCompletion? { rare?.moderation }
    public var prediction: String? { rare?.prediction }
    public var promptCacheOptions: PromptCacheOptions? { rare?.promptCacheOptions }
    /// `prompt_cache_retention` as given.
    public var retentionParam: String?
    /// The body as sent (tools and response format count as input tokens).
    public var body: JSON

    static let rareKeys: KeySet = ["moderation", "prediction", "prompt_cache_options"]

    static let known: KeySet = [
        "messages", "model", "metadata", "top_logprobs", "temperature", "top_p", "user", "safety_identifier", "prompt_cache_key",
        "prompt_cache_retention", "prompt_cache_options", "service_tier", "modalities", "verbosity", "reasoning_effort",
        "max_completion_tokens", "frequency_penalty", "presence_penalty", "web_search_options", "response_format", "audio",
        "store", "moderation", "stream", "stop", "logit_bias", "logprobs", "max_tokens", "n", "prediction", "seed",
        "stream_options", "tools", "tool_choice", "parallel_tool_calls", "function_call", "functions",
    ]

    /// Validates a request body, failing with the API's 400s (each naming `param`).
    public static func parse(_ body: JSON) throws(APIError) -> ChatCompletionRequest {
        guard case let .object(pairs) = body else { throw .invalidRequest("The request body must be a JSON object.") }
        var hasRare = false
        for (k, _) in pairs {
            guard known.contains(k) else { throw .unknownParameter(k) }
            // Only keys of the rare ones' lengths (10, 20) are looked up again.
            let n = k.utf8.count
            if n == 10 || n == 20, Self.rareKeys.contains(k) { hasRare = true }
        }
        let r = BodyReader(body)
        let model = try r.requiredString("model")
        guard let rawMessages = try r.array("messages") else { throw .missingParameter("messages") }
        if rawMessages.isEmpty {
            throw .invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                                  param: "messages", code: "empty_array")
        }
        var messages: [ChatMessage] = []
        messages.reserveCapacity(rawMessages.count)
        for (i, m) in rawMessages.enumerated() { messages.append(try ChatMessage.parse(m, index: i)) }
        try checkToolMessages(messages)

        let n = Int(try r.int("n", min: 1, max: 128) ?? 1)
        let stream = try r.bool("stream") ?? false
        var includeUsage = false, includeObfuscation = true
        if let so = try r.objectReader("stream_options") {
            guard stream else {
                throw .invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: "stream_options",
                                      code: "invalid_value")
            }
            includeUsage = try so.bool("include_usage") ?? false
            includeObfuscation = try so.bool("include_obfuscation") ?? true
        }
        var maxTokens: Int?
        var maxParam = "max_completion_tokens"
        if let m = try r.int("max_completion_tokens", min: 1) { maxTokens = Int(m) } else if let m = try r.int("max_tokens", min: 1) {
            maxTokens = Int(m)
            maxParam = "max_tokens"
        }
        let temperature = try r.number("temperature", min: 0, max: 2)
        _ = try r.number("top_p", min: 0, max: 1)
        _ = try r.number("frequency_penalty", min: -2, max: 2)
        _ = try r.number("presence_penalty", min: -2, max: 2)
        let logprobs = try r.bool("logprobs") ?? false
        let top = Int(try r.int("top_logprobs", min: 0, max: 20) ?? 0)
        if r.raw("top_logprobs") != nil, !logprobs {
            throw .invalidRequest("Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.",
                                  param: "top_logprobs", code: "invalid_value")
        }
        let tools = try ChatTools.parseTools(r)
        let choice = try ChatTools.parseChoice(r, tools: tools)
        let retentionParam = try r.string("prompt_cache_retention")
        if let s = retentionParam, PromptCache.Retention(wire: s) == nil {
            throw .invalidValue("prompt_cache_retention", s, supported: ["in_memory", "24h"])
        }
        if let modalities = try r.array("modalities") {
            for (i, m) in modalities.enumerated() {
                guard let s = m.stringValue else { throw .invalidType("modalities[\(i)]", expected: "a string", got: m) }
                guard s == "text" || s == "audio" else { throw .invalidValue("modalities[\(i)]", s, supported: ["text", "audio"]) }
                // Audio is outside what openai-sim simulates: say so instead of answering text only.
                if s == "audio" {
                    throw .invalidRequest("Audio output is not simulated by openai-sim; request the 'text' modality only.",
                                          param: "modalities", code: "unsupported_value")
                }
            }
        }
        var effort: String?
        if let e = try r.string("reasoning_effort") {
            let ok = ["none", "minimal", "low", "medium", "high", "xhigh", "max"]
            guard ok.contains(e) else { throw .invalidValue("reasoning_effort", e, supported: ok) }
            effort = e
        }
        var tier: String?
        if let t = try r.string("service_tier") {
            let ok = ["auto", "default", "flex", "scale", "priority", "fast"]
            guard ok.contains(t) else { throw .invalidValue("service_tier", t, supported: ok) }
            tier = t
        }
        let stop = try r.stopSequences()
        var searchSize: String?
        if let w = try r.objectReader("web_search_options") {
            searchSize = try w.string("search_context_size") ?? "medium"
            if let size = searchSize, !["low", "medium", "high"].contains(size) {
                throw .invalidValue("web_search_options.search_context_size", size, supported: ["low", "medium", "high"])
            }
            if let loc = try w.objectReader("user_location") {
                let type = try loc.requiredString("type")
                guard type == "approximate" else { throw .invalidValue(loc.name("type"), type, supported: ["approximate"]) }
                if let a = try loc.objectReader("approximate") {
                    for key in ["city", "country", "region", "timezone"] { _ = try a.string(key) }
                }
            }
        }
        let store = try r.bool("store") ?? false
        let metadata = try r.metadata()
        let format = try ChatResponseFormat.parse(r, messages: messages)
        let parallel = try r.bool("parallel_tool_calls") ?? true
        let seed = try r.int("seed")
        var rare: Rare?
        if hasRare {
            rare = Rare(moderation: try ModeratedCompletion.parse(r.raw("moderation")), prediction: try PredictedOutput.parse(r),
                        promptCacheOptions: try PromptCacheOptions.parse(r.raw("prompt_cache_options")))
        }
        var cacheKey = try r.string("prompt_cache_key")
        if cacheKey == nil { cacheKey = try r.string("user") }
        return ChatCompletionRequest(
            model: model, messages: messages, n: n, stream: stream, includeUsage: includeUsage, includeObfuscation: includeObfuscation,
            maxTokens: maxTokens, maxTokensParam: maxParam, format: format, tools: tools,
            toolChoice: choice, parallelToolCalls: parallel, logprobs: logprobs, topLogprobs: top,
            seed: seed, store: store, metadata: metadata, promptCacheKey: cacheKey,
            reasoningEffort: effort, serviceTier: tier, temperature: temperature, stop: stop,
            webSearchContextSize: searchSize, rare: rare, retentionParam: retentionParam, body: body)
    }

    /// Tool messages must answer a preceding assistant `tool_calls`, and every call must be answered.
    static func checkToolMessages(_ messages: [ChatMessage]) throws(APIError) {
        var pending: [String] = []
        var pendingAt = 0
        for (i, m) in messages.enumerated() {
            if m.role == "tool" {
                guard let id = m.toolCallID, let at = pending.firstIndex(of: id) else {
                    throw .invalidRequest("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
                                          param: "messages.[\(i)].role")
                }
                pending.remove(at: at)
                continue
            }
            if !pending.isEmpty {
                throw .invalidRequest("An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: \(pending.joined(separator: ", "))",
                                      param: "messages.[\(pendingAt)].role")
            }
            if m.role == "assistant", let calls = m.toolCalls?.arrayValue {
                pending = calls.compactMap { $0["id"]?.stringValue }
                pendingAt = i
            }
        }
        if !pending.isEmpty {
            throw .invalidRequest("An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: \(pending.joined(separator: ", "))",
                                  param: "messages.[\(pendingAt)].role")
        }
    }
}

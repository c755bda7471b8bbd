import SimSupport

/// A validated `POST /v1/responses` body (`CreateResponse`): every field the API accepts, with
/// the API's 400s (naming `param`) for wrong types, ranges and enums.
public struct ResponseCreateParams: Sendable {
    public var model: String
    /// `input` as given: a string or an array of items (normalized by `ResponseInput`).
    public var input: JSON?
    public var instructions: String?
    public var previousResponseID: String?
    public var store: Bool
    public var background: Bool
    public var stream: Bool
    public var maxOutputTokens: Int?
    public var maxToolCalls: Int64?
    public var metadata: JSON
    public var temperature: Double?
    public var topP: Double?
    public var topLogprobs: Int64?
    public var reasoningEffort: String?
    public var reasoningSummary: String?
    public var text: ResponseTextConfig
    public var tools: [FunctionTool]
    /// The tools as echoed on the Response (spec `FunctionTool` shape, defaults filled in).
    public var toolsJSON: [JSON]
    public var toolChoice: ToolChoice
    public var toolChoiceJSON: JSON
    /// The hosted web search tool, when `tools` has one (`WebSearchTool`).
    public var webSearch: WebSearchTool?
    public var parallelToolCalls: Bool
    public var promptCacheKey: String?
    public var promptCacheRetention: String?
    public var include: [String]
    public var truncation: String
    public var serviceTier: String?
    public var user: String?
    public var safetyIdentifier: String?
    public var conversation: String?
    public var promptID: String?
    /// The parameters few requests carry, boxed: a request without them copies one nil pointer.
    public final class Rare: Sendable {
        /// Moderated completions (`moderation`); its model is checked by the service.
        public let moderation: ModeratedCompletion?
        /// `prompt_cache_options` as given (honoured for the models that support them).
        public let promptCacheOptions: PromptCacheOptions?
        init(moderation: ModeratedCompletion?, promptCacheOptions: PromptCacheOptions?) {
            self.moderation = moderation
            self.promptCacheOptions = promptCacheOptions
        }
    }
    public var rare: Rare?
    public var moderation: ModeratedCompletion? { rare?.moderation }
    public var promptCacheOptions: PromptCacheOptions? { rare?.promptCacheOptions }

    /// Every `CreateResponse` field (and the ones SDK 3.57 sends beside them).
    static let knownFields: KeySet = [
        "model", "input", "instructions", "previous_response_id", "store", "background", "stream", "stream_options",
        "max_output_tokens", "max_tool_calls", "metadata", "temperature", "top_p", "top_logprobs", "reasoning", "text",
        "tools", "tool_choice", "parallel_tool_calls", "prompt_cache_key", "prompt_cache_retention", "prompt_cache_options",
        "include", "truncation", "service_tier", "user", "safety_identifier", "conversation", "prompt", "moderation",
        "context_management", "verbosity", "background_options", "access_programs", "image",
    ]

    public static let includeValues = [
        "file_search_call.results", "web_search_call.results", "web_search_call.action.sources",
        "message.input_image.image_url", "computer_call_output.output.image_url", "code_interpreter_call.outputs",
        "reasoning.encrypted_content", "message.output_text.logprobs",
    ]

    /// Parses and validates a request body.
    ///
    /// Every field is read into a local and the value is made by one memberwise init at the end:
    /// a `var` filled in field by field was copied whole on its way out (the init's `self`, then
    /// the returned value: each copy retained and released every string and array in it).
    public static func parse(_ body: JSON) throws(APIError) -> ResponseCreateParams {
        let r = FieldReader(body)
        try r.rejectUnknown(knownFields)
        let model = try r.requiredString("model")
        let input = r.raw("input")
        if let input, input.stringValue == nil, input.arrayValue == nil {
            throw FieldReader.typeError("input", "one of a string or array of input items", input)
        }
        let instructions = try r.string("instructions")
        let previousResponseID = try r.string("previous_response_id")
        let store = try r.bool("store") ?? true
        let background = try r.bool("background") ?? false
        let stream = try r.bool("stream") ?? false
        if let s = try r.object("stream_options") { _ = try s.bool("include_obfuscation") }
        let maxOutputTokens = try r.int("max_output_tokens", min: 16).map { Int($0) }
        let maxToolCalls = try r.int("max_tool_calls", min: 1)
        let metadata = try parseMetadata(r)
        let temperature = try r.number("temperature", min: 0, max: 2)
        let topP = try r.number("top_p", min: 0, max: 1)
        let topLogprobs = try r.int("top_logprobs", min: 0, max: 20)
        var reasoningEffort: String?, reasoningSummary: String?
        if let reasoning = try r.object("reasoning") {
            reasoningEffort = try reasoning.enumString("effort", ["none", "minimal", "low", "medium", "high", "xhigh", "max"])
            reasoningSummary = try reasoning.enumString("summary", ["auto", "concise", "detailed"])
            if reasoningSummary == nil {
                reasoningSummary = try reasoning.enumString("generate_summary", ["auto", "concise", "detailed"])
            }
        }
        let text = try ResponseTextConfig.parse(r.object("text"), topLevelVerbosity: r.enumString("verbosity", ["low", "medium", "high"]))
        let tools = try ResponseTools.parse(r.array("tools"))
        let choice = try ResponseTools.parseChoice(r.raw("tool_choice"), tools: tools.tools, webSearch: tools.webSearch)
        let parallelToolCalls = try r.bool("parallel_tool_calls") ?? true
        let promptCacheKey = try r.string("prompt_cache_key")
        let promptCacheRetention = try r.enumString("prompt_cache_retention", ["in_memory", "24h"])
        var include: [String] = []
        if let inc = try r.array("include") {
            for (i, v) in inc.enumerated() {
                guard let s = v.stringValue else { throw FieldReader.typeError("include[\(i)]", "a string", v) }
                guard includeValues.contains(s) else { throw FieldReader.invalidValue("include[\(i)]", s, includeValues) }
                include.append(s)
            }
        }
        let truncation = try r.enumString("truncation", ["auto", "disabled"]) ?? "disabled"
        // The spec's `ServiceTierResponses`: `fast` is Fast mode (served as `priority`), `ultrafast`
        // is served as such by gpt-5.6-sol only (as `default` elsewhere).
        let serviceTier = try r.enumString("service_tier", ["auto", "default", "flex", "scale", "priority", "fast", "ultrafast"])
        let user = try r.string("user")
        let safetyIdentifier = try r.string("safety_identifier")
        if let s = safetyIdentifier, s.count > 64 {
            throw .invalidRequest("Invalid 'safety_identifier': string too long. Expected a string with maximum length 64, but got a string with length \(s.count) instead.",
                                  param: "safety_identifier", code: "string_above_max_length")
        }
        var conversation: String?
        if let c = r.raw("conversation") {
            if let s = c.stringValue { conversation = s } else if let o = try r.object("conversation") {
                conversation = try o.requiredString("id")
            }
        }
        var promptID: String?
        if let prompt = try r.object("prompt") { promptID = try prompt.requiredString("id") }
        let moderation = try ModeratedCompletion.parse(r.raw("moderation"), unknown: FieldReader.unknownParameter)
        let promptCacheOptions = try PromptCacheOptions.parse(r.raw("prompt_cache_options"), unknown: FieldReader.unknownParameter)
        if input == nil, previousResponseID == nil, promptID == nil, conversation == nil {
            throw .missingParameter("input")
        }
        if background, !store {
            throw .invalidRequest("Background responses must be stored: 'store' cannot be false when 'background' is true.",
                                  param: "store", code: "invalid_value")
        }
        if conversation != nil, previousResponseID != nil {
            throw .invalidRequest("Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
                                  param: "conversation", code: "mutually_exclusive_parameters")
        }
        return ResponseCreateParams(
            model: model, input: input, instructions: instructions, previousResponseID: previousResponseID, store: store,
            background: background, stream: stream, maxOutputTokens: maxOutputTokens, maxToolCalls: maxToolCalls, metadata: metadata,
            temperature: temperature, topP: topP, topLogprobs: topLogprobs, reasoningEffort: reasoningEffort,
            reasoningSummary: reasoningSummary, text: text, tools: tools.tools, toolsJSON: tools.echo, toolChoice: choice.choice,
            toolChoiceJSON: choice.echo, webSearch: tools.webSearch, parallelToolCalls: parallelToolCalls, promptCacheKey: promptCacheKey,
            promptCacheRetention: promptCacheRetention, include: include, truncation: truncation, serviceTier: serviceTier, user: user,
            safetyIdentifier: safetyIdentifier, conversation: conversation, promptID: promptID,
            rare: moderation == nil && promptCacheOptions == nil ? nil : Rare(moderation: moderation, promptCacheOptions: promptCacheOptions))
    }

    /// `metadata`: at most 16 string values, keys ≤ 64 and values ≤ 512 characters.
    static func parseMetadata(_ r: FieldReader) throws(APIError) -> JSON {
        guard let m = try r.object("metadata") else { return .object([]) }
        let pairs = m.value.objectValue ?? []
        if pairs.count > 16 {
            throw .invalidRequest("Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with \(pairs.count) properties instead.",
                                  param: "metadata", code: "object_above_max_properties")
        }
        for (k, v) in pairs {
            guard let s = v.stringValue else { throw FieldReader.typeError("metadata.\(k)", "a string", v) }
            if k.count > 64 {
                throw .invalidRequest("Invalid 'metadata': string too long. Expected a string with maximum length 64, but got a string with length \(k.count) instead.",
                                      param: "metadata", code: "string_above_max_length")
            }
            if s.count > 512 {
                throw .invalidRequest("Invalid 'metadata.\(k)': string too long. Expected a string with maximum length 512, but got a string with length \(s.count) instead.",
                                      param: "metadata.\(k)", code: "string_above_max_length")
            }
        }
        return m.value
    }
}

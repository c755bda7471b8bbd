import SimSupport

/// Assembles the `Response` object (field order as the API writes it) from a request's
/// parameters and what the model produced.
public enum ResponseObject {
    /// Token usage as the Responses API reports it.
    public static func usage(input: Int, cached: Int, output: Int, reasoning: Int) -> JSON {
        .object([
            ("input_tokens", .int(Int64(input))),
            ("input_tokens_details", .object([("cached_tokens", .int(Int64(cached))), ("cache_write_tokens", 0)])),
            ("output_tokens", .int(Int64(output))),
            ("output_tokens_details", .object([("reasoning_tokens", .int(Int64(reasoning)))])),
            ("total_tokens", .int(Int64(input + output))),
        ])
    }

    /// Token counts of a finished response, written as `usage`.
    struct Usage {
        var input: Int
        var cached: Int
        var output: Int
        var reasoning: Int

        var json: JSON { ResponseObject.usage(input: input, cached: cached, output: output, reasoning: reasoning) }

        /// `JSONWriter.write(json)`, without the tree.
        func write(_ w: inout JSONWriter) {
            writeAllButEnd(&w)
            w.raw("}")
        }

        /// `write`, but for its closing brace (the caller writes it, joined to what follows).
        func writeAllButEnd(_ w: inout JSONWriter) {
            w.raw(#"{"input_tokens":"#); w.writeInt(Int64(input))
            w.raw(#","input_tokens_details":{"cached_tokens":"#); w.writeInt(Int64(cached))
            w.raw(#","cache_write_tokens":0},"output_tokens":"#); w.writeInt(Int64(output))
            w.raw(#","output_tokens_details":{"reasoning_tokens":"#); w.writeInt(Int64(reasoning))
            w.raw(#"},"total_tokens":"#); w.writeInt(Int64(input + output))
        }
    }

    /// `reasoning` as echoed: effort and summary for reasoning models, nulls otherwise.
    static func reasoningEcho(_ p: ResponseCreateParams, model: ModelInfo) -> JSON {
        guard model.family == .reasoning else { return .object([("effort", .null), ("summary", .null)]) }
        return .object([("effort", .string(p.reasoningEffort ?? "medium")), ("summary", JSON(p.reasoningSummary))])
    }

    /// `JSONWriter.write(reasoningEcho(p, model:))`, without the tree.
    static func writeReasoningEcho(_ p: ResponseCreateParams, model: ModelInfo, _ w: inout JSONWriter) {
        guard model.family == .reasoning else { w.raw(#"{"effort":null,"summary":null}"#); return }
        w.raw(#"{"effort":"#); w.writeString(p.reasoningEffort ?? "medium")
        w.raw(#","summary":"#)
        if let s = p.reasoningSummary { w.writeString(s) } else { w.raw("null") }
        w.raw("}")
    }

    /// A finished generation's Response, before it takes a form: encoded (the foreground reply
    /// and every stored record) or as a tree (stream events and background views need one).
    /// `encoded` writes the members of `tree`, in the same order, with the constant parts as
    /// literal runs; ResponseObjectEncodingTests holds the two to the same bytes with every
    /// optional member set and unset.
    struct Finished {
        var id: String
        var createdAt: Int64
        var completedAt: Int64?
        var status: String
        var incompleteReason: String?
        var params: ResponseCreateParams
        var model: ModelInfo
        var output: [ResponseOutputItem]
        var usage: Usage?
        /// Moderated completions' results (`moderation`), when requested.
        var moderation: JSON? = nil
        /// The prompt-caching options applied (models that support them only).
        var promptCacheOptions: JSON? = nil
        /// Internal record fields (a background run's timing), after the wire fields.
        var internalFields: [(String, JSON)] = []

        /// `prompt_cache_retention` as echoed: gpt-5.5 and later retain for 24 hours whatever is asked.
        private var retention: String? { params.promptCacheRetention ?? (model.onlyExtendedCacheRetention ? "24h" : nil) }

        /// `service_tier` as echoed ("auto" runs as "default").
        /// (`fast` is served as `priority`; `ultrafast` only by gpt-5.6-sol, else as `default`.)
        private var serviceTier: String {
            switch params.serviceTier {
            case nil, "auto": return "default"
            case "fast": return "priority"
            case "ultrafast": return model.id == "gpt-5.6-sol" ? "ultrafast" : "default"
            case let t?: return t
            }
        }
        private var sampling: Bool { model.family == .reasoning }

        /// `JSONWriter.encode(tree)`, written straight to bytes. Members a typical foreground reply
        /// writes the same way every time (completed, not in the background, no incomplete
        /// details, no output limits, no user, empty metadata) are joined to the literal runs
        /// around them: each literal is a call and an append, whatever its length.
        var encoded: [UInt8] {
            var w = JSONWriter(capacity: 1536)
            w.raw(#"{"id":"#); w.writeString(id)
            w.raw(#","object":"response","created_at":"#); w.writeInt(createdAt)
            if status == "completed", !params.background, let completedAt {
                w.raw(#","status":"completed","background":false,"completed_at":"#); w.writeInt(completedAt)
            } else {
                w.raw(#","status":"#); w.writeString(status)
                w.raw(#","background":"#); w.writeBool(params.background)
                w.raw(#","completed_at":"#); w.writeOptional(status == "completed" ? completedAt : nil)
            }
            if let c = params.conversation {
                w.raw(#","conversation":{"id":"#); w.writeString(c); w.bytes.append(UInt8(ascii: "}"))
            }
            if let incompleteReason {
                w.raw(#","error":null,"incomplete_details":{"reason":"#); w.writeString(incompleteReason)
                w.raw(#"},"instructions":"#)
            } else {
                w.raw(#","error":null,"incomplete_details":null,"instructions":"#)
            }
            w.writeOptional(params.instructions)
            if params.maxOutputTokens == nil, params.maxToolCalls == nil {
                w.raw(#","max_output_tokens":null,"max_tool_calls":null,"model":"#)
            } else {
                w.raw(#","max_output_tokens":"#); w.writeOptional(params.maxOutputTokens.map(Int64.init))
                w.raw(#","max_tool_calls":"#); w.writeOptional(params.maxToolCalls)
                w.raw(#","model":"#)
            }
            w.writeString(params.model)
            w.raw(#","output":"#); ResponseOutputItem.write(output, &w)
            if hasDefaultSettings { w.raw(Self.defaultSettings) } else { writeSettings(&w) }
            let plainEnd = params.user == nil && internalFields.isEmpty && params.metadata.objectValue?.isEmpty == true && moderation == nil
            if let usage {
                w.raw(#","usage":"#)
                // The end of `usage.write`, with what follows it when that is always the same.
                usage.writeAllButEnd(&w)
                if plainEnd { w.raw(#"},"metadata":{}}"#); return w.bytes }
                w.raw("}")
            } else if plainEnd {
                w.raw(#","metadata":{}}"#); return w.bytes
            }
            if let moderation { w.raw(#","moderation":"#); w.write(moderation) }
            if let user = params.user { w.raw(#","user":"#); w.writeString(user) }
            w.raw(#","metadata":"#); w.write(params.metadata)
            for (k, v) in internalFields {
                w.bytes.append(UInt8(ascii: ","))
                w.writeString(k)
                w.bytes.append(UInt8(ascii: ":"))
                w.write(v)
            }
            w.bytes.append(UInt8(ascii: "}"))
            return w.bytes
        }

        /// The members from `parallel_tool_calls` to `truncation`.
        private func writeSettings(_ w: inout JSONWriter) {
            w.raw(#","parallel_tool_calls":"#); w.writeBool(params.parallelToolCalls)
            w.raw(#","previous_response_id":"#); w.writeOptional(params.previousResponseID)
            w.raw(#","prompt_cache_key":"#); w.writeOptional(params.promptCacheKey)
            w.raw(#","prompt_cache_retention":"#); w.writeOptional(retention)
            if let promptCacheOptions { w.raw(#","prompt_cache_options":"#); w.write(promptCacheOptions) }
            w.raw(#","reasoning":"#); ResponseObject.writeReasoningEcho(params, model: model, &w)
            w.raw(#","safety_identifier":"#); w.writeOptional(params.safetyIdentifier)
            w.raw(#","service_tier":"#); w.writeString(serviceTier)
            w.raw(#","store":"#); w.writeBool(params.store)
            w.raw(#","temperature":"#); w.writeDouble(sampling ? 1 : (params.temperature ?? 1))
            w.raw(#","text":"#); params.text.write(&w)
            w.raw(#","tool_choice":"#); w.write(params.toolChoiceJSON)
            w.raw(#","tools":"#)
            if params.toolsJSON.isEmpty { w.raw("[]") } else { w.write(.array(params.toolsJSON)) }
            w.raw(#","top_logprobs":"#); w.writeInt(params.topLogprobs ?? 0)
            w.raw(#","top_p":"#); w.writeDouble(sampling ? 1 : (params.topP ?? 1))
            w.raw(#","truncation":"#); w.writeString(params.truncation)
        }

        /// Those members as a request that leaves them all at their defaults gets them (most
        /// requests do): one literal instead of fifteen members.
        private static let defaultSettings: StaticString = #","parallel_tool_calls":true,"previous_response_id":null,"prompt_cache_key":null,"prompt_cache_retention":null,"reasoning":{"effort":null,"summary":null},"safety_identifier":null,"service_tier":"default","store":true,"temperature":1.0,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto","tools":[],"top_logprobs":0,"top_p":1.0,"truncation":"disabled""#

        /// Whether `writeSettings` would write `defaultSettings`.
        private var hasDefaultSettings: Bool {
            model.family != .reasoning && params.parallelToolCalls && params.previousResponseID == nil && params.promptCacheKey == nil
                && promptCacheOptions == nil
                && retention == nil && params.safetyIdentifier == nil && serviceTier == "default" && params.store
                && (params.temperature ?? 1) == 1 && (params.topP ?? 1) == 1 && (params.topLogprobs ?? 0) == 0
                && params.text.verbosity == "medium" && params.text.hasTextFormat
                && params.toolChoiceJSON == "auto" && params.toolsJSON.isEmpty && params.truncation == "disabled"
        }

        /// Every member in the order the API writes them.
        var tree: JSON {
            let p = params
            var pairs: [(String, JSON)] = []
            pairs.reserveCapacity(34)
            pairs.append(("id", .string(id)))
            pairs.append(("object", "response"))
            pairs.append(("created_at", .int(createdAt)))
            pairs.append(("status", .string(status)))
            pairs.append(("background", .bool(p.background)))
            pairs.append(("completed_at", status == "completed" ? JSON(completedAt) : .null))
            // Only when the response belongs to one (the API's `conversation`, nullable).
            if let c = p.conversation { pairs.append(("conversation", .object([("id", .string(c))]))) }
            pairs.append(("error", .null))
            pairs.append(("incomplete_details", incompleteReason.map { .object([("reason", .string($0))]) } ?? .null))
            pairs.append(("instructions", JSON(p.instructions)))
            pairs.append(("max_output_tokens", JSON(p.maxOutputTokens)))
            pairs.append(("max_tool_calls", JSON(p.maxToolCalls)))
            pairs.append(("model", .string(p.model)))
            pairs.append(("output", .array(output.map(\.json))))
            pairs.append(("parallel_tool_calls", .bool(p.parallelToolCalls)))
            pairs.append(("previous_response_id", JSON(p.previousResponseID)))
            pairs.append(("prompt_cache_key", JSON(p.promptCacheKey)))
            pairs.append(("prompt_cache_retention", JSON(retention)))
            if let promptCacheOptions { pairs.append(("prompt_cache_options", promptCacheOptions)) }
            pairs.append(("reasoning", reasoningEcho(p, model: model)))
            pairs.append(("safety_identifier", JSON(p.safetyIdentifier)))
            pairs.append(("service_tier", .string(serviceTier)))
            pairs.append(("store", .bool(p.store)))
            pairs.append(("temperature", .double(sampling ? 1 : (p.temperature ?? 1))))
            pairs.append(("text", p.text.json))
            pairs.append(("tool_choice", p.toolChoiceJSON))
            pairs.append(("tools", .array(p.toolsJSON)))
            pairs.append(("top_logprobs", .int(p.topLogprobs ?? 0)))
            pairs.append(("top_p", .double(sampling ? 1 : (p.topP ?? 1))))
            pairs.append(("truncation", .string(p.truncation)))
            if let usage { pairs.append(("usage", usage.json)) }
            if let moderation { pairs.append(("moderation", moderation)) }
            if let user = p.user { pairs.append(("user", .string(user))) }
            pairs.append(("metadata", p.metadata))
            pairs += internalFields
            return .object(pairs)
        }
    }

    /// A snapshot of `response` before any output exists (queued / in progress / cancelled):
    /// no output, no usage, not completed.
    public static func pending(_ response: JSON, status: String) -> JSON {
        guard case let .object(pairs) = response else { return response }
        var out: [(String, JSON)] = []
        for (k, v) in pairs {
            switch k {
            case "status": out.append((k, .string(status)))
            case "output": out.append((k, .array([])))
            case "completed_at", "incomplete_details", "error": out.append((k, .null))
            case "usage", "moderation": continue
            default: out.append((k, v))
            }
        }
        return .object(out)
    }

    /// `response` as failed with `code`/`message` (no output, no usage).
    public static func failed(_ response: JSON, code: String, message: String) -> JSON {
        pending(response, status: "failed").setting("error", .object([("code", .string(code)), ("message", .string(message))]))
    }

    /// The Response's visible text (what the SDK's `output_text` joins).
    public static func outputText(_ response: JSON) -> String {
        var s = ""
        for item in response["output"]?.arrayValue ?? [] where item["type"]?.stringValue == "message" {
            for part in item["content"]?.arrayValue ?? [] where part["type"]?.stringValue == "output_text" {
                s += part["text"]?.stringValue ?? ""
            }
        }
        return s
    }
}

extension JSONWriter {
    /// `write(JSON(s))`.
    mutating func writeOptional(_ s: String?) {
        if let s { writeString(s) } else { raw("null") }
    }

    /// `write(JSON(i))`.
    mutating func writeOptional(_ i: Int64?) {
        if let i { writeInt(i) } else { raw("null") }
    }

    /// `write(.bool(b))`.
    mutating func writeBool(_ b: Bool) {
        if b { raw("true") } else { raw("false") }
    }
}

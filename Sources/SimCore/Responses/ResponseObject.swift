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

    /// `reasoning` as echoed: effort and summary for reasoning models, nulls otherwise.
    static func reasoningEcho(_ p: ResponseCreateParams, model: ModelInfo) -> JSON {
        guard model.family == .reasoning else { return .object([("effort", .null), ("summary", .null)]) }
        return .object([("effort", .string(p.reasoningEffort ?? "medium")), ("summary", JSON(p.reasoningSummary))])
    }

    /// The complete Response for a finished generation, written straight to JSON (no tree: a
    /// response is encoded once, for the reply and the store, and parsed only when a stream or a
    /// background view needs it). `internalFields` (a background run's timing) follow the wire
    /// fields in the stored record.
    static func encode(id: String, createdAt: Int64, completedAt: Int64?, status: String, incompleteReason: String?,
                       params p: ResponseCreateParams, model: ModelInfo, output: [JSON], usage: JSON?,
                       internalFields: [(String, JSON)] = []) -> [UInt8] {
        let sampling = model.family == .reasoning
        var w = JSONWriter(capacity: 1536)
        w.raw("{\"id\":")
        w.writeString(id)
        w.raw(",\"object\":\"response\"")
        w.appendMember("created_at", .int(createdAt))
        w.appendMember("status", .string(status))
        w.appendMember("background", .bool(p.background))
        w.appendMember("completed_at", status == "completed" ? JSON(completedAt) : .null)
        w.raw(",\"error\":null")
        w.appendMember("incomplete_details", incompleteReason.map { .object([("reason", .string($0))]) } ?? .null)
        w.appendMember("instructions", JSON(p.instructions))
        w.appendMember("max_output_tokens", JSON(p.maxOutputTokens))
        w.appendMember("max_tool_calls", JSON(p.maxToolCalls))
        w.appendMember("model", .string(p.model))
        w.appendMember("output", .array(output))
        w.appendMember("parallel_tool_calls", .bool(p.parallelToolCalls))
        w.appendMember("previous_response_id", JSON(p.previousResponseID))
        w.appendMember("prompt_cache_key", JSON(p.promptCacheKey))
        w.appendMember("prompt_cache_retention", JSON(p.promptCacheRetention))
        w.appendMember("reasoning", reasoningEcho(p, model: model))
        w.appendMember("safety_identifier", JSON(p.safetyIdentifier))
        w.appendMember("service_tier", .string(p.serviceTier.map { $0 == "auto" ? "default" : $0 } ?? "default"))
        w.appendMember("store", .bool(p.store))
        w.appendMember("temperature", .double(sampling ? 1 : (p.temperature ?? 1)))
        w.appendMember("text", p.text.json)
        w.appendMember("tool_choice", p.toolChoiceJSON)
        w.appendMember("tools", .array(p.toolsJSON))
        w.appendMember("top_logprobs", .int(p.topLogprobs ?? 0))
        w.appendMember("top_p", .double(sampling ? 1 : (p.topP ?? 1)))
        w.appendMember("truncation", .string(p.truncation))
        if let usage { w.appendMember("usage", usage) }
        if let user = p.user { w.appendMember("user", .string(user)) }
        w.appendMember("metadata", p.metadata)
        for (k, v) in internalFields {
            w.bytes.append(UInt8(ascii: ","))
            w.writeString(k)
            w.bytes.append(UInt8(ascii: ":"))
            w.write(v)
        }
        w.bytes.append(UInt8(ascii: "}"))
        return w.bytes
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
            case "usage": continue
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

fileprivate extension JSONWriter {
    /// `,"key":value` for a member after the first (`key` is plain ASCII, written as is).
    mutating func appendMember(_ key: StaticString, _ value: JSON) {
        bytes.append(UInt8(ascii: ","))
        bytes.append(UInt8(ascii: "\""))
        raw(key)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        write(value)
    }
}

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

    /// The complete Response for a finished generation.
    static func build(id: String, createdAt: Int64, completedAt: Int64?, status: String, incompleteReason: String?,
                      params p: ResponseCreateParams, model: ModelInfo, output: [JSON], usage: JSON?) -> JSON {
        let sampling = model.family == .reasoning
        var pairs: [(String, JSON)] = [
            ("id", .string(id)),
            ("object", "response"),
            ("created_at", .int(createdAt)),
            ("status", .string(status)),
            ("background", .bool(p.background)),
            ("completed_at", status == "completed" ? JSON(completedAt) : .null),
            ("error", .null),
            ("incomplete_details", incompleteReason.map { .object([("reason", .string($0))]) } ?? .null),
            ("instructions", JSON(p.instructions)),
            ("max_output_tokens", JSON(p.maxOutputTokens)),
            ("max_tool_calls", JSON(p.maxToolCalls)),
            ("model", .string(p.model)),
            ("output", .array(output)),
            ("parallel_tool_calls", .bool(p.parallelToolCalls)),
            ("previous_response_id", JSON(p.previousResponseID)),
            ("prompt_cache_key", JSON(p.promptCacheKey)),
            ("prompt_cache_retention", JSON(p.promptCacheRetention)),
            ("reasoning", reasoningEcho(p, model: model)),
            ("safety_identifier", JSON(p.safetyIdentifier)),
            ("service_tier", .string(p.serviceTier.map { $0 == "auto" ? "default" : $0 } ?? "default")),
            ("store", .bool(p.store)),
            ("temperature", .double(sampling ? 1 : (p.temperature ?? 1))),
            ("text", p.text.json),
            ("tool_choice", p.toolChoiceJSON),
            ("tools", .array(p.toolsJSON)),
            ("top_logprobs", .int(p.topLogprobs ?? 0)),
            ("top_p", .double(sampling ? 1 : (p.topP ?? 1))),
            ("truncation", .string(p.truncation)),
        ]
        if let usage { pairs.append(("usage", usage)) }
        if let user = p.user { pairs.append(("user", .string(user))) }
        pairs.append(("metadata", p.metadata))
        return .object(pairs)
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

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
            w.raw(#"{"input_tokens":"#); w.writeInt(Int64(input))
            w.raw(#","input_tokens_details":{"cached_tokens":"#); w.writeInt(Int64(cached))
            w.raw(#","cache_write_tokens":0},"output_tokens":"#); w.writeInt(Int64(output))
            w.raw(#","output_tokens_details":{"reasoning_tokens":"#); w.writeInt(Int64(reasoning))
            w.raw(#"},"total_tokens":"#); w.writeInt(Int64(input + output))
            w.raw("}")
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
    /// Both forms come from one field list (`write`), so they always agree byte for byte.
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
        /// Internal record fields (a background run's timing), after the wire fields.
        var internalFields: [(String, JSON)] = []

        /// Written straight to JSON, without building a tree.
        var encoded: [UInt8] {
            var sink = BytesSink()
            write(into: &sink)
            sink.writer.bytes.append(UInt8(ascii: "}"))
            return sink.writer.bytes
        }

        var tree: JSON {
            var sink = TreeSink()
            write(into: &sink)
            return .object(sink.pairs)
        }

        /// Every member in the order the API writes them.
        private func write<S: MemberSink>(into s: inout S) {
            let p = params
            let sampling = model.family == .reasoning
            s.member("id", .string(id))
            s.member("object", "response")
            s.member("created_at", .int(createdAt))
            s.member("status", .string(status))
            s.member("background", .bool(p.background))
            s.member("completed_at", status == "completed" ? JSON(completedAt) : .null)
            s.member("error", .null)
            s.member("incomplete_details", incompleteReason.map { .object([("reason", .string($0))]) } ?? .null)
            s.member("instructions", JSON(p.instructions))
            s.member("max_output_tokens", JSON(p.maxOutputTokens))
            s.member("max_tool_calls", JSON(p.maxToolCalls))
            s.member("model", .string(p.model))
            s.member("output", write: { ResponseOutputItem.write(output, &$0) }, tree: { .array(output.map(\.json)) })
            s.member("parallel_tool_calls", .bool(p.parallelToolCalls))
            s.member("previous_response_id", JSON(p.previousResponseID))
            s.member("prompt_cache_key", JSON(p.promptCacheKey))
            s.member("prompt_cache_retention", JSON(p.promptCacheRetention))
            s.member("reasoning", write: { ResponseObject.writeReasoningEcho(p, model: model, &$0) }, tree: { reasoningEcho(p, model: model) })
            s.member("safety_identifier", JSON(p.safetyIdentifier))
            s.member("service_tier", .string(p.serviceTier.map { $0 == "auto" ? "default" : $0 } ?? "default"))
            s.member("store", .bool(p.store))
            s.member("temperature", .double(sampling ? 1 : (p.temperature ?? 1)))
            s.member("text", write: { p.text.write(&$0) }, tree: { p.text.json })
            s.member("tool_choice", p.toolChoiceJSON)
            s.member("tools", .array(p.toolsJSON))
            s.member("top_logprobs", .int(p.topLogprobs ?? 0))
            s.member("top_p", .double(sampling ? 1 : (p.topP ?? 1)))
            s.member("truncation", .string(p.truncation))
            if let usage { s.member("usage", write: usage.write, tree: { usage.json }) }
            if let user = p.user { s.member("user", .string(user)) }
            s.member("metadata", p.metadata)
            for (k, v) in internalFields { s.member(dynamic: k, v) }
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

/// Where `ResponseObject.Finished` puts its members.
private protocol MemberSink {
    /// A member whose key is plain ASCII (the API's field names).
    mutating func member(_ key: StaticString, _ value: JSON)
    /// A member whose key is only known at run time (internal record fields).
    mutating func member(dynamic key: String, _ value: JSON)
    /// A member the bytes sink writes with `write` and the tree sink builds with `tree` (the two
    /// must agree: `write` writes what `JSONWriter.write(tree())` would).
    mutating func member(_ key: StaticString, write: (inout JSONWriter) -> Void, tree: () -> JSON)
}

/// Members written as one JSON object (the caller closes it).
private struct BytesSink: MemberSink {
    var writer = JSONWriter(capacity: 1536)
    var first = true

    mutating func member(_ key: StaticString, _ value: JSON) {
        separator()
        writer.bytes.append(UInt8(ascii: "\""))
        writer.raw(key)
        writer.bytes.append(UInt8(ascii: "\""))
        writer.bytes.append(UInt8(ascii: ":"))
        writer.write(value)
    }

    mutating func member(dynamic key: String, _ value: JSON) {
        separator()
        writer.writeString(key)
        writer.bytes.append(UInt8(ascii: ":"))
        writer.write(value)
    }

    mutating func member(_ key: StaticString, write: (inout JSONWriter) -> Void, tree: () -> JSON) {
        separator()
        writer.bytes.append(UInt8(ascii: "\""))
        writer.raw(key)
        writer.bytes.append(UInt8(ascii: "\""))
        writer.bytes.append(UInt8(ascii: ":"))
        write(&writer)
    }

    private mutating func separator() {
        writer.bytes.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        first = false
    }
}

/// Members collected as an object's pairs.
private struct TreeSink: MemberSink {
    var pairs: [(String, JSON)] = []
    init() { pairs.reserveCapacity(34) }
    mutating func member(_ key: StaticString, _ value: JSON) { pairs.append((key.description, value)) }
    mutating func member(dynamic key: String, _ value: JSON) { pairs.append((key, value)) }
    mutating func member(_ key: StaticString, write: (inout JSONWriter) -> Void, tree: () -> JSON) { pairs.append((key.description, tree())) }
}

import SimSupport

extension ResponseService {
    static let tokenCountFields: KeySet = [
        "model", "input", "previous_response_id", "tools", "text", "reasoning", "truncation", "instructions", "personality",
        "conversation", "tool_choice", "parallel_tool_calls",
    ]
    static let compactFields: KeySet = [
        "model", "input", "previous_response_id", "instructions", "prompt_cache_key", "prompt_cache_retention",
        "prompt_cache_options", "service_tier",
        // Not in the spec followed here; the official SDK (3.57) sends it: request-level image
        // options, checked and otherwise without effect (no image is compressed here).
        "image",
    ]

    /// Parses a body of another Responses operation with the create rules (after checking its own fields).
    func params(_ body: JSON, allowed: KeySet, defaultModel: String?) throws(APIError) -> ResponseCreateParams {
        let r = FieldReader(body)
        try r.rejectUnknown(allowed)
        _ = try r.string("personality")
        if let image = try r.object("image") {
            try image.rejectUnknown(["context_compression"])
            _ = try image.enumString("context_compression", ["auto", "enabled", "disabled"])
        }
        guard case var .object(pairs) = body else { throw .invalidRequest("The request body must be a JSON object.") }
        pairs.removeAll { $0.0 == "personality" || $0.0 == "prompt_cache_options" || $0.0 == "image" }
        if let m = defaultModel, r.raw("model") == nil {
            pairs.removeAll { $0.0 == "model" }
            pairs.append(("model", .string(m)))
        }
        return try ResponseCreateParams.parse(.object(pairs))
    }

    /// - Remark: POST /v1/responses/input_tokens
    public func inputTokens(tenant: Tenant, body: JSON) throws(APIError) -> JSON {
        let p = try params(body, allowed: Self.tokenCountFields, defaultModel: "gpt-4o")
        // Counting must not consume the tenant's ID stream: item ids here are throwaway.
        let scratch = IDGenerator(seed: env.seed, stream: "input-token-count")
        let prepared = try prepare(tenant: tenant, params: p, ids: scratch, reserveID: false)
        return .object([("object", "response.input_tokens"), ("input_tokens", .int(Int64(prepared.value.conversation.inputTokens)))])
    }

    /// Keeps the user messages and folds the rest into one `compaction` item.
    /// - Remark: POST /v1/responses/compact
    public func compact(tenant: Tenant, body: JSON) throws(APIError) -> JSON {
        let p = try params(body, allowed: Self.compactFields, defaultModel: nil)
        let ids = env.ids(tenant)
        let prepared = try prepare(tenant: tenant, params: p, ids: ids, reserveID: true)
        let all = prepared.value.history + prepared.value.items
        let kept = all.filter { $0["type"]?.stringValue == "message" && $0["role"]?.stringValue == "user" }
        let summary = ResponseCompaction.summarize(all)
        let item: JSON = .object([("id", .string(ResponseIDs.compaction(ids))), ("type", "compaction"),
                                  ("encrypted_content", .string(ResponseCompaction.encrypt(summary)))])
        let input = prepared.value.conversation.inputTokens
        let output = TokenEstimator.count(summary)
        return .object([
            ("id", .string(prepared.reservedID)), ("object", "response.compaction"), ("output", .array(kept + [item])),
            ("created_at", .int(env.now())), ("usage", ResponseObject.usage(input: input, cached: 0, output: output, reasoning: 0)),
        ])
    }
}

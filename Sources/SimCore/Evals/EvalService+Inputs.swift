import SimSupport

/// What evals and runs are created from: configs, criteria, run data sources and their rows.
extension EvalService {
    // MARK: - Validation

    static func dataSourceConfig(_ c: JSON) throws(APIError) -> JSON {
        guard c.objectValue != nil else { throw .invalidType("data_source_config", expected: "an object", got: c) }
        guard let type = c["type"]?.stringValue else { throw .missingParameter("data_source_config.type") }
        switch type {
        case "custom":
            guard let itemSchema = c["item_schema"], !itemSchema.isNull else { throw .missingParameter("data_source_config.item_schema") }
            guard itemSchema.objectValue != nil else { throw .invalidType("data_source_config.item_schema", expected: "an object", got: itemSchema) }
            var includeSample = false
            if let v = c["include_sample_schema"], !v.isNull {
                guard let b = v.boolValue else { throw .invalidType("data_source_config.include_sample_schema", expected: "a boolean", got: v) }
                includeSample = b
            }
            var properties: [(String, JSON)] = [("item", itemSchema)]
            var required: [JSON] = ["item"]
            if includeSample { properties.append(("sample", sampleSchema)); required.append("sample") }
            return .object([("type", "custom"), ("schema", .object([("type", "object"), ("properties", .object(properties)), ("required", .array(required))]))])
        case "logs", "stored_completions":
            let metadata = c["metadata"] ?? .null
            if !metadata.isNull {
                guard let pairs = metadata.objectValue else { throw .invalidType("data_source_config.metadata", expected: "an object", got: metadata) }
                for (k, v) in pairs where v.stringValue == nil {
                    throw .invalidType("data_source_config.metadata.\(k)", expected: "a string", got: v)
                }
            }
            return .object([("type", .string(type)), ("metadata", metadata),
                            ("schema", .object([("type", "object"),
                                                ("properties", .object([("item", .object([("type", "object")])), ("sample", sampleSchema)])),
                                                ("required", ["item", "sample"])]))])
        default:
            throw .invalidValue("data_source_config.type", type, supported: ["custom", "logs", "stored_completions"])
        }
    }

    /// The schema of `sample` that a run's sampling fills in.
    static let sampleSchema: JSON = .object([
        ("type", "object"),
        ("properties", .object([("model", .object([("type", "string")])), ("choices", .object([("type", "array")])),
                                ("output_text", .object([("type", "string")])), ("output_json", .object([("type", "object")]))])),
        ("required", ["model", "output_text"]),
    ])

    /// The criterion checked, with null members (its own and its input messages') echoed as absent.
    static func grader(_ g: JSON, param: String) throws(APIError) -> JSON {
        try EvalValidation.grader(g, param)
        return EvalValidation.echoed(grader: g)
    }

    /// The data source checked, and as the API echoes it: each template message a `"type": "message"` item,
    /// its string content an `input_text` part (`output_text` for the assistant), as in the API's
    /// own examples. (A `{role, content: "…"}` message is valid as both of the spec's template
    /// item types, so it is echoed in the one form that is only one of them.)
    /// A list of text parts only is echoed as one part (valid as both kinds of content list, it
    /// would also be both kinds of message).
    static func checkedRunSource(_ source: JSON, type: String) throws(APIError) -> JSON {
        // Echoed with the spec's members only; null members as absent.
        var out = EvalValidation.picking(source, type == "jsonl" ? ["type", "source"] : ["type", "source", "input_messages", "model", "sampling_params"])
        if let src = EvalValidation.member(source, "source") {
            var s = EvalValidation.picking(src, ["type", "content", "id"])
            if let rows = src["content"]?.arrayValue { s = s.setting("content", .array(rows.map { EvalValidation.picking($0, ["item", "sample"]) })) }
            out = out.setting("source", s)
        }
        if type != "jsonl" {
            try EvalValidation.string(source, "model", "data_source", required: true)
            if let s = EvalValidation.member(source, "sampling_params") {
                out = out.setting("sampling_params", try EvalValidation.samplingParams(s, type: type))
            }
        }
        guard type != "jsonl" else { return out }
        guard let im = EvalValidation.member(source, "input_messages") else { throw .missingParameter("data_source.input_messages") }
        try EvalValidation.object(im, "data_source.input_messages")
        guard EvalValidation.member(im, "type") != nil else { throw .missingParameter("data_source.input_messages.type") }
        try EvalValidation.oneOf(im, "type", "data_source.input_messages", ["template", "item_reference"])
        guard im["type"]?.stringValue == "template" else {
            try EvalValidation.string(im, "item_reference", "data_source.input_messages", required: true)
            return out.setting("input_messages", EvalValidation.picking(im, ["type", "item_reference"]))
        }
        guard let tv = EvalValidation.member(im, "template") else { throw .missingParameter("data_source.input_messages.template") }
        guard let template = tv.arrayValue else { throw .invalidType("data_source.input_messages.template", expected: "an array", got: tv) }
        var items: [JSON] = []
        for (i, m) in template.enumerated() {
            try EvalValidation.message(m, "data_source.input_messages.template[\(i)]")
            var msg = EvalValidation.echoed(message: m).setting("type", "message")
            let part = m["role"]?.stringValue == "assistant" ? "output_text" : "input_text"
            if let text = m["content"]?.stringValue {
                msg = msg.setting("content", .object([("type", .string(part)), ("text", .string(text))]))
            } else if let parts = m["content"]?.arrayValue,
                      parts.allSatisfy({ $0.stringValue != nil || $0["type"]?.stringValue == "input_text" }) {
                let text = parts.map { $0.stringValue ?? $0["text"]?.stringValue ?? "" }.joined(separator: "\n")
                msg = msg.setting("content", .object([("type", .string(part)), ("text", .string(text))]))
            }
            items.append(msg)
        }
        return out.setting("input_messages", .object([("type", "template"), ("template", .array(items))]))
    }

    // MARK: - Items of a data source

    /// The run's rows: `{"item": {...}, "sample": {...}?}` each, from inline content or a JSONL file.
    func items(_ tenant: Tenant, _ source: JSON) throws(APIError) -> [JSON] {
        guard let s = source["source"], !s.isNull else { throw .missingParameter("data_source.source") }
        guard s.objectValue != nil else { throw .invalidType("data_source.source", expected: "an object", got: s) }
        let type = try EvalValidation.string(s, "type", "data_source.source", required: true) ?? ""
        var rows: [JSON] = []
        switch type {
        case "file_content":
            guard let content = s["content"], !content.isNull else { throw .missingParameter("data_source.source.content") }
            guard let list = content.arrayValue else { throw .invalidType("data_source.source.content", expected: "an array", got: content) }
            for (i, row) in list.enumerated() {
                guard let item = row["item"], item.objectValue != nil else {
                    throw .invalidRequest("Invalid 'data_source.source.content[\(i)]': expected an object with an 'item' object.",
                                          param: "data_source.source.content[\(i)].item", code: "invalid_value")
                }
                if let sample = EvalValidation.member(row, "sample") {
                    try EvalValidation.object(sample, "data_source.source.content[\(i)].sample")
                }
                rows.append(.object([("item", item), ("sample", row["sample"] ?? .null)]))
            }
        case "file_id":
            let id = try EvalValidation.string(s, "id", "data_source.source", required: true) ?? ""
            let bytes: [UInt8]
            do { bytes = try files.contentBytes(tenant: tenant, id: id) } catch {
                throw .invalidRequest("Invalid 'data_source.source.id': '\(id)'. No such file.", param: "data_source.source.id", status: 404)
            }
            var n = 0
            for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                n += 1
                if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
                guard let v = try? JSONParser.parse(Array(line)), v.objectValue != nil else {
                    throw .invalidRequest("Line \(n) of file \(id) is not a JSON object.", param: "data_source.source.id", code: "invalid_file")
                }
                // `{"item": {...}}` lines; a line without "item" is the item itself.
                if let item = v["item"], item.objectValue != nil {
                    rows.append(.object([("item", item), ("sample", v["sample"] ?? .null)]))
                } else {
                    rows.append(.object([("item", v), ("sample", .null)]))
                }
                if rows.count > Self.maxItems { break }
            }
        case "stored_completions", "responses":
            throw .invalidRequest("Eval run sources of type '\(type)' are not simulated by openai-sim; use 'file_content' or 'file_id'.",
                                  param: "data_source.source.type", code: "unsupported_source")
        default:
            throw .invalidValue("data_source.source.type", type, supported: ["file_content", "file_id"])
        }
        guard !rows.isEmpty else {
            throw .invalidRequest("The run's data source has no items.", param: "data_source.source", code: "empty_source")
        }
        guard rows.count <= Self.maxItems else {
            throw .invalidRequest("The run's data source has more than \(Self.maxItems) items.", param: "data_source.source", code: "too_many_items")
        }
        return rows
    }
}

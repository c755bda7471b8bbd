import SimSupport

/// Turns a request's `input` (a string, or an array of messages and items) into canonical input
/// items: the shapes `GET /v1/responses/{id}/input_items` returns (`ItemResource`), each with an id.
public struct ResponseInput {
    let ids: IDGenerator
    let tenant: Tenant
    let files: FileService
    /// Items earlier in the conversation (for `item_reference`).
    let context: [JSON]
    /// The request field the items come from (`input`; a conversation's `items`), for error params.
    let param: String

    init(ids: IDGenerator, tenant: Tenant, files: FileService, context: [JSON], param: String = "input") {
        self.ids = ids
        self.tenant = tenant
        self.files = files
        self.context = context
        self.param = param
    }

    static let roles = ["user", "assistant", "system", "developer"]

    /// Canonical items for `input` (nil input: no items).
    func normalize(_ input: JSON?) throws(APIError) -> [JSON] {
        guard let input else { return [] }
        if let s = input.stringValue {
            return [message(role: "user", parts: [.object([("type", "input_text"), ("text", .string(s))])], id: nil)]
        }
        guard let list = input.arrayValue else { throw FieldReader.typeError(param, "one of a string or array of input items", input) }
        var out: [JSON] = []
        for (i, raw) in list.enumerated() {
            out.append(try item(raw, path: "\(param)[\(i)]", earlier: out))
        }
        return out
    }

    private func item(_ raw: JSON, path: String, earlier: [JSON]) throws(APIError) -> JSON {
        let r = try FieldReader.element(raw, path)
        var type = try r.string("type")
        if type == nil, r.has("role") { type = "message" }
        switch type {
        case "message"?:
            return try messageItem(r)
        case "function_call"?:
            let callID = try r.requiredString("call_id")
            let name = try r.requiredString("name")
            let args = try r.requiredString("arguments")
            let id = try r.string("id") ?? ResponseIDs.functionCall(ids)
            return .object([("id", .string(id)), ("type", "function_call"), ("status", "completed"), ("arguments", .string(args)),
                            ("call_id", .string(callID)), ("name", .string(name))])
        case "custom_tool_call"?:
            let callID = try r.requiredString("call_id")
            let name = try r.requiredString("name")
            let input = try r.requiredString("input")
            let id = try r.string("id") ?? ResponseIDs.customToolCall(ids)
            return .object([("id", .string(id)), ("type", "custom_tool_call"), ("status", "completed"), ("call_id", .string(callID)),
                            ("input", .string(input)), ("name", .string(name))])
        case let kind? where kind == "function_call_output" || kind == "custom_tool_call_output":
            let callID = try r.requiredString("call_id")
            guard var output = r.raw("output") else { throw .missingParameter(r.param("output")) }
            if let parts = output.arrayValue {
                // Text, image or file parts, checked and stored in their canonical shapes.
                var out: [JSON] = []
                for (j, p) in parts.enumerated() { out.append(try part(p, path: r.param("output") + "[\(j)]", assistant: false)) }
                output = .array(out)
            } else if output.stringValue == nil {
                throw FieldReader.typeError(r.param("output"), "one of a string or array of content items", output)
            }
            let id = try r.string("id") ?? (kind == "function_call_output" ? ResponseIDs.functionCallOutput(ids) : ResponseIDs.customToolCallOutput(ids))
            return .object([("id", .string(id)), ("type", .string(kind)), ("call_id", .string(callID)), ("output", output),
                            ("status", "completed")])
        case "web_search_call"?:
            // An earlier answer's search, handed back with its output.
            let id = try r.requiredString("id")
            let status = try r.enumString("status", ["in_progress", "searching", "completed", "failed", "incomplete"]) ?? "completed"
            guard let action = try r.object("action") else { throw .missingParameter(r.param("action")) }
            _ = try action.requiredString("type")
            return .object([("id", .string(id)), ("type", "web_search_call"), ("status", .string(status)), ("action", action.value)])
        case "reasoning"?:
            let id = try r.requiredString("id")
            let summary = try r.array("summary") ?? []
            var pairs: [(String, JSON)] = [("id", .string(id)), ("type", "reasoning"), ("summary", .array(summary))]
            if let enc = try r.string("encrypted_content") { pairs.append(("encrypted_content", .string(enc))) }
            return .object(pairs)
        case "compaction"?:
            let enc = try r.requiredString("encrypted_content")
            let id = try r.string("id") ?? ResponseIDs.compaction(ids)
            return .object([("id", .string(id)), ("type", "compaction"), ("encrypted_content", .string(enc))])
        case "item_reference"?, nil:
            let id = try r.requiredString("id")
            if let found = (context + earlier).last(where: { $0["id"]?.stringValue == id }) { return found }
            throw .invalidRequest("Item with id '\(id)' not found.", param: path, code: "invalid_value")
        case let other?:
            throw FieldReader.invalidValue(r.param("type"), other,
                                           ["message", "function_call", "function_call_output", "custom_tool_call", "custom_tool_call_output",
                                            "web_search_call", "reasoning", "compaction", "item_reference"])
        }
    }

    private func messageItem(_ r: FieldReader) throws(APIError) -> JSON {
        guard let role = try r.enumString("role", Self.roles) else { throw .missingParameter(r.param("role")) }
        guard let content = r.raw("content") else { throw .missingParameter(r.param("content")) }
        let id = try r.string("id")
        if let s = content.stringValue {
            let part: JSON = role == "assistant" ? Self.outputText(s) : .object([("type", "input_text"), ("text", .string(s))])
            return message(role: role, parts: [part], id: id)
        }
        guard let parts = content.arrayValue else {
            throw FieldReader.typeError(r.param("content"), "one of a string or array of input content", content)
        }
        var out: [JSON] = []
        for (j, p) in parts.enumerated() {
            out.append(try self.part(p, path: r.param("content") + "[\(j)]", assistant: role == "assistant"))
        }
        return message(role: role, parts: out, id: id)
    }

    private func part(_ raw: JSON, path: String, assistant: Bool) throws(APIError) -> JSON {
        let p = try FieldReader.element(raw, path)
        // `prompt_cache_breakpoint` (`{"mode": "explicit"}`): checked, and kept on the part.
        var breakpoint: JSON?
        if let b = try p.object("prompt_cache_breakpoint") {
            try b.rejectUnknown(["mode"])
            let mode = try b.requiredString("mode")
            guard mode == "explicit" else { throw FieldReader.invalidValue(b.param("mode"), mode, ["explicit"]) }
            breakpoint = .object([("mode", "explicit")])
        }
        let made = try partBody(p, path: path, assistant: assistant)
        guard let breakpoint else { return made }
        return made.setting("prompt_cache_breakpoint", breakpoint)
    }

    private func partBody(_ p: FieldReader, path: String, assistant: Bool) throws(APIError) -> JSON {
        let type = try p.requiredString("type")
        // Assistant turns carry output text (input_text is accepted there and stored as output_text).
        let allowed = assistant ? ["output_text", "input_text", "refusal"] : ["input_text", "input_image", "input_file"]
        guard allowed.contains(type) else { throw FieldReader.invalidValue(p.param("type"), type, allowed) }
        switch type {
        case "input_text" where assistant:
            return Self.outputText(try p.requiredString("text"))
        case "input_text":
            return .object([("type", "input_text"), ("text", .string(try p.requiredString("text")))])
        case "output_text":
            return Self.outputText(try p.requiredString("text"))
        case "refusal":
            return .object([("type", "refusal"), ("refusal", .string(try p.requiredString("refusal")))])
        case "input_image":
            let detail = try p.enumString("detail", ["low", "high", "auto", "original"]) ?? "auto"
            let url = try p.string("image_url")
            let fileID = try p.string("file_id")
            if let url { try Self.checkImageURL(url, param: p.param("image_url")) }
            if let fileID { _ = try files.retrieve(tenant: tenant, id: fileID) }
            guard url != nil || fileID != nil else {
                throw .invalidRequest("Invalid input image: one of 'image_url' or 'file_id' must be provided.", param: path,
                                      code: "missing_required_parameter")
            }
            return .object([("type", "input_image"), ("detail", .string(detail)), ("file_id", JSON(fileID)), ("image_url", JSON(url))])
        default:
            var pairs: [(String, JSON)] = [("type", "input_file")]
            let fileID = try p.string("file_id")
            if let fileID { _ = try files.retrieve(tenant: tenant, id: fileID); pairs.append(("file_id", .string(fileID))) }
            if let name = try p.string("filename") { pairs.append(("filename", .string(name))) }
            if let data = try p.string("file_data") { pairs.append(("file_data", .string(data))) }
            if let url = try p.string("file_url") { pairs.append(("file_url", .string(url))) }
            guard pairs.count > 1 else {
                throw .invalidRequest("Invalid input file: one of 'file_id', 'file_data' or 'file_url' must be provided.", param: path,
                                      code: "missing_required_parameter")
            }
            return .object(pairs)
        }
    }

    private func message(role: String, parts: [JSON], id: String?) -> JSON {
        .object([("id", .string(id ?? ResponseIDs.message(ids))), ("type", "message"), ("role", .string(role)),
                 ("content", .array(parts)), ("status", "completed")])
    }

    static func outputText(_ s: String) -> JSON {
        .object([("type", "output_text"), ("text", .string(s)), ("annotations", .array([])), ("logprobs", .array([]))])
    }

    /// `http(s)://…` or a base64 `data:image/…` URL, as the API accepts.
    static func checkImageURL(_ url: String, param: String) throws(APIError) {
        let lower = url.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return }
        if lower.hasPrefix("data:image/"), lower.contains(";base64,") { return }
        throw .invalidRequest("Invalid 'image_url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got an invalid value.",
                              param: param, code: "invalid_value")
    }
}

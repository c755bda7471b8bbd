import SimSupport

/// One input message of a Chat Completions request, validated, with its text flattened.
public struct ChatMessage: Sendable {
    public static let roles = ["system", "assistant", "user", "function", "tool", "developer"]

    public var role: String
    /// The text of the message (text parts joined by newlines; tool calls rendered for assistants).
    public var text: String
    /// The original `content` when it was an array of parts.
    public var contentParts: JSON?
    /// The original `content` as sent (string, parts or null).
    public var content: JSON
    public var name: String?
    /// An assistant message's `tool_calls`, as sent.
    public var toolCalls: JSON?
    public var toolCallID: String?
    /// Tokens for images in the content (85 for `detail: low`, else 765).
    public var imageTokens: Int
    /// Byte offsets in `text` at the end of each part with a `prompt_cache_breakpoint`.
    public var breakpoints: [Int] = []

    /// Validates `messages[index]`.
    static func parse(_ value: JSON, index: Int) throws(APIError) -> ChatMessage {
        let r = BodyReader(value, array: "messages", index: index)
        guard case .object = value else { throw .invalidType(r.path, expected: "an object", got: value) }
        let role = try r.requiredString("role")
        guard roles.contains(role) else {
            let p = r.path
            throw .invalidRequest("Invalid value: '\(role)'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
                                  param: "\(p).role", code: "invalid_value")
        }
        // The deprecated function message: `name` and `content` required, `content` may be null.
        let name = role == "function" ? try r.requiredString("name") : try r.string("name")
        var m = ChatMessage(role: role, text: "", contentParts: nil, content: value["content"] ?? .null, name: name,
                            toolCalls: nil, toolCallID: nil, imageTokens: 0)
        if role == "assistant", let calls = try r.array("tool_calls") {
            m.toolCalls = .array(calls)
            var rendered: [String] = []
            let callsPath = r.name("tool_calls")
            for (i, c) in calls.enumerated() {
                let cr = BodyReader(c, array: callsPath, index: i)
                guard case .object = c else { throw .invalidType(cr.path, expected: "an object", got: c) }
                _ = try cr.requiredString("id")
                if try cr.string("type") == "custom" {
                    guard let cu = try cr.objectReader("custom") else { throw .missingParameter(cr.name("custom")) }
                    rendered.append("\(try cu.requiredString("name"))(\(try cu.requiredString("input")))")
                    continue
                }
                guard let f = try cr.objectReader("function") else { throw .missingParameter(cr.name("function")) }
                rendered.append("\(try f.requiredString("name"))(\(try f.requiredString("arguments")))")
            }
            m.text = rendered.joined(separator: "\n")
        }
        if role == "tool" { m.toolCallID = try r.requiredString("tool_call_id") }
        guard let content = r.raw("content") else {
            if role == "assistant" && (m.toolCalls != nil || r.raw("function_call") != nil || r.raw("refusal") != nil) { return m }
            if role == "function", case .null? = value["content"] { return m }
            throw .missingParameter(r.name("content"))
        }
        switch content {
        case let .string(s): m.text = m.text.isEmpty ? s : s + "\n" + m.text
        case let .array(parts):
            m.contentParts = content
            var texts: [String] = []
            let allowed: [String]
            switch role {
            case "user": allowed = ["text", "image_url", "input_audio", "file"]
            case "assistant": allowed = ["text", "refusal"]
            default: allowed = ["text"]
            }
            let partsPath = r.name("content")
            for (i, part) in parts.enumerated() {
                let pr = BodyReader(part, array: partsPath, index: i)
                guard case .object = part else { throw .invalidType(pr.path, expected: "an object", got: part) }
                let type = try pr.requiredString("type")
                guard allowed.contains(type) else { throw .invalidValue(pr.name("type"), type, supported: allowed) }
                var breakpoint = false
                if let b = try pr.objectReader("prompt_cache_breakpoint") {
                    if case let .object(keys) = b.object { for (k, _) in keys where k != "mode" { throw .unknownParameter(b.name(k)) } }
                    let mode = try b.requiredString("mode")
                    guard mode == "explicit" else { throw .invalidValue(b.name("mode"), mode, supported: ["explicit"]) }
                    breakpoint = true
                }
                defer {
                    // The end of this part's text in `text` (the texts are joined by newlines).
                    if breakpoint { m.breakpoints.append(texts.reduce(0) { $0 + $1.utf8.count } + max(0, texts.count - 1)) }
                }
                switch type {
                case "text": texts.append(try pr.requiredString("text"))
                case "refusal": texts.append(try pr.requiredString("refusal"))
                case "image_url":
                    guard let img = try pr.objectReader("image_url") else { throw .missingParameter(pr.name("image_url")) }
                    _ = try img.requiredString("url")
                    m.imageTokens += try img.string("detail") == "low" ? 85 : 765
                case "file":
                    guard let f = try pr.objectReader("file") else { throw .missingParameter(pr.name("file")) }
                    if let name = try f.string("filename") { texts.append(name) }
                default: break
                }
            }
            m.text = texts.joined(separator: "\n") + (m.text.isEmpty ? "" : "\n" + m.text)
        default:
            throw .invalidType(r.name("content"), expected: "one of a string or array of objects", got: content)
        }
        return m
    }
}

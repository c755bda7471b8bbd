import SimSupport

/// What the model sees for one request: the instructions plus every conversation item (earlier
/// turns through `previous_response_id`, then this request's input), flattened to messages for
/// token counting, prompt caching and generation.
public struct ResponseConversation: Sendable {
    public private(set) var messages: [(role: String, content: String)] = []
    /// Tokens for images and files, counted beside the text.
    public private(set) var attachmentTokens = 0
    public private(set) var lastUserMessage = ""
    /// Tool results given after the last user message, with the called function's name.
    public private(set) var toolOutputs: [(name: String?, output: String)] = []
    /// Tokens of the tool definitions (they are part of the prompt).
    public private(set) var toolTokens = 0
    /// All text of the prompt, for the generator (instructions and messages in order, one
    /// "role: content" line each).
    public private(set) var flatPrompt = ""
    /// `tools: …` and a newline when there are tools, else empty.
    private var toolsLine = ""
    /// Byte offsets in `promptText` at the end of each content part with a
    /// `prompt_cache_breakpoint`, in order.
    public private(set) var breakpointOffsets: [Int] = []

    /// The prompt as one text, in cache order: tools, instructions, then items (one line each).
    /// Built when read: only prompts long enough for the prompt cache need it.
    public var promptText: String { messages.isEmpty ? toolsLine : toolsLine + flatPrompt + "\n" }
    /// `promptText.utf8.count`, without building it.
    public var promptTextBytes: Int { toolsLine.utf8.count + (messages.isEmpty ? 0 : flatPrompt.utf8.count + 1) }

    /// Image cost by detail: low is a flat 85; high/auto as a 1024² image (85 + 4 × 170).
    static func imageTokens(_ detail: String?) -> Int { detail == "low" ? 85 : 765 }

    /// Builds the conversation; `fileText` reads an uploaded file's text (for `input_file`).
    public init(instructions: String?, items: [JSON], tools: [JSON], fileText: (String) -> String?) {
        if !tools.isEmpty {
            let toolsText = JSON.array(tools).encodedString
            toolTokens = TokenEstimator.count(toolsText) + 8
            toolsLine = "tools: " + toolsText + "\n"
        }
        messages.reserveCapacity(items.count + 1)
        if let instructions { messages.append(("developer", instructions)) }
        var callNames: [String: String] = [:]
        var lastUserIndex = -1
        // (message index, byte offset in its content) at the end of each part with a breakpoint.
        var marksInContent: [(message: Int, offset: Int)] = []
        var outputsAfterUser: [(name: String?, output: String)] = []
        for item in items {
            let type = item["type"]?.stringValue ?? ""
            var role = "user"
            var text = ""
            switch type {
            case "message":
                role = item["role"]?.stringValue ?? "user"
                // The parts' texts joined by newlines (a single text taken as it is, without an array).
                var texts = 0
                func add(_ t: String) {
                    if texts == 0 { text = t } else { text += "\n"; text += t }
                    texts += 1
                }
                for part in item["content"]?.arrayValue ?? [] {
                    switch part["type"]?.stringValue ?? "" {
                    case "input_text", "output_text": add(part["text"]?.stringValue ?? "")
                    case "refusal": add(part["refusal"]?.stringValue ?? "")
                    case "input_image": attachmentTokens += Self.imageTokens(part["detail"]?.stringValue)
                    case "input_file":
                        let body = part["file_id"]?.stringValue.flatMap(fileText)
                            ?? part["file_data"]?.stringValue.map { "[file \(part["filename"]?.stringValue ?? "data"): \($0.count) bytes]" }
                            ?? part["file_url"]?.stringValue ?? ""
                        add(body)
                    default: break
                    }
                    // Kept last on a normalized part (`ResponseInput`): one key compared, not a lookup.
                    if case let .object(pairs) = part, pairs.last?.0 == "prompt_cache_breakpoint" {
                        marksInContent.append((messages.count, text.utf8.count))
                    }
                }
                if role == "user" {
                    lastUserIndex = messages.count
                    lastUserMessage = text
                    outputsAfterUser = []
                }
            case "function_call":
                role = "assistant"
                let name = item["name"]?.stringValue ?? ""
                if let id = item["call_id"]?.stringValue { callNames[id] = name }
                text = "\(name)(\(item["arguments"]?.stringValue ?? ""))"
            case "custom_tool_call":
                role = "assistant"
                let name = item["name"]?.stringValue ?? ""
                if let id = item["call_id"]?.stringValue { callNames[id] = name }
                text = "\(name)(\(item["input"]?.stringValue ?? ""))"
            case "function_call_output", "custom_tool_call_output":
                role = "tool"
                text = Self.outputText(item["output"] ?? .null)
                let name = item["call_id"]?.stringValue.flatMap { callNames[$0] }
                outputsAfterUser.append((name, text))
            case "compaction":
                role = "developer"
                text = ResponseCompaction.summary(fromEncrypted: item["encrypted_content"]?.stringValue ?? "") ?? ""
            default:
                continue
            }
            messages.append((role, text))
        }
        // What the answer is about: the last user message, else the last message that is not a tool result.
        var aboutIndex = lastUserIndex
        if aboutIndex < 0, let last = messages.lastIndex(where: { $0.role != "tool" }) {
            aboutIndex = last
            lastUserMessage = messages[last].content
        }
        toolOutputs = outputsAfterUser
        // One "role: text" line per message (instructions first), written into one allocation.
        var prompt = ""
        prompt.reserveCapacity(messages.reduce(0) { $0 + $1.role.utf8.count + $1.content.utf8.count + 3 })
        var contentStarts: [Int] = []
        for (i, m) in messages.enumerated() {
            if i > 0 { prompt += "\n" }
            prompt += m.role
            prompt += ": "
            if !marksInContent.isEmpty { contentStarts.append(prompt.utf8.count) }
            prompt += m.content
        }
        flatPrompt = prompt
        breakpointOffsets = marksInContent.map { toolsLine.utf8.count + contentStarts[$0.message] + $0.offset }
        // `TokenEstimator.countMessages(messages)`, keeping the count of the message the answer is
        // about (the generator needs it too: a long input is not counted twice).
        var messageTokens = 3
        for (i, m) in messages.enumerated() {
            let content = TokenEstimator.count(m.content)
            if i == aboutIndex { lastUserMessageTokens = content }
            messageTokens += 3 + TokenEstimator.count(m.role) + content
        }
        inputTokens = messageTokens + attachmentTokens + toolTokens
    }

    /// `TokenEstimator.count(lastUserMessage)`.
    public private(set) var lastUserMessageTokens = 0

    /// Input tokens as billed: message framing, text, attachments and tool definitions
    /// (counted once: the service reads it several times per request).
    public private(set) var inputTokens = 0

    /// A function_call_output's text (string outputs as is, content arrays by their text parts).
    static func outputText(_ output: JSON) -> String {
        if let s = output.stringValue { return s }
        return (output.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }

    /// The API's pairing rules: every output answers an earlier call, every call gets an output.
    public static func checkToolPairing(_ items: [JSON]) throws(APIError) {
        var calls: [String] = []
        var answered = Set<String>()
        for item in items {
            switch item["type"]?.stringValue {
            case "function_call"?, "custom_tool_call"?: if let id = item["call_id"]?.stringValue { calls.append(id) }
            case "function_call_output"?, "custom_tool_call_output"?:
                let id = item["call_id"]?.stringValue ?? ""
                guard calls.contains(id) else {
                    throw .invalidRequest("No tool call found for function call output with call_id \(id).", param: "input",
                                          code: "invalid_value")
                }
                answered.insert(id)
            default: continue
            }
        }
        if let open = calls.first(where: { !answered.contains($0) }) {
            throw .invalidRequest("No tool output found for function call \(open).", param: "input", code: "invalid_value")
        }
    }
}

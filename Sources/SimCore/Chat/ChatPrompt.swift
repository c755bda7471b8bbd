import SimSupport

/// What the model "reads" from a chat request: token counts (OpenAI's chat framing), the
/// flattened prompt, token hashes for the prompt cache, and what the last turn asks for.
struct ChatPrompt {
    let inputTokens: Int
    let hashes: [UInt64]
    let text: String
    let lastUserMessage: String
    /// `TokenEstimator.count(lastUserMessage)`.
    let lastUserMessageTokens: Int
    /// Tool results after the last user message (the model now answers in text).
    let toolOutputs: [(name: String?, output: String)]
    /// The token counts (positions in `hashes`) at the end of each content part with a
    /// `prompt_cache_breakpoint`; only for prompts long enough to cache.
    let breakpoints: [Int]

    /// The positions of a message's breakpoints, its text's tokens starting at `start`
    /// (out of line: few requests have any).
    @inline(never)
    static func marks(_ m: ChatMessage, at start: Int) -> [Int] {
        TokenEstimator.prefixCounts(m.text, byteOffsets: m.breakpoints).map { start + $0 }
    }

    init(_ req: ChatCompletionRequest) {
        var tokens = 3
        // Tools and the response schema sit in front of the conversation, as the API renders them.
        var preamble = ""
        if let tools = req.body["tools"] { preamble += tools.encodedString }
        if case let .jsonSchema(name, schema, _) = req.format { preamble += name + schema.encodedString }
        tokens += TokenEstimator.count(preamble)
        // The last user message (else the last message) is what the answer is about.
        let about = req.messages.lastIndex(where: { $0.role == "user" }) ?? req.messages.count - 1
        var aboutTokens = 0
        // "role: text\n" per message, written as bytes and made a String once.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(req.messages.reduce(0) { $0 + $1.role.utf8.count + $1.text.utf8.count + 3 })
        for (i, m) in req.messages.enumerated() {
            let framing = 3 + TokenEstimator.count(m.role) + (m.name.map { TokenEstimator.count($0) + 1 } ?? 0)
            let content = TokenEstimator.count(m.text)
            if i == about { aboutTokens = content }
            tokens += framing + content + m.imageTokens
            bytes.appendUTF8(m.role)
            bytes.append(0x3A); bytes.append(0x20)
            bytes.appendUTF8(m.text)
            bytes.append(0x0A)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        inputTokens = tokens
        // Only prompts of 1,024+ tokens can be cached, so shorter ones skip hashing.
        var hashes: [UInt64] = []
        var breakpoints: [Int] = []
        if tokens >= PromptCache.minimumTokens {
            hashes += TokenEstimator.tokenHashes(preamble)
            for m in req.messages {
                hashes.append(StableHash.fnv1a("<|\(m.role)|>"))
                if !m.breakpoints.isEmpty { breakpoints += Self.marks(m, at: hashes.count) }
                hashes += TokenEstimator.tokenHashes(m.text)
                for i in 0..<m.imageTokens { hashes.append(StableHash.mix(StableHash.fnv1a(m.contentParts?.encodedString ?? ""), UInt64(i))) }
            }
        }
        self.hashes = hashes
        self.breakpoints = breakpoints
        self.text = text
        lastUserMessage = req.messages.indices.contains(about) ? req.messages[about].text : ""
        lastUserMessageTokens = req.messages.indices.contains(about) ? aboutTokens : 0
        var outputs: [(name: String?, output: String)] = []
        if let lastUser = req.messages.lastIndex(where: { $0.role == "user" }) {
            var names: [String: String] = [:]
            for m in req.messages[lastUser...] {
                for c in m.toolCalls?.arrayValue ?? [] {
                    if let id = c["id"]?.stringValue, let n = (c["function"] ?? c["custom"])?["name"]?.stringValue { names[id] = n }
                }
                if m.role == "tool" { outputs.append((m.toolCallID.flatMap { names[$0] }, m.text)) }
            }
        }
        toolOutputs = outputs
    }
}

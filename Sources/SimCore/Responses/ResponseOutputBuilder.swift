import SimSupport

/// Turns what the generator produced into Response output items: a reasoning item first for
/// reasoning models, then function calls or one assistant message, and the final status.
struct ResponseOutputBuilder {
    let ids: IDGenerator
    let seed: UInt64

    struct Result {
        var items: [ResponseOutputItem]
        var status: String
        var incompleteReason: String?
        /// Output tokens the built items carry beyond the generator's (a web search's citations).
        var extraOutputTokens = 0
    }

    /// `search`: the web search tool when this response searches (`ResponseService.searches`).
    func build(_ out: GenerationOutput, model: ModelInfo, params p: ResponseCreateParams, topicText: String,
               search: WebSearchTool? = nil) -> Result {
        var items: [ResponseOutputItem] = []
        if model.family == .reasoning {
            items.append(.tree(reasoningItem(summarize: p.reasoningSummary != nil, encrypted: p.include.contains("reasoning.encrypted_content"),
                                       topicText: topicText, tokens: out.reasoningTokens)))
        }
        let incomplete = out.finishReason == .length || out.finishReason == .contentFilter
        let reason: String? = out.finishReason == .length ? "max_output_tokens" : (out.finishReason == .contentFilter ? "content_filter" : nil)
        // A search: its call item first, then the message citing the sources (when it is complete).
        var text = out.text
        var annotations: [JSON] = []
        var extraOutputTokens = 0
        if let search, out.toolCalls.isEmpty {
            let query = WebSearchTool.query(topicText)
            let sources = search.sources(query: query, seed: StableHash.mix(seed, StableHash.fnv1a(query)))
            items.append(.tree(WebSearchTool.callItem(id: ResponseIDs.webSearchCall(ids), query: query, sources: sources,
                                                      includeSources: p.include.contains("web_search_call.action.sources"))))
            if let plain = text, !incomplete {
                let cited = WebSearchTool.cite(plain, sources: sources)
                (text, annotations) = (cited.text, cited.annotations)
                extraOutputTokens = TokenEstimator.count(cited.text) - TokenEstimator.count(plain)
            }
        }
        if !out.toolCalls.isEmpty {
            for call in out.toolCalls {
                if call.custom {
                    items.append(.tree(.object([
                        ("id", .string(ResponseIDs.customToolCall(ids))), ("type", "custom_tool_call"),
                        ("status", .string(incomplete ? "incomplete" : "completed")), ("call_id", .string(ResponseIDs.callID(ids))),
                        ("input", .string(call.arguments)), ("name", .string(call.name)),
                    ])))
                    continue
                }
                items.append(.tree(.object([
                    ("id", .string(ResponseIDs.functionCall(ids))), ("type", "function_call"),
                    ("status", .string(incomplete ? "incomplete" : "completed")), ("arguments", .string(call.arguments)),
                    ("call_id", .string(ResponseIDs.callID(ids))), ("name", .string(call.name)),
                ])))
            }
        } else if let text, !(text.isEmpty && incomplete) {
            let logprobs = p.include.contains("message.output_text.logprobs")
                ? Logprobs.tokens(TokenEstimator.pieces(text), seed: seed, top: Int(p.topLogprobs ?? 0)) : []
            items.append(.message(id: ResponseIDs.message(ids), status: incomplete ? "incomplete" : "completed", text: text,
                                  logprobs: logprobs, annotations: annotations))
        }
        return Result(items: items, status: incomplete ? "incomplete" : "completed", incompleteReason: reason,
                      extraOutputTokens: extraOutputTokens)
    }

    /// `{"id":"rs_…","type":"reasoning","summary":[…]}`; the summary only when asked for.
    func reasoningItem(summarize: Bool, encrypted: Bool, topicText: String, tokens: Int) -> JSON {
        let id = ResponseIDs.reasoning(ids)
        var summary: [JSON] = []
        if summarize, tokens > 0 {
            summary.append(.object([("type", "summary_text"), ("text", .string(Self.summaryText(topicText)))]))
        }
        var pairs: [(String, JSON)] = [("id", .string(id)), ("type", "reasoning"), ("summary", .array(summary))]
        if encrypted { pairs.append(("encrypted_content", .string(Self.opaque(seed: StableHash.mix(seed, StableHash.fnv1a(id)), tokens: tokens)))) }
        return .object(pairs)
    }

    /// A short first-person summary of the (hidden) reasoning, about the request's topics.
    static func summaryText(_ topicText: String) -> String {
        let topics = TextAnalysis.topicWords(topicText, limit: 3)
        let subject = topics.isEmpty ? "the request" : topics.joined(separator: ", ")
        let title = topics.first.map { "**Considering \($0)**" } ?? "**Working through the request**"
        return "\(title)\n\nI'm working out what is being asked about \(subject), weighing the relevant details, and organizing a clear answer."
    }

    /// Deterministic base64 that looks like an encrypted blob (`gAAAAA…`), sized by the reasoning.
    static func opaque(seed: UInt64, tokens: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var rng = SeededRandom(seed: seed)
        var out = Array("gAAAAA".utf8)
        let n = 120 + min(tokens, 4096) / 4
        for _ in 0..<n { out.append(alphabet[Int(rng.next() % 64)]) }
        out.append(UInt8(ascii: "="))
        return String(decoding: out, as: UTF8.self)
    }
}

import SimSupport

/// The Responses API's hosted web search tool (`web_search`, `web_search_preview` and their dated
/// variants), simulated offline: no page is fetched. When the model "searches" (forced by
/// `tool_choice`, `required` without function tools, or `auto` when the request asks about
/// something current: news, today, latest, prices, weather, …) the output gets a
/// `web_search_call` item (`action.query` made of the request's topic words) before the
/// assistant message, and the message cites its first sentences with markdown links and
/// `url_citation` annotations, the way the API's web search answers read. Sources are
/// deterministic, clearly fake pages on the reserved example domains (or on the request's
/// `filters.allowed_domains`), so the same request cites the same URLs.
public struct WebSearchTool: Sendable {
    public let type: String
    public let contextSize: String
    public let allowedDomains: [String]
    /// The tool as the Response echoes it.
    public let echo: JSON

    static let types = ["web_search", "web_search_2025_08_26", "web_search_preview", "web_search_preview_2025_03_11"]

    static func parse(_ t: FieldReader, type: String) throws(APIError) -> WebSearchTool {
        let preview = type.hasPrefix("web_search_preview")
        try t.rejectUnknown(preview ? ["type", "user_location", "search_context_size", "search_content_types"]
            : ["type", "external_web_access", "filters", "user_location", "search_context_size"])
        let size = try t.enumString("search_context_size", ["low", "medium", "high"]) ?? "medium"
        var location: JSON = .null
        if let l = try t.object("user_location") {
            try l.rejectUnknown(["type", "country", "region", "city", "timezone"])
            _ = try l.enumString("type", ["approximate"])
            var pairs: [(String, JSON)] = [("type", "approximate")]
            for key in ["city", "country", "region", "timezone"] { pairs.append((key, try l.string(key).map { .string($0) } ?? .null)) }
            location = .object(pairs)
        }
        var domains: [String] = []
        var echo: [(String, JSON)] = [("type", .string(type))]
        if preview {
            if let kinds = try t.array("search_content_types") {
                for (i, k) in kinds.enumerated() {
                    guard let s = k.stringValue else { throw FieldReader.typeError(t.param("search_content_types[\(i)]"), "a string", k) }
                    guard ["text", "image"].contains(s) else { throw FieldReader.invalidValue(t.param("search_content_types[\(i)]"), s, ["text", "image"]) }
                }
            }
        } else {
            _ = try t.bool("external_web_access")
            var filters: JSON = .null
            if let f = try t.object("filters") {
                try f.rejectUnknown(["allowed_domains"])
                if let list = try f.array("allowed_domains") {
                    for (i, d) in list.enumerated() {
                        guard let s = d.stringValue else { throw FieldReader.typeError(f.param("allowed_domains[\(i)]"), "a string", d) }
                        let host = Self.host(s)
                        guard host.contains("."), host.utf8.allSatisfy({ c in
                            (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E || c == 0x3A
                        }) else {
                            throw .invalidRequest("Invalid '\(f.param("allowed_domains[\(i)]"))': '\(s)' is not a domain.",
                                                  param: f.param("allowed_domains[\(i)]"), code: "invalid_value")
                        }
                        domains.append(host)
                    }
                    guard domains.count <= 100 else {
                        throw .invalidRequest("Invalid '\(f.param("allowed_domains"))': array too long. Expected an array with maximum length 100, but got an array with length \(domains.count) instead.",
                                              param: f.param("allowed_domains"), code: "array_above_max_length")
                    }
                }
                filters = .object([("allowed_domains", .array(domains.map { .string($0) }))])
            }
            echo.append(("filters", filters))
        }
        echo += [("search_context_size", .string(size)), ("user_location", location)]
        return WebSearchTool(type: type, contextSize: size, allowedDomains: domains, echo: .object(echo))
    }

    /// `https://www.example.com/a` → `example.com`; a bare domain as it is (lower-cased).
    static func host(_ s: String) -> String {
        var h = Substring(s.lowercased())
        if let r = h.firstRange(of: "://") { h = h[r.upperBound...] }
        h = h.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if h.hasPrefix("www.") { h = h.dropFirst(4) }
        return String(h)
    }

    /// Words that make `auto` search: the request asks about something current or to look it up.
    static let cues: Set<String> = [
        "latest", "today", "todays", "tonight", "current", "currently", "news", "recent", "recently", "headline", "headlines",
        "search", "weather", "forecast", "price", "prices", "stock", "stocks", "score", "scores", "trending", "update", "updates",
        "yesterday", "tomorrow", "2025", "2026", "2027", "now", "happening", "happened", "lookup",
    ]

    /// Whether an `auto` choice searches for `text` (the last user message).
    static func calledFor(_ text: String) -> Bool {
        let words = TextAnalysis.words(text)
        if words.contains(where: { cues.contains($0) }) { return true }
        let lower = text.lowercased()
        return lower.contains("look up") || lower.contains("find out") || lower.contains("who won") || lower.contains("as of")
    }

    /// The query a search runs for `text`: its topic words in the order the text has them, else
    /// its first words.
    static func query(_ text: String) -> String {
        let topics = Set(TextAnalysis.topicWords(text, limit: 6))
        let words = TextAnalysis.words(text)
        var ordered: [String] = []
        for w in words where topics.contains(w) && !ordered.contains(w) { ordered.append(w) }
        if !ordered.isEmpty { return ordered.joined(separator: " ") }
        return words.isEmpty ? "search" : words.prefix(8).joined(separator: " ")
    }

    static let exampleDomains = ["example.com", "example.org", "example.net"]

    /// Up to three sources for `query`: pages on the allowed domains (in turn) or the example domains.
    func sources(query: String, seed: UInt64) -> [(url: String, title: String, domain: String)] {
        Self.sources(query: query, seed: seed, contextSize: contextSize, allowedDomains: allowedDomains)
    }

    static func sources(query: String, seed: UInt64, contextSize: String, allowedDomains: [String] = [])
        -> [(url: String, title: String, domain: String)] {
        let words = query.split(separator: " ").map(String.init)
        let slug = words.isEmpty ? "page" : words.prefix(4).joined(separator: "-")
        let domains = allowedDomains.isEmpty ? Self.exampleDomains : allowedDomains
        let count = contextSize == "low" ? 2 : 3
        let title = words.prefix(4).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        let kinds = ["Overview", "Latest updates", "Explained", "Report"]
        var out: [(String, String, String)] = []
        var rng = SeededRandom(seed: seed)
        let first = Int(rng.next() % UInt64(domains.count))
        for i in 0..<count {
            let domain = domains[(first + i) % domains.count]
            let n = rng.next() % 90_000 + 10_000
            let kind = kinds[Int(rng.next() % UInt64(kinds.count))]
            out.append(("https://\(domain)/\(slug)-\(n)?utm_source=openai", "\(title.isEmpty ? "Search" : title): \(kind)", domain))
        }
        return out
    }

    /// The `web_search_call` item (`action.sources` only when `include` asks for them).
    static func callItem(id: String, query: String, sources: [(url: String, title: String, domain: String)], includeSources: Bool) -> JSON {
        var action: [(String, JSON)] = [("type", "search"), ("query", .string(query))]
        if includeSources { action.append(("sources", .array(sources.map { .object([("type", "url"), ("url", .string($0.url))]) }))) }
        return .object([("id", .string(id)), ("type", "web_search_call"), ("status", "completed"), ("action", .object(action))])
    }

    /// `text` with its first sentences each followed by a markdown link to one source, and the
    /// `url_citation` annotations of those links (indexes in Unicode scalars, as the API counts).
    static func cite(_ text: String, sources: [(url: String, title: String, domain: String)]) -> (text: String, annotations: [JSON]) {
        guard !sources.isEmpty, !text.isEmpty else { return (text, []) }
        var sentences: [Substring] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if let end = rest.firstIndex(where: { $0 == "." || $0 == "!" || $0 == "?" }) {
                let next = rest.index(after: end)
                sentences.append(rest[..<next])
                rest = rest[next...]
            } else {
                sentences.append(rest)
                rest = rest[rest.endIndex...]
            }
        }
        var out = ""
        var length = 0
        var annotations: [JSON] = []
        for (i, s) in sentences.enumerated() {
            out += s
            length += s.unicodeScalars.count
            guard i < sources.count, s.contains(where: { $0.isLetter }) else { continue }
            let src = sources[i]
            let link = " ([\(src.domain)](\(src.url)))"
            let start = length + 1
            out += link
            length += link.unicodeScalars.count
            annotations.append(.object([("type", "url_citation"), ("start_index", .int(Int64(start))), ("end_index", .int(Int64(length))),
                                        ("title", .string(src.title)), ("url", .string(src.url))]))
        }
        return (out, annotations)
    }
}

import Testing
@testable import SimCore
import SimSupport

/// The simulated web search's parts: when `auto` searches, the query, the sources and the
/// citations' indexes.
@Suite struct WebSearchTests {
    @Test func autoSearchesOnlyForCurrentQuestions() {
        #expect(WebSearchTool.calledFor("What's the latest news about Mars?"))
        #expect(WebSearchTool.calledFor("Look up the population of Lyon"))
        #expect(WebSearchTool.calledFor("Who won the match yesterday?"))
        #expect(!WebSearchTool.calledFor("Write a haiku about autumn leaves."))
        #expect(!WebSearchTool.calledFor("Explain how a hash map works."))
    }

    @Test func queryKeepsTheTextsOrder() {
        let q = WebSearchTool.query("What is the latest news about electric cars today?")
        let words = q.split(separator: " ").map(String.init)
        #expect(!words.isEmpty && words.allSatisfy { "what is the latest news about electric cars today".contains($0) })
        let text = TextAnalysis.words("What is the latest news about electric cars today?")
        #expect(words == text.filter(words.contains).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } })
    }

    @Test func citationsCoverTheirLinksInUnicodeScalars() {
        let sources = [(url: "https://example.com/a-1", title: "A", domain: "example.com"),
                       (url: "https://example.org/b-2", title: "B", domain: "example.org")]
        let (text, annotations) = WebSearchTool.cite("Café prices rose. Bread stayed flat! And then", sources: sources)
        #expect(annotations.count == 2)
        let scalars = Array(text.unicodeScalars)
        for (a, s) in zip(annotations, sources) {
            let start = Int(a["start_index"]?.intValue ?? -1), end = Int(a["end_index"]?.intValue ?? -1)
            #expect(String(String.UnicodeScalarView(scalars[start..<end])) == "([\(s.domain)](\(s.url)))")
            #expect(a["url"]?.stringValue == s.url && a["type"] == "url_citation")
        }
        #expect(text.hasSuffix("And then"))
        #expect(WebSearchTool.cite("", sources: sources).annotations.isEmpty)
    }

    @Test func sourcesAreSeededAndFollowTheAllowedDomains() throws {
        let t = try WebSearchTool.parse(FieldReader(["type": "web_search", "filters": ["allowed_domains": ["https://www.Example.edu/x"]]]),
                                        type: "web_search")
        #expect(t.allowedDomains == ["example.edu"])
        for bad in ["not a domain", "localhost", "exa)mple.com", "bücher.de"] {
            #expect(throws: APIError.self, "\(bad)") {
                try WebSearchTool.parse(FieldReader(["type": "web_search", "filters": ["allowed_domains": [.string(bad)]]]), type: "web_search")
            }
        }
        let a = t.sources(query: "solar power", seed: 9), b = t.sources(query: "solar power", seed: 9)
        #expect(a.map(\.url) == b.map(\.url) && a.count == 3)
        #expect(a.allSatisfy { $0.url.hasPrefix("https://example.edu/solar-power-") })
        #expect(Set(a.map(\.url)).count == 3)
        let plain = try WebSearchTool.parse(FieldReader(["type": "web_search_preview", "search_context_size": "low"]), type: "web_search_preview")
        let low = plain.sources(query: "x", seed: 1)
        #expect(low.count == 2 && low.allSatisfy { WebSearchTool.exampleDomains.contains($0.domain) })
        #expect(plain.echo.encodedString == #"{"type":"web_search_preview","search_context_size":"low","user_location":null}"#)
    }
}

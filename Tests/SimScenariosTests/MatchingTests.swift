import Testing
@testable import SimScenarios
import SimSupport

@Suite struct MatchingTests {
    @Test func pathPatternsAreExactTemplateOrGlob() {
        #expect(PathPattern("/v1/responses").matches("/v1/responses"))
        #expect(!PathPattern("/v1/responses").matches("/v1/responses/resp_1"))
        #expect(PathPattern("/v1/files/{id}").matches("/v1/files/file-1"))
        #expect(!PathPattern("/v1/files/{id}").matches("/v1/files/"))
        #expect(!PathPattern("/v1/files/{id}").matches("/v1/files/file-1/content"))
        #expect(PathPattern("/v1/fine_tuning/*").matches("/v1/fine_tuning/jobs"))
        #expect(!PathPattern("/v1/fine_tuning/*").matches("/v1/fine_tuning/jobs/ftjob-1"))
        #expect(PathPattern("/v1/fine_tuning/**").matches("/v1/fine_tuning/jobs/ftjob-1/events"))
        #expect(PathPattern("/v1/*/jobs").matches("/v1/fine_tuning/jobs"))
    }

    @Test func predicatesExplainMissesInTheJournalsWords() {
        let eq = Predicate.equals("gpt-4.1-mini")
        #expect(eq.miss("gpt-4o", at: "body.model") == "body.model was gpt-4o, rule wants gpt-4.1-mini")
        #expect(eq.miss(nil, at: "body.model") == "body.model is missing, rule wants gpt-4.1-mini")
        #expect(eq.miss("gpt-4.1-mini", at: "body.model") == nil)
        let c = Predicate.contains("refund")
        #expect(c.miss(["messages": [["role": "user", "content": "I want a refund"]]], at: "body") == nil)
        #expect(c.miss("hello", at: "body.input")?.contains("rule wants it to contain \"refund\"") == true)
        let r = Predicate.regex(RegexBox("^gpt-4(\\.1)?-mini$")!)
        #expect(r.miss("gpt-4.1-mini", at: "m") == nil && r.miss("gpt-4o", at: "m") != nil)
        #expect(Predicate.exists(false).miss(nil, at: "x") == nil)
        #expect(Predicate.exists(true).miss(nil, at: "x") == "x is missing, rule wants it present")
        let nested = Predicate.object([("text", .object([("format", .object([("type", .equals("json_schema"))]))]))])
        #expect(nested.miss(["text": ["format": ["type": "text"]]], at: "body") == "body.text.format.type was text, rule wants json_schema")
    }

    @Test func queryAndHeaderTextMatchNumbersLoosely() {
        #expect(Predicate.equals(2).miss("2", at: "query.limit") == nil)
        #expect(Predicate.equals(true).miss("true", at: "query.stream") == nil)
    }
}

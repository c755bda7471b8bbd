import Foundation
import Testing
@testable import SimScenarios
import SimSupport

@Suite struct ScenarioParsingTests {
    func problems(_ text: String) -> [String] {
        do { _ = try Scenario.parse(text, file: "t.yaml"); return [] } catch { return error.diagnostics.map(\.description) }
    }

    @Test func parsesEveryActionKind() throws {
        let s = try Scenario.parse("""
        version: 1
        name: all
        description: every action
        rules:
          - name: first
            match:
              method: [post, GET]
              path: /v1/files/{id}
              query: { limit: 2 }
              headers: { X-Trace: { regex: "^abc" } }
              body: { model: gpt-4.1-mini, input: { contains: refund } }
              after: 2
              probability: 0.5
              state: { when: Started, set: degraded }
            times: 3
            delay: { lognormal: { median_ms: 200, sigma: 0.5 } }
            stream: { cut_after_events: 4, first_event_delay_ms: 10, event_delay_ms: 5, error_event: { type: server_error } }
            output: { json: { ok: true } }
            cache: { cached_tokens: 512 }
            rate_limit: { rpm: 10, tpm: 1000 }
            job: { fail_at_step: 3, error: { code: x, message: y }, duration_s: 60 }
          - respond: { preset: rate_limit, headers: { retry-after-ms: 50 } }
            match: { state: { when: degraded } }
        """, file: "all.yaml")
        #expect(s.name == "all" && s.rules.count == 2)
        let r = s.rules[0]
        #expect(r.match.methods == ["POST", "GET"])
        #expect(r.match.paths?.first?.matches("/v1/files/file-abc") == true)
        #expect(r.match.after == 2 && r.match.probability == 0.5 && r.match.stateSet == "degraded" && r.times == 3)
        #expect(r.actions.delay == .lognormal(median: 200, sigma: 0.5))
        #expect(r.actions.stream?.cutAfterEvents == 4)
        #expect(r.actions.outputJSON == ["ok": true])
        #expect(r.actions.cachedTokens == 512 && r.actions.rateLimit == RateLimit(rpm: 10, tpm: 1000))
        #expect(r.actions.job?["fail_at_step"] == 3)
        #expect(s.rules[1].name == "rule 2" && s.rules[1].line == 22)
        #expect(s.rules[1].actions.respond?.headers.first?.1 == "50")
    }

    @Test func jsonScenariosAreAccepted() throws {
        let s = try Scenario.parse(#"{"version": 1, "name": "j", "rules": [{"match": {"path": "/v1/x"}, "fault": "hang"}]}"#)
        #expect(s.rules.first?.actions.fault == .hang)
    }

    @Test func unknownKeysAreReportedWithLineAndSuggestion() {
        let p = problems("""
        version: 1
        name: t
        rules:
          - match: { metod: POST }
            respond: { preset: server_error }
            retries: 3
        """)
        #expect(p.contains { $0.hasPrefix("t.yaml:4:14: unknown key 'metod'") && $0.contains("did you mean 'method'") })
        #expect(p.contains { $0.hasPrefix("t.yaml:6:5: unknown key 'retries' in rule 1") })
    }

    @Test func badValuesAreReportedWithTheirLines() {
        let p = problems("""
        version: 2
        name: t
        rules:
          - match: { probability: 2, nth: 0 }
            delay: { uniform_ms: [50, 10] }
            fault: explode
          - respond: { preset: rate_limt }
          - times: 0
            respond: { status: 200, body: {}, error: { type: x } }
        """)
        #expect(p.contains { $0.hasPrefix("t.yaml:1:10: unsupported version 2") })
        #expect(p.contains { $0.hasPrefix("t.yaml:4:27: rule 'rule 1': match.probability must be a number ≥ 0 and ≤ 1") })
        #expect(p.contains { $0.hasPrefix("t.yaml:4:35: rule 'rule 1': match.nth must be an integer ≥ 1") })
        #expect(p.contains { $0.hasPrefix("t.yaml:5:26: rule 'rule 1': delay.uniform_ms low 50 is above high 10") })
        #expect(p.contains { $0.hasPrefix("t.yaml:6:12: rule 'rule 1': unknown fault 'explode'") })
        #expect(p.contains { $0.contains("unknown preset 'rate_limt' (did you mean 'rate_limit'?)") })
        #expect(p.contains { $0.hasPrefix("t.yaml:8:12: rule 'rule 3': times must be an integer ≥ 1") })
        #expect(p.contains { $0.contains("respond takes error or body, not both") })
    }

    @Test func rulesShadowedByAnEarlierUngatedRuleAreUnreachable() {
        let p = problems("""
        version: 1
        name: t
        rules:
          - name: all posts
            match: { method: POST, path: /v1/** }
            respond: { preset: server_error }
          - name: responses
            match: { method: POST, path: /v1/responses, body: { model: x } }
            respond: { preset: rate_limit }
          - name: gets
            match: { method: GET }
            respond: { preset: not_found }
        """)
        #expect(p == ["t.yaml:7:5: rule 'responses' is unreachable: rule 'all posts' (line 4) already matches every request this rule could and never runs out (it has no times, nth, after or probability)"])
    }

    @Test func gatedEarlierRulesDoNotShadow() {
        #expect(problems("""
        version: 1
        name: t
        rules:
          - { match: { path: /v1/** }, times: 2, respond: { preset: rate_limit } }
          - { match: { path: /v1/**, probability: 0.5 }, respond: { preset: server_error } }
          - { match: { path: /v1/** }, delay: 10 }
        """) == [])
    }

    @Test func aStateNoRuleSetsIsUnreachable() {
        let p = problems("""
        version: 1
        name: t
        rules:
          - { match: { state: { when: degraded } }, respond: { preset: overloaded } }
        """)
        #expect(p.first?.contains("unreachable: no rule sets state 'degraded'") == true)
    }

    @Test func actionsThatCannotTakeEffectAreRejected() {
        let p = problems("""
        version: 1
        name: t
        rules:
          - { respond: { preset: server_error }, output: { text: hi } }
          - { fault: reset, cache: { hit: false } }
          - { match: { path: /x } }
        """)
        #expect(p.contains { $0.contains("output has no effect with respond") })
        #expect(p.contains { $0.contains("cache has no effect with fault reset") })
        #expect(p.contains { $0.contains("has no action") })
    }

    @Test func webhookActionsAreCheckedAndCombineOnlyWhereTheyCanWork() {
        let p = problems("""
        version: 1
        name: t
        rules:
          - { webhook: { duplicate: 11 } }
          - { webhook: { drop: true, delay_ms: 5 } }
          - { webhook: { copies: 2 } }
          - { webhook: {} }
          - { respond: { preset: server_error }, webhook: { duplicate: 2 } }
        """)
        #expect(p.contains { $0.contains("webhook.duplicate is at most 10 copies, got 11") })
        #expect(p.contains { $0.contains("webhook.drop cannot be combined with duplicate or delay_ms") })
        #expect(p.contains { $0.contains("copies") })
        #expect(p.contains { $0.contains("webhook needs drop, duplicate or delay_ms") })
        #expect(p.contains { $0.contains("webhook has no effect with respond") })
        #expect(problems("""
        version: 1
        name: t
        rules:
          - { match: { path: /v1/batches }, webhook: { duplicate: 3, delay_ms: 250 } }
        """).isEmpty)
    }

    @Test func yamlSyntaxErrorsCarryTheirLine() {
        let p = problems("version: 1\nname: t\nrules:\n  - match: { path: /v1/x\n    fault: hang\n")
        #expect(p.count == 1 && p[0].hasPrefix("t.yaml:5:") && p[0].contains("YAML syntax"))
    }

    @Test func hostileDocumentsAreRefusedNotCrashedOn() {
        let deep = "version: 1\nname: t\nrules:\n  - respond: { status: 200, body: " + String(repeating: "[", count: 5000)
            + String(repeating: "]", count: 5000) + " }\n"
        #expect(problems(deep).first?.contains("nesting deeper than 64 levels") == true)
        var bomb = "version: 1\nname: t\nrules:\n  - respond:\n      status: 200\n      body:\n        a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n"
        for i in 1...9 { bomb += "        a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ",") + "]\n" }
        #expect(problems(bomb).first?.contains("aliases expand to more than 100000 nodes") == true)
        #expect(problems("").first?.contains("the file is empty") == true)
        #expect(problems("- just\n- a list\n").first?.contains("the scenario must be a mapping") == true)
        #expect(problems("version: 1\nname: t\nrules:\n  - {fault: hang}\n---\nversion: 1\n").first?.contains("one YAML document") == true)
    }

    @Test func theNameMustMatchTheFileName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scen-name-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("alpha.yaml").path
        try "version: 1\nname: beta\nrules: [{ fault: hang }]\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ScenarioError.self) { try Scenario.load(path: path) }
        let library = ScenarioLibrary(directory: dir.path)
        #expect(library.path(for: "../alpha") == nil)
        #expect(throws: ScenarioError.self) { try library.load("../../etc/passwd") }
    }

    @Test func everyShippedScenarioValidates() throws {
        let files = ScenarioLibrary(directory: ScenarioSim.libraryDirectory).files()
        #expect(files.count >= 15)
        for f in files {
            do { _ = try Scenario.load(path: f) } catch { Issue.record("\(error)") }
        }
    }
}

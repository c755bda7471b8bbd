import Testing
@testable import SimApp
import SimCore
import SimHTTP
import SimScenarios
import SimSupport

@Suite struct ScenarioMiddlewareTests {
    @Test func rateLimitPresetLooksLikeTheAPI() async {
        let sim = ScenarioSim()
        #expect(await sim.send("GET", "/v1/models", headers: [("x-sim-scenario", "retry-then-succeed")]).status == 200)
        let r = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "hi"])
        #expect(r.status == 429)
        #expect(r.json["error"]?["type"] == "requests" && r.json["error"]?["code"] == "rate_limit_exceeded")
        #expect(r.json["error"]?["param"] == .null)
        #expect(r.json["error"]?["message"]?.stringValue?.hasPrefix("Rate limit reached for gpt-4.1-mini in organization org-") == true)
        #expect(r.json["error"]?["message"]?.stringValue?.contains("Please try again in 50ms.") == true)
        #expect(r.header("retry-after-ms") == "50" && r.header("retry-after") == "1")
        #expect(r.header("x-ratelimit-remaining-requests") == "0" && r.header("x-ratelimit-limit-requests") == "500")
        #expect(r.header("x-ratelimit-reset-requests") == "50ms" && r.header("x-ratelimit-reset-tokens") != nil)
        #expect(r.header("x-request-id")?.hasPrefix("req_") == true)
        #expect(await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini"]).status == 429)
        #expect(await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini"]).status != 429)
    }

    @Test func presetsCarryTheRealStatusesAndBodies() async {
        let sim = ScenarioSim()
        let cases: [(String, Int, String?, JSON)] = [
            ("insufficient_quota", 429, "insufficient_quota", "insufficient_quota"),
            ("server_error", 500, "server_error", .null),
            ("bad_gateway", 502, "cf_bad_gateway", 502),
            ("overloaded", 503, "server_error", .null),
            ("unauthorized", 401, "invalid_request_error", "invalid_api_key"),
            ("not_found", 404, "invalid_request_error", "model_not_found"),
        ]
        for (i, (preset, status, type, code)) in cases.enumerated() {
            let key = "sk-preset-\(i)"
            _ = await sim.activate("version: 1\nname: p\nrules: [{ respond: { preset: \(preset) } }]", key: key)
            let r = await sim.send("POST", "/v1/chat/completions", key: key, json: ["model": "gpt-4o"])
            #expect(r.status == status, "\(preset)")
            #expect(r.json["error"]?["type"]?.stringValue == type, "\(preset)")
            #expect(r.json["error"]?["code"] == code, "\(preset)")
            #expect(r.header("retry-after") == nil, "\(preset)")
        }
    }

    @Test func explicitRespondOverridesThePreset() async {
        let sim = ScenarioSim()
        _ = await sim.activate("""
        version: 1
        name: p
        rules:
          - { match: { nth: 1 }, respond: { preset: server_error, status: 503, error: { code: overloaded_now, message: busy } } }
          - { respond: { status: 200, body: { hello: world }, headers: { x-custom: "1" } } }
        """)
        let a = await sim.send("GET", "/v1/models")
        #expect(a.status == 503 && a.json["error"]?["code"] == "overloaded_now" && a.json["error"]?["message"] == "busy")
        #expect(a.json["error"]?["type"] == "server_error")
        let b = await sim.send("GET", "/v1/models")
        #expect(b.status == 200 && b.json == ["hello": "world"] && b.header("x-custom") == "1")
    }

    @Test func delaysWaitForTheVirtualClockWithoutBlocking() async throws {
        let sim = ScenarioSim()
        _ = await sim.activate("version: 1\nname: d\nrules: [{ delay: { ms: 1500 } }]")
        let reply = sim.reply("GET", "/v1/models")
        guard case let .later(pending) = reply else { Issue.record("expected a deferred reply"); return }
        let done = Locked(false)
        pending.whenReady { _ in done.withLock { $0 = true } }
        try sim.clock.advance(by: 1.4)
        #expect(done.withLock { $0 } == false)
        try sim.clock.advance(by: 0.2)
        let r = await ScenarioSim.collect(reply)
        #expect(r.status == 200 && done.withLock { $0 })
    }

    @Test func faultsReachTheTransport() async {
        let sim = ScenarioSim()
        for (i, fault) in ["reset", "empty_reply", "hang", "close_mid_body"].enumerated() {
            let key = "sk-fault-\(i)"
            _ = await sim.activate("version: 1\nname: f\nrules: [{ fault: \(fault) }]", key: key)
            let r = await sim.send("GET", "/v1/models", key: key)
            #expect(r.fault?.rawValue == fault)
        }
        #expect(await sim.send("GET", "/v1/models", key: "sk-fault-3").body.count > 10) // the body is still there to cut
    }

    @Test func malformedJSONIsA200WithHalfABody() async {
        let sim = ScenarioSim()
        let whole = await sim.send("GET", "/v1/models", key: "sk-other")
        let r = await sim.send("GET", "/v1/models", headers: [("x-sim-scenario", "malformed-json")])
        #expect(r.status == 200 && r.header("content-type") == "application/json")
        #expect(r.body.count == whole.body.count / 2)
        #expect((try? JSONParser.parse(r.body)) == nil)
        #expect(await sim.send("GET", "/v1/models").json == whole.json)
    }

    @Test func endpointActionsBecomeRequestOverrides() async throws {
        let sim = ScenarioSim()
        let mw = ScenarioMiddleware(engine: sim.engine, clock: sim.clock)
        sim.engine.activate(try Scenario.parse("""
        version: 1
        name: o
        rules:
          - stream: { cut_after_events: 2, first_event_delay_ms: 30 }
            output: { text: Fixed answer }
            cache: { cached_tokens: 64 }
            job: { expire: true }
        """), tenant: nil)
        let tenant = Tenant.forAPIKey("sk-o")
        let ex = Exchange(request: HTTPRequest(method: "POST", path: "/v1/chat/completions"), tenant: tenant, requestID: "req_1",
                          overrides: RequestOverrides(), notes: JournalNotes())
        let seen = Locked<RequestOverrides?>(nil)
        _ = mw.handle(ex) { e in seen.withLock { $0 = e.overrides }; return .now(.json([:])) }
        let o = seen.withLock { $0 }
        #expect(o?.outputText == "Fixed answer" && o?.cachedTokens == 64 && o?.job == ["expire": true])
        #expect(o?.stream == RequestOverrides.StreamOverrides(cutAfterEvents: 2, firstEventDelayMs: 30))
        #expect(ex.notes.json?["scenario"]?["rule"] == "rule 1")
    }

    @Test func rateLimitEnforcesBudgetsWithTruthfulHeaders() async throws {
        let sim = ScenarioSim()
        _ = await sim.activate("version: 1\nname: r\nrules: [{ match: { method: POST }, rate_limit: { rpm: 2, tpm: 1000 } }]")
        let body: JSON = ["model": "gpt-4o-mini", "messages": [["role": "user", "content": "hello there"]], "max_tokens": 100]
        let a = await sim.send("POST", "/v1/chat/completions", json: body)
        #expect(a.header("x-ratelimit-limit-requests") == "2" && a.header("x-ratelimit-remaining-requests") == "1")
        #expect(a.header("x-ratelimit-limit-tokens") == "1000" && a.header("x-ratelimit-remaining-tokens") == "897")
        #expect(a.header("x-ratelimit-reset-requests") == "30s")
        _ = await sim.send("POST", "/v1/chat/completions", json: body)
        let c = await sim.send("POST", "/v1/chat/completions", json: body)
        #expect(c.status == 429 && c.json["error"]?["type"] == "requests" && c.json["error"]?["code"] == "rate_limit_exceeded")
        #expect(c.header("retry-after") == "30" && c.header("retry-after-ms") == "30000")
        #expect(c.json["error"]?["message"]?.stringValue?.contains("on requests per min (RPM): Limit 2, Used 2, Requested 1. Please try again in 30s.") == true)
        try sim.clock.advance(by: 30)
        #expect(await sim.send("POST", "/v1/chat/completions", json: body).status != 429)
        #expect(await sim.send("GET", "/v1/models").header("x-ratelimit-limit-requests") == nil)
    }

    @Test func controlPlaneActivatesListsShowsStateAndDeactivates() async {
        let sim = ScenarioSim()
        let listed = await sim.send("GET", "/__sim/scenarios")
        #expect((listed.json["data"]?.arrayValue?.count ?? 0) >= 15)
        let bad = await sim.activate("version: 1\nname: x\nrules: [{ fault: explode }]")
        #expect(bad.status == 400 && bad.json["error"]?["code"] == "invalid_scenario")
        #expect(bad.json["error"]?["message"]?.stringValue?.contains("<upload>:3:18: rule 'rule 1': unknown fault 'explode'") == true)
        let byName = await sim.send("POST", "/__sim/scenarios", json: ["name": "connection-reset", "api_key": "sk-test"])
        #expect(byName.status == 200 && byName.json["scenario"]?["name"] == "connection-reset")
        _ = await sim.send("GET", "/v1/models")
        let state = await sim.send("GET", "/__sim/scenarios/state?api_key=sk-test")
        let rule = state.json["scenarios"]?.arrayValue?.first?["rules"]?.arrayValue?.first
        #expect(rule?["matched"] == 1 && rule?["fired"] == 1)
        let off = await sim.send("DELETE", "/__sim/scenarios?api_key=sk-test&name=connection-reset")
        #expect(off.json["deactivated"] == ["connection-reset"])
        #expect(await sim.send("GET", "/v1/models").fault == nil)
        #expect(await sim.send("DELETE", "/__sim/scenarios?api_key=sk-test&name=connection-reset").status == 404)
        #expect(await sim.send("POST", "/__sim/scenarios", json: ["name": "nope"]).status == 400)
    }

    @Test func unknownHeaderScenarioIsA400() async {
        let sim = ScenarioSim()
        let r = await sim.send("GET", "/v1/models", headers: [("x-sim-scenario", "../etc/passwd")])
        #expect(r.status == 400 && r.json["error"]?["type"] == "invalid_request_error")
    }

    @Test func journalNotesWhichRuleFiredOrWhyNoneDid() async {
        let sim = ScenarioSim()
        let h = [("x-sim-scenario", "retry-then-succeed")]
        _ = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o"], headers: h)
        _ = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini"], headers: h)
        let notes = await sim.journal().compactMap { $0["note"]?["scenario"] }
        #expect(notes.count == 2)
        #expect(notes[0]["why"] == "body.model was gpt-4o, rule wants gpt-4.1-mini" && notes[0]["nearest_rule"] == "two 429s")
        #expect(notes[1]["fired"] == true && notes[1]["rule"] == "two 429s" && notes[1]["call"] == 1)
    }

    @Test func resetForgetsCountersButKeepsActivations() async {
        let sim = ScenarioSim()
        let h = [("x-sim-scenario", "connection-reset")]
        #expect(await sim.send("GET", "/v1/models", headers: h).fault == .reset)
        #expect(await sim.send("GET", "/v1/models").fault == nil)
        _ = await sim.send("POST", "/__sim/reset", json: ["api_key": "sk-test"])
        #expect(await sim.send("GET", "/v1/models").fault == .reset)
    }
}

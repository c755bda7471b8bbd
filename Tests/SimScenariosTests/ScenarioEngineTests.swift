import Testing
@testable import SimScenarios
import SimSupport

@Suite struct ScenarioEngineTests {
    func engine(_ yaml: String, seed: UInt64 = 0) throws -> ScenarioEngine {
        let s = try Scenario.parse(yaml)
        return ScenarioEngine(library: ScenarioLibrary(directory: "/nonexistent"), seed: seed, global: [s])
    }

    let post = RequestFacts(method: "POST", path: "/v1/responses", body: ["model": "gpt-4.1-mini"])

    @Test func timesLimitsFiringAndTheNextRequestPassesThrough() throws {
        let e = try engine("""
        version: 1
        name: s
        rules: [{ name: two, match: { path: /v1/responses }, times: 2, respond: { preset: rate_limit } }]
        """)
        let fired = (1...4).map { _ in e.plan(post, tenant: "t1").rule?.name }
        #expect(fired == ["two", "two", nil, nil])
        let note = e.plan(post, tenant: "t1").note
        #expect(note?["fired"] == false && note?["why"] == "times used up (fired 2 of 2)")
    }

    @Test func stateIsPerTenant() throws {
        let e = try engine("version: 1\nname: s\nrules: [{ match: { nth: 1 }, fault: reset }]")
        #expect(e.plan(post, tenant: "a").fired)
        #expect(!e.plan(post, tenant: "a").fired)
        #expect(e.plan(post, tenant: "b").fired)
    }

    @Test func nthAndAfterCountCallsThatMeetTheConditions() throws {
        let e = try engine("""
        version: 1
        name: s
        rules:
          - { name: third, match: { method: POST, nth: 3 }, fault: reset }
          - { name: late, match: { method: POST, after: 4 }, respond: { preset: server_error } }
        """)
        let get = RequestFacts(method: "GET", path: "/v1/models")
        var seen: [String?] = []
        for i in 1...6 {
            _ = e.plan(get, tenant: "t") // never counts
            seen.append(e.plan(post, tenant: "t").rule?.name)
            _ = i
        }
        #expect(seen == [nil, nil, "third", "late", "late", "late"])
    }

    @Test func probabilityIsSeededPerTenantAndReproducible() throws {
        let yaml = "version: 1\nname: s\nrules: [{ match: { probability: 0.3 }, respond: { preset: server_error } }]"
        func run(_ seed: UInt64, _ tenant: String) throws -> [Bool] {
            let e = try engine(yaml, seed: seed)
            return (0..<200).map { _ in e.plan(post, tenant: tenant).fired }
        }
        let a = try run(7, "t"), b = try run(7, "t")
        #expect(a == b)
        #expect(try run(8, "t") != a)
        let rate = Double(a.filter { $0 }.count) / 200
        #expect(rate > 0.2 && rate < 0.4)
    }

    @Test func stateMachineMovesWhenARuleFires() throws {
        let e = try ScenarioEngine(library: ScenarioLibrary(directory: ScenarioSim.libraryDirectory), seed: 0,
                                   global: [Scenario.load(path: ScenarioSim.libraryDirectory + "/outage-then-recovery.yaml")])
        let names = (0..<4).map { _ in e.plan(RequestFacts(method: "GET", path: "/v1/models"), tenant: "t").rule?.name }
        #expect(names == ["outage begins", "still down", "back up", nil])
        #expect(e.stateJSON(tenant: "t")["scenarios"]?.arrayValue?.first?["state"] == "recovered")
    }

    @Test func delaysAreSampledDeterministicallyWithinTheirRange() throws {
        let yaml = "version: 1\nname: s\nrules: [{ delay: { uniform_ms: [100, 200] } }]"
        let a = try engine(yaml), b = try engine(yaml)
        let da = (0..<50).compactMap { _ in a.plan(post, tenant: "t").delayMs }
        let db = (0..<50).compactMap { _ in b.plan(post, tenant: "t").delayMs }
        #expect(da == db && da.count == 50)
        #expect(da.allSatisfy { $0 >= 100 && $0 <= 200 } && Set(da).count > 40)
        let ln = try engine("version: 1\nname: s\nrules: [{ delay: { lognormal: { median_ms: 100, sigma: 0.5 } } }]")
        let samples = (0..<400).compactMap { _ in ln.plan(post, tenant: "t").delayMs }.sorted()
        #expect(samples[200] > 80 && samples[200] < 125)
    }

    @Test func missNotesNameTheNearestRuleAndWhy() throws {
        let e = try engine("""
        version: 1
        name: s
        rules:
          - { name: gets, match: { method: GET, path: /v1/files }, respond: { preset: not_found } }
          - { name: mini, match: { method: POST, path: /v1/responses, body: { model: gpt-4.1-mini } }, respond: { preset: rate_limit } }
        """)
        let p = e.plan(RequestFacts(method: "POST", path: "/v1/responses", body: ["model": "gpt-4o"]), tenant: "t")
        #expect(!p.fired)
        #expect(p.note == ["fired": false, "scenario": "s", "nearest_rule": "mini", "why": "body.model was gpt-4o, rule wants gpt-4.1-mini"])
    }

    @Test func rateBudgetsRefillContinuouslyOnTheClock() throws {
        let e = try engine("version: 1\nname: s\nrules: [{ rate_limit: { rpm: 2, tpm: 100 } }]")
        let limit = RateLimit(rpm: 2, tpm: 100)
        let d1 = e.charge(tenant: "t", key: "s#0", limit: limit, tokens: 30, now: 1000)
        #expect(d1.allowed && d1.requests?.remaining == 1 && d1.tokens?.remaining == 70)
        let d2 = e.charge(tenant: "t", key: "s#0", limit: limit, tokens: 80, now: 1000)
        #expect(d2.exceeded == "tokens")
        #expect(abs((d2.retryAfter ?? 0) - 6) < 0.001) // 10 tokens over at 100/60 per second
        let d3 = e.charge(tenant: "t", key: "s#0", limit: limit, tokens: 10, now: 1000)
        #expect(d3.allowed && d3.requests?.remaining == 0)
        let d4 = e.charge(tenant: "t", key: "s#0", limit: limit, tokens: 1, now: 1000)
        #expect(d4.exceeded == "requests" && abs((d4.retryAfter ?? 0) - 30) < 0.001)
        let d5 = e.charge(tenant: "t", key: "s#0", limit: limit, tokens: 1, now: 1030)
        #expect(d5.allowed)
        #expect(e.charge(tenant: "other", key: "s#0", limit: limit, tokens: 1, now: 1000).allowed)
    }
}

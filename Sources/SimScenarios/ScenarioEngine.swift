import SimSupport
import Synchronization

/// Active scenarios and their state, per tenant: which scenarios apply (global ones from
/// `serve --scenario` plus the tenant's own), how often each rule matched and fired, the
/// WireMock-style state of each scenario and rate-limit budgets. Deterministic: chance and
/// delays are drawn from (seed, tenant, rule, call number), never from arrival order elsewhere.
public final class ScenarioEngine: Sendable {
    public static let initialState = "Started"

    public let library: ScenarioLibrary
    let seed: UInt64
    private let state: Locked<State>
    /// Whether any scenario is active anywhere, kept under the lock whenever activations change:
    /// every request asks, and with none active (the usual case) the answer needs no lock.
    private let anyActive: Atomic<Bool>

    struct Counter: Sendable { var matched = 0; var fired = 0 }
    struct TenantState: Sendable {
        var active: [Scenario] = []
        var counters: [String: Counter] = [:]
        var machine: [String: String] = [:]
        var budgets: [String: RateBudgets] = [:]
    }
    struct State: Sendable {
        var global: [Scenario]
        var tenants: [String: TenantState] = [:]
    }

    public init(library: ScenarioLibrary, seed: UInt64, global: [Scenario] = []) {
        self.library = library
        self.seed = seed
        state = Locked(State(global: global))
        anyActive = Atomic(!global.isEmpty)
    }

    // MARK: - activation

    /// Activates `scenario` for `tenant` (nil: every tenant). Replaces one of the same name and restarts its state.
    public func activate(_ scenario: Scenario, tenant: String?) {
        state.withLock { s in
            if let tenant {
                var t = s.tenants[tenant] ?? TenantState()
                t.active.removeAll { $0.name == scenario.name }
                t.active.append(scenario)
                Self.forget(scenario.name, in: &t)
                s.tenants[tenant] = t
            } else {
                s.global.removeAll { $0.name == scenario.name }
                s.global.append(scenario)
                for k in s.tenants.keys { if var t = s.tenants[k] { Self.forget(scenario.name, in: &t); s.tenants[k] = t } }
            }
            anyActive.store(true, ordering: .releasing)
        }
    }

    /// Loads `name` from the library and activates it for `tenant` unless it already applies there
    /// (`X-Sim-Scenario`: the first request activates, later ones keep its counters).
    public func ensureActive(name: String, tenant: String) throws(ScenarioError) {
        let present = state.withLock { s in
            s.global.contains { $0.name == name } || (s.tenants[tenant]?.active.contains { $0.name == name } ?? false)
        }
        if present { return }
        let scenario = try library.load(name)
        state.withLock { s in
            var t = s.tenants[tenant] ?? TenantState()
            if !t.active.contains(where: { $0.name == name }) { t.active.append(scenario) }
            s.tenants[tenant] = t
            anyActive.store(true, ordering: .releasing)
        }
    }

    /// Deactivates `name` (nil: all) for `tenant` (nil: the global ones). Returns the names removed.
    @discardableResult
    public func deactivate(name: String?, tenant: String?) -> [String] {
        state.withLock { s in
            var removed: [String] = []
            if let tenant {
                guard var t = s.tenants[tenant] else { return [] }
                removed = t.active.filter { name == nil || $0.name == name }.map(\.name)
                t.active.removeAll { name == nil || $0.name == name }
                for n in removed { Self.forget(n, in: &t) }
                s.tenants[tenant] = t
            } else {
                removed = s.global.filter { name == nil || $0.name == name }.map(\.name)
                s.global.removeAll { name == nil || $0.name == name }
            }
            anyActive.store(!s.global.isEmpty || s.tenants.values.contains { !$0.active.isEmpty }, ordering: .releasing)
            return removed
        }
    }

    /// Forgets counters, state and budgets (one tenant's, or everyone's), keeping activations.
    public func resetState(tenant: String?) {
        state.withLock { s in
            if let tenant {
                if var t = s.tenants[tenant] { t.counters = [:]; t.machine = [:]; t.budgets = [:]; s.tenants[tenant] = t }
            } else {
                for k in s.tenants.keys {
                    if var t = s.tenants[k] { t.counters = [:]; t.machine = [:]; t.budgets = [:]; s.tenants[k] = t }
                }
            }
        }
    }

    /// Scenarios that apply to `tenant`, tenant-activated first (tenant: nil gives the global ones).
    public func active(tenant: String?) -> [Scenario] {
        state.withLock { s in (tenant.flatMap { s.tenants[$0]?.active } ?? []) + s.global }
    }

    public func hasActive(tenant: String) -> Bool {
        guard anyActive.load(ordering: .acquiring) else { return false }
        return state.withLock { s in !s.global.isEmpty || !(s.tenants[tenant]?.active.isEmpty ?? true) }
    }

    /// Runs `body` on `tenant`'s state under the lock.
    func withTenant<R: Sendable>(_ tenant: String, _ body: (inout TenantState) -> R) -> R {
        state.withLock { s in
            var t = s.tenants[tenant] ?? TenantState()
            let r = body(&t)
            s.tenants[tenant] = t
            return r
        }
    }

    private static func forget(_ name: String, in t: inout TenantState) {
        let prefix = name + "#"
        t.counters = t.counters.filter { !$0.key.hasPrefix(prefix) }
        t.budgets = t.budgets.filter { !$0.key.hasPrefix(prefix) }
        t.machine.removeValue(forKey: name)
    }

    // MARK: - planning

    /// Decides what happens to one request of `tenant`: every rule whose conditions hold counts the
    /// call; the first one whose gates (times, nth, after, probability) allow it fires.
    public func plan(_ facts: RequestFacts, tenant: String) -> Plan {
        let tenantHash = StableHash.fnv1a(tenant)
        return state.withLock { s in
            var t = s.tenants[tenant] ?? TenantState()
            let scenarios = t.active + s.global
            guard !scenarios.isEmpty else { return Plan.none }
            var plan = Plan()
            var nearest: (score: Int, scenario: String, rule: String, why: String)?
            for scenario in scenarios {
                let current = t.machine[scenario.name] ?? Self.initialState
                for (index, rule) in scenario.rules.enumerated() {
                    let key = "\(scenario.name)#\(index)"
                    let (score, why) = Self.evaluate(rule.match, facts, state: current)
                    if let why {
                        if nearest.map({ score > $0.score }) ?? true { nearest = (score, scenario.name, rule.name, why) }
                        continue
                    }
                    var counter = t.counters[key] ?? Counter()
                    counter.matched += 1
                    t.counters[key] = counter
                    guard !plan.fired else { continue }
                    let n = counter.matched
                    if let gate = gateMiss(rule, counter: counter, call: n, key: key, tenantHash: tenantHash) {
                        let gated = score + 1000
                        if nearest.map({ gated > $0.score }) ?? true { nearest = (gated, scenario.name, rule.name, gate) }
                        continue
                    }
                    counter.fired += 1
                    t.counters[key] = counter
                    plan.scenario = scenario.name
                    plan.rule = rule
                    plan.ruleKey = key
                    plan.call = n
                    if let d = rule.actions.delay {
                        let ms = d.sample(draw(tenantHash, key, n, salt: 2), draw(tenantHash, key, n, salt: 3))
                        plan.delayMs = (max(0, ms) * 1000).rounded() / 1000
                    }
                    var note: [(String, JSON)] = [("fired", true), ("scenario", .string(scenario.name)), ("rule", .string(rule.name)),
                                                  ("line", .int(Int64(rule.line))), ("call", .int(Int64(n))),
                                                  ("actions", .array(rule.actions.names.map { .string($0) }))]
                    if let ms = plan.delayMs { note.append(("delay_ms", .double(ms))) }
                    if let next = rule.match.stateSet {
                        t.machine[scenario.name] = next
                        note.append(("state", .string(next)))
                    }
                    plan.note = .object(note)
                }
            }
            s.tenants[tenant] = t
            if !plan.fired {
                var note: [(String, JSON)] = [("fired", false)]
                if let n = nearest {
                    note += [("scenario", .string(n.scenario)), ("nearest_rule", .string(n.rule)), ("why", .string(n.why))]
                }
                plan.note = .object(note)
            }
            return plan
        }
    }

    /// Why the gates hold a matching rule back on call `n`, or nil if it fires.
    private func gateMiss(_ rule: Rule, counter: Counter, call n: Int, key: String, tenantHash: UInt64) -> String? {
        if let times = rule.times, counter.fired >= times { return "times used up (fired \(counter.fired) of \(times))" }
        if let nth = rule.match.nth, n != nth { return "call \(n) of this rule, it fires on call \(nth) only" }
        if let after = rule.match.after, n < after { return "call \(n) of this rule, it fires from call \(after) on" }
        if let p = rule.match.probability {
            let u = draw(tenantHash, key, n, salt: 1)
            if u >= p { return "probability \(p) not drawn on call \(n) (drew \((u * 1000).rounded() / 1000))" }
        }
        return nil
    }

    /// A uniform draw in [0, 1) fixed by (seed, tenant, rule, call, salt).
    private func draw(_ tenantHash: UInt64, _ key: String, _ n: Int, salt: UInt64) -> Double {
        var h = StableHash.mix(seed, tenantHash)
        h = StableHash.mix(h, StableHash.fnv1a(key))
        h = StableHash.mix(h, UInt64(n) &* 0x100 &+ salt)
        var rng = SeededRandom(seed: h)
        return rng.unit()
    }

    /// (conditions satisfied, first reason for a miss).
    static func evaluate(_ m: Match, _ f: RequestFacts, state: String) -> (Int, String?) {
        var score = 0
        var why: String?
        func check(_ miss: String?) { if let miss { if why == nil { why = miss } } else { score += 1 } }
        if let methods = m.methods {
            check(methods.contains(f.method) ? nil : "method was \(f.method), rule wants \(methods.joined(separator: " or "))")
        }
        if let ps = m.paths {
            check(ps.contains { $0.matches(f.path) } ? nil : "path was \(f.path), rule wants \(ps.map(\.source).joined(separator: " or "))")
        }
        for (k, p) in m.query {
            check(p.miss(f.query.first { $0.0 == k }.map { .string($0.1) }, at: "query.\(k)"))
        }
        for (k, p) in m.headers {
            check(p.miss(f.headers.first { $0.0 == k }.map { .string($0.1) }, at: "headers.\(k)"))
        }
        if let b = m.body {
            if case let .object(pairs) = b {
                for (k, p) in pairs { check(p.miss(f.body?[k], at: "body.\(k)")) }
            } else {
                check(b.miss(f.body, at: "body"))
            }
        }
        if let w = m.stateWhen { check(w == state ? nil : "state was \(state), rule wants \(w)") }
        return (score, why)
    }
}

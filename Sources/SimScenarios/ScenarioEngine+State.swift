import SimSupport

extension ScenarioEngine {
    /// Charges one request costing `tokens` to the budgets of the rule `key` for `tenant` at `now`.
    /// A refused request is not charged.
    public func charge(tenant: String, key: String, limit: RateLimit, tokens: Int, now: Double) -> RateDecision {
        withTenant(tenant) { t in
            var entry = t.budgets[key] ?? RateBudgets(limit)
            let decision = entry.charge(tokens: tokens, now: now)
            t.budgets[key] = entry
            return decision
        }
    }

    /// Scenarios, rule counters, state machine states and budgets of `tenant`, for `GET /__sim/scenarios/state`.
    public func stateJSON(tenant: String) -> JSON {
        let scenarios = active(tenant: tenant)
        return withTenant(tenant) { t in
            let list: [JSON] = scenarios.map { s in
                let rules: [JSON] = s.rules.enumerated().map { i, r in
                    let key = "\(s.name)#\(i)"
                    let c = t.counters[key] ?? Counter()
                    var pairs: [(String, JSON)] = [("name", .string(r.name)), ("line", .int(Int64(r.line))),
                                                   ("matched", .int(Int64(c.matched))), ("fired", .int(Int64(c.fired))),
                                                   ("times", JSON(r.times))]
                    if let b = t.budgets[key] {
                        var budgets: [(String, JSON)] = []
                        if let q = b.requests { budgets.append(("requests", Self.budgetJSON(q))) }
                        if let q = b.tokens { budgets.append(("tokens", Self.budgetJSON(q))) }
                        pairs.append(("rate_limit", .object(budgets)))
                    }
                    return .object(pairs)
                }
                let scope = t.active.contains { $0.name == s.name } ? "tenant" : "global"
                return .object([("name", .string(s.name)), ("scope", .string(scope)),
                                ("state", .string(t.machine[s.name] ?? Self.initialState)), ("rules", .array(rules))])
            }
            return .object([("object", "scenario_state"), ("tenant", .string(tenant)), ("scenarios", .array(list))])
        }
    }

    static func budgetJSON(_ b: RateBudget) -> JSON {
        .object([("limit", .int(Int64(b.limit))), ("remaining", .int(Int64(b.remaining))),
                 ("reset_seconds", .double((b.resetSeconds * 1000).rounded() / 1000))])
    }
}

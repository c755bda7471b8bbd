import SimSupport

/// Whole-scenario checks: rules no request can ever reach.
enum ScenarioLint {
    static func check(_ s: Scenario) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let setStates = Set(s.rules.compactMap(\.match.stateSet))
        for (j, rule) in s.rules.enumerated() {
            if let when = rule.match.stateWhen, when != ScenarioEngine.initialState, !setStates.contains(when) {
                out.append(Diagnostic(file: s.file, line: rule.line, column: rule.column,
                                      message: "rule '\(rule.name)' is unreachable: no rule sets state '\(when)' (the state starts as '\(ScenarioEngine.initialState)')"))
                continue
            }
            if let n = rule.match.nth, let t = rule.times, t > 1 {
                out.append(Diagnostic(file: s.file, line: rule.line, column: rule.column,
                                      message: "rule '\(rule.name)': times \(t) can never be reached with nth \(n) (nth fires once)"))
            }
            for i in 0..<j where shadows(s.rules[i], rule) {
                out.append(Diagnostic(file: s.file, line: rule.line, column: rule.column,
                                      message: "rule '\(rule.name)' is unreachable: rule '\(s.rules[i].name)' (line \(s.rules[i].line)) already matches every request this rule could and never runs out (it has no times, nth, after or probability)"))
                break
            }
        }
        return out
    }

    /// True when `a` always fires whenever `b` could: `a` is ungated and its conditions are a subset of `b`'s.
    static func shadows(_ a: Rule, _ b: Rule) -> Bool {
        let x = a.match, y = b.match
        guard a.times == nil, x.isUngated else { return false }
        // A rule that changes state may stop matching after it fires.
        if x.stateSet != nil, x.stateWhen != nil, x.stateSet != x.stateWhen { return false }
        if let w = x.stateWhen, y.stateWhen != w { return false }
        if let m = x.methods {
            guard let n = y.methods, Set(n).isSubset(of: Set(m)) else { return false }
        }
        if let ps = x.paths {
            guard let qs = y.paths else { return false }
            let covered = qs.allSatisfy { q in ps.contains { p in p.source == q.source || (q.isExact && p.matches(q.source)) } }
            guard covered else { return false }
        }
        for (k, p) in x.query { guard let q = y.query.first(where: { $0.0 == k }), q.1.source == p.source else { return false } }
        for (k, p) in x.headers { guard let q = y.headers.first(where: { $0.0 == k }), q.1.source == p.source else { return false } }
        if let p = x.body {
            guard let q = y.body, bodyCovers(p, q) else { return false }
        }
        return true
    }

    /// `p` holds whenever `q` holds: equal, or an object predicate whose keys are a subset with equal values.
    static func bodyCovers(_ p: Predicate, _ q: Predicate) -> Bool {
        if case let .object(pp) = p, case let .object(qq) = q {
            return pp.allSatisfy { k, v in qq.first { $0.0 == k }.map { bodyCovers(v, $0.1) } ?? false }
        }
        return p.source == q.source
    }
}

import SimSupport

/// Turns a parsed YAML tree into a `Scenario`, collecting a diagnostic for every unknown key,
/// wrong type or bad value instead of stopping at the first.
struct ScenarioDecoder {
    let file: String
    var diagnostics: [Diagnostic] = []

    static let topKeys = ["version", "name", "description", "rules"]
    static let ruleKeys = ["name", "match", "times", "delay", "respond", "fault", "stream", "output", "cache", "rate_limit", "job", "webhook"]
    static let matchKeys = ["method", "path", "query", "headers", "body", "nth", "after", "probability", "state"]

    init(file: String) { self.file = file }

    mutating func error(_ node: YNode, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: node.line, column: node.column, message: message))
    }

    /// The entries of a mapping by key; reports a non-mapping, unknown keys (with a suggestion) and duplicates.
    mutating func fields(_ node: YNode, _ what: String, allowed: [String]) -> [String: (key: YNode, value: YNode)]? {
        guard let entries = node.entries else {
            error(node, "\(what) must be a mapping, got \(node.typeName)")
            return nil
        }
        var out: [String: (key: YNode, value: YNode)] = [:]
        for (k, v) in entries {
            guard let name = k.text else { error(k, "\(what) keys must be plain words"); continue }
            guard allowed.contains(name) else {
                let hint = Spelling.suggestion(for: name, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                error(k, "unknown key '\(name)' in \(what)\(hint); allowed: \(allowed.joined(separator: ", "))")
                continue
            }
            if out[name] != nil { error(k, "duplicate key '\(name)' in \(what)"); continue }
            out[name] = (k, v)
        }
        return out
    }

    mutating func int(_ node: YNode, _ what: String, min: Int) -> Int? {
        guard node.items == nil, node.entries == nil, case let .int(i)? = Optional(node.json), i >= Int64(min), i <= Int64(Int32.max) else {
            error(node, "\(what) must be an integer ≥ \(min), got \(Self.show(node))")
            return nil
        }
        return Int(i)
    }

    mutating func number(_ node: YNode, _ what: String, range: ClosedRange<Double>) -> Double? {
        guard node.items == nil, node.entries == nil, let d = node.json.doubleValue, d.isFinite, range.contains(d) else {
            let upper = range.upperBound == .greatestFiniteMagnitude ? "" : " and ≤ \(Self.trim(range.upperBound))"
            error(node, "\(what) must be a number ≥ \(Self.trim(range.lowerBound))\(upper), got \(Self.show(node))")
            return nil
        }
        return d
    }

    mutating func string(_ node: YNode, _ what: String) -> String? {
        guard let s = node.text, node.json != .null else {
            error(node, "\(what) must be a string, got \(node.typeName)")
            return nil
        }
        return s
    }

    mutating func bool(_ node: YNode, _ what: String) -> Bool? {
        guard node.items == nil, node.entries == nil, let b = node.json.boolValue else {
            error(node, "\(what) must be true or false, got \(Self.show(node))")
            return nil
        }
        return b
    }

    static func show(_ node: YNode) -> String {
        if let t = node.text { return node.json == .null ? "nothing" : "'\(t)'" }
        return node.typeName
    }

    static func trim(_ d: Double) -> String { d.rounded() == d ? String(Int64(d)) : String(d) }

    // MARK: - the document

    mutating func scenario(_ root: YNode, expectedName: String?) -> Scenario? {
        guard let f = fields(root, "the scenario", allowed: Self.topKeys) else { return nil }
        var version = Scenario.supportedVersion
        if let v = f["version"]?.value {
            if let n = int(v, "version", min: 1) {
                if n != Scenario.supportedVersion { error(v, "unsupported version \(n); this simulator reads version \(Scenario.supportedVersion)") }
                version = n
            }
        } else {
            error(root, "missing key 'version' (use version: \(Scenario.supportedVersion))")
        }
        var name = expectedName ?? "unnamed"
        if let n = f["name"]?.value {
            if let s = string(n, "name") {
                if !ScenarioLibrary.isValidName(s) {
                    error(n, "name '\(s)' must be letters, digits, '-', '_' or '.' (it is also the file name)")
                } else if let expectedName, s != expectedName {
                    error(n, "name '\(s)' differs from the file name '\(expectedName)'; X-Sim-Scenario loads NAME.yaml, so keep them equal")
                }
                name = s
            }
        } else {
            error(root, "missing key 'name'")
        }
        var description: String?
        if let d = f["description"]?.value { description = string(d, "description") }
        var rules: [Rule] = []
        if let r = f["rules"]?.value {
            if let items = r.items {
                if items.isEmpty { error(r, "rules is empty; a scenario needs at least one rule") }
                for (i, item) in items.enumerated() {
                    if let rule = self.rule(item, index: i) { rules.append(rule) }
                }
            } else {
                error(r, "rules must be a list of rules, got \(r.typeName)")
            }
        } else {
            error(root, "missing key 'rules'")
        }
        return Scenario(version: version, name: name, description: description, rules: rules, file: file)
    }

    mutating func rule(_ node: YNode, index: Int) -> Rule? {
        let label = "rule \(index + 1)"
        guard let f = fields(node, label, allowed: Self.ruleKeys) else { return nil }
        let before = diagnostics.count
        var rule = Rule(name: label, line: node.line, column: node.column)
        if let n = f["name"]?.value, let s = string(n, "\(label).name") { rule.name = s }
        let what = "rule '\(rule.name)'"
        if let m = f["match"]?.value { rule.match = match(m, what) }
        if let t = f["times"]?.value { rule.times = int(t, "\(what): times", min: 1) }
        rule.actions = actions(f, what)
        // Combination checks on a half-decoded rule would only add noise.
        if diagnostics.count == before { checkCombination(rule, node: node, what) }
        return rule
    }

    mutating func match(_ node: YNode, _ what: String) -> Match {
        var m = Match()
        guard let f = fields(node, "\(what) match", allowed: Self.matchKeys) else { return m }
        if let v = f["method"]?.value {
            let raw = v.items ?? [v]
            let methods = raw.compactMap { string($0, "\(what): match.method") }.map { $0.uppercased() }
            let known = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
            for (node, method) in zip(raw, methods) where !known.contains(method) {
                error(node, "\(what): match.method '\(method)' is not an HTTP method (\(known.joined(separator: ", ")))")
            }
            if raw.isEmpty { error(v, "\(what): match.method is an empty list") }
            m.methods = methods
        }
        if let v = f["path"]?.value {
            let raw = v.items ?? [v]
            if raw.isEmpty { error(v, "\(what): match.path is an empty list") }
            var patterns: [PathPattern] = []
            for node in raw {
                guard let s = string(node, "\(what): match.path") else { continue }
                if !s.hasPrefix("/") { error(node, "\(what): match.path '\(s)' must start with '/'") }
                if s.contains("?") { error(node, "\(what): match.path '\(s)' has a query string; use match.query") }
                patterns.append(PathPattern(s))
            }
            m.paths = patterns
        }
        if let v = f["query"]?.value { m.query = keyedPredicates(v, "\(what): match.query", lowercaseKeys: false) }
        if let v = f["headers"]?.value { m.headers = keyedPredicates(v, "\(what): match.headers", lowercaseKeys: true) }
        if let v = f["body"]?.value { m.body = predicate(v, "\(what): match.body") }
        if let v = f["nth"]?.value { m.nth = int(v, "\(what): match.nth", min: 1) }
        if let v = f["after"]?.value { m.after = int(v, "\(what): match.after", min: 1) }
        if let v = f["probability"]?.value { m.probability = number(v, "\(what): match.probability", range: 0...1) }
        if m.nth != nil, m.after != nil, let v = f["after"]?.value {
            error(v, "\(what): match.nth and match.after cannot be combined (nth fires once, after fires from a call on)")
        }
        if let v = f["state"]?.value, let s = fields(v, "\(what) match.state", allowed: ["when", "set"]) {
            if let w = s["when"]?.value { m.stateWhen = string(w, "\(what): match.state.when") }
            if let t = s["set"]?.value { m.stateSet = string(t, "\(what): match.state.set") }
            if s.isEmpty { error(v, "\(what): match.state needs 'when', 'set' or both") }
        }
        return m
    }

    mutating func keyedPredicates(_ node: YNode, _ what: String, lowercaseKeys: Bool) -> [(String, Predicate)] {
        guard let entries = node.entries else { error(node, "\(what) must be a mapping of names to values, got \(node.typeName)"); return [] }
        var out: [(String, Predicate)] = []
        for (k, v) in entries {
            guard let name = k.text else { error(k, "\(what) keys must be names"); continue }
            let key = lowercaseKeys ? name.lowercased() : name
            if let p = predicate(v, "\(what).\(name)") { out.append((key, p)) }
        }
        return out
    }

    /// `{contains: s}`, `{regex: r}`, `{exists: b}`, `{equals: v}`, a nested mapping, or a plain value.
    mutating func predicate(_ node: YNode, _ what: String) -> Predicate? {
        if let entries = node.entries {
            if entries.count == 1, let op = entries[0].0.text, Predicate.operators.contains(op) {
                let v = entries[0].1
                switch op {
                case "contains":
                    guard let s = v.text, v.json != .null else { error(v, "\(what): contains needs a string"); return nil }
                    return .contains(s)
                case "regex":
                    guard let s = string(v, "\(what): regex") else { return nil }
                    guard let r = RegexBox(s) else { error(v, "\(what): regex /\(s)/ does not compile"); return nil }
                    return .regex(r)
                case "exists":
                    return bool(v, "\(what): exists").map { .exists($0) }
                default:
                    return .equals(v.json)
                }
            }
            var pairs: [(String, Predicate)] = []
            for (k, v) in entries {
                guard let name = k.text else { error(k, "\(what) keys must be names"); continue }
                if let p = predicate(v, "\(what).\(name)") { pairs.append((name, p)) }
            }
            return .object(pairs)
        }
        return .equals(node.json)
    }
}

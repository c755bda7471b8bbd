import SimSupport

extension ScenarioDecoder {
    static let jobKeys = ["fail_at_step", "error", "fail_validation", "duration_s", "fail_custom_ids", "fail_ratio", "expire"]

    mutating func actions(_ f: [String: (key: YNode, value: YNode)], _ what: String) -> Actions {
        var a = Actions()
        if let v = f["delay"]?.value { a.delay = delay(v, what) }
        if let v = f["respond"]?.value { a.respond = respond(v, what) }
        if let v = f["fault"]?.value, let s = string(v, "\(what): fault") {
            if let fault = Fault(rawValue: s) { a.fault = fault } else {
                let names = Fault.allCases.map(\.rawValue)
                let hint = Spelling.suggestion(for: s, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                error(v, "\(what): unknown fault '\(s)'\(hint); faults: \(names.joined(separator: ", "))")
            }
        }
        if let v = f["stream"]?.value { a.stream = stream(v, what) }
        if let v = f["output"]?.value, let o = fields(v, "\(what) output", allowed: ["text", "json"]) {
            if let t = o["text"]?.value { a.outputText = string(t, "\(what): output.text") }
            if let j = o["json"]?.value { a.outputJSON = j.json }
            if o["text"] != nil, o["json"] != nil { error(v, "\(what): output takes text or json, not both") }
            if o.isEmpty { error(v, "\(what): output needs text or json") }
        }
        if let v = f["cache"]?.value, let c = fields(v, "\(what) cache", allowed: ["cached_tokens", "hit"]) {
            if let t = c["cached_tokens"]?.value { a.cachedTokens = int(t, "\(what): cache.cached_tokens", min: 0) }
            if let h = c["hit"]?.value { a.cacheHit = bool(h, "\(what): cache.hit") }
            if a.cacheHit == false, let n = a.cachedTokens, n > 0 { error(v, "\(what): cache.hit false contradicts cached_tokens \(n)") }
            if c.isEmpty { error(v, "\(what): cache needs cached_tokens or hit") }
        }
        if let v = f["rate_limit"]?.value, let r = fields(v, "\(what) rate_limit", allowed: ["rpm", "tpm"]) {
            var limit = RateLimit()
            if let x = r["rpm"]?.value { limit.rpm = int(x, "\(what): rate_limit.rpm", min: 1) }
            if let x = r["tpm"]?.value { limit.tpm = int(x, "\(what): rate_limit.tpm", min: 1) }
            if r.isEmpty { error(v, "\(what): rate_limit needs rpm, tpm or both") }
            a.rateLimit = limit
        }
        if let v = f["job"]?.value { a.job = job(v, what) }
        if let v = f["webhook"]?.value { a.webhook = webhook(v, what) }
        return a
    }

    /// `webhook: { drop: true }`, `{ duplicate: N }` (2-10 copies) or `{ delay_ms: N }`.
    mutating func webhook(_ node: YNode, _ what: String) -> WebhookAction? {
        guard let f = fields(node, "\(what) webhook", allowed: ["drop", "duplicate", "delay_ms"]) else { return nil }
        var w = WebhookAction()
        if let v = f["drop"]?.value, let b = bool(v, "\(what): webhook.drop") { w.drop = b }
        if let v = f["duplicate"]?.value, let n = int(v, "\(what): webhook.duplicate", min: 2) {
            if n > 10 { error(v, "\(what): webhook.duplicate is at most 10 copies, got \(n)") }
            w.copies = min(n, 10)
        }
        if let v = f["delay_ms"]?.value, let ms = number(v, "\(what): webhook.delay_ms", range: 0...3_600_000) { w.delayMs = ms }
        if f.isEmpty { error(node, "\(what): webhook needs drop, duplicate or delay_ms") }
        if w.drop, f["duplicate"] != nil || f["delay_ms"] != nil { error(node, "\(what): webhook.drop cannot be combined with duplicate or delay_ms") }
        return w
    }

    mutating func delay(_ node: YNode, _ what: String) -> Delay? {
        if node.entries == nil, node.items == nil {
            return number(node, "\(what): delay (milliseconds)", range: 0...3_600_000).map { .fixed($0) }
        }
        guard let f = fields(node, "\(what) delay", allowed: ["ms", "uniform_ms", "lognormal"]) else { return nil }
        guard f.count == 1 else { error(node, "\(what): delay takes exactly one of ms, uniform_ms, lognormal"); return nil }
        if let v = f["ms"]?.value { return number(v, "\(what): delay.ms", range: 0...3_600_000).map { .fixed($0) } }
        if let v = f["uniform_ms"]?.value {
            guard let items = v.items, items.count == 2 else { error(v, "\(what): delay.uniform_ms must be a list [low, high]"); return nil }
            guard let a = number(items[0], "\(what): delay.uniform_ms low", range: 0...3_600_000),
                  let b = number(items[1], "\(what): delay.uniform_ms high", range: 0...3_600_000) else { return nil }
            guard a <= b else { error(v, "\(what): delay.uniform_ms low \(Self.trim(a)) is above high \(Self.trim(b))"); return nil }
            return .uniform(a, b)
        }
        if let v = f["lognormal"]?.value, let l = fields(v, "\(what) delay.lognormal", allowed: ["median_ms", "sigma"]) {
            guard let m = l["median_ms"]?.value, let s = l["sigma"]?.value else {
                error(v, "\(what): delay.lognormal needs median_ms and sigma"); return nil
            }
            guard let median = number(m, "\(what): delay.lognormal.median_ms", range: 0...3_600_000),
                  let sigma = number(s, "\(what): delay.lognormal.sigma", range: 0...5) else { return nil }
            return .lognormal(median: median, sigma: sigma)
        }
        return nil
    }

    mutating func respond(_ node: YNode, _ what: String) -> Respond? {
        guard let f = fields(node, "\(what) respond", allowed: ["preset", "status", "error", "body", "headers"]) else { return nil }
        var r = Respond()
        if let v = f["preset"]?.value, let s = string(v, "\(what): respond.preset") {
            if Respond.presets.contains(s) { r.preset = s } else {
                let hint = Spelling.suggestion(for: s, in: Respond.presets).map { " (did you mean '\($0)'?)" } ?? ""
                error(v, "\(what): unknown preset '\(s)'\(hint); presets: \(Respond.presets.joined(separator: ", "))")
            }
        }
        if let v = f["status"]?.value { r.status = int(v, "\(what): respond.status", min: 100) }
        if let s = r.status, s > 599, let v = f["status"]?.value { error(v, "\(what): respond.status \(s) is not an HTTP status (100-599)") }
        if let v = f["error"]?.value, let e = fields(v, "\(what) respond.error", allowed: ["type", "code", "message", "param"]) {
            var pairs: [(String, JSON)] = []
            for key in ["message", "type", "param", "code"] {
                guard let x = e[key]?.value else { continue }
                let j = x.json
                switch j {
                case .string, .null: pairs.append((key, j))
                case .int where key == "code": pairs.append((key, j))
                default: error(x, "\(what): respond.error.\(key) must be a string or null, got \(x.typeName)")
                }
            }
            r.error = pairs
        }
        if let v = f["body"]?.value { r.body = v.json }
        if r.body != nil, r.error != nil, let v = f["body"]?.value { error(v, "\(what): respond takes error or body, not both") }
        if let v = f["headers"]?.value {
            if let entries = v.entries {
                for (k, x) in entries {
                    guard let name = k.text, !name.isEmpty, !name.contains(":"), !name.contains(" ") else {
                        error(k, "\(what): respond.headers keys must be header names"); continue
                    }
                    guard x.entries == nil, x.items == nil, x.json != .null, let text = x.text else {
                        error(x, "\(what): respond.headers.\(name) must be a string or number, got \(x.typeName)"); continue
                    }
                    r.headers.append((name.lowercased(), text))
                }
            } else {
                error(v, "\(what): respond.headers must be a mapping of header names to values")
            }
        }
        if r.preset == nil, r.status == nil, f["preset"] == nil, f["status"] == nil {
            error(node, "\(what): respond needs a preset or a status")
        }
        return r
    }

    mutating func stream(_ node: YNode, _ what: String) -> StreamAction? {
        let keys = ["cut_after_events", "first_event_delay_ms", "event_delay_ms", "error_event"]
        guard let f = fields(node, "\(what) stream", allowed: keys) else { return nil }
        var s = StreamAction()
        if let v = f["cut_after_events"]?.value { s.cutAfterEvents = int(v, "\(what): stream.cut_after_events", min: 0) }
        if let v = f["first_event_delay_ms"]?.value { s.firstEventDelayMs = number(v, "\(what): stream.first_event_delay_ms", range: 0...3_600_000) }
        if let v = f["event_delay_ms"]?.value { s.eventDelayMs = number(v, "\(what): stream.event_delay_ms", range: 0...3_600_000) }
        if let v = f["error_event"]?.value {
            if v.entries == nil { error(v, "\(what): stream.error_event must be a mapping (the error object), got \(v.typeName)") }
            s.errorEvent = v.json
        }
        if f.isEmpty { error(node, "\(what): stream needs at least one of \(keys.joined(separator: ", "))") }
        return s
    }

    /// Job behaviour is passed through as JSON for the fine-tuning and batch services; keys and types are checked here.
    mutating func job(_ node: YNode, _ what: String) -> JSON? {
        guard let f = fields(node, "\(what) job", allowed: Self.jobKeys) else { return nil }
        if let v = f["fail_at_step"]?.value { _ = int(v, "\(what): job.fail_at_step", min: 1) }
        if let v = f["duration_s"]?.value { _ = number(v, "\(what): job.duration_s", range: 0...31_536_000) }
        if let v = f["fail_ratio"]?.value { _ = number(v, "\(what): job.fail_ratio", range: 0...1) }
        if let v = f["expire"]?.value { _ = bool(v, "\(what): job.expire") }
        if let v = f["error"]?.value, let e = fields(v, "\(what) job.error", allowed: ["code", "message", "param"]) {
            for (k, x) in e { _ = string(x.value, "\(what): job.error.\(k)") }
        }
        if let v = f["fail_validation"]?.value, v.json != .bool(true) {
            if let e = fields(v, "\(what) job.fail_validation", allowed: ["code", "message", "param"]) {
                for (k, x) in e { _ = string(x.value, "\(what): job.fail_validation.\(k)") }
            }
        }
        if let v = f["fail_custom_ids"]?.value {
            if let items = v.items { for i in items { _ = string(i, "\(what): job.fail_custom_ids item") } } else {
                error(v, "\(what): job.fail_custom_ids must be a list of custom_id strings")
            }
        }
        if f.isEmpty { error(node, "\(what): job needs at least one of \(Self.jobKeys.joined(separator: ", "))") }
        if f["fail_at_step"] != nil, f["fail_validation"] != nil { error(node, "\(what): job.fail_at_step and job.fail_validation cannot be combined") }
        return node.json
    }

    /// Actions that cannot take effect together.
    mutating func checkCombination(_ rule: Rule, node: YNode, _ what: String) {
        let a = rule.actions
        let handlerActions = [a.stream != nil ? "stream" : nil, a.outputText != nil || a.outputJSON != nil ? "output" : nil,
                              a.cachedTokens != nil || a.cacheHit != nil ? "cache" : nil, a.job != nil ? "job" : nil,
                              a.webhook != nil ? "webhook" : nil].compactMap { $0 }
        if a.respond != nil, a.fault != nil { error(node, "\(what): respond and fault cannot be combined") }
        if a.respond != nil, !handlerActions.isEmpty {
            error(node, "\(what): \(handlerActions.joined(separator: ", ")) has no effect with respond (the endpoint does not run)")
        }
        if let fault = a.fault, !fault.runsHandler, !handlerActions.isEmpty {
            error(node, "\(what): \(handlerActions.joined(separator: ", ")) has no effect with fault \(fault.rawValue) (the endpoint does not run)")
        }
        if a.names.isEmpty, rule.match.stateSet == nil {
            error(node, "\(what) has no action; add one of delay, respond, fault, stream, output, cache, rate_limit, job, webhook (or match.state.set)")
        }
    }
}

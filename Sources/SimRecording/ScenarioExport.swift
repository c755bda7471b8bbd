import SimSupport

/// Turns a cassette into an editable scenario (docs/SCENARIOS.md) that makes the simulator fail
/// where the recording failed and say what the recording's model said: one rule per failed or
/// answered inference exchange, matched on method, path, query and body, gated with `nth` (the
/// k-th identical request). Everything else is left to the simulator.
public struct ScenarioExport: Sendable {
    public let cassette: Cassette
    public let scenarioName: String
    static let inferencePaths: Set<String> = ["/v1/responses", "/v1/chat/completions"]
    static let replayedHeaders: Set<String> = ["retry-after", "retry-after-ms", "x-should-retry"]

    public init(cassette: Cassette, scenarioName: String) {
        self.cassette = cassette
        self.scenarioName = scenarioName
    }

    /// The scenario as YAML text, and how many rules it has.
    public func yaml() -> (String, Int) {
        var rules: [String] = []
        var seen: [MatchKey: Int] = [:]
        var failures = 0, outputs = 0
        for x in cassette.interactions {
            let key = MatchKey(x.request)
            let nth = (seen[key] ?? 0) + 1
            seen[key] = nth
            guard let (actions, isFailure) = actions(x) else { continue }
            if isFailure { failures += 1 } else { outputs += 1 }
            var lines = ["  - name: \(quote("#\(x.seq) \(x.request.method) \(x.request.path) → \(outcome(x.response))"))", "    match:"]
            lines += match(x.request, nth: nth).map { "      " + $0 }
            lines += actions.map { "    " + $0 }
            rules.append(lines.joined(separator: "\n"))
        }
        let header = """
        version: 1
        name: \(scenarioName)
        description: \(quote("From recording '\(cassette.name)' (\(cassette.interactions.count) exchanges): \(failures) failures and \(outputs) model outputs replayed by the simulator; other calls are answered normally."))
        rules:
        """
        if rules.isEmpty {
            // A scenario needs a rule: one that never fires keeps the file valid and editable.
            rules.append("  - name: nothing recorded failed\n    match: { path: /v1/__nothing__ }\n    respond: { preset: server_error }")
        }
        return (header + "\n" + rules.joined(separator: "\n") + "\n", rules.count)
    }

    func outcome(_ r: RecordedResponse) -> String {
        if r.status == 0 { return r.fault?.rawValue ?? "reset" }
        if case let .stream(_, cut) = r.body, cut { return "\(r.status) stream cut" }
        if r.fault == .closeMidBody { return "\(r.status) body cut" }
        return String(r.status)
    }

    /// The rule's actions, and whether they are a failure (nil: nothing to reproduce).
    func actions(_ x: Interaction) -> ([String], Bool)? {
        let r = x.response
        var out: [String] = []
        if r.elapsedMs >= 500 { out.append("delay: { ms: \(Int(r.elapsedMs.rounded())) }") }
        if r.status == 0 {
            out.append("fault: \((r.fault ?? .reset).rawValue)")
            return (out, true)
        }
        if r.status >= 400 {
            var respond: [(String, JSON)] = [("status", .int(Int64(r.status)))]
            if case let .json(b) = r.body { respond.append(("body", b)) }
            let hs = r.headers.filter { Self.replayedHeaders.contains($0.0) || $0.0.hasPrefix("x-ratelimit-") }
            if !hs.isEmpty { respond.append(("headers", .object(hs.map { ($0.0, .string($0.1)) }))) }
            out.append("respond: " + JSONWriter.string(.object(respond)))
            return (out, true)
        }
        let text = Self.outputText(r)
        if let text, Self.inferencePaths.contains(x.request.path) { out.append("output: " + JSONWriter.string(.object([("text", .string(text))]))) }
        if case let .stream(events, cut) = r.body {
            if let last = events.last, last.event == "error", let data = last.data {
                let payload = data["error"] ?? data
                out.append("stream: " + JSONWriter.string(.object([("cut_after_events", .int(Int64(events.count - 1))), ("error_event", payload)])))
                return (out, true)
            }
            if cut {
                out.append("stream: { cut_after_events: \(events.count) }")
                return (out, true)
            }
        } else if r.fault == .closeMidBody {
            out.append("fault: close_mid_body")
            return (out, true)
        }
        return text != nil && Self.inferencePaths.contains(x.request.path) ? (out, false) : nil
    }

    /// The match block: method, path, query, body (scalars by value, the rest with `equals`), `nth`.
    func match(_ req: RecordedRequest, nth: Int) -> [String] {
        var lines = ["method: \(req.method)", "path: \(quote(req.path))"]
        if !req.query.isEmpty { lines.append("query: " + JSONWriter.string(.object(req.query.map { ($0.0, .string($0.1)) }))) }
        if case let .json(.object(pairs)) = req.body {
            var body: [(String, JSON)] = []
            for (k, v) in pairs {
                switch v {
                case .null: continue
                case .array, .object: body.append((k, .object([("equals", v)])))
                default: body.append((k, v))
                }
            }
            // Keys other recorded requests to this endpoint have and this one lacks: so rules do not count each other's calls.
            for k in siblingKeys(req) where !pairs.contains(where: { $0.0 == k }) { body.append((k, .object([("exists", false)]))) }
            if !body.isEmpty { lines.append("body: " + JSONWriter.string(.object(body))) }
        }
        lines.append("nth: \(nth)")
        return lines
    }

    func siblingKeys(_ req: RecordedRequest) -> [String] {
        var keys: [String] = []
        for x in cassette.interactions where x.request.method == req.method && x.request.path == req.path {
            if case let .json(.object(p)) = x.request.body { keys += p.map(\.0) }
        }
        return keys.uniqued()
    }

    /// What the model said: Responses `output_text`, Chat `message.content`, or the streamed deltas.
    static func outputText(_ r: RecordedResponse) -> String? {
        switch r.body {
        case let .json(j):
            if let text = j["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue { return text }
            let parts = (j["output"]?.arrayValue ?? []).flatMap { $0["content"]?.arrayValue ?? [] }
                .filter { $0["type"]?.stringValue == "output_text" }.compactMap { $0["text"]?.stringValue }
            return parts.isEmpty ? nil : parts.joined()
        case let .stream(events, _):
            var text = ""
            var any = false
            for e in events {
                guard let d = e.data else { continue }
                if d["type"]?.stringValue == "response.output_text.delta", let s = d["delta"]?.stringValue { text += s; any = true }
                if let s = d["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue { text += s; any = true }
            }
            return any ? text : nil
        default:
            return nil
        }
    }

    func quote(_ s: String) -> String { JSONWriter.string(.string(s)) }
}

import SimCore
import SimHTTP
import SimScenarios
import SimSupport

/// Plays scenario scripts: asks the engine for a plan per request (per tenant) and carries it
/// out — a delay on the injected clock (never blocking a thread), a canned answer, a transport
/// fault, a rate-limit budget, or overrides handed to the endpoint. Notes which rule fired
/// (or the nearest rule and why it missed) in the request journal.
public final class ScenarioMiddleware: Middleware {
    public static let header = "x-sim-scenario"
    public let engine: ScenarioEngine
    let clock: SimClock

    public init(engine: ScenarioEngine, clock: SimClock) {
        self.engine = engine
        self.clock = clock
    }

    public func handle(_ exchange: Exchange, next: @escaping @Sendable (Exchange) -> HTTPReply) -> HTTPReply {
        let tenant = exchange.tenant.id
        if let names = exchange.request.header(Self.header) {
            for name in names.split(separator: ",").map({ String($0).trimmingSpaces }) where !name.isEmpty {
                do throws(ScenarioError) { try engine.ensureActive(name: name, tenant: tenant) } catch {
                    let message = "X-Sim-Scenario: " + error.diagnostics.map(\.description).joined(separator: "; ")
                    return .now(App.errorResponse(.invalidRequest(message, code: "invalid_scenario")))
                }
            }
        }
        guard engine.hasActive(tenant: tenant) else { return next(exchange) }
        let body = Self.jsonBody(exchange.request)
        let facts = RequestFacts(method: exchange.request.method, path: exchange.request.path, query: exchange.request.query,
                                 headers: exchange.request.headers, body: body)
        let plan = engine.plan(facts, tenant: tenant)
        if let note = plan.note { exchange.notes.set("scenario", note) }
        guard let rule = plan.rule else { return next(exchange) }
        let actions = rule.actions

        var rateHeaders: [(String, String)] = []
        if let limit = actions.rateLimit, let key = plan.ruleKey {
            let decision = engine.charge(tenant: tenant, key: key, limit: limit, tokens: ScenarioResponses.estimateTokens(body),
                                         now: clock.now())
            rateHeaders = ScenarioResponses.rateHeaders(decision)
            if !decision.allowed {
                var r = ScenarioResponses.rateLimited(decision, exchange: exchange, body: body)
                for (k, v) in rateHeaders { r.setHeader(k, v) }
                return .now(r)
            }
        }

        let act: @Sendable () -> HTTPReply = { [exchange] in
            Self.perform(actions, exchange: exchange, body: body, next: next)
        }
        let reply: HTTPReply
        if let ms = plan.delayMs, ms > 0 {
            let pending = PendingResponse()
            clock.schedule(after: ms / 1000) { act().whenReady { pending.fulfill($0) } }
            reply = .later(pending)
        } else {
            reply = act()
        }
        guard !rateHeaders.isEmpty else { return reply }
        return reply.map { [rateHeaders] r in
            var out = r
            for (k, v) in rateHeaders { out.setHeader(k, v) }
            return out
        }
    }

    /// Carries out the fired rule's actions (after its delay).
    static func perform(_ a: Actions, exchange: Exchange, body: JSON?, next: @Sendable (Exchange) -> HTTPReply) -> HTTPReply {
        if let r = a.respond { return .now(ScenarioResponses.respond(r, exchange: exchange, body: body)) }
        switch a.fault {
        case .reset?: return .now(HTTPResponse(status: 0, fault: .reset))
        case .emptyReply?: return .now(HTTPResponse(status: 0, fault: .emptyReply))
        case .hang?: return .now(HTTPResponse(status: 0, fault: .hang))
        default: break
        }
        var forward = exchange
        forward.overrides = overrides(a, base: exchange.overrides)
        let reply = next(forward)
        switch a.fault {
        case .closeMidBody?:
            return reply.map { r in var out = r; out.fault = .closeMidBody; return out }
        case .malformedJSON?:
            return reply.map(truncated)
        default:
            return reply
        }
    }

    /// The endpoint-specific actions, for the handler to apply.
    static func overrides(_ a: Actions, base: RequestOverrides) -> RequestOverrides {
        var o = base
        if let t = a.outputText { o.outputText = t }
        if let j = a.outputJSON { o.outputJSON = j }
        if let n = a.cachedTokens { o.cachedTokens = n }
        if let h = a.cacheHit { o.cacheHit = h }
        if let s = a.stream {
            o.stream = RequestOverrides.StreamOverrides(cutAfterEvents: s.cutAfterEvents, firstEventDelayMs: s.firstEventDelayMs,
                                                        eventDelayMs: s.eventDelayMs, errorEvent: s.errorEvent)
        }
        if let j = a.job { o.job = j }
        if let w = a.webhook { o.webhook = RequestOverrides.WebhookFault(drop: w.drop, copies: w.copies, delayMs: w.delayMs) }
        return o
    }

    /// A 200 whose JSON body stops half way (`fault: malformed_json`).
    static func truncated(_ r: HTTPResponse) -> HTTPResponse {
        var out = r
        out.status = 200
        out.setHeader("content-type", "application/json")
        if let bytes = r.bodyBytes, bytes.count > 2 {
            out.body = .bytes(Array(bytes.prefix(bytes.count / 2)))
        } else if r.bodyBytes != nil {
            out.body = .bytes(Array(#"{"id": "#.utf8))
        }
        return out
    }

    /// The request body as JSON when it is a small JSON document (nil otherwise).
    static func jsonBody(_ request: HTTPRequest) -> JSON? {
        guard case let .bytes(b) = request.body, !b.isEmpty, b.count <= 4 * 1024 * 1024 else { return nil }
        if let ct = request.contentType?.lowercased(), !ct.hasPrefix("application/json"), !ct.hasPrefix("text/plain") { return nil }
        return try? JSONParser.parse(b)
    }
}

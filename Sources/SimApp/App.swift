import SimCore
import Synchronization
import SimHTTP
import SimSupport

/// Settings the composition root passes to the app.
public struct AppConfig: Sendable {
    public var version: String
    public var timeScale: Double
    /// Open (any key) or strict (known keys only).
    public var auth: AuthPolicy
    /// Start the usage meter from the counts saved in the record store and save them on
    /// `App.flushUsage()` (a server with a data directory).
    public var saveUsage: Bool
    /// Save the clock's time in the record store whenever a virtual clock advances and after a
    /// reset of everything (a server with a data directory; see `SimEnvironment.savedClock`).
    public var saveClock: Bool
    public init(version: String = "0.1.0", timeScale: Double = 1, auth: AuthPolicy = .open, saveUsage: Bool = false,
                saveClock: Bool = false) {
        self.version = version
        self.timeScale = timeScale
        self.auth = auth
        self.saveUsage = saveUsage
        self.saveClock = saveClock
    }
}

/// The OpenAI-compatible application: middleware chain + routes + control plane, behind the
/// transport-neutral `HTTPResponder` seam (the MHD server and in-process tests both call it).
public final class App: HTTPResponder {
    public let services: Services
    public let journal: Journal
    let config: AppConfig
    let logger: Logger
    let router: Router<RouteHandler>
    let requestIDs: IDGenerator
    let middlewares: [Middleware]
    /// Authorization value → tenant, so the hashing happens once per key. One cache per server
    /// thread: tenants are immutable values (equal by content), so each thread keeps its own
    /// instance and the threads share neither a lock nor the tenant's reference count.
    private let tenants = Sharded<TenantCache>(count: 16) { TenantCache() }
    /// One thread's tenants by `Authorization` value, and the last one looked up: a client sends
    /// the same value on every request, and comparing it costs less than hashing it.
    struct TenantCache {
        /// `AdminService.revocations` when the entries were cached: a revoked key must not stay cached.
        var generation = 0
        var last: (auth: String, tenant: Tenant)?
        var byAuth: [String: Tenant] = [:]
    }
    /// The middlewares folded around the router once, at init, so a request builds no `next`
    /// closures on its way in.
    private let chain = Chain()
    /// Budgets of the projects' lowered rate limits (see `App+ProjectPolicies.swift`).
    let projectBudgets = OrganizationKeyed<ProjectBudget>()
    /// Sends webhook events when watched jobs end (see `Webhooks.swift`).
    public let webhookEvents: WebhookDispatcher
    private final class Chain: @unchecked Sendable {
        /// Written once in `App.init`, read-only afterwards.
        var entry: (@Sendable (Exchange) -> HTTPReply)?
    }

    /// `webhookTransport`: how webhook deliveries are sent (nil: none are; the endpoints API still
    /// works). `wallClock`: real time for their signatures and retries (default: the live clock).
    public init(env: SimEnvironment, config: AppConfig = AppConfig(), journal: Journal = Journal(),
                middlewares: [Middleware] = [], webhookTransport: (any WebhookTransport)? = nil, wallClock: SimClock? = nil) {
        self.middlewares = middlewares
        services = Services(env: env, auth: config.auth, saveUsage: config.saveUsage)
        webhookEvents = WebhookDispatcher(services: services, transport: webhookTransport,
                                          wall: wallClock ?? LiveClock(),
                                          timeScale: config.timeScale, logger: env.logger)
        self.journal = journal
        self.config = config
        logger = env.logger
        requestIDs = env.ids(stream: "requests")
        var r = Router<RouteHandler>()
        Self.registerFilesRoutes(&r)
        Self.registerUploadsRoutes(&r)
        Self.registerModelsRoutes(&r)
        Self.registerBatchesRoutes(&r)
        Self.registerFineTuningRoutes(&r)
        Self.registerResponsesRoutes(&r)
        Self.registerConversationsRoutes(&r)
        Self.registerChatRoutes(&r)
        Self.registerEmbeddingsRoutes(&r)
        Self.registerModerationsRoutes(&r)
        Self.registerEvalsRoutes(&r)
        Self.registerAdminRoutes(&r)
        Self.registerAdminAccessRoutes(&r)
        Self.registerAdminSettingsRoutes(&r)
        Self.registerUsageRoutes(&r)
        Self.registerWebhookRoutes(&r)
        r.prepare()
        router = r
        var next: @Sendable (Exchange) -> HTTPReply = { [unowned self] exchange in
            do throws(APIError) { return try route(exchange) } catch { return .now(Self.errorResponse(error)) }
        }
        for middleware in middlewares.reversed() {
            let inner = next
            next = { exchange in middleware.handle(exchange, next: inner) }
        }
        chain.entry = next
        services.batches.attach(executor: self)
        services.evals.attach(executor: self)
    }

    var env: SimEnvironment { services.env }

    /// Saves the usage buckets that changed since the last call (when `AppConfig.saveUsage`);
    /// the server calls it every second and when it stops. Errors are logged, and the same
    /// buckets are tried again next time.
    public func flushUsage() {
        do { try services.inference.usage.flush() } catch {
            logger.error("saving usage counts failed", [("error", .string("\(error)"))])
        }
    }

    /// Saves the clock's time (when `AppConfig.saveClock`) so a restart continues from it. The
    /// server calls it every second under a scaled live clock and when it stops.
    public func saveClock() {
        guard config.saveClock else { return }
        do { try env.saveClock() } catch {
            logger.error("saving the clock failed", [("error", .string("\(error)"))])
        }
    }

    public func respond(to request: HTTPRequest) -> HTTPReply {
        if Self.isControlPath(request.path) {
            if let preflight = CORS.preflight(request) { return .now(preflight) }
            var r = control(request)
            CORS.addHeaders(&r, for: request)
            return .now(r)
        }
        let watch = Stopwatch()
        let startedAt = env.clock.now()
        let requestID = IDKind.request(requestIDs)
        var tenant: Tenant?
        let notes = JournalNotes()
        let reply: HTTPReply
        if let preflight = CORS.preflight(request) {
            // A browser's preflight carries no key: it is answered before authentication.
            reply = .now(preflight)
        } else {
            reply = authenticatedReply(request, requestID: requestID, notes: notes, tenant: &tenant)
        }
        let finish = Finish(app: self, tenant: tenant, requestID: requestID, startedAt: startedAt, watch: watch, notes: notes)
        // A ready answer is finished right here; only deferred ones need the closure. The
        // response is taken out of the reply first and the reply ended with the `switch`, so
        // `apply` gets the only reference to the headers array and appends to it in place (a
        // binding used inside the `switch` is a second reference while the subject lives).
        let ready: HTTPResponse
        switch consume reply {
        case let .now(response): ready = response
        case let deferred: return deferred.map { finish.apply($0, to: request) }
        }
        return .now(finish.apply(consume ready, to: request))
    }

    /// The answer of the middleware chain for an authenticated request (`tenant` set once known),
    /// or the error that stopped it.
    private func authenticatedReply(_ request: HTTPRequest, requestID: String, notes: JournalNotes, tenant: inout Tenant?) -> HTTPReply {
        let reply: HTTPReply
        do throws(APIError) {
            let t = try authenticate(request)
            tenant = t
            var exchange = Exchange(request: request, tenant: t, requestID: requestID, overrides: RequestOverrides(), notes: notes)
            if enforcesProjectPolicies, let charged = checkProjectPolicies(&exchange) {
                if let refusal = charged.refusal {
                    reply = .now(refusal)
                } else {
                    let headers = charged.headers
                    reply = chain.entry!(exchange).map { r in
                        var out = r
                        for (k, v) in headers { out.setHeader(k, v) }
                        return out
                    }
                }
            } else {
                reply = chain.entry!(exchange)
            }
        } catch {
            reply = .now(Self.errorResponse(error))
        }
        return reply
    }

    /// `/__sim` or below it, compared as bytes (`String.hasPrefix` compares characters).
    static func isControlPath(_ path: String) -> Bool {
        path.withUTF8Bytes { u in
            u.count >= 6 && u[0] == 0x2F && u[1] == 0x5F && u[2] == 0x5F && u[3] == 0x73 && u[4] == 0x69 && u[5] == 0x6D
                && (u.count == 6 || u[6] == 0x2F)
        }
    }

    /// What happens to every answer on its way out: the standard headers, the journal entry, the
    /// log line.
    struct Finish: Sendable {
        let app: App
        let tenant: Tenant?
        let requestID: String
        let startedAt: Double
        let watch: Stopwatch
        let notes: JournalNotes

        /// `request` is passed, not kept: a ready answer is finished while the caller still holds
        /// it, so it is not copied into every `Finish`.
        func apply(_ response: consuming HTTPResponse, to request: HTTPRequest) -> HTTPResponse {
            // Taken over, not copied: the headers are appended in place (the handler's array is
            // usually unique), so no second array is built and the first destroyed.
            var r = consume response
            let ms = watch.milliseconds
            // Handlers never set these; proxied and replayed answers carry the upstream's own.
            var present: UInt8 = 0
            for (name, _) in r.headers {
                // All five start with "x" or "o": the usual content-type is skipped without compares.
                guard let first = name.utf8.first, first == 0x78 || first == 0x6F else { continue }
                switch name {
                case "x-request-id": present |= 1
                case "openai-version": present |= 2
                case "openai-processing-ms": present |= 4
                case "openai-organization": present |= 8
                case "openai-project": present |= 16
                default: break
                }
            }
            r.headers.reserveCapacity(r.headers.count + 5)
            if present & 1 == 0 { r.headers.append(("x-request-id", requestID)) }
            if present & 2 == 0 { r.headers.append(("openai-version", "2020-10-01")) }
            if present & 4 == 0 { r.headers.append(("openai-processing-ms", Self.decimal(Int(ms.rounded(.up))))) }
            if let org = tenant?.organizationSlug, present & 8 == 0 { r.headers.append(("openai-organization", org)) }
            if let project = tenant?.projectID, present & 16 == 0 { r.headers.append(("openai-project", project)) }
            CORS.addHeaders(&r, for: request)
            app.journal.record(request: request, response: r, tenant: tenant?.id, requestID: requestID, startedAt: startedAt,
                               durationMs: ms, note: notes.json)
            app.logger.request(method: request.method, path: request.path, status: r.status, ms: ms,
                               tenant: tenant?.id, requestID: requestID)
            return r
        }

        private static let smallDecimals: [String] = (0..<256).map { String($0) }
        /// `String(n)` without the allocation for the small values processing times usually have.
        static func decimal(_ n: Int) -> String { n >= 0 && n < smallDecimals.count ? smallDecimals[n] : String(n) }
    }

    /// The tenant for the request's bearer token (any non-empty token in open mode).
    func authenticate(_ request: HTTPRequest) throws(APIError) -> Tenant {
        guard let auth = request.header("authorization") else { throw .missingAPIKey }
        // Keyed by the header value as sent: a client sends the same value on every request, so
        // the token is parsed and hashed into a tenant once per client.
        let generation = services.admin.revocations.load(ordering: .acquiring)
        let cached: Tenant? = tenants.withLock { cache in
            if cache.generation != generation {
                cache = TenantCache()
                cache.generation = generation
                return nil
            }
            if let last = cache.last, last.auth == auth { return last.tenant }
            guard let t = cache.byAuth[auth] else { return nil }
            cache.last = (auth, t)
            return t
        }
        if let cached { return cached }
        let token = Self.bearerToken(auth)
        guard !token.isEmpty else { throw .missingAPIKey }
        // A key minted by the admin API maps to its organization and project (a revoked one is a
        // 401); any other token is its own organization in open mode.
        let t: Tenant
        if let minted = try services.admin.mintedKey(token) {
            // A key with an expiry is looked up on every request (it ends without a revocation).
            if minted.expires { return minted.tenant }
            t = minted.tenant
        } else {
            try services.admin.requireKnown(token)
            t = Tenant.forAPIKey(token)
        }
        tenants.withLock { cache in
            guard cache.generation == generation else { return }
            if cache.byAuth.count > 1_000 { cache.byAuth.removeAll() }
            cache.byAuth[auth] = t
            cache.last = (auth, t)
        }
        return t
    }

    /// The token of an `Authorization` value: after a case-insensitive "Bearer", spaces trimmed.
    static func bearerToken(_ auth: String) -> String {
        var a = auth
        return a.withUTF8 { u -> String in
            var start = 0, end = u.count
            @inline(__always) func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
            while start < end, isSpace(u[start]) { start += 1 }
            while start < end, isSpace(u[end - 1]) { end -= 1 }
            if end - start >= 6, u[start] | 0x20 == 0x62, u[start + 1] | 0x20 == 0x65, u[start + 2] | 0x20 == 0x61,
               u[start + 3] | 0x20 == 0x72, u[start + 4] | 0x20 == 0x65, u[start + 5] | 0x20 == 0x72 { // "bearer"
                start += 6
                while start < end, isSpace(u[start]) { start += 1 }
            }
            if start == 0 && end == u.count { return auth }
            return String(decoding: UnsafeBufferPointer(rebasing: u[start..<end]), as: UTF8.self)
        }
    }

    func route(_ exchange: Exchange) throws(APIError) -> HTTPReply {
        switch try routeResult(exchange) {
        case let .json(value, status): return .now(.json(value, status: status))
        case let .rendered(bytes, _):
            return .now(HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(), body: .bytes(bytes())))
        case let .response(r): return .now(r)
        case let .reply(r): return r
        }
    }

    /// The handler's own result (before it becomes bytes), so internal callers can skip encoding.
    func routeResult(_ exchange: Exchange) throws(APIError) -> RouteResult {
        let request = exchange.request
        if request.bodyTooLarge {
            throw .invalidRequest("The request body is too large. Reduce the size of the request and try again.",
                                  code: "request_too_large", status: 413)
        }
        guard let match = router.match(method: request.method, path: request.path) else {
            throw .invalidURL(method: request.method, path: request.path)
        }
        let ctx = RouteContext(request: request, params: match.params, tenant: exchange.tenant, requestID: exchange.requestID,
                               services: services, overrides: exchange.overrides, webhooks: webhookEvents)
        do { return try match.handler(ctx) } catch let e as APIError { throw e } catch {
            throw .serverError("Unexpected error: \(error)")
        }
    }

    /// The one place an `APIError` becomes an HTTP response.
    public static func errorResponse(_ error: APIError) -> HTTPResponse {
        var r = HTTPResponse.json(error.body, status: error.status)
        for (k, v) in error.headers.sorted(by: { $0.key < $1.key }) { r.setHeader(k, v) }
        return r
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

import Dispatch
import SimCore
import SimHTTP
import SimSupport

/// Sends a webhook delivery: one HTTP POST, blocking, called off the server's threads (the CLI
/// gives libcurl; tests record). The status the receiver answered, or why nothing came back.
public protocol WebhookTransport: Sendable {
    func post(url: String, headers: [(String, String)], body: [UInt8]) -> Result<Int, WebhookTransportFailure>
}

public struct WebhookTransportFailure: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Watches the jobs that end in a webhook event (batches, fine-tuning jobs, eval runs, background
/// responses) and, when one ends, sends the event to the tenant's endpoints subscribed to it.
///
/// Job status is a pure function of (record, clock) here, so nothing announces an end: a watched
/// job is read (as a client's retrieve would) on each poll. A virtual clock polls when it is
/// advanced, inside the advance, so the same requests give the same events in the same order; a
/// live clock polls every quarter of a real second while anything is watched. A cancel polls at
/// once. Deliveries go out one at a time per endpoint (a queue each, so a receiver that hangs
/// delays only its own), signed as the SDK's `unwrap`
/// checks, and are retried on a failure or a non-2xx answer (`retryDelays`, in real seconds).
public final class WebhookDispatcher: Sendable {
    enum Kind: Sendable, Equatable { case batch, fineTuning, evalRun(evalID: String), response }
    struct Watch: Sendable, Equatable {
        let tenant: Tenant
        let kind: Kind
        let id: String
        /// A scenario's fault for this job's event (nil: send it as usual).
        var fault: RequestOverrides.WebhookFault? = nil

        /// The job, whatever the fault: what `State.watching` holds.
        var key: String { tenant.id + "/" + id }
    }
    /// One delivery of one event to one endpoint, as `GET /__sim/webhooks` shows it.
    struct Delivery: Sendable {
        let webhookID: String
        let eventID: String
        let type: String
        let tenant: String
        let endpointID: String
        let url: String
        let body: [UInt8]
        let secrets: [String]
        var attempts = 0
        var statusCode: Int?
        var error: String?
        var state = "pending"
    }
    private struct State {
        /// Watched jobs in the order they were added (a poll reads them, and so draws event ids,
        /// in this order), with those unwatched since still in it until the next poll's end.
        var watched: [Watch] = []
        /// The keys of the jobs still watched.
        var watching: Set<String> = []
        var pollScheduled = false
        var deliveries: [Delivery] = []
        /// Deliveries before this index were dropped from the log.
        var dropped = 0
        /// Deliveries before this index were logged before the last reset of everything.
        var resetBefore = 0
    }

    /// Real seconds before each retry after the first attempt (five attempts in all).
    public static let retryDelays: [Double] = [1, 2, 4, 8]
    static let logLimit = 1000

    private let state = Locked(State())
    private let services: Services
    private let transport: (any WebhookTransport)?
    /// Real time: the `webhook-timestamp` header (the SDK refuses one more than five minutes
    /// from its own clock, whatever the simulated time) and the retry delays.
    private let wall: SimClock
    private let pollInterval: Double
    /// One serial queue per endpoint id.
    private let queues = Locked<[String: DispatchQueue]>([:])
    private let logger: Logger

    /// `timeScale`: simulated seconds per real second of a live clock (the poll runs every
    /// quarter of a real second).
    init(services: Services, transport: (any WebhookTransport)?, wall: SimClock, timeScale: Double, logger: Logger) {
        self.services = services
        self.transport = transport
        self.wall = wall
        self.logger = logger
        // A virtual clock fires a timer only when advanced: the least interval polls once per advance.
        pollInterval = services.env.clock.mode == .virtual ? 1e-6 : 0.25 * max(timeScale, 0.001)
    }

    private var clock: SimClock { services.env.clock }

    // MARK: - Watching

    /// Watches a job just created (nothing when its tenant has no endpoint: the tenant's running
    /// jobs are looked up when it gets one).
    func watch(_ tenant: Tenant, _ kind: Kind, _ id: String, fault: RequestOverrides.WebhookFault? = nil) {
        guard transport != nil, services.webhooks.hasEndpoints(tenant) else { return }
        add([Watch(tenant: tenant, kind: kind, id: id, fault: fault)])
    }

    /// Watches every running job of `tenant` (when it gets its first endpoint, and at start).
    func watchRunningJobs(of tenant: Tenant) {
        guard transport != nil else { return }
        let records = services.env.records
        var found: [Watch] = []
        func each(_ collection: String, _ body: (StoredRecord) -> Void) {
            for r in (try? records.list(tenant: tenant.id, collection: collection, query: ListQuery(order: .asc, limit: Int.max)).records) ?? [] {
                body(r)
            }
        }
        each(BatchService.collection) { found.append(Watch(tenant: tenant, kind: .batch, id: $0.id)) }
        each(FineTuningService.collection) { found.append(Watch(tenant: tenant, kind: .fineTuning, id: $0.id)) }
        each(EvalService.runsCollection) { r in
            if let evalID = r.body["eval_id"]?.stringValue { found.append(Watch(tenant: tenant, kind: .evalRun(evalID: evalID), id: r.id)) }
        }
        each(ResponseService.backgroundCollection) { found.append(Watch(tenant: tenant, kind: .response, id: $0.id)) }
        // Only the ones still running: an ended job's event was sent, or its end came before any endpoint.
        add(found.filter { ended($0) == nil })
    }

    /// Watches the running jobs of every tenant with an endpoint (a restart with a data directory).
    public func watchRunningJobsOfAllTenants() {
        guard transport != nil else { return }
        for tenant in services.webhooks.tenantsWithEndpoints() { watchRunningJobs(of: tenant) }
    }

    private func add(_ watches: [Watch]) {
        guard !watches.isEmpty else { return }
        let schedule: Bool = state.withLock { s in
            for w in watches where s.watching.insert(w.key).inserted { s.watched.append(w) }
            guard !s.pollScheduled else { return false }
            s.pollScheduled = true
            return true
        }
        if schedule { schedulePoll() }
    }

    private func schedulePoll() {
        clock.schedule(after: pollInterval) { [weak self] in
            guard let self else { return }
            self.state.withLock { $0.pollScheduled = false }
            self.poll()
            let again: Bool = self.state.withLock { s in
                guard !s.watching.isEmpty, !s.pollScheduled else { return false }
                s.pollScheduled = true
                return true
            }
            if again { self.schedulePoll() }
        }
    }

    /// `result` as the handler's answer, after a poll (a cancel: the job may have ended by it).
    func pollingAfter(_ result: JSON) -> RouteResult {
        if transport != nil, !state.withLock({ $0.watching.isEmpty }) { poll() }
        return .json(result)
    }

    /// Reads every watched job once; each that has ended is unwatched and its event sent.
    func poll() {
        let watched = state.withLock { s in s.watched.filter { s.watching.contains($0.key) } }
        for w in watched {
            guard let end = ended(w) else { continue }
            // Only the poll that unwatches a job sends its event (a cancel's poll and the clock's may overlap).
            let mine = state.withLock { $0.watching.remove(w.key) != nil }
            guard mine, let type = end.type else { continue }
            send(tenant: w.tenant, type: type, objectID: w.id, createdAt: end.at, fault: w.fault)
        }
        // The unwatched leave the list once per poll (a removal each would cost the list's length).
        state.withLock { s in s.watched.removeAll { !s.watching.contains($0.key) } }
    }

    /// The event a job's end raises (`type` nil: it is gone, nothing to send), or nil while it runs.
    private func ended(_ w: Watch) -> (type: String?, at: Int64)? {
        let now = services.env.now()
        let object: JSON
        do throws(APIError) {
            switch w.kind {
            case .batch: object = try services.batches.retrieve(tenant: w.tenant, id: w.id)
            case .fineTuning: object = try services.fineTuning.retrieve(tenant: w.tenant, id: w.id)
            case let .evalRun(evalID): object = try services.evals.retrieveRun(tenant: w.tenant, evalID: evalID, runID: w.id)
            case .response: object = try services.responses.retrieve(tenant: w.tenant, id: w.id)
            }
        } catch {
            return (nil, now)
        }
        let status = object["status"]?.stringValue ?? ""
        func at(_ key: String) -> Int64 { object[key]?.intValue ?? now }
        switch (w.kind, status) {
        case (.batch, "completed"): return ("batch.completed", at("completed_at"))
        case (.batch, "failed"): return ("batch.failed", at("failed_at"))
        case (.batch, "expired"): return ("batch.expired", at("expired_at"))
        case (.batch, "cancelled"): return ("batch.cancelled", at("cancelled_at"))
        case (.fineTuning, "succeeded"): return ("fine_tuning.job.succeeded", at("finished_at"))
        case (.fineTuning, "failed"): return ("fine_tuning.job.failed", at("finished_at"))
        case (.fineTuning, "cancelled"): return ("fine_tuning.job.cancelled", at("finished_at"))
        case (.evalRun, "completed"): return ("eval.run.succeeded", now)
        case (.evalRun, "failed"): return ("eval.run.failed", now)
        case (.evalRun, "canceled"): return ("eval.run.canceled", now)
        case (.response, "completed"): return ("response.completed", at("completed_at"))
        case (.response, "failed"): return ("response.failed", now)
        case (.response, "cancelled"): return ("response.cancelled", now)
        case (.response, "incomplete"): return ("response.incomplete", now)
        default: return nil
        }
    }

    // MARK: - Sending

    /// The event, as the spec's `webhooks:` section defines it.
    static func event(id: String, type: String, createdAt: Int64, objectID: String) -> [UInt8] {
        var w = JSONWriter()
        w.write(.object([("id", .string(id)), ("object", "event"), ("created_at", .int(createdAt)), ("type", .string(type)),
                         ("data", .object([("id", .string(objectID))]))]))
        return w.bytes
    }

    /// Sends an event to each subscribed endpoint; a scenario's `fault` drops it (logged as
    /// `dropped`), repeats it (the same delivery, `copies` times) or holds it back `delayMs`.
    private func send(tenant: Tenant, type: String, objectID: String, createdAt: Int64, fault: RequestOverrides.WebhookFault? = nil) {
        let subscribers = services.webhooks.subscribers(tenant: tenant, type: type)
        guard !subscribers.isEmpty else { return }
        let ids = services.env.ids(stream: "webhooks")
        let eventID = ids.hex("evt_", length: 32)
        let body = Self.event(id: eventID, type: type, createdAt: createdAt, objectID: objectID)
        let drop = fault?.drop == true
        for s in subscribers {
            let webhookID = ids.hex("wh_", length: 32)
            for _ in 0..<(drop ? 1 : max(1, fault?.copies ?? 1)) {
                var d = Delivery(webhookID: webhookID, eventID: eventID, type: type, tenant: tenant.id,
                                 endpointID: s.id, url: s.url, body: body, secrets: s.secrets)
                if drop { d.state = "dropped" }
                let index: Int = state.withLock { st in
                    st.deliveries.append(d)
                    if st.deliveries.count > Self.logLimit {
                        st.deliveries.removeFirst()
                        st.dropped += 1
                    }
                    return st.dropped + st.deliveries.count - 1
                }
                if drop { continue }
                let pending = d
                let delay = (fault?.delayMs ?? 0) / 1000
                if delay > 0 {
                    wall.schedule(after: delay) { [weak self] in
                        guard let self else { return }
                        self.queue(pending.endpointID).async { self.attempt(pending, index) }
                    }
                } else {
                    queue(s.id).async { self.attempt(pending, index) }
                }
            }
        }
    }

    /// One attempt of delivery `d`, logged at `index` (its position since the start: its entry
    /// may have left the bounded log by now, the delivery goes on); a retry is scheduled on the
    /// wall clock after a failure, up to `retryDelays.count` times. A reset of everything drops
    /// the retries still pending.
    private func attempt(_ delivery: Delivery, _ index: Int) {
        guard let transport, !resetSince(index) else { return }
        var d = delivery
        let (status, failure) = Self.post(d.webhookID, d.body, secrets: d.secrets, url: d.url, transport: transport, wall: wall)
        d.attempts += 1
        d.statusCode = status
        d.error = failure
        let ok = status.map { (200..<300).contains($0) } ?? false
        let retry = !ok && d.attempts <= Self.retryDelays.count
        d.state = ok ? "delivered" : (retry ? "retrying" : "failed")
        update(index, d)
        if !ok {
            logger.warn("webhook delivery failed", [("webhook_id", .string(d.webhookID)), ("type", .string(d.type)),
                                                     ("url", .string(d.url)), ("status", JSON(status.map(Int64.init))),
                                                     ("error", JSON(failure)), ("attempt", .int(Int64(d.attempts)))])
        }
        if retry {
            let again = d
            wall.schedule(after: Self.retryDelays[d.attempts - 1]) { [weak self] in
                guard let self else { return }
                self.queue(again.endpointID).async { self.attempt(again, index) }
            }
        }
    }

    /// Signs and posts one delivery; the status, or why there is none.
    static func post(_ webhookID: String, _ body: [UInt8], secrets: [String], url: String, transport: any WebhookTransport,
                     wall: SimClock) -> (Int?, String?) {
        let timestamp = wall.unixSeconds()
        let headers = [("Content-Type", "application/json"), ("User-Agent", "OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)"),
                       ("webhook-id", webhookID), ("webhook-timestamp", String(timestamp)),
                       ("webhook-signature", WebhookService.signature(webhookID: webhookID, timestamp: timestamp, body: body, secrets: secrets))]
        switch transport.post(url: url, headers: headers, body: body) {
        case let .success(status): return (status, nil)
        case let .failure(f): return (nil, f.description)
        }
    }

    private func queue(_ endpointID: String) -> DispatchQueue {
        queues.withLock { q in
            if let existing = q[endpointID] { return existing }
            let made = DispatchQueue(label: "openai-sim.webhooks." + endpointID)
            q[endpointID] = made
            return made
        }
    }

    /// Whether a reset of everything came after delivery `index` was logged.
    private func resetSince(_ index: Int) -> Bool { state.withLock { index < $0.resetBefore } }

    private func update(_ index: Int, _ d: Delivery) {
        state.withLock { s in
            let i = index - s.dropped
            if s.deliveries.indices.contains(i) { s.deliveries[i] = d }
        }
    }

    /// A test delivery (`POST /v1/webhook_endpoints/{id}/test`): one attempt, no retries, off the
    /// server's threads; `done` gets the status, or why there is none.
    func test(_ subscriber: WebhookService.Subscriber, type: String, done: @escaping @Sendable (Int?, String?) -> Void) {
        guard let transport else { return done(nil, "this server sends no webhooks (no transport)") }
        let ids = services.env.ids(stream: "webhooks")
        let webhookID = ids.hex("wh_", length: 32)
        let body = Self.event(id: ids.hex("evt_", length: 32), type: type, createdAt: services.env.now(),
                              objectID: Self.sampleObjectID(type))
        let wall = self.wall
        queue(subscriber.id).async {
            let (status, failure) = Self.post(webhookID, body, secrets: subscriber.secrets, url: subscriber.url, transport: transport, wall: wall)
            done(status, failure)
        }
    }

    static func sampleObjectID(_ type: String) -> String {
        switch type.split(separator: ".").first ?? "" {
        case "batch": return "batch_test"
        case "response": return "resp_test"
        case "eval": return "evalrun_test"
        case "fine_tuning": return "ftjob-test"
        default: return "test"
        }
    }

    // MARK: - The control plane

    /// Deliveries, oldest first (`GET /__sim/webhooks`; `tenant` filters), with what is watched.
    func log(tenant: String?) -> JSON {
        let (deliveries, watched) = state.withLock { s in (s.deliveries, s.watched.filter { s.watching.contains($0.key) }) }
        let shown = deliveries.filter { tenant == nil || $0.tenant == tenant }.map { d -> JSON in
            .object([("webhook_id", .string(d.webhookID)), ("event_id", .string(d.eventID)), ("type", .string(d.type)),
                     ("tenant", .string(d.tenant)), ("webhook_endpoint_id", .string(d.endpointID)), ("url", .string(d.url)),
                     ("state", .string(d.state)), ("attempts", .int(Int64(d.attempts))), ("status_code", JSON(d.statusCode.map(Int64.init))),
                     ("error", JSON(d.error)), ("body", (try? JSONParser.parse(d.body)) ?? .null)])
        }
        let watching = watched.filter { tenant == nil || $0.tenant.id == tenant }.map { JSON.string($0.id) }
        return .object([("object", "list"), ("data", .array(shown)), ("watching", .array(watching))])
    }

    /// Forgets what a reset drops (all, or one tenant's).
    func reset(tenant: String?) {
        state.withLock { s in
            if let tenant {
                s.watched.removeAll { $0.tenant.id == tenant }
                s.watching = s.watching.filter { !$0.hasPrefix(tenant + "/") }
            } else {
                s.watched.removeAll()
                s.watching.removeAll()
                // Positions keep counting; the attempts still pending of the deliveries logged so far stop.
                s.dropped += s.deliveries.count
                s.deliveries.removeAll()
                s.resetBefore = s.dropped
            }
        }
    }
}

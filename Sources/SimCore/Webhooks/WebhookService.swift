import Digests
import SimSupport

/// A project's webhook endpoints (`/v1/webhook_endpoints`, the SDK's `client.webhooks`) and the
/// events the simulator sends them. These paths are not in the OpenAPI document this project
/// follows (its `webhooks:` section has the event payloads only); the endpoint objects follow the
/// official Python SDK's types (`WebhookEndpoint`, `WebhookEndpointWithSecret`, …).
public final class WebhookService: Sendable {
    public static let collection = "webhook_endpoints"
    /// Every event type the SDK names (what `GET /v1/webhook_event_types` lists and an endpoint
    /// may subscribe to).
    public static let eventTypes: [String] = [
        "batch.completed", "batch.failed", "batch.expired", "batch.cancelled",
        "response.completed", "response.failed", "response.cancelled", "response.incomplete",
        "eval.run.succeeded", "eval.run.failed", "eval.run.canceled",
        "fine_tuning.job.succeeded", "fine_tuning.job.failed", "fine_tuning.job.cancelled",
        "realtime.call.incoming", "video.completed", "video.failed",
        "agent.environment.ready", "agent.environment.failed", "agent.environment.suspended", "agent.environment.expired",
        "agent.session.created", "agent.session.action_required", "agent.session.in_progress", "agent.session.idle",
        "agent.session.failed", "safety.alert.created",
    ]
    /// How long a rotated-out secret keeps signing when the rotation asks to keep it.
    public static let oldSecretGrace: Int64 = 24 * 3600

    let env: SimEnvironment
    public init(env: SimEnvironment) { self.env = env }

    /// An endpoint that takes an event: where to send it and the secrets to sign it with (the
    /// current one first, then a rotated-out one still in its grace period).
    public struct Subscriber: Sendable, Equatable {
        public let id: String
        public let url: String
        public let secrets: [String]
    }

    // MARK: - The API

    /// - Remark: POST /v1/webhook_endpoints
    public func create(tenant: Tenant, body: JSON) throws(APIError) -> JSON {
        let r = FieldReader(body)
        try r.rejectUnknown(["name", "url", "event_types"])
        let name = try Self.name(r.string("name"), required: true)!
        let url = try Self.url(r.string("url"), required: true)!
        let types = try Self.eventTypes(r.raw("event_types"), required: true)!
        let ids = env.ids(tenant)
        let id = ids.hex("whe_", length: 32)
        let secret = Self.newSecret(ids)
        let now = env.now()
        let record: JSON = .object([
            ("id", .string(id)), ("object", "webhook_endpoint"), ("created_at", .int(now)), ("updated_at", .int(now)),
            ("name", .string(name)), ("url", .string(url)), ("event_types", .array(types.map { .string($0) })),
            ("signing_secret_hint", .string(Self.hint(secret))), ("_secret", .string(secret)),
            // Who it belongs to, whole: after a restart the running jobs of its tenant are watched again.
            ("_tenant", .object([("id", .string(tenant.id)), ("organization_id", .string(tenant.organizationID)),
                                 ("organization_slug", .string(tenant.organizationSlug)), ("project_id", .string(tenant.projectID)),
                                 ("organization_tenant_id", .string(tenant.organizationTenantID))])),
        ])
        try env.records.putRecord(tenant: tenant.id, collection: Self.collection, id: id, createdAt: now, body: record)
        return Self.view(record, withSecret: true)
    }

    /// - Remark: GET /v1/webhook_endpoints/{webhook_endpoint_id}
    public func retrieve(tenant: Tenant, id: String) throws(APIError) -> JSON {
        Self.view(try load(tenant, id), withSecret: false)
    }

    /// Changes what the body names; `updated_at` moves only when something changed.
    /// - Remark: POST /v1/webhook_endpoints/{webhook_endpoint_id}
    public func update(tenant: Tenant, id: String, body: JSON) throws(APIError) -> JSON {
        var record = try load(tenant, id)
        let r = FieldReader(body)
        try r.rejectUnknown(["name", "url", "event_types"])
        var changed = false
        func set(_ key: String, _ value: JSON?) {
            guard let value, record[key] != value else { return }
            record = record.setting(key, value)
            changed = true
        }
        set("name", try Self.name(r.string("name"), required: false).map { .string($0) })
        set("url", try Self.url(r.string("url"), required: false).map { .string($0) })
        set("event_types", try Self.eventTypes(r.raw("event_types"), required: false).map { .array($0.map { .string($0) }) })
        if changed {
            record = record.setting("updated_at", .int(env.now()))
            try save(tenant, id, record)
        }
        return Self.view(record, withSecret: false)
    }

    /// - Remark: GET /v1/webhook_endpoints
    public func list(tenant: Tenant, after: String?, limit: Int) throws(APIError) -> (data: [JSON], ids: [String], hasMore: Bool) {
        let page: RecordPage
        do {
            page = try env.records.list(tenant: tenant.id, collection: Self.collection,
                                        query: ListQuery(order: .desc, after: after, limit: limit))
        } catch { throw .serverError("\(error)") }
        return (page.records.map { Self.view($0.body, withSecret: false) }, page.records.map(\.id), page.hasMore)
    }

    /// - Remark: DELETE /v1/webhook_endpoints/{webhook_endpoint_id}
    public func delete(tenant: Tenant, id: String) throws(APIError) -> JSON {
        _ = try load(tenant, id)
        env.records.removeRecord(tenant: tenant.id, collection: Self.collection, id: id)
        return .object([("id", .string(id)), ("object", "webhook_endpoint.deleted"), ("deleted", true)])
    }

    /// A new secret; the old one stops signing at once, or after 24 hours when asked.
    /// - Remark: POST /v1/webhook_endpoints/{webhook_endpoint_id}/rotate_secret
    public func rotateSecret(tenant: Tenant, id: String, body: JSON) throws(APIError) -> JSON {
        var record = try load(tenant, id)
        let r = FieldReader(body)
        try r.rejectUnknown(["keep_old_secret_active_for_24_hours"])
        let keep = try r.bool("keep_old_secret_active_for_24_hours") ?? false
        let secret = Self.newSecret(env.ids(tenant))
        let now = env.now()
        let old = record["_secret"] ?? .null
        record = record.setting("_secret", .string(secret)).setting("signing_secret_hint", .string(Self.hint(secret)))
            .setting("updated_at", .int(now))
            .setting("_old_secret", keep ? old : .null).setting("_old_secret_until", keep ? .int(now + Self.oldSecretGrace) : .null)
        try save(tenant, id, record)
        return Self.view(record, withSecret: true)
    }

    /// The endpoint a test delivery goes to (404 for an unknown one; 400 for an event type the
    /// SDK does not name).
    /// - Remark: POST /v1/webhook_endpoints/{webhook_endpoint_id}/test
    public func testTarget(tenant: Tenant, id: String, body: JSON) throws(APIError) -> (subscriber: Subscriber, eventType: String) {
        let record = try load(tenant, id)
        let r = FieldReader(body)
        try r.rejectUnknown(["event_type"])
        guard let type = try r.string("event_type") else { throw .missingParameter("event_type") }
        guard Self.eventTypes.contains(type) else { throw .invalidValue("event_type", type, supported: Self.eventTypes) }
        return (subscriber(record), type)
    }

    // MARK: - Delivery

    /// The tenant's endpoints subscribed to `type`, oldest first.
    public func subscribers(tenant: Tenant, type: String) -> [Subscriber] {
        let records = (try? env.records.allRecords(tenant: tenant.id, collection: Self.collection)) ?? []
        return records.map(\.body).filter { ($0["event_types"]?.arrayValue ?? []).contains(.string(type)) }.map(subscriber)
    }

    /// The tenants that have at least one endpoint (for the watch over running jobs after a restart).
    public func tenantsWithEndpoints() -> [Tenant] {
        var seen = Set<String>()
        var out: [Tenant] = []
        for r in (try? env.records.all(collection: Self.collection)) ?? [] where !seen.contains(r.tenant) {
            guard let t = r.body["_tenant"], let id = t["id"]?.stringValue, let org = t["organization_id"]?.stringValue,
                  let slug = t["organization_slug"]?.stringValue, let project = t["project_id"]?.stringValue else { continue }
            seen.insert(r.tenant)
            out.append(Tenant(id: id, organizationID: org, organizationSlug: slug, projectID: project,
                              organizationTenantID: t["organization_tenant_id"]?.stringValue))
        }
        return out
    }

    /// Whether the tenant has an endpoint.
    public func hasEndpoints(_ tenant: Tenant) -> Bool {
        !((try? env.records.list(tenant: tenant.id, collection: Self.collection, query: ListQuery(limit: 1)).records.isEmpty) ?? true)
    }

    private func subscriber(_ record: JSON) -> Subscriber {
        var secrets = [record["_secret"]?.stringValue ?? ""]
        if let old = record["_old_secret"]?.stringValue, let until = record["_old_secret_until"]?.intValue, env.now() < until {
            secrets.append(old)
        }
        return Subscriber(id: record["id"]?.stringValue ?? "", url: record["url"]?.stringValue ?? "", secrets: secrets)
    }

    /// The `webhook-signature` header for a delivery: `v1,<signature>` per secret, space separated
    /// (`WebhookSignature`: what the SDK's `unwrap` checks).
    public static func signature(webhookID: String, timestamp: Int64, body: [UInt8], secrets: [String]) -> String {
        secrets.map { "v1," + WebhookSignature.v1(webhookID: webhookID, timestamp: String(timestamp), body: body,
                                                   key: WebhookSignature.key(secret: $0) ?? []) }.joined(separator: " ")
    }

    // MARK: - Helpers

    func load(_ tenant: Tenant, _ id: String) throws(APIError) -> JSON {
        guard let r = try? env.records.get(tenant: tenant.id, collection: Self.collection, id: id) else {
            throw .invalidRequest("No webhook endpoint found with id '\(id)'.", param: "webhook_endpoint_id", code: "not_found", status: 404)
        }
        return r.body
    }

    private func save(_ tenant: Tenant, _ id: String, _ record: JSON) throws(APIError) {
        try env.records.putRecord(tenant: tenant.id, collection: Self.collection, id: id,
                                  createdAt: record["created_at"]?.intValue ?? env.now(), body: record)
    }

    static func view(_ record: JSON, withSecret: Bool) -> JSON {
        let shown = record.withoutInternalMembers
        guard withSecret, let secret = record["_secret"] else { return shown }
        return shown.setting("signing_secret", secret)
    }

    /// `whsec_` and 32 seeded random bytes in base64 (what the SDK's `unwrap` decodes).
    static func newSecret(_ ids: IDGenerator) -> String {
        var bytes: [UInt8] = []
        for _ in 0..<4 {
            let word = ids.nextSeed()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return "whsec_" + Base64.encode(bytes)
    }

    static func hint(_ secret: String) -> String { "whsec_…" + String(secret.suffix(4)) }

    private static func name(_ value: String?, required: Bool) throws(APIError) -> String? {
        guard let value else {
            if required { throw .missingParameter("name") }
            return nil
        }
        guard !value.isEmpty, value.count <= 256 else {
            throw .invalidRequest("Invalid 'name': expected a string of 1 to 256 characters.", param: "name", code: "invalid_value")
        }
        return value
    }

    /// http or https with a host. (The API takes HTTPS URLs only; the simulator delivers to local
    /// receivers too, which seldom have a certificate.)
    private static func url(_ value: String?, required: Bool) throws(APIError) -> String? {
        guard let value else {
            if required { throw .missingParameter("url") }
            return nil
        }
        let lower = value.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") { rest = lower.dropFirst(8) } else if lower.hasPrefix("http://") { rest = lower.dropFirst(7) } else {
            throw .invalidRequest("Invalid 'url': expected an http or https URL, got '\(value.prefix(200))'.", param: "url", code: "invalid_url")
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, !host.hasPrefix(":"), value.count <= 2048, !value.contains(where: { $0 == " " || $0 == "\n" }) else {
            throw .invalidRequest("Invalid 'url': expected an http or https URL, got '\(value.prefix(200))'.", param: "url", code: "invalid_url")
        }
        return value
    }

    private static func eventTypes(_ value: JSON?, required: Bool) throws(APIError) -> [String]? {
        guard let value, !value.isNull else {
            if required { throw .missingParameter("event_types") }
            return nil
        }
        guard let items = value.arrayValue else { throw .invalidType("event_types", expected: "an array", got: value) }
        guard !items.isEmpty else {
            throw .invalidRequest("Invalid 'event_types': expected at least one event type.", param: "event_types", code: "empty_array")
        }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard let s = item.stringValue else { throw .invalidType("event_types[\(i)]", expected: "a string", got: item) }
            guard eventTypes.contains(s) else { throw .invalidValue("event_types[\(i)]", s, supported: eventTypes) }
            if !out.contains(s) { out.append(s) }
        }
        return out
    }
}

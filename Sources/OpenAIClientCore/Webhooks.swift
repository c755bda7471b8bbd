import Digests
import FoundationEssentials
import OpenAIWire

/// `/webhook_endpoints` and the check a receiver makes of a delivery (`unwrap`).
public struct Webhooks: Sendable {
    let client: OpenAIClient

    /// Creates an endpoint; the answer carries its signing secret (shown this once).
    /// - Remark: POST /v1/webhook_endpoints
    public func create(name: String, url: String, eventTypes: [String]) async throws -> WebhookEndpoint {
        try await client.json(.post("/webhook_endpoints", json: WebhookEndpointRequest(name: name, url: url, eventTypes: eventTypes)))
    }

    /// - Remark: GET /v1/webhook_endpoints/{webhook_endpoint_id}
    public func retrieve(_ id: String) async throws -> WebhookEndpoint { try await client.json(.get("/webhook_endpoints/\(seg(id))")) }

    /// Changes the fields given.
    /// - Remark: POST /v1/webhook_endpoints/{webhook_endpoint_id}
    public func update(_ id: String, _ change: WebhookEndpointRequest) async throws -> WebhookEndpoint {
        try await client.json(.post("/webhook_endpoints/\(seg(id))", json: change))
    }

    /// One page of endpoints, newest first.
    /// - Remark: GET /v1/webhook_endpoints
    public func list(limit: Int? = nil, after: String? = nil) async throws -> CursorPage<WebhookEndpoint> {
        try await client.json(.get("/webhook_endpoints", query: [("limit", limit.map(String.init)), ("after", after)]))
    }

    /// - Remark: DELETE /v1/webhook_endpoints/{webhook_endpoint_id}
    public func delete(_ id: String) async throws -> DeletedWebhookEndpoint { try await client.json(.delete("/webhook_endpoints/\(seg(id))")) }

    /// A new secret (the old one stops signing, or after 24 hours with `keepOldSecret`).
    /// - Remark: POST /v1/webhook_endpoints/{webhook_endpoint_id}/rotate_secret
    public func rotateSecret(_ id: String, keepOldSecret: Bool = false) async throws -> WebhookEndpoint {
        struct Body: Encodable { let keep_old_secret_active_for_24_hours: Bool }
        return try await client.json(.post("/webhook_endpoints/\(seg(id))/rotate_secret", json: Body(keep_old_secret_active_for_24_hours: keepOldSecret)))
    }

    /// Sends a sample event of `eventType` to the endpoint; reports the receiver's status.
    /// - Remark: POST /v1/webhook_endpoints/{webhook_endpoint_id}/test
    public func test(_ id: String, eventType: String) async throws -> WebhookEndpointTestResult {
        struct Body: Encodable { let event_type: String }
        return try await client.json(.post("/webhook_endpoints/\(seg(id))/test", json: Body(event_type: eventType)))
    }

    /// - Remark: GET /v1/webhook_event_types
    public func eventTypes() async throws -> WebhookEventTypeList { try await client.json(.get("/webhook_event_types")) }

    /// Why a delivery is refused.
    public struct InvalidSignature: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// A delivery's event, once its signature is checked as the official SDKs check it: the
    /// `webhook-signature` header holds `v1,<base64 HMAC-SHA256>` values (any may match) over
    /// `<webhook-id>.<webhook-timestamp>.<body>`, keyed by the base64 after `whsec_` in `secret`,
    /// and `webhook-timestamp` is within `tolerance` seconds of `now` (Unix seconds). Header
    /// names are matched without regard to case.
    public static func unwrap(body: [UInt8], headers: [(String, String)], secret: String, now: Int,
                              tolerance: Int = 300) throws -> WebhookEvent {
        func header(_ name: String) throws -> String {
            guard let v = headers.first(where: { $0.0.lowercased() == name })?.1 else { throw InvalidSignature(description: "missing \(name) header") }
            return v
        }
        let id = try header("webhook-id"), stamp = try header("webhook-timestamp"), signatures = try header("webhook-signature")
        guard let t = Int(stamp) else { throw InvalidSignature(description: "webhook-timestamp is not a number") }
        guard now - t <= tolerance else { throw InvalidSignature(description: "webhook timestamp is too old") }
        guard t - now <= tolerance else { throw InvalidSignature(description: "webhook timestamp is too new") }
        guard let key = WebhookSignature.key(secret: secret) else { throw InvalidSignature(description: "the secret is not base64") }
        let expected = WebhookSignature.v1(webhookID: id, timestamp: stamp, body: body, key: key)
        let offered = signatures.split(separator: " ").map { $0.hasPrefix("v1,") ? String($0.dropFirst(3)) : String($0) }
        guard offered.contains(where: { constantTimeEqual($0, expected) }) else {
            throw InvalidSignature(description: "the signature does not match")
        }
        return try JSONDecoder().decode(WebhookEvent.self, from: Data(body))
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

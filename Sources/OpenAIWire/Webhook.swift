/// A webhook endpoint (`/v1/webhook_endpoints`; shapes from the official Python SDK's types, the
/// OpenAPI document this project follows has none). `signingSecret` is set only by create and
/// rotate.
public struct WebhookEndpoint: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let createdAt: Int
    public let updatedAt: Int?
    public let name: String
    public let url: String
    public let eventTypes: [String]
    public let signingSecretHint: String?
    public let signingSecret: String?

    enum CodingKeys: String, CodingKey {
        case id, object, name, url, createdAt = "created_at", updatedAt = "updated_at", eventTypes = "event_types"
        case signingSecretHint = "signing_secret_hint", signingSecret = "signing_secret"
    }
}

/// The body of a webhook endpoint create (all three) or update (any of them).
public struct WebhookEndpointRequest: Encodable, Sendable {
    public var name: String?
    public var url: String?
    public var eventTypes: [String]?
    public init(name: String? = nil, url: String? = nil, eventTypes: [String]? = nil) {
        self.name = name
        self.url = url
        self.eventTypes = eventTypes
    }
    enum CodingKeys: String, CodingKey { case name, url, eventTypes = "event_types" }
}

public struct DeletedWebhookEndpoint: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let deleted: Bool
}

/// What `POST /v1/webhook_endpoints/{id}/test` reports: the receiver's status.
public struct WebhookEndpointTestResult: Codable, Sendable, Hashable {
    public let object: String
    public let webhookEndpointID: String
    public let eventType: String
    public let statusCode: Int
    public let success: Bool
    enum CodingKeys: String, CodingKey {
        case object, success, webhookEndpointID = "webhook_endpoint_id", eventType = "event_type", statusCode = "status_code"
    }
}

/// `GET /v1/webhook_event_types`.
public struct WebhookEventTypeList: Codable, Sendable, Hashable {
    public let object: String
    public let data: [String]
}

/// A delivered webhook event (the spec's `webhooks:` payloads): `data.id` names the batch,
/// fine-tuning job, eval run or response.
public struct WebhookEvent: Codable, Sendable, Hashable {
    public struct Data: Codable, Sendable, Hashable { public let id: String }
    public let id: String
    public let object: String?
    public let createdAt: Int
    public let type: String
    public let data: Data
    enum CodingKeys: String, CodingKey { case id, object, type, data, createdAt = "created_at" }
}

/// A project of the organization (`Project` in the spec).
public struct Project: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let name: String?
    public let createdAt: Int
    public let archivedAt: Int?
    public let status: String?

    enum CodingKeys: String, CodingKey {
        case id, object, name, status, createdAt = "created_at", archivedAt = "archived_at"
    }
}

/// `POST /v1/organization/projects` and `POST /v1/organization/projects/{project_id}`.
public struct ProjectRequest: Codable, Sendable {
    public var name: String?
    public init(name: String?) { self.name = name }
}

/// `POST /v1/organization/projects/{project_id}/service_accounts`: the same body as an admin
/// key's (`name`, `expires_in_seconds`: the initial key's lifetime, not in the spec followed
/// here; the official SDK 3.57 sends it).
public typealias CreateServiceAccountRequest = CreateAdminAPIKeyRequest

/// A project's service account (`ProjectServiceAccount`); `apiKey` only in the create answer,
/// the one time the key's value is shown.
public struct ProjectServiceAccount: Codable, Sendable, Hashable {
    public let object: String
    public let id: String
    public let name: String
    public let role: String
    public let createdAt: Int
    public let apiKey: ProjectServiceAccountAPIKey?

    enum CodingKeys: String, CodingKey {
        case object, id, name, role, createdAt = "created_at", apiKey = "api_key"
    }
}

/// The key minted with a service account (`ProjectServiceAccountApiKey`).
public struct ProjectServiceAccountAPIKey: Codable, Sendable, Hashable {
    public let object: String
    public let value: String
    public let name: String
    public let createdAt: Int
    /// When the key stops working (unix seconds); nil when it does not expire. Not in the spec
    /// followed here; the official SDK (3.57) reads it.
    public let expiresAt: Int?
    public let id: String

    enum CodingKeys: String, CodingKey { case object, value, name, id, createdAt = "created_at", expiresAt = "expires_at" }
}

/// A project API key as listed (`ProjectApiKey`): the value only redacted. `owner` stays JSON
/// (a user or a service account).
public struct ProjectAPIKey: Codable, Sendable, Hashable {
    public let object: String
    public let redactedValue: String
    public let name: String
    public let createdAt: Int
    public let lastUsedAt: Int?
    /// See `ProjectServiceAccountAPIKey.expiresAt`.
    public let expiresAt: Int?
    public let id: String
    public let owner: JSONValue

    enum CodingKeys: String, CodingKey {
        case object, name, id, owner, redactedValue = "redacted_value", createdAt = "created_at", lastUsedAt = "last_used_at"
        case expiresAt = "expires_at"
    }
}

/// An organization admin API key (`AdminApiKey`); `value` only in the create answer.
public struct AdminAPIKey: Codable, Sendable, Hashable {
    public let object: String
    public let id: String
    public let name: String?
    public let redactedValue: String
    public let createdAt: Int
    public let expiresAt: Int?
    public let value: String?

    enum CodingKeys: String, CodingKey {
        case object, id, name, value, redactedValue = "redacted_value", createdAt = "created_at", expiresAt = "expires_at"
    }
}

/// `POST /v1/organization/admin_api_keys`.
public struct CreateAdminAPIKeyRequest: Codable, Sendable {
    public var name: String
    public var expiresInSeconds: Int?
    public init(name: String, expiresInSeconds: Int? = nil) {
        self.name = name
        self.expiresInSeconds = expiresInSeconds
    }
    enum CodingKeys: String, CodingKey { case name, expiresInSeconds = "expires_in_seconds" }
}

/// The answer of the admin API's deletes (`{"object": "….deleted", "id", "deleted"}`).
public struct OrganizationObjectDeleted: Codable, Sendable, Hashable {
    public let object: String
    public let id: String
    public let deleted: Bool
}

/// A page of usage or costs buckets (`UsageResponse`). A bucket's results stay JSON: their shape
/// depends on the endpoint (`organization.usage.completions.result`, `organization.costs.result`, …).
public struct UsagePage: Codable, Sendable, Hashable {
    public let object: String
    public let data: [UsageBucket]
    public let hasMore: Bool
    public let nextPage: String?

    enum CodingKeys: String, CodingKey { case object, data, hasMore = "has_more", nextPage = "next_page" }
}

/// One time bucket (`UsageTimeBucket`).
public struct UsageBucket: Codable, Sendable, Hashable {
    public let object: String
    public let startTime: Int
    public let endTime: Int
    public let results: [JSONValue]

    enum CodingKeys: String, CodingKey { case object, results, startTime = "start_time", endTime = "end_time" }
}

public typealias ProjectListResponse = CursorPage<Project>
public typealias ProjectServiceAccountListResponse = CursorPage<ProjectServiceAccount>
public typealias ProjectAPIKeyListResponse = CursorPage<ProjectAPIKey>
public typealias AdminAPIKeyListResponse = CursorPage<AdminAPIKey>
public typealias ProjectRateLimitListResponse = CursorPage<ProjectRateLimit>

/// `CreateProjectServiceAccountApiKeyBody`: another key for a service account.
public struct CreateServiceAccountAPIKeyRequest: Codable, Sendable {
    public var name: String?
    public var scopes: [String]?
    public var expiresInSeconds: Int?
    public init(name: String? = nil, scopes: [String]? = nil, expiresInSeconds: Int? = nil) {
        self.name = name
        self.scopes = scopes
        self.expiresInSeconds = expiresInSeconds
    }
    enum CodingKeys: String, CodingKey { case name, scopes, expiresInSeconds = "expires_in_seconds" }
}

/// A project's limits for one model (`ProjectRateLimit`); the optional fields only for models they apply to.
public struct ProjectRateLimit: Codable, Sendable, Hashable {
    public let object: String
    public let id: String
    public let model: String
    public var maxRequestsPer1Minute: Int
    public var maxTokensPer1Minute: Int
    public var maxImagesPer1Minute: Int?
    public var maxAudioMegabytesPer1Minute: Int?
    public var maxRequestsPer1Day: Int?
    public var batch1DayMaxInputTokens: Int?

    enum CodingKeys: String, CodingKey {
        case object, id, model
        case maxRequestsPer1Minute = "max_requests_per_1_minute", maxTokensPer1Minute = "max_tokens_per_1_minute"
        case maxImagesPer1Minute = "max_images_per_1_minute", maxAudioMegabytesPer1Minute = "max_audio_megabytes_per_1_minute"
        case maxRequestsPer1Day = "max_requests_per_1_day", batch1DayMaxInputTokens = "batch_1_day_max_input_tokens"
    }
}

/// `ProjectRateLimitUpdateRequest`: the fields to lower (nil ones are left as they are).
public struct ProjectRateLimitUpdateRequest: Codable, Sendable {
    public var maxRequestsPer1Minute: Int?
    public var maxTokensPer1Minute: Int?
    public var maxImagesPer1Minute: Int?
    public var maxAudioMegabytesPer1Minute: Int?
    public var maxRequestsPer1Day: Int?
    public var batch1DayMaxInputTokens: Int?
    public init(maxRequestsPer1Minute: Int? = nil, maxTokensPer1Minute: Int? = nil, maxImagesPer1Minute: Int? = nil,
                maxAudioMegabytesPer1Minute: Int? = nil, maxRequestsPer1Day: Int? = nil, batch1DayMaxInputTokens: Int? = nil) {
        self.maxRequestsPer1Minute = maxRequestsPer1Minute
        self.maxTokensPer1Minute = maxTokensPer1Minute
        self.maxImagesPer1Minute = maxImagesPer1Minute
        self.maxAudioMegabytesPer1Minute = maxAudioMegabytesPer1Minute
        self.maxRequestsPer1Day = maxRequestsPer1Day
        self.batch1DayMaxInputTokens = batch1DayMaxInputTokens
    }
    enum CodingKeys: String, CodingKey {
        case maxRequestsPer1Minute = "max_requests_per_1_minute", maxTokensPer1Minute = "max_tokens_per_1_minute"
        case maxImagesPer1Minute = "max_images_per_1_minute", maxAudioMegabytesPer1Minute = "max_audio_megabytes_per_1_minute"
        case maxRequestsPer1Day = "max_requests_per_1_day", batch1DayMaxInputTokens = "batch_1_day_max_input_tokens"
    }
}

/// A member of the organization (`User`).
public struct OrganizationUser: Codable, Sendable, Hashable {
    public let object: String
    public let id: String
    public let name: String?
    public let email: String?
    public let role: String?
    public let addedAt: Int

    enum CodingKeys: String, CodingKey { case object, id, name, email, role, addedAt = "added_at" }
}

/// A project's member (`ProjectUser`).
public struct ProjectUser: Codable, Sendable, Hashable {
    public let object: String
    public let id: String
    public let name: String?
    public let email: String?
    public let role: String
    public let addedAt: Int

    enum CodingKeys: String, CodingKey { case object, id, name, email, role, addedAt = "added_at" }
}

/// An invitation to the organization (`Invite`).
public struct Invite: Codable, Sendable, Hashable {
    public struct ProjectRole: Codable, Sendable, Hashable {
        public let id: String
        public let role: String
        public init(id: String, role: String) {
            self.id = id
            self.role = role
        }
    }

    public let object: String
    public let id: String
    public let email: String
    public let role: String
    public let status: String
    public let createdAt: Int
    public let expiresAt: Int?
    public let acceptedAt: Int?
    public let projects: [ProjectRole]

    enum CodingKeys: String, CodingKey {
        case object, id, email, role, status, projects, createdAt = "created_at", expiresAt = "expires_at", acceptedAt = "accepted_at"
    }
}

/// `POST /v1/organization/invites`.
public struct InviteRequest: Codable, Sendable {
    public var email: String
    public var role: String
    public var projects: [Invite.ProjectRole]?
    public init(email: String, role: String, projects: [Invite.ProjectRole]? = nil) {
        self.email = email
        self.role = role
        self.projects = projects
    }
}

/// One audit log event (`AuditLog`). The actor, the project and the event's own payload (the
/// member named after `type`, e.g. `"project.created"`) stay JSON.
public struct AuditLog: Codable, Sendable, Hashable {
    public let id: String
    public let type: String
    public let effectiveAt: Int
    public let actor: JSONValue?
    public let project: JSONValue?
    /// The event's payload (`{"id": …, "data": …}`), read from the member named `type`.
    public let payload: JSONValue?

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        id = try c.decode(String.self, forKey: Key(stringValue: "id"))
        type = try c.decode(String.self, forKey: Key(stringValue: "type"))
        effectiveAt = try c.decode(Int.self, forKey: Key(stringValue: "effective_at"))
        actor = try c.decodeIfPresent(JSONValue.self, forKey: Key(stringValue: "actor"))
        project = try c.decodeIfPresent(JSONValue.self, forKey: Key(stringValue: "project"))
        payload = try c.decodeIfPresent(JSONValue.self, forKey: Key(stringValue: type))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(id, forKey: Key(stringValue: "id"))
        try c.encode(type, forKey: Key(stringValue: "type"))
        try c.encode(effectiveAt, forKey: Key(stringValue: "effective_at"))
        try c.encodeIfPresent(actor, forKey: Key(stringValue: "actor"))
        try c.encodeIfPresent(project, forKey: Key(stringValue: "project"))
        try c.encodeIfPresent(payload, forKey: Key(stringValue: type))
    }
}

public typealias OrganizationUserListResponse = CursorPage<OrganizationUser>
public typealias ProjectUserListResponse = CursorPage<ProjectUser>
public typealias InviteListResponse = CursorPage<Invite>
public typealias ListAuditLogsResponse = CursorPage<AuditLog>

import OpenAIWire

/// `/organization`: the admin API (send an owner or admin key as the client's API key).
/// Projects, their service accounts and API keys, admin API keys, usage and costs.
public struct Organization: Sendable {
    let client: OpenAIClient

    public var projects: Projects { Projects(client: client) }
    public var adminAPIKeys: AdminAPIKeys { AdminAPIKeys(client: client) }

    /// The organization's members.
    /// - Remark: GET /v1/organization/users
    public func users(limit: Int? = nil, after: String? = nil, emails: [String] = []) async throws -> OrganizationUserListResponse {
        try await client.adminJSON(.get("/organization/users", query: [("limit", limit.map(String.init)), ("after", after)]
                                            + emails.map { ("emails[]", $0) }))
    }

    /// Changes a member's role (`owner` or `reader`).
    /// - Remark: POST /v1/organization/users/{user_id}
    public func updateUser(_ id: String, role: String) async throws -> OrganizationUser {
        try await client.adminJSON(.post("/organization/users/\(seg(id))", json: ["role": role]))
    }

    /// - Remark: POST /v1/organization/invites
    public func invite(_ request: InviteRequest) async throws -> Invite {
        try await client.adminJSON(.post("/organization/invites", json: request))
    }

    /// - Remark: GET /v1/organization/invites
    public func invites(limit: Int? = nil, after: String? = nil) async throws -> InviteListResponse {
        try await client.adminJSON(.get("/organization/invites", query: [("limit", limit.map(String.init)), ("after", after)]))
    }

    /// - Remark: DELETE /v1/organization/invites/{invite_id}
    public func deleteInvite(_ id: String) async throws -> OrganizationObjectDeleted {
        try await client.adminJSON(.delete("/organization/invites/\(seg(id))"))
    }

    /// One page of the audit log, newest first (`eventTypes`, `resourceIDs`, `effectiveAtGTE` filter it).
    /// - Remark: GET /v1/organization/audit_logs
    public func auditLogs(limit: Int? = nil, after: String? = nil, before: String? = nil, eventTypes: [String] = [],
                          resourceIDs: [String] = [], effectiveAtGTE: Int? = nil) async throws -> ListAuditLogsResponse {
        var query: [(String, String?)] = [("limit", limit.map(String.init)), ("after", after), ("before", before),
                                         ("effective_at[gte]", effectiveAtGTE.map(String.init))]
        query += eventTypes.map { ("event_types[]", $0) } + resourceIDs.map { ("resource_ids[]", $0) }
        return try await client.adminJSON(.get("/organization/audit_logs", query: query))
    }

    /// Usage buckets of one kind (`completions`, `embeddings`, `moderations`, …) from `startTime`,
    /// optionally only of some projects, users, API keys or models.
    /// - Remark: GET /v1/organization/usage/{kind}
    public func usage(_ kind: String, startTime: Int, endTime: Int? = nil, bucketWidth: String? = nil, groupBy: [String] = [],
                      projectIDs: [String] = [], userIDs: [String] = [], apiKeyIDs: [String] = [], models: [String] = [],
                      limit: Int? = nil, page: String? = nil) async throws -> UsagePage {
        var query: [(String, String?)] = [("start_time", String(startTime)), ("end_time", endTime.map(String.init)),
                                         ("bucket_width", bucketWidth), ("limit", limit.map(String.init)), ("page", page)]
        query += groupBy.map { ("group_by[]", $0) } + projectIDs.map { ("project_ids[]", $0) } + userIDs.map { ("user_ids[]", $0) }
            + apiKeyIDs.map { ("api_key_ids[]", $0) } + models.map { ("models[]", $0) }
        return try await client.adminJSON(.get("/organization/usage/\(seg(kind))", query: query))
    }

    /// Costs in daily buckets from `startTime` (`groupBy`: project_id, line_item).
    /// - Remark: GET /v1/organization/costs
    public func costs(startTime: Int, endTime: Int? = nil, groupBy: [String] = [], limit: Int? = nil, page: String? = nil) async throws -> UsagePage {
        var query: [(String, String?)] = [("start_time", String(startTime)), ("end_time", endTime.map(String.init)),
                                         ("limit", limit.map(String.init)), ("page", page)]
        query += groupBy.map { ("group_by[]", $0) }
        return try await client.adminJSON(.get("/organization/costs", query: query))
    }
}

/// `/organization/projects`.
public struct Projects: Sendable {
    let client: OpenAIClient

    /// - Remark: POST /v1/organization/projects
    public func create(name: String) async throws -> Project {
        try await client.adminJSON(.post("/organization/projects", json: ProjectRequest(name: name)))
    }

    /// - Remark: GET /v1/organization/projects/{project_id}
    public func retrieve(_ id: String) async throws -> Project { try await client.adminJSON(.get("/organization/projects/\(seg(id))")) }

    /// - Remark: POST /v1/organization/projects/{project_id}
    public func update(_ id: String, name: String) async throws -> Project {
        try await client.adminJSON(.post("/organization/projects/\(seg(id))", json: ProjectRequest(name: name)))
    }

    /// Archives the project (its keys stop working).
    /// - Remark: POST /v1/organization/projects/{project_id}/archive
    public func archive(_ id: String) async throws -> Project { try await client.adminJSON(.post("/organization/projects/\(seg(id))/archive")) }

    /// - Remark: GET /v1/organization/projects
    public func list(limit: Int? = nil, after: String? = nil, includeArchived: Bool? = nil) async throws -> ProjectListResponse {
        try await client.adminJSON(.get("/organization/projects", query: [("limit", limit.map(String.init)), ("after", after),
                                                                      ("include_archived", includeArchived.map { $0 ? "true" : "false" })]))
    }

    /// Every project, page after page.
    public func listAll(limit: Int? = nil, includeArchived: Bool? = nil) -> CursorPageSequence<Project> {
        CursorPageSequence(after: nil, id: \.id) { after in try await list(limit: limit, after: after, includeArchived: includeArchived) }
    }

    /// Creates a service account in the project, with an API key (its value is in `apiKey`).
    /// - Remark: POST /v1/organization/projects/{project_id}/service_accounts
    public func createServiceAccount(projectID: String, name: String, expiresInSeconds: Int? = nil) async throws -> ProjectServiceAccount {
        try await client.adminJSON(.post("/organization/projects/\(seg(projectID))/service_accounts",
                                         json: CreateServiceAccountRequest(name: name, expiresInSeconds: expiresInSeconds)))
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/service_accounts
    public func listServiceAccounts(projectID: String, limit: Int? = nil, after: String? = nil) async throws -> ProjectServiceAccountListResponse {
        try await client.adminJSON(.get("/organization/projects/\(seg(projectID))/service_accounts",
                                   query: [("limit", limit.map(String.init)), ("after", after)]))
    }

    /// Another API key for a service account (its value is in the answer, once).
    /// - Remark: POST /v1/organization/projects/{project_id}/service_accounts/{service_account_id}/api_keys
    public func createServiceAccountKey(projectID: String, serviceAccountID: String,
                                        _ request: CreateServiceAccountAPIKeyRequest = CreateServiceAccountAPIKeyRequest()) async throws -> ProjectServiceAccountAPIKey {
        try await client.adminJSON(.post("/organization/projects/\(seg(projectID))/service_accounts/\(seg(serviceAccountID))/api_keys", json: request))
    }

    /// The project's rate limits, one per model.
    /// - Remark: GET /v1/organization/projects/{project_id}/rate_limits
    public func listRateLimits(projectID: String, limit: Int? = nil, after: String? = nil, before: String? = nil) async throws -> ProjectRateLimitListResponse {
        try await client.adminJSON(.get("/organization/projects/\(seg(projectID))/rate_limits",
                                   query: [("limit", limit.map(String.init)), ("after", after), ("before", before)]))
    }

    /// Lowers some of a model's limits for the project.
    /// - Remark: POST /v1/organization/projects/{project_id}/rate_limits/{rate_limit_id}
    public func updateRateLimit(projectID: String, id: String, _ request: ProjectRateLimitUpdateRequest) async throws -> ProjectRateLimit {
        try await client.adminJSON(.post("/organization/projects/\(seg(projectID))/rate_limits/\(seg(id))", json: request))
    }

    /// Deletes the service account and revokes its keys.
    /// - Remark: DELETE /v1/organization/projects/{project_id}/service_accounts/{service_account_id}
    public func deleteServiceAccount(projectID: String, id: String) async throws -> OrganizationObjectDeleted {
        try await client.adminJSON(.delete("/organization/projects/\(seg(projectID))/service_accounts/\(seg(id))"))
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/users
    public func listUsers(projectID: String, limit: Int? = nil, after: String? = nil) async throws -> ProjectUserListResponse {
        try await client.adminJSON(.get("/organization/projects/\(seg(projectID))/users",
                                        query: [("limit", limit.map(String.init)), ("after", after)]))
    }

    /// Adds an organization member to the project (`role`: owner or member).
    /// - Remark: POST /v1/organization/projects/{project_id}/users
    public func addUser(projectID: String, userID: String, role: String) async throws -> ProjectUser {
        try await client.adminJSON(.post("/organization/projects/\(seg(projectID))/users", json: ["user_id": userID, "role": role]))
    }

    /// - Remark: DELETE /v1/organization/projects/{project_id}/users/{user_id}
    public func removeUser(projectID: String, userID: String) async throws -> OrganizationObjectDeleted {
        try await client.adminJSON(.delete("/organization/projects/\(seg(projectID))/users/\(seg(userID))"))
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/api_keys
    public func listAPIKeys(projectID: String, limit: Int? = nil, after: String? = nil) async throws -> ProjectAPIKeyListResponse {
        try await client.adminJSON(.get("/organization/projects/\(seg(projectID))/api_keys",
                                   query: [("limit", limit.map(String.init)), ("after", after)]))
    }
}

/// `/organization/admin_api_keys`.
public struct AdminAPIKeys: Sendable {
    let client: OpenAIClient

    /// Mints an admin key; the answer carries its value (the only time it is shown).
    /// - Remark: POST /v1/organization/admin_api_keys
    public func create(_ request: CreateAdminAPIKeyRequest) async throws -> AdminAPIKey {
        try await client.adminJSON(.post("/organization/admin_api_keys", json: request))
    }

    /// - Remark: GET /v1/organization/admin_api_keys/{key_id}
    public func retrieve(_ id: String) async throws -> AdminAPIKey { try await client.adminJSON(.get("/organization/admin_api_keys/\(seg(id))")) }

    /// - Remark: GET /v1/organization/admin_api_keys
    public func list(limit: Int? = nil, after: String? = nil, order: String? = nil) async throws -> AdminAPIKeyListResponse {
        try await client.adminJSON(.get("/organization/admin_api_keys", query: [("limit", limit.map(String.init)), ("after", after), ("order", order)]))
    }

    /// - Remark: DELETE /v1/organization/admin_api_keys/{key_id}
    public func delete(_ id: String) async throws -> OrganizationObjectDeleted {
        try await client.adminJSON(.delete("/organization/admin_api_keys/\(seg(id))"))
    }
}

extension OpenAIClient {
    /// `json` with the admin key when one is configured (else the API key), as the admin API wants.
    func adminJSON<T: Decodable>(_ endpoint: Endpoint, as type: T.Type = T.self) async throws -> T {
        var e = endpoint
        e.auth = .adminOrAPIKey
        return try await json(e, as: type)
    }
}

import OpenAIWire

/// A project's settings and access in the admin API: its certificates, data retention, hard spend
/// limit and spend alerts, hosted-tool permissions and groups (its model permissions are in
/// `Organization+Settings.swift`).
extension Projects {
    static func path(_ projectID: String, _ rest: String) -> String { "/organization/projects/\(seg(projectID))/\(rest)" }

    // MARK: Certificates

    /// The organization's certificates, each with whether it is active for the project (newest first by default).
    /// - Remark: GET /v1/organization/projects/{project_id}/certificates
    public func listCertificates(projectID: String, limit: Int? = nil, after: String? = nil, order: String? = nil) async throws -> ListCertificatesResponse {
        try await client.adminJSON(.get(Self.path(projectID, "certificates"), query: Organization.pageQuery(limit, after, order)))
    }

    /// Activates up to 10 of the organization's certificates for the project (atomically, idempotently).
    /// - Remark: POST /v1/organization/projects/{project_id}/certificates/activate
    public func activateCertificates(projectID: String, certificateIDs: [String]) async throws -> CertificateActivationResponse {
        try await client.adminJSON(.post(Self.path(projectID, "certificates/activate"), json: ["certificate_ids": certificateIDs]))
    }

    /// - Remark: POST /v1/organization/projects/{project_id}/certificates/deactivate
    public func deactivateCertificates(projectID: String, certificateIDs: [String]) async throws -> CertificateActivationResponse {
        try await client.adminJSON(.post(Self.path(projectID, "certificates/deactivate"), json: ["certificate_ids": certificateIDs]))
    }

    // MARK: Data retention

    /// `organization_default` until set.
    /// - Remark: GET /v1/organization/projects/{project_id}/data_retention
    public func dataRetention(projectID: String) async throws -> DataRetention {
        try await client.adminJSON(.get(Self.path(projectID, "data_retention")))
    }

    /// `type`: organization_default, none, zero_data_retention, modified_abuse_monitoring,
    /// enhanced_zero_data_retention, enhanced_modified_abuse_monitoring.
    /// - Remark: POST /v1/organization/projects/{project_id}/data_retention
    public func updateDataRetention(projectID: String, _ type: String) async throws -> DataRetention {
        try await client.adminJSON(.post(Self.path(projectID, "data_retention"), json: ["retention_type": type]))
    }

    // MARK: Spend limit

    /// The project's hard spend limit (a 404 `OpenAIError` when none is set).
    /// - Remark: GET /v1/organization/projects/{project_id}/spend_limit
    public func spendLimit(projectID: String) async throws -> SpendLimit {
        try await client.adminJSON(.get(Self.path(projectID, "spend_limit")))
    }

    /// Sets or replaces the project's hard spend limit.
    /// - Remark: POST /v1/organization/projects/{project_id}/spend_limit
    public func updateSpendLimit(projectID: String, _ request: SpendLimitRequest) async throws -> SpendLimit {
        try await client.adminJSON(.post(Self.path(projectID, "spend_limit"), json: request))
    }

    /// - Remark: DELETE /v1/organization/projects/{project_id}/spend_limit
    public func deleteSpendLimit(projectID: String) async throws -> DeletedConfirmation {
        try await client.adminJSON(.delete(Self.path(projectID, "spend_limit")))
    }

    // MARK: Spend alerts

    /// - Remark: POST /v1/organization/projects/{project_id}/spend_alerts
    public func createSpendAlert(projectID: String, _ request: SpendAlertRequest) async throws -> SpendAlert {
        try await client.adminJSON(.post(Self.path(projectID, "spend_alerts"), json: request))
    }

    /// The project's spend alerts (oldest first by default).
    /// - Remark: GET /v1/organization/projects/{project_id}/spend_alerts
    public func spendAlerts(projectID: String, limit: Int? = nil, after: String? = nil, before: String? = nil,
                            order: String? = nil) async throws -> SpendAlertListResponse {
        try await client.adminJSON(.get(Self.path(projectID, "spend_alerts"), query: [("limit", limit.map(String.init)), ("after", after),
                                                                                     ("before", before), ("order", order)]))
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/spend_alerts/{alert_id}
    public func spendAlert(projectID: String, id: String) async throws -> SpendAlert {
        try await client.adminJSON(.get(Self.path(projectID, "spend_alerts/\(seg(id))")))
    }

    /// Replaces the alert's threshold and notification settings.
    /// - Remark: POST /v1/organization/projects/{project_id}/spend_alerts/{alert_id}
    public func updateSpendAlert(projectID: String, id: String, _ request: SpendAlertRequest) async throws -> SpendAlert {
        try await client.adminJSON(.post(Self.path(projectID, "spend_alerts/\(seg(id))"), json: request))
    }

    /// - Remark: DELETE /v1/organization/projects/{project_id}/spend_alerts/{alert_id}
    public func deleteSpendAlert(projectID: String, id: String) async throws -> OrganizationObjectDeleted {
        try await client.adminJSON(.delete(Self.path(projectID, "spend_alerts/\(seg(id))")))
    }

    // MARK: Hosted tool permissions

    /// Every hosted tool enabled until changed.
    /// - Remark: GET /v1/organization/projects/{project_id}/hosted_tool_permissions
    public func hostedToolPermissions(projectID: String) async throws -> ProjectHostedToolPermissions {
        try await client.adminJSON(.get(Self.path(projectID, "hosted_tool_permissions")))
    }

    /// Enables or disables the tools set in `request`; the others keep their state.
    /// - Remark: POST /v1/organization/projects/{project_id}/hosted_tool_permissions
    public func updateHostedToolPermissions(projectID: String, _ request: ProjectHostedToolPermissionsRequest) async throws -> ProjectHostedToolPermissions {
        try await client.adminJSON(.post(Self.path(projectID, "hosted_tool_permissions"), json: request))
    }

    // MARK: Groups

    /// The groups with access to the project.
    /// - Remark: GET /v1/organization/projects/{project_id}/groups
    public func listGroups(projectID: String, limit: Int? = nil, after: String? = nil, order: String? = nil) async throws -> ProjectGroupListResponse {
        try await client.adminJSON(.get(Self.path(projectID, "groups"), query: Organization.pageQuery(limit, after, order)))
    }

    /// Gives a group access to the project with the project role `role` (a role id).
    /// - Remark: POST /v1/organization/projects/{project_id}/groups
    public func addGroup(projectID: String, groupID: String, role: String) async throws -> ProjectGroup {
        try await client.adminJSON(.post(Self.path(projectID, "groups"), json: InviteProjectGroupRequest(groupID: groupID, role: role)))
    }

    /// `groupType`: `group` (the default) or `tenant_group`.
    /// - Remark: GET /v1/organization/projects/{project_id}/groups/{group_id}
    public func retrieveGroup(projectID: String, groupID: String, groupType: String? = nil) async throws -> ProjectGroup {
        try await client.adminJSON(.get(Self.path(projectID, "groups/\(seg(groupID))"), query: [("group_type", groupType)]))
    }

    /// Takes the group's access to the project away, with its roles there.
    /// - Remark: DELETE /v1/organization/projects/{project_id}/groups/{group_id}
    public func removeGroup(projectID: String, groupID: String) async throws -> DeletedConfirmation {
        try await client.adminJSON(.delete(Self.path(projectID, "groups/\(seg(groupID))")))
    }
}

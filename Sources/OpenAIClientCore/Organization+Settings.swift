import OpenAIWire

/// Organization settings in the admin API: certificates, data retention, the spend limit and
/// spend alerts; a project's model permissions.
extension Organization {
    public var certificates: Certificates { Certificates(client: client) }

    /// - Remark: GET /v1/organization/data_retention
    public func dataRetention() async throws -> DataRetention { try await client.adminJSON(.get("/organization/data_retention")) }

    /// `type`: zero_data_retention, modified_abuse_monitoring, enhanced_zero_data_retention, enhanced_modified_abuse_monitoring.
    /// - Remark: POST /v1/organization/data_retention
    public func updateDataRetention(_ type: String) async throws -> DataRetention {
        try await client.adminJSON(.post("/organization/data_retention", json: ["retention_type": type]))
    }

    /// The hard spend limit (a 404 `OpenAIError` when none is set).
    /// - Remark: GET /v1/organization/spend_limit
    public func spendLimit() async throws -> SpendLimit { try await client.adminJSON(.get("/organization/spend_limit")) }

    /// Sets or replaces the hard spend limit.
    /// - Remark: POST /v1/organization/spend_limit
    public func updateSpendLimit(_ request: SpendLimitRequest) async throws -> SpendLimit {
        try await client.adminJSON(.post("/organization/spend_limit", json: request))
    }

    /// - Remark: DELETE /v1/organization/spend_limit
    public func deleteSpendLimit() async throws -> DeletedConfirmation { try await client.adminJSON(.delete("/organization/spend_limit")) }

    /// - Remark: POST /v1/organization/spend_alerts
    public func createSpendAlert(_ request: SpendAlertRequest) async throws -> SpendAlert {
        try await client.adminJSON(.post("/organization/spend_alerts", json: request))
    }

    /// - Remark: GET /v1/organization/spend_alerts
    public func spendAlerts(limit: Int? = nil, after: String? = nil, before: String? = nil, order: String? = nil) async throws -> SpendAlertListResponse {
        try await client.adminJSON(.get("/organization/spend_alerts", query: [("limit", limit.map(String.init)), ("after", after),
                                                                          ("before", before), ("order", order)]))
    }

    /// - Remark: GET /v1/organization/spend_alerts/{alert_id}
    public func spendAlert(_ id: String) async throws -> SpendAlert { try await client.adminJSON(.get("/organization/spend_alerts/\(seg(id))")) }

    /// Replaces the alert's threshold and notification settings.
    /// - Remark: POST /v1/organization/spend_alerts/{alert_id}
    public func updateSpendAlert(_ id: String, _ request: SpendAlertRequest) async throws -> SpendAlert {
        try await client.adminJSON(.post("/organization/spend_alerts/\(seg(id))", json: request))
    }

    /// - Remark: DELETE /v1/organization/spend_alerts/{alert_id}
    public func deleteSpendAlert(_ id: String) async throws -> OrganizationObjectDeleted {
        try await client.adminJSON(.delete("/organization/spend_alerts/\(seg(id))"))
    }
}

extension Projects {
    /// A deny list with no models (every model allowed) until set.
    /// - Remark: GET /v1/organization/projects/{project_id}/model_permissions
    public func modelPermissions(projectID: String) async throws -> ProjectModelPermissions {
        try await client.adminJSON(.get("/organization/projects/\(seg(projectID))/model_permissions"))
    }

    /// - Remark: POST /v1/organization/projects/{project_id}/model_permissions
    public func updateModelPermissions(projectID: String, _ request: ProjectModelPermissionsRequest) async throws -> ProjectModelPermissions {
        try await client.adminJSON(.post("/organization/projects/\(seg(projectID))/model_permissions", json: request))
    }

    /// Back to the default (every model allowed).
    /// - Remark: DELETE /v1/organization/projects/{project_id}/model_permissions
    public func deleteModelPermissions(projectID: String) async throws -> DeletedConfirmation {
        try await client.adminJSON(.delete("/organization/projects/\(seg(projectID))/model_permissions"))
    }
}

/// `/organization/certificates`: uploaded PEM certificates, activated for the organization.
public struct Certificates: Sendable {
    let client: OpenAIClient

    /// - Remark: POST /v1/organization/certificates
    public func upload(_ request: UploadCertificateRequest) async throws -> Certificate {
        try await client.adminJSON(.post("/organization/certificates", json: request))
    }

    /// - Remark: GET /v1/organization/certificates
    public func list(limit: Int? = nil, after: String? = nil, order: String? = nil) async throws -> ListCertificatesResponse {
        try await client.adminJSON(.get("/organization/certificates", query: Organization.pageQuery(limit, after, order)))
    }

    /// `includeContent` adds the PEM to `certificateDetails.content`.
    /// - Remark: GET /v1/organization/certificates/{certificate_id}
    public func retrieve(_ id: String, includeContent: Bool = false) async throws -> Certificate {
        try await client.adminJSON(.get("/organization/certificates/\(seg(id))", query: [("include", includeContent ? "content" : nil)]))
    }

    /// Renames the certificate.
    /// - Remark: POST /v1/organization/certificates/{certificate_id}
    public func update(_ id: String, name: String) async throws -> Certificate {
        try await client.adminJSON(.post("/organization/certificates/\(seg(id))", json: ["name": name]))
    }

    /// Deletes an inactive certificate.
    /// - Remark: DELETE /v1/organization/certificates/{certificate_id}
    public func delete(_ id: String) async throws -> CertificateDeleted {
        try await client.adminJSON(.delete("/organization/certificates/\(seg(id))"))
    }

    /// - Remark: POST /v1/organization/certificates/activate
    public func activate(_ ids: [String]) async throws -> CertificateActivationResponse {
        try await client.adminJSON(.post("/organization/certificates/activate", json: ["certificate_ids": ids]))
    }

    /// - Remark: POST /v1/organization/certificates/deactivate
    public func deactivate(_ ids: [String]) async throws -> CertificateActivationResponse {
        try await client.adminJSON(.post("/organization/certificates/deactivate", json: ["certificate_ids": ids]))
    }
}

import SimCore
import SimHTTP
import SimSupport

/// The admin API's organization and project settings: certificates, data retention, spend
/// limits and alerts, model and hosted-tool permissions. See `AdminService+Settings` and
/// `AdminService+Certificates`.
extension App {
    /// Records `payload` as a `type` event of the audit log (scoped to the route's project, if
    /// any), then answers `result`.
    static func auditedChange(_ ctx: RouteContext, _ type: String, _ payload: JSON, _ result: JSON) -> RouteResult {
        recordAudit(ctx, type, payload, project: ctx.params["project_id"])
        return .json(result)
    }

    /// A settings change: `project.updated` on a project's route, else `organization.updated`,
    /// with what changed as `changes_requested`.
    static func auditedSetting(_ ctx: RouteContext, _ changes: [(String, JSON)], _ result: JSON) -> RouteResult {
        let project = ctx.params["project_id"]
        let payload: JSON = .object([("id", .string(project ?? ctx.tenant.organizationID)), ("changes_requested", .object(changes))])
        return auditedChange(ctx, project == nil ? "organization.updated" : "project.updated", payload, result)
    }

    /// The body of a spend alert's create or update (`CreateSpendAlertBody`).
    static func spendAlertInput(_ ctx: RouteContext) throws(APIError) -> AdminService.SpendAlertInput {
        let p = try ctx.body()
        try p.rejectUnknown(["threshold_amount", "currency", "interval", "notification_channel"])
        let threshold = try p.requiredInt("threshold_amount")
        let currency = try p.requiredString("currency"), interval = try p.requiredString("interval")
        guard let channel = try p.objectValue("notification_channel") else { throw APIError.missingParameter("notification_channel") }
        return try nested("notification_channel") { () throws(APIError) -> AdminService.SpendAlertInput in
            try channel.rejectUnknown(["type", "recipients", "subject_prefix"])
            let type = try channel.requiredString("type")
            guard type == "email" else { throw APIError.invalidValue("type", type, supported: ["email"]) }
            guard let recipients = try channel.strings("recipients") else { throw APIError.missingParameter("recipients") }
            return AdminService.SpendAlertInput(threshold: threshold, currency: currency, interval: interval, recipients: recipients,
                                                subjectPrefix: try channel.string("subject_prefix"))
        }
    }

    static func spendAlertChanges(_ alert: JSON) -> [(String, JSON)] {
        [("spend_alert", .object([("id", alert["id"] ?? .null), ("threshold_amount", alert["threshold_amount"] ?? .null),
                                  ("currency", alert["currency"] ?? .null), ("interval", alert["interval"] ?? .null)]))]
    }

    static func certificateIDs(_ ctx: RouteContext) throws(APIError) -> [String] {
        let p = try ctx.body()
        try p.rejectUnknown(["certificate_ids"])
        guard let ids = try p.strings("certificate_ids") else { throw APIError.missingParameter("certificate_ids") }
        return ids
    }

    /// A certificate in an audit event: its id, and its name when it has one (the event's `name` is a string).
    static func certificateRef(_ c: JSON, _ extra: [(String, JSON)] = []) -> JSON {
        var pairs: [(String, JSON)] = [("id", c["id"] ?? .null)]
        if let name = c["name"]?.stringValue { pairs.append(("name", .string(name))) }
        return .object(pairs + extra)
    }

    static func toggledCertificates(_ result: JSON) -> JSON {
        .object([("certificates", .array((result["data"]?.arrayValue ?? []).map { certificateRef($0) }))])
    }

    static func registerAdminSettingsRoutes(_ r: inout Router<RouteHandler>) {
        @Sendable func page(_ p: AdminService.Page) -> RouteResult { .json(cursorList(p.data, ids: p.ids, hasMore: p.hasMore)) }
        let base = "/v1/organization"
        let project = base + "/projects/{project_id}"

        // Certificates
        Self.addAdmin(&r, "POST", base + "/certificates") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["name", "certificate"])
            let cert = try ctx.services.admin.uploadCertificate(tenant: ctx.tenant, name: try p.string("name"), pem: try p.requiredString("certificate"))
            return auditedChange(ctx, "certificate.created", certificateRef(cert), cert)
        }
        Self.addAdmin(&r, "GET", base + "/certificates/{certificate_id}") { ctx in
            let include = ctx.query.list("include")
            for v in include where v != "content" { throw APIError.invalidValue("include", v, supported: ["content"]) }
            return .json(try ctx.services.admin.retrieveCertificate(tenant: ctx.tenant, id: ctx.param("certificate_id"),
                                                                    includeContent: include.contains("content")))
        }
        Self.addAdmin(&r, "POST", base + "/certificates/{certificate_id}") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["name"])
            let cert = try ctx.services.admin.modifyCertificate(tenant: ctx.tenant, id: ctx.param("certificate_id"), name: try p.string("name"))
            return auditedChange(ctx, "certificate.updated", certificateRef(cert), cert)
        }
        Self.addAdmin(&r, "DELETE", base + "/certificates/{certificate_id}") { ctx in
            let (deleted, cert) = try ctx.services.admin.deleteCertificate(tenant: ctx.tenant, id: ctx.param("certificate_id"))
            return auditedChange(ctx, "certificate.deleted", certificateRef(cert, [("certificate", cert["_content"] ?? "")]), deleted)
        }
        for (prefix, scoped) in [(base, false), (project, true)] {
            Self.addAdmin(&r, "GET", prefix + "/certificates") { ctx in
                let q = ctx.query
                return page(try ctx.services.admin.listCertificates(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil,
                                                                    after: q.string("after"), limit: try q.limit(default: 20, range: 1...100),
                                                                    order: try q.order(default: .desc)))
            }
            for (action, active) in [("activate", true), ("deactivate", false)] {
                Self.addAdmin(&r, "POST", prefix + "/certificates/" + action) { ctx in
                    let result = try ctx.services.admin.toggleCertificates(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil,
                                                                           ids: try certificateIDs(ctx), active: active)
                    return auditedChange(ctx, active ? "certificates.activated" : "certificates.deactivated", toggledCertificates(result), result)
                }
            }
        }

        for (prefix, scoped) in [(base, false), (project, true)] {
            // Data retention
            Self.addAdmin(&r, "GET", prefix + "/data_retention") { ctx in
                .json(try ctx.services.admin.dataRetention(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil))
            }
            Self.addAdmin(&r, "POST", prefix + "/data_retention") { ctx in
                let p = try ctx.body()
                try p.rejectUnknown(["retention_type"])
                let result = try ctx.services.admin.updateDataRetention(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil,
                                                                        type: try p.requiredString("retention_type"))
                return auditedSetting(ctx, [("data_retention", result["type"] ?? .null)], result)
            }

            // Spend limit
            Self.addAdmin(&r, "GET", prefix + "/spend_limit") { ctx in
                .json(try ctx.services.admin.spendLimit(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil))
            }
            Self.addAdmin(&r, "POST", prefix + "/spend_limit") { ctx in
                let p = try ctx.body()
                try p.rejectUnknown(["threshold_amount", "currency", "interval"])
                let result = try ctx.services.admin.updateSpendLimit(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil,
                                                                     threshold: try p.requiredInt("threshold_amount"),
                                                                     currency: try p.requiredString("currency"), interval: try p.requiredString("interval"))
                return auditedSetting(ctx, [("spend_limit", .object([("threshold_amount", result["threshold_amount"] ?? .null),
                                                                    ("currency", result["currency"] ?? .null),
                                                                    ("interval", result["interval"] ?? .null)]))], result)
            }
            Self.addAdmin(&r, "DELETE", prefix + "/spend_limit") { ctx in
                auditedSetting(ctx, [("spend_limit", .null)],
                               try ctx.services.admin.deleteSpendLimit(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil))
            }

            // Spend alerts
            Self.addAdmin(&r, "GET", prefix + "/spend_alerts") { ctx in
                let q = ctx.query
                return page(try ctx.services.admin.listSpendAlerts(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil,
                                                                   after: q.string("after"), before: q.string("before"),
                                                                   limit: try q.limit(default: 20, range: 0...100), order: try q.order(default: .asc)))
            }
            Self.addAdmin(&r, "POST", prefix + "/spend_alerts") { ctx in
                let alert = try ctx.services.admin.createSpendAlert(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil,
                                                                    try spendAlertInput(ctx))
                return auditedSetting(ctx, spendAlertChanges(alert), alert)
            }
            Self.addAdmin(&r, "GET", prefix + "/spend_alerts/{alert_id}") { ctx in
                .json(try ctx.services.admin.retrieveSpendAlert(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil,
                                                                id: ctx.param("alert_id")))
            }
            Self.addAdmin(&r, "POST", prefix + "/spend_alerts/{alert_id}") { ctx in
                let alert = try ctx.services.admin.updateSpendAlert(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil,
                                                                    id: ctx.param("alert_id"), try spendAlertInput(ctx))
                return auditedSetting(ctx, spendAlertChanges(alert), alert)
            }
            Self.addAdmin(&r, "DELETE", prefix + "/spend_alerts/{alert_id}") { ctx in
                let deleted = try ctx.services.admin.deleteSpendAlert(tenant: ctx.tenant, project: scoped ? ctx.param("project_id") : nil,
                                                                      id: ctx.param("alert_id"))
                return auditedSetting(ctx, [("spend_alert", .object([("id", deleted["id"] ?? .null), ("deleted", true)]))], deleted)
            }
        }

        // Model permissions
        Self.addAdmin(&r, "GET", project + "/model_permissions") { ctx in
            .json(try ctx.services.admin.modelPermissions(tenant: ctx.tenant, project: ctx.param("project_id")))
        }
        Self.addAdmin(&r, "POST", project + "/model_permissions") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["mode", "model_ids"])
            let mode = try p.requiredString("mode")
            guard let ids = try p.strings("model_ids") else { throw APIError.missingParameter("model_ids") }
            let result = try ctx.services.admin.updateModelPermissions(tenant: ctx.tenant, project: ctx.param("project_id"), mode: mode, modelIDs: ids)
            return auditedSetting(ctx, [("model_permissions", .object([("mode", result["mode"] ?? .null), ("model_ids", result["model_ids"] ?? .null)]))],
                                  result)
        }
        Self.addAdmin(&r, "DELETE", project + "/model_permissions") { ctx in
            auditedSetting(ctx, [("model_permissions", .null)],
                           try ctx.services.admin.deleteModelPermissions(tenant: ctx.tenant, project: ctx.param("project_id")))
        }

        // Hosted tool permissions
        Self.addAdmin(&r, "GET", project + "/hosted_tool_permissions") { ctx in
            .json(try ctx.services.admin.hostedToolPermissions(tenant: ctx.tenant, project: ctx.param("project_id")))
        }
        Self.addAdmin(&r, "POST", project + "/hosted_tool_permissions") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(Set(AdminService.hostedTools))
            var changes: [(String, Bool)] = []
            for tool in AdminService.hostedTools {
                guard let t = try p.objectValue(tool) else { continue }  // absent or null: unchanged
                let enabled = try nested(tool) { () throws(APIError) -> Bool in
                    try t.rejectUnknown(["enabled"])
                    guard let v = t.raw("enabled") else { throw APIError.missingParameter("enabled") }
                    guard let b = v.boolValue else { throw APIError.invalidType("enabled", expected: "a boolean", got: v) }
                    return b
                }
                changes.append((tool, enabled))
            }
            let result = try ctx.services.admin.updateHostedToolPermissions(tenant: ctx.tenant, project: ctx.param("project_id"), changes: changes)
            return auditedSetting(ctx, [("hosted_tool_permissions", .object(changes.map { ($0.0, .object([("enabled", .bool($0.1))])) }))], result)
        }
    }
}

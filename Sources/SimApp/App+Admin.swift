import SimCore
import SimHTTP
import SimSupport

/// The organization admin API (`/v1/organization/…`): projects, project users, service
/// accounts, project API keys, admin API keys, users and invites. See `AdminService`.
extension App {
    /// A route of the admin API: the key must be allowed to administer (any key in open mode).
    static func addAdmin(_ r: inout Router<RouteHandler>, _ method: String, _ path: String, _ handler: @escaping RouteHandler) {
        r.add(method, path) { ctx in
            try ctx.services.admin.authorizeAdmin(bearerToken(ctx.request.header("authorization") ?? ""))
            return try handler(ctx)
        }
    }

    /// The answer of a change to the organization, recorded in its audit log first.
    static func audited(_ ctx: RouteContext, _ type: String, _ result: JSON) -> RouteResult {
        let project = ctx.params["project_id"] ?? (type.hasPrefix("project.") ? result["id"]?.stringValue : nil)
        var payload: [(String, JSON)] = [("id", result["id"] ?? .null)]
        switch type {
        case "project.created": payload.append(("data", .object([("name", result["name"] ?? .null)])))
        case "project.updated": payload.append(("changes_requested", .object([("name", result["name"] ?? .null)])))
        case "user.added", "service_account.created": payload.append(("data", .object([("role", result["role"] ?? .null)])))
        case "user.updated", "service_account.updated": payload.append(("changes_requested", .object([("role", result["role"] ?? .null)])))
        case "api_key.created": payload.append(("data", .object([("scopes", .array([]))])))
        case "rate_limit.updated":
            var changes: [(String, JSON)] = []
            for f in AdminService.rateLimitFields { if let v = result[f] { changes.append((f, v)) } }
            payload.append(("changes_requested", .object(changes)))
        case "invite.sent": payload.append(("data", .object([("email", result["email"] ?? .null), ("role", result["role"] ?? .null)])))
        default: break
        }
        recordAudit(ctx, type, .object(payload), project: project)
        // A service account's key is created with it.
        if type == "service_account.created", let key = result["api_key"]?["id"] {
            recordAudit(ctx, "api_key.created", .object([("id", key), ("data", .object([("scopes", .array([]))]))]), project: project)
        }
        return .json(result)
    }

    /// Records one event in the organization's audit log, the request's key its actor.
    static func recordAudit(_ ctx: RouteContext, _ type: String, _ payload: JSON, project: String?) {
        ctx.services.admin.audit(tenant: ctx.tenant, token: bearerToken(ctx.request.header("authorization") ?? ""), type: type,
                                 payload: payload, project: project)
    }

    static func registerAdminRoutes(_ r: inout Router<RouteHandler>) {
        @Sendable func page(_ p: AdminService.Page) -> RouteResult { .json(cursorList(p.data, ids: p.ids, hasMore: p.hasMore)) }
        let base = "/v1/organization"

        // Projects
        Self.addAdmin(&r, "POST", base + "/projects") { ctx in
            let p = try ctx.body()
            // `geography`: not in the spec followed here; the official SDK (3.57) sends it, deprecated for `residency`.
            try p.rejectUnknown(["name", "residency", "external_key_id", "geography"])
            var residency = try p.string("residency")
            if let geography = try p.string("geography") {
                guard residency == nil else {
                    throw APIError.invalidRequest("Do not provide both 'geography' and 'residency'; 'geography' is deprecated, use 'residency'.",
                                                  param: "geography")
                }
                guard let mapped = AdminService.residency(forGeography: geography) else {
                    throw APIError.invalidRequest("Invalid 'geography': '\(geography)' is not a known region. Use 'residency' with one of: "
                                                      + AdminService.residencies.joined(separator: ", ") + ".", param: "geography")
                }
                residency = mapped
            }
            return audited(ctx, "project.created", try ctx.services.admin.createProject(tenant: ctx.tenant, name: try p.requiredString("name"),
                                                              residency: residency, externalKeyID: try p.string("external_key_id")))
        }
        Self.addAdmin(&r, "GET", base + "/projects") { ctx in
            let q = ctx.query
            let archived = try App.boolQuery(q.string("include_archived"), param: "include_archived") ?? false
            return page(try ctx.services.admin.listProjects(tenant: ctx.tenant, after: q.string("after"),
                                                            limit: try q.limit(default: 20, range: 1...100), includeArchived: archived))
        }
        Self.addAdmin(&r, "GET", base + "/projects/{project_id}") { ctx in
            .json(try ctx.services.admin.retrieveProject(tenant: ctx.tenant, id: ctx.param("project_id")))
        }
        Self.addAdmin(&r, "POST", base + "/projects/{project_id}") { ctx in
            let p = try ctx.body()
            // `geography` (SDK 3.57, "retained for backward compatibility"): checked, without effect.
            try p.rejectUnknown(["name", "external_key_id", "geography"])
            _ = try p.string("geography")
            return audited(ctx, "project.updated", try ctx.services.admin.updateProject(tenant: ctx.tenant, id: ctx.param("project_id"), name: try p.string("name"),
                                                              externalKeyID: try p.string("external_key_id")))
        }
        Self.addAdmin(&r, "POST", base + "/projects/{project_id}/archive") { ctx in
            audited(ctx, "project.archived", try ctx.services.admin.archiveProject(tenant: ctx.tenant, id: ctx.param("project_id")))
        }

        // Project users
        Self.addAdmin(&r, "GET", base + "/projects/{project_id}/users") { ctx in
            let q = ctx.query
            return page(try ctx.services.admin.listProjectUsers(tenant: ctx.tenant, project: ctx.param("project_id"), after: q.string("after"),
                                                                limit: try q.limit(default: 20, range: 1...100)))
        }
        Self.addAdmin(&r, "POST", base + "/projects/{project_id}/users") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["user_id", "email", "role"])
            return audited(ctx, "user.added", try ctx.services.admin.addProjectUser(tenant: ctx.tenant, project: ctx.param("project_id"), userID: try p.string("user_id"),
                                                               email: try p.string("email"), role: try p.requiredString("role")))
        }
        Self.addAdmin(&r, "GET", base + "/projects/{project_id}/users/{user_id}") { ctx in
            .json(try ctx.services.admin.retrieveProjectUser(tenant: ctx.tenant, project: ctx.param("project_id"), user: ctx.param("user_id")))
        }
        Self.addAdmin(&r, "POST", base + "/projects/{project_id}/users/{user_id}") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["role"])
            return audited(ctx, "user.updated", try ctx.services.admin.updateProjectUser(tenant: ctx.tenant, project: ctx.param("project_id"), user: ctx.param("user_id"),
                                                                  role: try p.string("role")))
        }
        Self.addAdmin(&r, "DELETE", base + "/projects/{project_id}/users/{user_id}") { ctx in
            audited(ctx, "user.deleted", try ctx.services.admin.removeProjectUser(tenant: ctx.tenant, project: ctx.param("project_id"), user: ctx.param("user_id")))
        }

        // Service accounts
        Self.addAdmin(&r, "POST", base + "/projects/{project_id}/service_accounts") { ctx in
            let p = try ctx.body()
            // `expires_in_seconds`: not in the spec followed here; the official SDK (3.57) sends it.
            try p.rejectUnknown(["name", "create_service_account_only", "expires_in_seconds"])
            var accountOnly = false
            if let v = p.raw("create_service_account_only") {
                guard let b = v.boolValue else { throw APIError.invalidType("create_service_account_only", expected: "a boolean", got: v) }
                accountOnly = b
            }
            return audited(ctx, "service_account.created", try ctx.services.admin.createServiceAccount(tenant: ctx.tenant, project: ctx.param("project_id"),
                                                                     name: try p.requiredString("name"), accountOnly: accountOnly,
                                                                     expiresIn: try p.int("expires_in_seconds")))
        }
        Self.addAdmin(&r, "GET", base + "/projects/{project_id}/service_accounts") { ctx in
            let q = ctx.query
            return page(try ctx.services.admin.listServiceAccounts(tenant: ctx.tenant, project: ctx.param("project_id"), after: q.string("after"),
                                                                   limit: try q.limit(default: 20, range: 1...100)))
        }
        Self.addAdmin(&r, "GET", base + "/projects/{project_id}/service_accounts/{service_account_id}") { ctx in
            .json(try ctx.services.admin.retrieveServiceAccount(tenant: ctx.tenant, project: ctx.param("project_id"),
                                                                id: ctx.param("service_account_id")))
        }
        Self.addAdmin(&r, "POST", base + "/projects/{project_id}/service_accounts/{service_account_id}") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["name", "role"])
            return audited(ctx, "service_account.updated", try ctx.services.admin.updateServiceAccount(tenant: ctx.tenant, project: ctx.param("project_id"),
                                                                     id: ctx.param("service_account_id"), name: try p.string("name"),
                                                                     role: try p.string("role")))
        }
        Self.addAdmin(&r, "DELETE", base + "/projects/{project_id}/service_accounts/{service_account_id}") { ctx in
            audited(ctx, "service_account.deleted", try ctx.services.admin.deleteServiceAccount(tenant: ctx.tenant, project: ctx.param("project_id"),
                                                              id: ctx.param("service_account_id")))
        }

        Self.addAdmin(&r, "POST", base + "/projects/{project_id}/service_accounts/{service_account_id}/api_keys") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["name", "scopes", "expires_in_seconds"])
            let scopes = try p.strings("scopes") ?? []
            let key = try ctx.services.admin.createServiceAccountKey(tenant: ctx.tenant, project: ctx.param("project_id"),
                                                                     account: ctx.param("service_account_id"), name: try p.string("name"), scopes: scopes,
                                                                     expiresIn: try p.int("expires_in_seconds"))
            return auditedChange(ctx, "api_key.created", .object([("id", key["id"] ?? .null),
                                                                  ("data", .object([("scopes", .array(scopes.map { .string($0) }))]))]), key)
        }

        // Project rate limits
        Self.addAdmin(&r, "GET", base + "/projects/{project_id}/rate_limits") { ctx in
            let q = ctx.query
            return page(try ctx.services.admin.listRateLimits(tenant: ctx.tenant, project: ctx.param("project_id"), after: q.string("after"),
                                                              before: q.string("before"), limit: try q.limit(default: 100, range: 1...100)))
        }
        Self.addAdmin(&r, "POST", base + "/projects/{project_id}/rate_limits/{rate_limit_id}") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(Set(AdminService.rateLimitFields))
            var changes: [(String, Int64)] = []
            for field in AdminService.rateLimitFields { if let v = try p.int(field) { changes.append((field, v)) } }
            return audited(ctx, "rate_limit.updated", try ctx.services.admin.updateRateLimit(tenant: ctx.tenant, project: ctx.param("project_id"),
                                                                   id: ctx.param("rate_limit_id"), changes: changes))
        }

        // Project API keys
        Self.addAdmin(&r, "GET", base + "/projects/{project_id}/api_keys") { ctx in
            let q = ctx.query
            if let access = q.string("owner_project_access"), !["active", "inactive", "any"].contains(access) {
                throw APIError.invalidValue("owner_project_access", access, supported: ["active", "inactive", "any"])
            }
            return page(try ctx.services.admin.listProjectKeys(tenant: ctx.tenant, project: ctx.param("project_id"), after: q.string("after"),
                                                               limit: try q.limit(default: 20, range: 1...100)))
        }
        Self.addAdmin(&r, "GET", base + "/projects/{project_id}/api_keys/{api_key_id}") { ctx in
            .json(try ctx.services.admin.retrieveProjectKey(tenant: ctx.tenant, project: ctx.param("project_id"), id: ctx.param("api_key_id")))
        }
        // Not in the spec followed here; the official SDK (3.57) calls it (`projects.api_keys.update`).
        Self.addAdmin(&r, "POST", base + "/projects/{project_id}/api_keys/{api_key_id}") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["scopes", "expires_in_seconds"])
            // "Neither field accepts null."
            for f in ["scopes", "expires_in_seconds"] where p.object[f]?.isNull == true {
                throw APIError.invalidType(f, expected: f == "scopes" ? "an array" : "an integer", got: .null)
            }
            let scopes = try p.strings("scopes")
            let key = try ctx.services.admin.updateProjectKey(tenant: ctx.tenant, project: ctx.param("project_id"), id: ctx.param("api_key_id"),
                                                              scopes: scopes, expiresIn: try p.int("expires_in_seconds"))
            var changes: [(String, JSON)] = []
            if let scopes { changes.append(("scopes", .array(scopes.map { .string($0) }))) }
            return auditedChange(ctx, "api_key.updated", .object([("id", key["id"] ?? .null), ("changes_requested", .object(changes))]), key)
        }
        Self.addAdmin(&r, "DELETE", base + "/projects/{project_id}/api_keys/{api_key_id}") { ctx in
            audited(ctx, "api_key.deleted", try ctx.services.admin.deleteProjectKey(tenant: ctx.tenant, project: ctx.param("project_id"), id: ctx.param("api_key_id")))
        }

        // Admin API keys
        Self.addAdmin(&r, "POST", base + "/admin_api_keys") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["name", "expires_in_seconds"])
            return audited(ctx, "api_key.created", try ctx.services.admin.createAdminKey(tenant: ctx.tenant, name: try p.requiredString("name"),
                                                               expiresIn: try p.int("expires_in_seconds")))
        }
        Self.addAdmin(&r, "GET", base + "/admin_api_keys") { ctx in
            let q = ctx.query
            return page(try ctx.services.admin.listAdminKeys(tenant: ctx.tenant, after: q.string("after"),
                                                             limit: try q.limit(default: 20, range: 1...100), order: try q.order(default: .asc)))
        }
        Self.addAdmin(&r, "GET", base + "/admin_api_keys/{key_id}") { ctx in
            .json(try ctx.services.admin.retrieveAdminKey(tenant: ctx.tenant, id: ctx.param("key_id")))
        }
        Self.addAdmin(&r, "DELETE", base + "/admin_api_keys/{key_id}") { ctx in
            audited(ctx, "api_key.deleted", try ctx.services.admin.deleteAdminKey(tenant: ctx.tenant, id: ctx.param("key_id")))
        }

        // Audit logs
        Self.addAdmin(&r, "GET", base + "/audit_logs") { ctx in
            let query = ctx.query
            var q = AdminService.AuditQuery()
            q.gt = try query.int("effective_at[gt]")
            q.gte = try query.int("effective_at[gte]")
            q.lt = try query.int("effective_at[lt]")
            q.lte = try query.int("effective_at[lte]")
            q.projects = Set(query.list("project_ids"))
            q.types = Set(query.list("event_types"))
            q.actorIDs = Set(query.list("actor_ids"))
            q.actorEmails = Set(query.list("actor_emails"))
            q.resources = Set(query.list("resource_ids"))
            q.after = query.string("after")
            q.before = query.string("before")
            q.limit = try query.limit(default: 20, range: 1...100)
            let page = try ctx.services.admin.listAuditLogs(tenant: ctx.tenant, q)
            return .json(cursorList(page.data, ids: page.ids, hasMore: page.hasMore))
        }

        // Users
        Self.addAdmin(&r, "GET", base + "/users") { ctx in
            let q = ctx.query
            return page(try ctx.services.admin.listUsers(tenant: ctx.tenant, after: q.string("after"),
                                                         limit: try q.limit(default: 20, range: 1...100),
                                                         emails: ctx.query.list("emails")))
        }
        Self.addAdmin(&r, "GET", base + "/users/{user_id}") { ctx in
            .json(try ctx.services.admin.retrieveUser(tenant: ctx.tenant, id: ctx.param("user_id")))
        }
        Self.addAdmin(&r, "POST", base + "/users/{user_id}") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["role", "role_id", "technical_level", "developer_persona"])
            return audited(ctx, "user.updated", try ctx.services.admin.updateUser(tenant: ctx.tenant, id: ctx.param("user_id"), role: try p.string("role")))
        }
        Self.addAdmin(&r, "DELETE", base + "/users/{user_id}") { ctx in
            audited(ctx, "user.deleted", try ctx.services.admin.deleteUser(tenant: ctx.tenant, id: ctx.param("user_id")))
        }

        // Invites
        Self.addAdmin(&r, "POST", base + "/invites") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["email", "role", "projects"])
            var projects: [(id: String, role: String)] = []
            if let v = p.raw("projects") {
                guard let list = v.arrayValue else { throw APIError.invalidType("projects", expected: "an array", got: v) }
                for (i, item) in list.enumerated() {
                    guard case .object = item else { throw APIError.invalidType("projects[\(i)]", expected: "an object", got: item) }
                    let e = Params(object: item)
                    projects.append(try nested("projects[\(i)]") { () throws(APIError) -> (String, String) in
                        try e.rejectUnknown(["id", "role"])
                        return (try e.requiredString("id"), try e.requiredString("role"))
                    })
                }
            }
            return audited(ctx, "invite.sent", try ctx.services.admin.invite(tenant: ctx.tenant, email: try p.requiredString("email"), role: try p.requiredString("role"),
                                                       projects: projects))
        }
        Self.addAdmin(&r, "GET", base + "/invites") { ctx in
            let q = ctx.query
            return page(try ctx.services.admin.listInvites(tenant: ctx.tenant, after: q.string("after"), limit: try q.limit(default: 20, range: 1...100)))
        }
        Self.addAdmin(&r, "GET", base + "/invites/{invite_id}") { ctx in
            .json(try ctx.services.admin.retrieveInvite(tenant: ctx.tenant, id: ctx.param("invite_id")))
        }
        Self.addAdmin(&r, "DELETE", base + "/invites/{invite_id}") { ctx in
            audited(ctx, "invite.deleted", try ctx.services.admin.deleteInvite(tenant: ctx.tenant, id: ctx.param("invite_id")))
        }
    }
}

/// GET /v1/organization/usage/… and /v1/organization/costs.
extension App {
    /// Usage endpoints for APIs the simulator does not serve: their buckets are always empty.
    static let unmeteredUsage = ["audio_speeches", "audio_transcriptions", "code_interpreter_sessions", "file_search_calls",
                                 "images", "vector_stores", "web_search_calls"]

    static func registerUsageRoutes(_ r: inout Router<RouteHandler>) {
        for kind in UsageMeter.Kind.allCases {
            let groups = kind == .completions ? ["project_id", "user_id", "api_key_id", "model", "batch", "service_tier"]
                : ["project_id", "user_id", "api_key_id", "model"]
            Self.addAdmin(&r, "GET", "/v1/organization/usage/\(kind.rawValue)") { ctx in
                let q = try usageQuery(ctx, groups: groups, batchFilter: kind == .completions, kinds: [kind])
                return .json(try UsageService(meter: ctx.services.inference.usage, clock: ctx.services.env.clock)
                    .page(tenant: ctx.tenant, kind: kind, q, userOf: try ctx.services.admin.keyUsers(tenant: ctx.tenant)))
            }
        }
        for name in unmeteredUsage {
            Self.addAdmin(&r, "GET", "/v1/organization/usage/\(name)") { ctx in
                var q = try usageQuery(ctx, groups: ["project_id", "user_id", "api_key_id", "model", "size", "source"], batchFilter: false, kinds: [])
                q.filter.untracked = true
                return .json(try UsageService(meter: ctx.services.inference.usage, clock: ctx.services.env.clock)
                    .page(tenant: ctx.tenant, kind: .completions, q))
            }
        }
        Self.addAdmin(&r, "GET", "/v1/organization/costs") { ctx in
            let q = try usageQuery(ctx, groups: ["project_id", "line_item", "api_key_id"], batchFilter: false,
                                   kinds: Set(UsageMeter.Kind.allCases))
            return .json(try UsageService(meter: ctx.services.inference.usage, clock: ctx.services.env.clock)
                .page(tenant: ctx.tenant, kind: nil, q))
        }
    }

    /// The query parameters the usage and costs endpoints share. Arrays come as `name[]=…`
    /// (the official SDKs) or repeated `name=…`.
    static func usageQuery(_ ctx: RouteContext, groups: [String], batchFilter: Bool, kinds: Set<UsageMeter.Kind>) throws(APIError) -> UsageService.Query {
        let req = ctx.request
        let query = ctx.query
        guard let start = try query.int("start_time") else { throw APIError.missingParameter("start_time") }
        let groupBy = query.list("group_by")
        for g in groupBy where !groups.contains(g) { throw APIError.invalidValue("group_by", g, supported: groups) }
        var filter = UsageMeter.Filter(kinds: kinds)
        let projects = query.list("project_ids"), models = query.list("models")
        if !projects.isEmpty { filter.projects = Set(projects) }
        let keys = query.list("api_key_ids")
        if !keys.isEmpty { filter.apiKeys = Set(keys) }
        if !models.isEmpty { filter.models = Set(models) }
        if batchFilter { filter.batch = try boolQuery(req.queryValue("batch"), param: "batch") }
        let users = query.list("user_ids")
        if !users.isEmpty { filter.users = Set(users) }
        let limit = try query.int("limit")
        return UsageService.Query(start: start, end: try query.int("end_time"), width: req.queryValue("bucket_width") ?? "1d",
                                  limit: limit.map { Int(clamping: $0) }, page: req.queryValue("page"), groupBy: groupBy, filter: filter)
    }
}

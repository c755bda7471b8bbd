import SimSupport

/// The audit log: what callers changed, newest first.
extension AdminService {
    // MARK: - Audit logs

    /// Records what a caller (by its bearer token) did to the organization.
    public func audit(tenant: Tenant, token: String, type: String, payload: JSON, project: String? = nil) {
        guard let org = try? org(tenant) else { return }
        record(org, type: type, payload: payload, actor: actor(org, token: token), project: project)
    }

    func record(_ org: Org, type: String, payload: JSON, actor: JSON, project: String?) {
        var pairs: [(String, JSON)] = [("id", .string(env.ids(stream: org.root.id).make("audit_log-", length: 24))), ("type", .string(type)),
                                       ("effective_at", .int(env.now())), ("actor", actor)]
        if let project, let p = try? loadProject(org, project) {
            pairs.append(("project", .object([("id", .string(project)), ("name", p["name"] ?? .null)])))
        }
        pairs.append((type, payload))
        try? put(org.root.id, Self.auditLogs, pairs[0].1.stringValue ?? "", env.now(), .object(pairs))
    }

    /// The API-key actor of an audited call: a service account's key, or a user's (the owner's:
    /// an open-mode or `--api-key` key, or an admin key). An unminted key gets a stable `key_` id.
    func actor(_ org: Org, token: String) -> JSON {
        let entry = Self.mintedPrefixes.contains { token.hasPrefix($0) }
            ? (try? env.records.get(tenant: Self.registryTenant, collection: Self.registry, id: Self.keyHash(token)))?.body : nil
        let keyID = entry?["key_id"]?.stringValue ?? Tenant.keyID(forToken: token)
        if let sa = entry?["service_account_id"]?.stringValue {
            return .object([("type", "api_key"), ("api_key", .object([("id", .string(keyID)), ("type", "service_account"),
                                                                      ("service_account", .object([("id", .string(sa))]))]))])
        }
        let owner = try? env.records.get(tenant: org.root.id, collection: Self.users, id: org.ownerID)?.body
        return .object([("type", "api_key"), ("api_key", .object([("id", .string(keyID)), ("type", "user"),
                                                                  ("user", .object([("id", .string(org.ownerID)), ("email", owner?["email"] ?? "")]))]))])
    }

    public struct AuditQuery: Sendable {
        public var gt, gte, lt, lte: Int64?
        public var projects: Set<String> = [], types: Set<String> = [], actorIDs: Set<String> = [], actorEmails: Set<String> = []
        public var resources: Set<String> = []
        public var after, before: String?
        public var limit = 20
        public init() {}
    }

    /// Newest first.
    /// - Remark: GET /v1/organization/audit_logs
    public func listAuditLogs(tenant: Tenant, _ q: AuditQuery) throws(APIError) -> Page {
        let org = try org(tenant)
        let all = try records(org.root.id, Self.auditLogs).map(\.body).reversed().filter { e in
            let t = e["effective_at"]?.intValue ?? 0
            if let v = q.gt, !(t > v) { return false }
            if let v = q.gte, !(t >= v) { return false }
            if let v = q.lt, !(t < v) { return false }
            if let v = q.lte, !(t <= v) { return false }
            let type = e["type"]?.stringValue ?? ""
            if !q.types.isEmpty && !q.types.contains(type) { return false }
            if !q.projects.isEmpty && !q.projects.contains(e["project"]?["id"]?.stringValue ?? "") { return false }
            if !q.resources.isEmpty && !q.resources.contains(e[type]?["id"]?.stringValue ?? "") { return false }
            let key = e["actor"]?["api_key"]
            let actorIDs = [key?["id"], key?["user"]?["id"], key?["service_account"]?["id"]].compactMap { $0?.stringValue }
            if !q.actorIDs.isEmpty && q.actorIDs.isDisjoint(with: actorIDs) { return false }
            if !q.actorEmails.isEmpty && !q.actorEmails.contains(key?["user"]?["email"]?.stringValue ?? "") { return false }
            return true
        }
        // With `before`, `after` is not read.
        return try Self.page(Array(all), after: q.before == nil ? q.after : nil, before: q.before, limit: q.limit)
    }
}

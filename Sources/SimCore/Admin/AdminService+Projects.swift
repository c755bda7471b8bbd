import SimSupport

/// Projects, their members, service accounts and project API keys.
extension AdminService {
    // MARK: - Projects

    /// - Remark: POST /v1/organization/projects
    public func createProject(tenant: Tenant, name: String, residency: String?, externalKeyID: String?) throws(APIError) -> JSON {
        let org = try org(tenant)
        guard !name.trimmingWhitespace().isEmpty else { throw .invalidRequest("Project name must not be empty.", param: "name") }
        if let residency, !Self.residencies.contains(residency) { throw .invalidValue("residency", residency, supported: Self.residencies) }
        let now = env.now()
        let id = env.ids(stream: org.root.id).make("proj_", length: 24)
        var pairs: [(String, JSON)] = [("id", .string(id)), ("object", "organization.project"), ("name", .string(name)),
                                       ("created_at", .int(now)), ("archived_at", .null), ("status", "active")]
        if let residency { pairs.append(("residency", .string(residency))) }
        if let externalKeyID { pairs.append(("external_key_id", .string(externalKeyID))) }
        let project: JSON = .object(pairs)
        try put(org.root.id, Self.projects, id, now, project)
        // The API adds the creating user as the project's owner.
        try putMembership(org.root.id, project: id, user: org.ownerID, role: "owner", addedAt: now)
        return project
    }

    /// - Remark: GET /v1/organization/projects
    public func listProjects(tenant: Tenant, after: String?, limit: Int, includeArchived: Bool) throws(APIError) -> Page {
        let org = try org(tenant)
        let all = try records(org.root.id, Self.projects).map(\.body)
            .filter { includeArchived || $0["status"]?.stringValue != "archived" }
        return try Self.page(all, after: after, limit: limit)
    }

    /// - Remark: GET /v1/organization/projects/{project_id}
    public func retrieveProject(tenant: Tenant, id: String) throws(APIError) -> JSON {
        try loadProject(try org(tenant), id)
    }

    /// - Remark: POST /v1/organization/projects/{project_id}
    public func updateProject(tenant: Tenant, id: String, name: String?, externalKeyID: String?) throws(APIError) -> JSON {
        let org = try org(tenant)
        var project = try loadProject(org, id)
        try requireActive(project)
        if let name {
            guard !name.trimmingWhitespace().isEmpty else { throw .invalidRequest("Project name must not be empty.", param: "name") }
            project = project.setting("name", .string(name))
        }
        if let externalKeyID { project = project.setting("external_key_id", .string(externalKeyID)) }
        try put(org.root.id, Self.projects, id, project["created_at"]?.intValue ?? 0, project)
        return project
    }

    /// Archives the project and revokes its keys. The default project cannot be archived.
    /// - Remark: POST /v1/organization/projects/{project_id}/archive
    public func archiveProject(tenant: Tenant, id: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        var project = try loadProject(org, id)
        if id == org.defaultProject { throw .invalidRequest("The default project cannot be archived.", param: "project_id") }
        if project["status"]?.stringValue == "archived" { return project }
        project = project.setting("status", "archived").setting("archived_at", .int(env.now()))
        try put(org.root.id, Self.projects, id, project["created_at"]?.intValue ?? 0, project)
        let keys = try records(org.root.id, Self.projectKeys).filter { $0.body["_project_id"]?.stringValue == id }.map(\.id)
        try revoke(org.root, keyIDs: Set(keys))
        return project
    }

    func loadProject(_ org: Org, _ id: String) throws(APIError) -> JSON {
        guard let r = try? env.records.get(tenant: org.root.id, collection: Self.projects, id: id) else {
            throw .invalidRequest("No such project: '\(id)'.", param: "project_id", code: "not_found", status: 404)
        }
        return r.body
    }

    func requireActive(_ project: JSON) throws(APIError) {
        if project["status"]?.stringValue == "archived" {
            throw .invalidRequest("Project '\(project["id"]?.stringValue ?? "")' is archived.", param: "project_id")
        }
    }

    // MARK: - Project users

    func putMembership(_ root: String, project: String, user: String, role: String, addedAt: Int64) throws(APIError) {
        try put(root, Self.memberships, project + "/" + user, addedAt,
                .object([("project_id", .string(project)), ("user_id", .string(user)), ("role", .string(role)), ("added_at", .int(addedAt))]))
    }

    func projectUser(_ org: Org, membership m: JSON) throws(APIError) -> JSON {
        let uid = m["user_id"]?.stringValue ?? ""
        let user = try? env.records.get(tenant: org.root.id, collection: Self.users, id: uid)?.body
        return .object([("object", "organization.project.user"), ("id", .string(uid)), ("name", user?["name"] ?? .null),
                        ("email", user?["email"] ?? .null), ("role", m["role"] ?? "member"), ("added_at", m["added_at"] ?? .int(0))])
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/users
    public func listProjectUsers(tenant: Tenant, project: String, after: String?, limit: Int) throws(APIError) -> Page {
        let org = try org(tenant)
        _ = try loadProject(org, project)
        var all: [JSON] = []
        for r in try records(org.root.id, Self.memberships) where r.body["project_id"]?.stringValue == project {
            all.append(try projectUser(org, membership: r.body))
        }
        return try Self.page(all, after: after, limit: limit)
    }

    /// Adds an organization user to the project (by `user_id` or `email`).
    /// - Remark: POST /v1/organization/projects/{project_id}/users
    public func addProjectUser(tenant: Tenant, project: String, userID: String?, email: String?, role: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        try requireActive(try loadProject(org, project))
        try Self.checkProjectRole(role)
        let user = try findUser(org, id: userID, email: email)
        let uid = user["id"]?.stringValue ?? ""
        if (try? env.records.get(tenant: org.root.id, collection: Self.memberships, id: project + "/" + uid)) != nil {
            throw .invalidRequest("User '\(uid)' is already a member of project '\(project)'.", param: "user_id")
        }
        let now = env.now()
        try putMembership(org.root.id, project: project, user: uid, role: role, addedAt: now)
        return try projectUser(org, membership: .object([("user_id", .string(uid)), ("role", .string(role)), ("added_at", .int(now))]))
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/users/{user_id}
    public func retrieveProjectUser(tenant: Tenant, project: String, user: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        return try projectUser(org, membership: try loadMembership(org, project, user))
    }

    /// - Remark: POST /v1/organization/projects/{project_id}/users/{user_id}
    public func updateProjectUser(tenant: Tenant, project: String, user: String, role: String?) throws(APIError) -> JSON {
        let org = try org(tenant)
        var m = try loadMembership(org, project, user)
        if let role {
            try Self.checkProjectRole(role)
            m = m.setting("role", .string(role))
            try put(org.root.id, Self.memberships, project + "/" + user, m["added_at"]?.intValue ?? 0, m)
        }
        return try projectUser(org, membership: m)
    }

    /// - Remark: DELETE /v1/organization/projects/{project_id}/users/{user_id}
    public func removeProjectUser(tenant: Tenant, project: String, user: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        _ = try loadMembership(org, project, user)
        remove(org.root.id, Self.memberships, project + "/" + user)
        return .object([("object", "organization.project.user.deleted"), ("id", .string(user)), ("deleted", true)])
    }

    func loadMembership(_ org: Org, _ project: String, _ user: String) throws(APIError) -> JSON {
        _ = try loadProject(org, project)
        guard let r = try? env.records.get(tenant: org.root.id, collection: Self.memberships, id: project + "/" + user) else {
            throw .invalidRequest("User '\(user)' is not a member of project '\(project)'.", param: "user_id", code: "not_found", status: 404)
        }
        return r.body
    }

    static func checkProjectRole(_ role: String) throws(APIError) {
        guard ["owner", "member"].contains(role) else { throw .invalidValue("role", role, supported: ["owner", "member"]) }
    }

    // MARK: - Service accounts and project API keys

    /// Creates the service account and, unless `accountOnly`, an API key for it (the only time
    /// its value is shown).
    /// - Remark: POST /v1/organization/projects/{project_id}/service_accounts
    /// `expiresIn`: seconds until the initial key expires (not with `accountOnly`, which mints none).
    public func createServiceAccount(tenant: Tenant, project: String, name: String, accountOnly: Bool,
                                     expiresIn: Int64? = nil) throws(APIError) -> JSON {
        let org = try org(tenant)
        try requireActive(try loadProject(org, project))
        if expiresIn != nil && accountOnly {
            throw .invalidRequest("'expires_in_seconds' cannot be used when 'create_service_account_only' is true.", param: "expires_in_seconds")
        }
        try Self.checkKeyLifetime(expiresIn)
        let now = env.now()
        let ids = env.ids(stream: org.root.id)
        let id = ids.make("svc_acct_", length: 24)
        let account: JSON = .object([("object", "organization.project.service_account"), ("id", .string(id)), ("name", .string(name)),
                                     ("role", "member"), ("created_at", .int(now)), ("_project_id", .string(project))])
        try put(org.root.id, Self.serviceAccounts, id, now, account)
        let apiKey = accountOnly ? JSON.null : try mintServiceAccountKey(org, project: project, account: account, name: "Secret Key", scopes: [],
                                                                          expiresIn: expiresIn)
        return account.withoutInternalMembers.setting("api_key", apiKey)
    }

    /// Another key for an existing service account, with the same reach as the one it was
    /// created with (its project's state).
    /// - Remark: POST /v1/organization/projects/{project_id}/service_accounts/{service_account_id}/api_keys
    public func createServiceAccountKey(tenant: Tenant, project: String, account id: String, name: String?, scopes: [String],
                                        expiresIn: Int64? = nil) throws(APIError) -> JSON {
        let org = try org(tenant)
        try requireActive(try loadProject(org, project))
        let account = try loadServiceAccount(org, project, id)
        if let name, name.trimmingWhitespace().isEmpty { throw .invalidRequest("API key name must not be empty.", param: "name") }
        try Self.checkKeyLifetime(expiresIn)
        return try mintServiceAccountKey(org, project: project, account: account, name: name ?? "Secret Key", scopes: scopes,
                                         expiresIn: expiresIn)
    }

    /// Mints, stores and registers a key of the service account `account` in `project`; returns
    /// the one answer that carries its value.
    private func mintServiceAccountKey(_ org: Org, project: String, account: JSON, name: String, scopes: [String],
                                       expiresIn: Int64?) throws(APIError) -> JSON {
        let now = env.now()
        let expiresAt: JSON = expiresIn.map { .int(now + $0) } ?? .null
        let ids = env.ids(stream: org.root.id)
        let id = account["id"]?.stringValue ?? ""
        let keyID = ids.make("key_", length: 16)
        let value = "sk-svcacct-" + ids.make("", length: 64)
        let owner: JSON = .object([("type", "service_account"),
                                   ("service_account", .object([("id", .string(id)), ("name", account["name"] ?? .null),
                                                                ("created_at", account["created_at"] ?? .int(now)), ("role", account["role"] ?? "member")]))])
        let key: JSON = .object([("object", "organization.project.api_key"), ("redacted_value", .string(Self.redacted(value, prefix: "sk-svcacct"))),
                                 ("name", .string(name)), ("created_at", .int(now)), ("expires_at", expiresAt), ("last_used_at", .null),
                                 ("id", .string(keyID)), ("owner_project_access", "active"), ("owner", owner), ("_project_id", .string(project)),
                                 ("_service_account_id", .string(id)), ("_scopes", .array(scopes.map { .string($0) }))])
        try put(org.root.id, Self.projectKeys, keyID, now, key)
        try register(org.root, key: value, keyID: keyID, project: project, serviceAccount: id, expiresAt: expiresAt.intValue)
        return .object([("object", "organization.project.service_account.api_key"), ("value", .string(value)),
                        ("name", .string(name)), ("created_at", .int(now)), ("expires_at", expiresAt), ("id", .string(keyID))])
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/service_accounts
    public func listServiceAccounts(tenant: Tenant, project: String, after: String?, limit: Int) throws(APIError) -> Page {
        try projectRecords(tenant, project, Self.serviceAccounts, after: after, limit: limit)
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/service_accounts/{service_account_id}
    public func retrieveServiceAccount(tenant: Tenant, project: String, id: String) throws(APIError) -> JSON {
        try loadServiceAccount(try org(tenant), project, id).withoutInternalMembers
    }

    /// - Remark: POST /v1/organization/projects/{project_id}/service_accounts/{service_account_id}
    public func updateServiceAccount(tenant: Tenant, project: String, id: String, name: String?, role: String?) throws(APIError) -> JSON {
        let org = try org(tenant)
        var account = try loadServiceAccount(org, project, id)
        if let role {
            guard ["member", "owner"].contains(role) else { throw .invalidValue("role", role, supported: ["member", "owner"]) }
            account = account.setting("role", .string(role))
        }
        if let name { account = account.setting("name", .string(name)) }
        try put(org.root.id, Self.serviceAccounts, id, account["created_at"]?.intValue ?? 0, account)
        return account.withoutInternalMembers
    }

    /// Deletes the service account and revokes its keys.
    /// - Remark: DELETE /v1/organization/projects/{project_id}/service_accounts/{service_account_id}
    public func deleteServiceAccount(tenant: Tenant, project: String, id: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        _ = try loadServiceAccount(org, project, id)
        let keys = try records(org.root.id, Self.projectKeys).filter { $0.body["_service_account_id"]?.stringValue == id }.map(\.id)
        for k in keys { remove(org.root.id, Self.projectKeys, k) }
        try revoke(org.root, keyIDs: Set(keys))
        remove(org.root.id, Self.serviceAccounts, id)
        return .object([("object", "organization.project.service_account.deleted"), ("id", .string(id)), ("deleted", true)])
    }

    func loadServiceAccount(_ org: Org, _ project: String, _ id: String) throws(APIError) -> JSON {
        try loadInProject(org, Self.serviceAccounts, project, id, what: "service account", param: "service_account_id")
    }

    /// The page of `collection`'s records that belong to `project` (404 for an unknown project).
    func projectRecords(_ tenant: Tenant, _ project: String, _ collection: String, after: String?, limit: Int) throws(APIError) -> Page {
        let org = try org(tenant)
        _ = try loadProject(org, project)
        let all = try records(org.root.id, collection).map(\.body).filter { $0["_project_id"]?.stringValue == project }
        return try Self.page(all.map(\.withoutInternalMembers), after: after, limit: limit)
    }

    /// One record of `collection` that belongs to `project` (404 naming `param` otherwise).
    func loadInProject(_ org: Org, _ collection: String, _ project: String, _ id: String, what: String, param: String) throws(APIError) -> JSON {
        _ = try loadProject(org, project)
        guard let r = try? env.records.get(tenant: org.root.id, collection: collection, id: id),
              r.body["_project_id"]?.stringValue == project else {
            throw .invalidRequest("No such \(what): '\(id)'.", param: param, code: "not_found", status: 404)
        }
        return r.body
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/api_keys
    public func listProjectKeys(tenant: Tenant, project: String, after: String?, limit: Int) throws(APIError) -> Page {
        try projectRecords(tenant, project, Self.projectKeys, after: after, limit: limit)
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/api_keys/{api_key_id}
    public func retrieveProjectKey(tenant: Tenant, project: String, id: String) throws(APIError) -> JSON {
        try loadProjectKey(try org(tenant), project, id).withoutInternalMembers
    }

    /// Deletes (revokes) the key. Keys owned by a service account are deleted with the account,
    /// as the API requires.
    /// - Remark: DELETE /v1/organization/projects/{project_id}/api_keys/{api_key_id}
    public func deleteProjectKey(tenant: Tenant, project: String, id: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        let key = try loadProjectKey(org, project, id)
        if key["owner"]?["type"]?.stringValue == "service_account" {
            throw .invalidRequest("API keys owned by a service account cannot be deleted; delete the service account instead.",
                                  param: "api_key_id")
        }
        remove(org.root.id, Self.projectKeys, id)
        try revoke(org.root, keyIDs: [id])
        return .object([("object", "organization.project.api_key.deleted"), ("id", .string(id)), ("deleted", true)])
    }

    /// Replaces a key's scopes and/or sets its expiry `expiresIn` seconds from now. Not in the
    /// spec followed here; the official SDK (3.57) calls it (`projects.api_keys.update`).
    /// - Remark: POST /v1/organization/projects/{project_id}/api_keys/{api_key_id}
    public func updateProjectKey(tenant: Tenant, project: String, id: String, scopes: [String]?, expiresIn: Int64?) throws(APIError) -> JSON {
        let org = try org(tenant)
        try requireActive(try loadProject(org, project))
        var key = try loadProjectKey(org, project, id)
        guard scopes != nil || expiresIn != nil else {
            throw .invalidRequest("Provide at least one of 'scopes' or 'expires_in_seconds'.", param: nil)
        }
        let now = env.now()
        if let at = key["expires_at"]?.intValue, now >= at {
            throw .invalidRequest("Expired API keys cannot be updated.", param: "api_key_id")
        }
        try Self.checkKeyLifetime(expiresIn)
        if let scopes { key = key.setting("_scopes", .array(scopes.map { .string($0) })) }
        if let expiresIn {
            key = key.setting("expires_at", .int(now + expiresIn))
            try setExpiry(org.root, keyID: id, expiresAt: now + expiresIn)
        }
        try put(org.root.id, Self.projectKeys, id, key["created_at"]?.intValue ?? now, key)
        return key.withoutInternalMembers
    }

    func loadProjectKey(_ org: Org, _ project: String, _ id: String) throws(APIError) -> JSON {
        try loadInProject(org, Self.projectKeys, project, id, what: "API key", param: "api_key_id")
    }
}

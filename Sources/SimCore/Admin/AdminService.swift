import Synchronization
import SimSupport

/// The organization admin API: projects, their service accounts and API keys, admin API keys,
/// the organization's users and invites, and project memberships.
///
/// Every organization starts with what a new OpenAI organization has: one owner user and a
/// "Default project" (the project the open-mode API key works in), created the first time the
/// admin API touches it. Keys minted here (`sk-admin-…`, `sk-svcacct-…`) are registered so that
/// a request bearing one lands in its organization and project; deleting the key, its service
/// account or archiving its project revokes it (401 `invalid_api_key`). Keys are never stored:
/// the registry holds a hash of each.
public final class AdminService: Sendable {
    static let projects = "org_projects"
    static let users = "org_users"
    static let memberships = "org_project_users"
    static let serviceAccounts = "org_service_accounts"
    static let projectKeys = "org_project_api_keys"
    static let adminKeys = "org_admin_api_keys"
    static let invites = "org_invites"
    static let orgState = "org_state"
    static let auditLogs = "org_audit_logs"
    /// The registry of minted keys, across organizations: tenant `registryTenant`, id = key hash.
    static let registryTenant = "_keys"
    static let registry = "api_keys"
    /// Key prefixes that may be in the registry; other tokens are never looked up.
    public static let mintedPrefixes = ["sk-admin-", "sk-svcacct-"]
    public static let residencies = ["GLOBAL", "US_STORAGE_PROCESSING", "EU_STORAGE_PROCESSING", "JP_STORAGE", "KR_STORAGE",
                                     "CA_STORAGE", "SG_STORAGE", "IN_STORAGE", "AU_STORAGE", "GB_STORAGE", "AE_STORAGE",
                                     "AE_STORAGE_PROCESSING"]
    static let inviteSeconds: Int64 = 7 * 86_400

    let env: SimEnvironment
    public let auth: AuthPolicy
    /// Bumped whenever a key is revoked, so request paths that cache key → tenant drop the cache.
    public let revocations = Atomic<Int>(0)
    private let bootstrapLock = Mutex<Void>(())

    public init(env: SimEnvironment, auth: AuthPolicy = .open) {
        self.env = env
        self.auth = auth
    }

    /// In strict mode, a token that was neither given at start nor minted here is refused.
    /// (Minted keys are resolved before this is asked.)
    public func requireKnown(_ token: String) throws(APIError) {
        if auth.strict && !auth.ownerKeys.contains(token) { throw .invalidAPIKey(token) }
    }

    /// Whether `token` may use the admin API: any key in open mode; in strict mode an owner key
    /// or a live admin key. Others get the 401 the API gives a key without the management scope.
    public func authorizeAdmin(_ token: String) throws(APIError) {
        guard auth.strict, !auth.ownerKeys.contains(token) else { return }
        if token.hasPrefix("sk-admin-"), let r = try? env.records.get(tenant: Self.registryTenant, collection: Self.registry, id: Self.keyHash(token)),
           r.body["revoked"]?.boolValue != true {
            return
        }
        throw APIError(status: 401, type: "invalid_request_error",
                       message: "You have insufficient permissions for this operation. Missing scopes: api.management.read. "
                           + "Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), "
                           + "and if you're using a restricted API key, that it has the necessary scopes.")
    }

    // MARK: - Keys → tenants

    /// The tenant a minted key maps to; nil when the token was never minted here (open mode then
    /// maps it like any other token). A revoked key is a 401 (unless `includingRevoked`: the
    /// journal's tenant filter still finds what it did).
    public func tenant(forMintedKey token: String, includingRevoked: Bool = false) throws(APIError) -> Tenant? {
        guard Self.mintedPrefixes.contains(where: { token.hasPrefix($0) }) else { return nil }
        guard let r = try? env.records.get(tenant: Self.registryTenant, collection: Self.registry, id: Self.keyHash(token)) else {
            return nil
        }
        let b = r.body
        if b["revoked"]?.boolValue == true && !includingRevoked { throw .invalidAPIKey(token) }
        let root = Tenant(id: b["org_tenant_id"]?.stringValue ?? "", organizationID: b["organization_id"]?.stringValue ?? "",
                          organizationSlug: b["organization_slug"]?.stringValue ?? "",
                          projectID: b["default_project_id"]?.stringValue ?? "")
        return Tenant.forProject(root: root, project: b["project_id"]?.stringValue ?? root.projectID, defaultProject: root.projectID,
                                 apiKeyID: b["key_id"]?.stringValue)
    }

    static func keyHash(_ token: String) -> String {
        let a = StableHash.fnv1a(token), b = StableHash.fnv1a(token, seed: 0x9e3779b97f4a7c15)
        return String(a, radix: 16).leftPadded(16) + String(b, radix: 16).leftPadded(16)
    }

    static func redacted(_ key: String, prefix: String) -> String { prefix + "..." + String(key.suffix(3)) }

    func register(_ root: Tenant, key: String, keyID: String, project: String, serviceAccount: String? = nil) throws(APIError) {
        let body: JSON = .object([("service_account_id", JSON(serviceAccount)), ("org_tenant_id", .string(root.id)), ("organization_id", .string(root.organizationID)),
                                  ("organization_slug", .string(root.organizationSlug)), ("default_project_id", .string(root.projectID)),
                                  ("project_id", .string(project)), ("key_id", .string(keyID)), ("revoked", false)])
        try put(Self.registryTenant, Self.registry, Self.keyHash(key), env.now(), body)
    }

    /// Marks the registered keys whose ids are in `keyIDs` revoked.
    func revoke(_ root: Tenant, keyIDs: Set<String>) throws(APIError) {
        guard !keyIDs.isEmpty else { return }
        for r in try records(Self.registryTenant, Self.registry)
        where r.body["org_tenant_id"]?.stringValue == root.id && keyIDs.contains(r.body["key_id"]?.stringValue ?? "") {
            try put(Self.registryTenant, Self.registry, r.id, r.createdAt, r.body.setting("revoked", true))
        }
        _ = revocations.add(1, ordering: .releasing)
    }

    /// For a reset of the organization whose root tenant is `root`: drops its minted keys from
    /// the registry and returns the tenants of its other projects (their state goes too).
    public func forgetOrganization(root: Tenant) -> [Tenant] {
        guard root.isOrganizationRoot, let entries = try? records(Self.registryTenant, Self.registry) else { return [] }
        var projects: [String: Tenant] = [:]
        for r in entries where r.body["org_tenant_id"]?.stringValue == root.id {
            if let project = r.body["project_id"]?.stringValue, project != root.projectID {
                projects[project] = Tenant.forProject(root: root, project: project, defaultProject: root.projectID)
            }
            remove(Self.registryTenant, Self.registry, r.id)
        }
        _ = revocations.add(1, ordering: .releasing)
        return projects.keys.sorted().compactMap { projects[$0] }
    }

    /// After a reset of all state (the registry went with it): cached key → tenant maps are stale.
    public func forgetAll() { _ = revocations.add(1, ordering: .releasing) }

    // MARK: - The organization

    struct Org {
        let root: Tenant
        let ownerID: String
        let defaultProject: String
    }

    /// The organization of `tenant`, created with its owner and default project on first use.
    /// Serialized: two first requests at once must not both create an owner.
    func org(_ tenant: Tenant) throws(APIError) -> Org {
        let result: Result<Org, APIError> = bootstrapLock.withLock { _ in
            do throws(APIError) { return .success(try loadOrCreateOrg(tenant)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func loadOrCreateOrg(_ tenant: Tenant) throws(APIError) -> Org {
        let root = Tenant(id: tenant.organizationTenantID, organizationID: tenant.organizationID,
                          organizationSlug: tenant.organizationSlug,
                          projectID: tenant.isOrganizationRoot ? tenant.projectID : "")
        if let s = try? env.records.get(tenant: root.id, collection: Self.orgState, id: "org") {
            let defaultProject = s.body["default_project_id"]?.stringValue ?? ""
            return Org(root: Tenant(id: root.id, organizationID: root.organizationID, organizationSlug: root.organizationSlug,
                                    projectID: defaultProject),
                       ownerID: s.body["owner_user_id"]?.stringValue ?? "", defaultProject: defaultProject)
        }
        // Only a root tenant can be new: a project tenant exists because its organization does
        // (and an organization's reset drops the keys of its projects).
        guard tenant.isOrganizationRoot else {
            throw .invalidRequest("This key's organization no longer exists.", code: "invalid_api_key", status: 401)
        }
        let now = env.now()
        let ids = env.ids(stream: root.id)
        let ownerID = ids.make("user-", length: 24)
        let name = "Simulated Owner"
        let user: JSON = .object([("object", "organization.user"), ("id", .string(ownerID)), ("name", .string(name)),
                                  ("email", .string("owner@\(root.organizationSlug).example.com")), ("role", "owner"),
                                  ("added_at", .int(now))])
        try put(root.id, Self.users, ownerID, now, user)
        let project: JSON = .object([("id", .string(root.projectID)), ("object", "organization.project"), ("name", "Default project"),
                                     ("created_at", .int(now)), ("archived_at", .null), ("status", "active")])
        try put(root.id, Self.projects, root.projectID, now, project)
        try putMembership(root.id, project: root.projectID, user: ownerID, role: "owner", addedAt: now)
        try put(root.id, Self.orgState, "org", now, .object([("owner_user_id", .string(ownerID)),
                                                            ("default_project_id", .string(root.projectID))]))
        return Org(root: root, ownerID: ownerID, defaultProject: root.projectID)
    }

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
    public func createServiceAccount(tenant: Tenant, project: String, name: String, accountOnly: Bool) throws(APIError) -> JSON {
        let org = try org(tenant)
        try requireActive(try loadProject(org, project))
        let now = env.now()
        let ids = env.ids(stream: org.root.id)
        let id = ids.make("svc_acct_", length: 24)
        let account: JSON = .object([("object", "organization.project.service_account"), ("id", .string(id)), ("name", .string(name)),
                                     ("role", "member"), ("created_at", .int(now)), ("_project_id", .string(project))])
        try put(org.root.id, Self.serviceAccounts, id, now, account)
        var apiKey: JSON = .null
        if !accountOnly {
            let keyID = ids.make("key_", length: 16)
            let value = "sk-svcacct-" + ids.make("", length: 64)
            let owner: JSON = .object([("type", "service_account"),
                                       ("service_account", .object([("id", .string(id)), ("name", .string(name)),
                                                                    ("created_at", .int(now)), ("role", "member")]))])
            let key: JSON = .object([("object", "organization.project.api_key"), ("redacted_value", .string(Self.redacted(value, prefix: "sk-svcacct"))),
                                     ("name", "Secret Key"), ("created_at", .int(now)), ("last_used_at", .null), ("id", .string(keyID)),
                                     ("owner_project_access", "active"), ("owner", owner), ("_project_id", .string(project)),
                                     ("_service_account_id", .string(id))])
            try put(org.root.id, Self.projectKeys, keyID, now, key)
            try register(org.root, key: value, keyID: keyID, project: project, serviceAccount: id)
            apiKey = .object([("object", "organization.project.service_account.api_key"), ("value", .string(value)),
                              ("name", "Secret Key"), ("created_at", .int(now)), ("id", .string(keyID))])
        }
        return Self.visible(account).setting("api_key", apiKey)
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/service_accounts
    public func listServiceAccounts(tenant: Tenant, project: String, after: String?, limit: Int) throws(APIError) -> Page {
        try projectRecords(tenant, project, Self.serviceAccounts, after: after, limit: limit)
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/service_accounts/{service_account_id}
    public func retrieveServiceAccount(tenant: Tenant, project: String, id: String) throws(APIError) -> JSON {
        Self.visible(try loadServiceAccount(try org(tenant), project, id))
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
        return Self.visible(account)
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
        return try Self.page(all.map(Self.visible), after: after, limit: limit)
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
        Self.visible(try loadProjectKey(try org(tenant), project, id))
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

    func loadProjectKey(_ org: Org, _ project: String, _ id: String) throws(APIError) -> JSON {
        try loadInProject(org, Self.projectKeys, project, id, what: "API key", param: "api_key_id")
    }

    // MARK: - Admin API keys

    /// - Remark: POST /v1/organization/admin_api_keys
    public func createAdminKey(tenant: Tenant, name: String, expiresIn: Int64?) throws(APIError) -> JSON {
        let org = try org(tenant)
        if let expiresIn, !(1...31_536_000).contains(expiresIn) {
            throw .invalidRequest("expires_in_seconds must be between 1 and 31536000.", param: "expires_in_seconds")
        }
        let now = env.now()
        let ids = env.ids(stream: org.root.id)
        let id = ids.make("key_", length: 16)
        let value = "sk-admin-" + ids.make("", length: 64)
        let owner = try users(org).first { $0["id"]?.stringValue == org.ownerID }
        let key: JSON = .object([("object", "organization.admin_api_key"), ("id", .string(id)), ("name", .string(name)),
                                 ("redacted_value", .string(Self.redacted(value, prefix: "sk-admin"))), ("created_at", .int(now)),
                                 ("expires_at", expiresIn.map { .int(now + $0) } ?? .null), ("last_used_at", .null),
                                 ("owner", .object([("type", "user"), ("object", "organization.user"), ("id", .string(org.ownerID)),
                                                    ("name", owner?["name"] ?? "Simulated Owner"), ("created_at", owner?["added_at"] ?? .int(now)),
                                                    ("role", "owner")]))])
        try put(org.root.id, Self.adminKeys, id, now, key)
        try register(org.root, key: value, keyID: id, project: org.defaultProject)
        return key.setting("value", .string(value))
    }

    /// - Remark: GET /v1/organization/admin_api_keys
    public func listAdminKeys(tenant: Tenant, after: String?, limit: Int, order: ListOrder) throws(APIError) -> Page {
        let org = try org(tenant)
        var all = try records(org.root.id, Self.adminKeys).map(\.body)
        if order == .desc { all.reverse() }
        return try Self.page(all, after: after, limit: limit)
    }

    /// - Remark: GET /v1/organization/admin_api_keys/{key_id}
    public func retrieveAdminKey(tenant: Tenant, id: String) throws(APIError) -> JSON {
        try loadAdminKey(try org(tenant), id)
    }

    /// - Remark: DELETE /v1/organization/admin_api_keys/{key_id}
    public func deleteAdminKey(tenant: Tenant, id: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        _ = try loadAdminKey(org, id)
        remove(org.root.id, Self.adminKeys, id)
        try revoke(org.root, keyIDs: [id])
        return .object([("id", .string(id)), ("object", "organization.admin_api_key.deleted"), ("deleted", true)])
    }

    func loadAdminKey(_ org: Org, _ id: String) throws(APIError) -> JSON {
        guard let r = try? env.records.get(tenant: org.root.id, collection: Self.adminKeys, id: id) else {
            throw .invalidRequest("No such admin API key: '\(id)'.", param: "key_id", code: "not_found", status: 404)
        }
        return r.body
    }

    // MARK: - Users

    func users(_ org: Org) throws(APIError) -> [JSON] { try records(org.root.id, Self.users).map(\.body) }

    func findUser(_ org: Org, id: String?, email: String?) throws(APIError) -> JSON {
        guard id != nil || email != nil else { throw .missingParameter("user_id") }
        let all = try users(org)
        if let id {
            guard let u = all.first(where: { $0["id"]?.stringValue == id }) else {
                throw .invalidRequest("User '\(id)' is not a member of this organization.", param: "user_id", code: "not_found", status: 404)
            }
            return u
        }
        let e = (email ?? "").lowercased()
        guard let u = all.first(where: { $0["email"]?.stringValue?.lowercased() == e }) else {
            throw .invalidRequest("No user with email '\(email ?? "")' in this organization.", param: "email", code: "not_found", status: 404)
        }
        return u
    }

    /// - Remark: GET /v1/organization/users
    public func listUsers(tenant: Tenant, after: String?, limit: Int, emails: [String]) throws(APIError) -> Page {
        let org = try org(tenant)
        let wanted = Set(emails.map { $0.lowercased() })
        let all = try users(org).filter { wanted.isEmpty || wanted.contains($0["email"]?.stringValue?.lowercased() ?? "") }
        return try Self.page(all, after: after, limit: limit)
    }

    /// - Remark: GET /v1/organization/users/{user_id}
    public func retrieveUser(tenant: Tenant, id: String) throws(APIError) -> JSON {
        try findUser(try org(tenant), id: id, email: nil)
    }

    /// - Remark: POST /v1/organization/users/{user_id}
    public func updateUser(tenant: Tenant, id: String, role: String?) throws(APIError) -> JSON {
        let org = try org(tenant)
        var user = try findUser(org, id: id, email: nil)
        if let role {
            guard ["owner", "reader"].contains(role) else { throw .invalidValue("role", role, supported: ["owner", "reader"]) }
            if id == org.ownerID && role != "owner" {
                throw .invalidRequest("The organization's founding owner (the holder of the key it was created with) stays an owner.", param: "role")
            }
            user = user.setting("role", .string(role))
            try put(org.root.id, Self.users, id, user["added_at"]?.intValue ?? 0, user)
        }
        return user
    }

    /// - Remark: DELETE /v1/organization/users/{user_id}
    public func deleteUser(tenant: Tenant, id: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        _ = try findUser(org, id: id, email: nil)
        if id == org.ownerID { throw .invalidRequest("The organization's founding owner (the holder of the key it was created with) cannot be removed.", param: "user_id") }
        for r in try records(org.root.id, Self.memberships) where r.body["user_id"]?.stringValue == id {
            remove(org.root.id, Self.memberships, r.id)
        }
        remove(org.root.id, Self.users, id)
        return .object([("object", "organization.user.deleted"), ("id", .string(id)), ("deleted", true)])
    }

    // MARK: - Invites

    /// An invite stays pending (nobody accepts in a simulator) until it expires on the clock,
    /// seven days after it was sent.
    /// - Remark: POST /v1/organization/invites
    public func invite(tenant: Tenant, email: String, role: String, projects: [(id: String, role: String)]) throws(APIError) -> JSON {
        let org = try org(tenant)
        guard Self.looksLikeEmail(email) else { throw .invalidRequest("Invalid email address: '\(email)'.", param: "email") }
        guard ["reader", "owner"].contains(role) else { throw .invalidValue("role", role, supported: ["reader", "owner"]) }
        if try users(org).contains(where: { $0["email"]?.stringValue?.lowercased() == email.lowercased() }) {
            throw .invalidRequest("'\(email)' is already a member of this organization.", param: "email")
        }
        var projectList: [JSON] = []
        for (i, p) in projects.enumerated() {
            guard ["member", "owner"].contains(p.role) else {
                throw .invalidValue("projects[\(i)].role", p.role, supported: ["member", "owner"])
            }
            // A project the body names that does not exist is a bad parameter (400), not a 404 of the request.
            do { try requireActive(try loadProject(org, p.id)) } catch {
                throw .invalidRequest(error.message, param: "projects[\(i)].id")
            }
            projectList.append(.object([("id", .string(p.id)), ("role", .string(p.role))]))
        }
        let now = env.now()
        let id = env.ids(stream: org.root.id).make("invite-", length: 24)
        let invite: JSON = .object([("object", "organization.invite"), ("id", .string(id)), ("email", .string(email)),
                                    ("role", .string(role)), ("status", "pending"), ("created_at", .int(now)),
                                    ("expires_at", .int(now + Self.inviteSeconds)), ("accepted_at", .null),
                                    ("projects", .array(projectList))])
        try put(org.root.id, Self.invites, id, now, invite)
        return invite
    }

    /// The invitee joins (the control plane's `POST /__sim/invites/accept`, standing in for the
    /// person clicking the link): a user with the invite's role and email, a member of the
    /// invite's projects; the invite becomes `accepted`. Audited as `invite.accepted` and
    /// `user.added`, with the new user as the actor.
    public func acceptInvite(tenant: Tenant, id: String, name: String?) throws(APIError) -> JSON {
        let org = try org(tenant)
        let invite = withStatus(try loadInvite(org, id))
        guard invite["status"]?.stringValue == "pending" else {
            throw .invalidRequest("Invite '\(id)' is \(invite["status"]?.stringValue ?? "not pending") and cannot be accepted.", param: "invite_id",
                                  code: "invite_not_pending", status: 409)
        }
        let email = invite["email"]?.stringValue ?? ""
        if try users(org).contains(where: { $0["email"]?.stringValue?.lowercased() == email.lowercased() }) {
            throw .invalidRequest("'\(email)' is already a member of this organization.", param: "invite_id", status: 409)
        }
        let now = env.now()
        let uid = env.ids(stream: org.root.id).make("user-", length: 24)
        let display = name ?? String(email.prefix { $0 != "@" })
        let user: JSON = .object([("object", "organization.user"), ("id", .string(uid)), ("name", .string(display)),
                                  ("email", .string(email)), ("role", invite["role"] ?? "reader"), ("added_at", .int(now))])
        try put(org.root.id, Self.users, uid, now, user)
        for p in invite["projects"]?.arrayValue ?? [] {
            guard let project = p["id"]?.stringValue, (try? loadProject(org, project)) != nil else { continue }
            try putMembership(org.root.id, project: project, user: uid, role: p["role"]?.stringValue ?? "member", addedAt: now)
        }
        try put(org.root.id, Self.invites, id, invite["created_at"]?.intValue ?? now,
                invite.setting("status", "accepted").setting("accepted_at", .int(now)))
        let actor: JSON = .object([("type", "session"), ("session", .object([("user", .object([("id", .string(uid)), ("email", .string(email))])),
                                                                              ("ip_address", "127.0.0.1")]))])
        record(org, type: "invite.accepted", payload: .object([("id", .string(id))]), actor: actor, project: nil)
        record(org, type: "user.added", payload: .object([("id", .string(uid)), ("data", .object([("role", invite["role"] ?? "reader")]))]),
               actor: actor, project: nil)
        return user
    }

    /// - Remark: GET /v1/organization/invites
    public func listInvites(tenant: Tenant, after: String?, limit: Int) throws(APIError) -> Page {
        let org = try org(tenant)
        return try Self.page(try records(org.root.id, Self.invites).map { withStatus($0.body) }, after: after, limit: limit)
    }

    /// - Remark: GET /v1/organization/invites/{invite_id}
    public func retrieveInvite(tenant: Tenant, id: String) throws(APIError) -> JSON {
        withStatus(try loadInvite(try org(tenant), id))
    }

    /// - Remark: DELETE /v1/organization/invites/{invite_id}
    public func deleteInvite(tenant: Tenant, id: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        let invite = withStatus(try loadInvite(org, id))
        if invite["status"]?.stringValue == "accepted" {
            throw .invalidRequest("An accepted invite cannot be deleted.", param: "invite_id")
        }
        remove(org.root.id, Self.invites, id)
        return .object([("object", "organization.invite.deleted"), ("id", .string(id)), ("deleted", true)])
    }

    func loadInvite(_ org: Org, _ id: String) throws(APIError) -> JSON {
        guard let r = try? env.records.get(tenant: org.root.id, collection: Self.invites, id: id) else {
            throw .invalidRequest("No such invite: '\(id)'.", param: "invite_id", code: "not_found", status: 404)
        }
        return r.body
    }

    func withStatus(_ invite: JSON) -> JSON {
        guard invite["status"]?.stringValue == "pending", let exp = invite["expires_at"]?.intValue, env.now() >= exp else { return invite }
        return invite.setting("status", "expired")
    }

    static func looksLikeEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !s.contains(" ")
    }

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
        var all = try records(org.root.id, Self.auditLogs).map(\.body).reversed().filter { e in
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
        if let before = q.before {
            guard let i = all.firstIndex(where: { $0["id"]?.stringValue == before }) else {
                throw .invalidRequest("No such object for 'before': '\(before)'.", param: "before", code: "not_found", status: 404)
            }
            all = Array(all[..<i].suffix(q.limit))
            return Page(data: all, ids: all.compactMap { $0["id"]?.stringValue }, hasMore: i > all.count)
        }
        return try Self.page(Array(all), after: q.after, limit: q.limit)
    }

    // MARK: - Plumbing

    public struct Page: Sendable {
        public let data: [JSON]
        public let ids: [String]
        public let hasMore: Bool
    }

    /// Oldest first; `after` must name an object in the list (404 otherwise, as the API answers
    /// an unknown cursor on these endpoints).
    static func page(_ all: [JSON], after: String?, limit: Int) throws(APIError) -> Page {
        var start = 0
        if let after {
            guard let i = all.firstIndex(where: { $0["id"]?.stringValue == after }) else {
                throw .invalidRequest("No such object for 'after': '\(after)'.", param: "after", code: "not_found", status: 404)
            }
            start = i + 1
        }
        let slice = Array(all[min(start, all.count)...].prefix(limit))
        return Page(data: slice, ids: slice.compactMap { $0["id"]?.stringValue }, hasMore: start + slice.count < all.count)
    }

    static func visible(_ doc: JSON) -> JSON {
        guard let pairs = doc.objectValue else { return doc }
        return .object(pairs.filter { !$0.0.hasPrefix("_") })
    }

    func records(_ tenant: String, _ collection: String) throws(APIError) -> [StoredRecord] {
        do {
            return try env.records.list(tenant: tenant, collection: collection,
                                        query: ListQuery(filters: [], order: .asc, after: nil, limit: Int.max)).records
        } catch { throw .serverError("\(error)") }
    }

    func put(_ tenant: String, _ collection: String, _ id: String, _ createdAt: Int64, _ body: JSON) throws(APIError) {
        do { _ = try env.records.put(StoredRecord(tenant: tenant, collection: collection, id: id, createdAt: createdAt, body: body)) } catch {
            throw .serverError("\(error)")
        }
    }

    func remove(_ tenant: String, _ collection: String, _ id: String) {
        _ = try? env.records.delete(tenant: tenant, collection: collection, id: id)
    }
}

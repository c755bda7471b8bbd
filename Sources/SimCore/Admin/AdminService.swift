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
    /// The spec's `PublicProjectResidency`, and the three the official SDK (3.57) names beyond it
    /// (`JP_`, `IN_`, `AU_STORAGE_PROCESSING`).
    public static let residencies = ["GLOBAL", "US_STORAGE_PROCESSING", "EU_STORAGE_PROCESSING", "JP_STORAGE", "JP_STORAGE_PROCESSING",
                                     "KR_STORAGE", "CA_STORAGE", "SG_STORAGE", "IN_STORAGE", "IN_STORAGE_PROCESSING", "AU_STORAGE",
                                     "AU_STORAGE_PROCESSING", "GB_STORAGE", "AE_STORAGE", "AE_STORAGE_PROCESSING"]

    /// The residency a project created with the deprecated `geography` gets: a residency value
    /// as it is, a region code (`EU`, `jp`) as that region's first residency (`EU_STORAGE_PROCESSING`,
    /// `JP_STORAGE`), nil for anything else. The API's own mapping is not documented; this is the
    /// simulator's reading of the two fields' descriptions.
    public static func residency(forGeography g: String) -> String? {
        let u = g.uppercased()
        if residencies.contains(u) { return u }
        guard u.count == 2 else { return nil }
        return residencies.first { $0.hasPrefix(u + "_") }
    }
    static let inviteSeconds: Int64 = 7 * 86_400

    let env: SimEnvironment
    public let auth: AuthPolicy
    /// Bumped whenever a key is revoked, so request paths that cache key → tenant drop the cache.
    public let revocations = Atomic<Int>(0)
    private let bootstrapLock = Mutex<Void>(())

    /// The project limits the simulator enforces: organization, project and model → the lowered
    /// requests/tokens per minute (see `AdminService+RateLimits.swift`).
    let enforced = OrganizationKeyed<EnforcedLimits>()
    /// Projects whose model permissions are not the default: organization and project → the policy.
    let modelPolicies = OrganizationKeyed<ModelPolicy>()
    /// The hosted tools a project turned off (only projects with one off are kept).
    let disabledTools = OrganizationKeyed<Set<String>>()
    /// Hard spend limits in cents: organization and project (an empty project: the
    /// organization's own limit) → the threshold (see `AdminService+Settings.swift`).
    let spendLimits = OrganizationKeyed<Int64>()

    public init(env: SimEnvironment, auth: AuthPolicy = .open) {
        self.env = env
        self.auth = auth
        loadEnforcedLimits()
        loadModelPolicies()
        loadToolPermissions()
        loadSpendLimits()
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
           r.body["revoked"]?.boolValue != true, !isExpired(r.body) {
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
        try mintedKey(token, includingRevoked: includingRevoked)?.tenant
    }

    /// `tenant(forMintedKey:)`, and whether the key has an expiry (so a cache of tokens must
    /// not keep it: it stops working without a revocation).
    public func mintedKey(_ token: String, includingRevoked: Bool = false) throws(APIError) -> (tenant: Tenant, expires: Bool)? {
        guard Self.mintedPrefixes.contains(where: { token.hasPrefix($0) }) else { return nil }
        guard let r = try? env.records.get(tenant: Self.registryTenant, collection: Self.registry, id: Self.keyHash(token)) else {
            return nil
        }
        let b = r.body
        if (b["revoked"]?.boolValue == true || isExpired(b)) && !includingRevoked { throw .invalidAPIKey(token) }
        let root = Tenant(id: b["org_tenant_id"]?.stringValue ?? "", organizationID: b["organization_id"]?.stringValue ?? "",
                          organizationSlug: b["organization_slug"]?.stringValue ?? "",
                          projectID: b["default_project_id"]?.stringValue ?? "")
        let tenant = Tenant.forProject(root: root, project: b["project_id"]?.stringValue ?? root.projectID, defaultProject: root.projectID,
                                       apiKeyID: b["key_id"]?.stringValue)
        return (tenant, b["expires_at"]?.intValue != nil)
    }

    static func keyHash(_ token: String) -> String {
        let a = StableHash.fnv1a(token), b = StableHash.fnv1a(token, seed: 0x9e3779b97f4a7c15)
        return String(a, radix: 16).leftPadded(16) + String(b, radix: 16).leftPadded(16)
    }

    static func redacted(_ key: String, prefix: String) -> String { prefix + "..." + String(key.suffix(3)) }

    /// Whether a registry entry's key has passed its `expires_at` on the clock (an expired key is
    /// refused like a revoked one: the API's message for it is not known here).
    func isExpired(_ entry: JSON) -> Bool {
        guard let at = entry["expires_at"]?.intValue else { return false }
        return env.now() >= at
    }

    /// The lifetime the API allows a minted key (`expires_in_seconds`, 1 second to 365 days).
    static func checkKeyLifetime(_ seconds: Int64?) throws(APIError) {
        if let seconds, !(1...31_536_000).contains(seconds) {
            throw .invalidRequest("expires_in_seconds must be between 1 and 31536000.", param: "expires_in_seconds")
        }
    }

    func register(_ root: Tenant, key: String, keyID: String, project: String, serviceAccount: String? = nil,
                  expiresAt: Int64? = nil) throws(APIError) {
        var pairs: [(String, JSON)] = [("service_account_id", JSON(serviceAccount)), ("org_tenant_id", .string(root.id)), ("organization_id", .string(root.organizationID)),
                                       ("organization_slug", .string(root.organizationSlug)), ("default_project_id", .string(root.projectID)),
                                       ("project_id", .string(project)), ("key_id", .string(keyID)), ("revoked", false)]
        if let expiresAt { pairs.append(("expires_at", .int(expiresAt))) }
        let body: JSON = .object(pairs)
        try put(Self.registryTenant, Self.registry, Self.keyHash(key), env.now(), body)
    }

    /// The user each API key id of `tenant`'s organization belongs to, for the usage endpoints'
    /// `user_id`: a service account's key belongs to no user (nil); every other key that can make
    /// model requests here (the token's own key, an admin key) is the organization owner's: in
    /// this simulator only the owner holds keys (invited users join without one).
    public func keyUsers(tenant: Tenant) throws(APIError) -> (String) -> String? {
        let org = try org(tenant)
        var serviceAccountKeys: Set<String> = []
        for r in try records(Self.registryTenant, Self.registry)
        where r.body["org_tenant_id"]?.stringValue == org.root.id && r.body["service_account_id"]?.stringValue != nil {
            if let id = r.body["key_id"]?.stringValue { serviceAccountKeys.insert(id) }
        }
        let keys = serviceAccountKeys, owner = org.ownerID
        return { keys.contains($0) ? nil : owner }
    }

    /// Sets the registered key `keyID`'s expiry (a later request finds it; keys with an expiry
    /// are not cached by the server, see `mintedKey`).
    func setExpiry(_ root: Tenant, keyID: String, expiresAt: Int64) throws(APIError) {
        for r in try records(Self.registryTenant, Self.registry)
        where r.body["org_tenant_id"]?.stringValue == root.id && r.body["key_id"]?.stringValue == keyID {
            try put(Self.registryTenant, Self.registry, r.id, r.createdAt, r.body.setting("expires_at", .int(expiresAt)))
        }
        // A key without an expiry may be cached by the server: drop those caches.
        _ = revocations.add(1, ordering: .releasing)
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
        enforced.forget(organization: root.id)
        modelPolicies.forget(organization: root.id)
        disabledTools.forget(organization: root.id)
        spendLimits.forget(organization: root.id)
        return projects.keys.sorted().compactMap { projects[$0] }
    }

    /// After a reset of all state (the registry went with it): cached key → tenant maps are stale.
    public func forgetAll() {
        _ = revocations.add(1, ordering: .releasing)
        enforced.forget(organization: nil)
        modelPolicies.forget(organization: nil)
        disabledTools.forget(organization: nil)
        spendLimits.forget(organization: nil)
    }

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

    // MARK: - Admin API keys

    /// - Remark: POST /v1/organization/admin_api_keys
    public func createAdminKey(tenant: Tenant, name: String, expiresIn: Int64?) throws(APIError) -> JSON {
        let org = try org(tenant)
        try Self.checkKeyLifetime(expiresIn)
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
        try register(org.root, key: value, keyID: id, project: org.defaultProject, expiresAt: key["expires_at"]?.intValue)
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

    // MARK: - Plumbing

    public struct Page: Sendable {
        public let data: [JSON]
        public let ids: [String]
        public let hasMore: Bool
    }

    /// A page of `all` in the order given, cursors naming objects by `ids` (default: each one's
    /// `id`); a cursor not in the list is a 404, as the API answers an unknown cursor on these
    /// endpoints. `after`: the `limit` objects after it. `before`: the last `limit` objects before
    /// it, or with `after` too, the first `limit` between the two (then `has_more` is always true).
    static func page(_ all: [JSON], ids given: [String]? = nil, after: String?, before: String? = nil, limit: Int) throws(APIError) -> Page {
        let ids = given ?? all.map { $0["id"]?.stringValue ?? "" }
        func index(of cursor: String, _ param: String) throws(APIError) -> Int {
            guard let i = ids.firstIndex(of: cursor) else {
                throw .invalidRequest("No such object for '\(param)': '\(cursor)'.", param: param, code: "not_found", status: 404)
            }
            return i
        }
        var start = 0
        if let after { start = try index(of: after, "after") + 1 }
        guard let before else {
            let range = min(start, all.count)..<min(start + limit, all.count)
            return Page(data: Array(all[range]), ids: Array(ids[range]), hasMore: range.upperBound < all.count)
        }
        let end = try index(of: before, "before")
        let window = min(start, end)..<end
        let range = after == nil ? max(window.lowerBound, end - limit)..<end : window.lowerBound..<min(window.lowerBound + limit, end)
        return Page(data: Array(all[range]), ids: Array(ids[range]), hasMore: after == nil ? range.count < window.count : true)
    }

    func records(_ tenant: String, _ collection: String) throws(APIError) -> [StoredRecord] {
        try env.records.allRecords(tenant: tenant, collection: collection)
    }

    func put(_ tenant: String, _ collection: String, _ id: String, _ createdAt: Int64, _ body: JSON) throws(APIError) {
        try env.records.putRecord(tenant: tenant, collection: collection, id: id, createdAt: createdAt, body: body)
    }

    func remove(_ tenant: String, _ collection: String, _ id: String) {
        env.records.removeRecord(tenant: tenant, collection: collection, id: id)
    }
}

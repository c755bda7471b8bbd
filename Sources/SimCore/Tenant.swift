import Synchronization
import SimSupport

/// An isolated slice of state: one per API key in open mode.
///
/// Immutable, and a class so that the many places a request carries it (the exchange, the route
/// context, generation requests, the journal) share one reference instead of copying four strings.
public final class Tenant: Sendable, Hashable {
    /// Stable storage key (a hash of the API key: keys themselves are never stored).
    public let id: String
    public let organizationID: String
    /// The organization's name as the API reports it (`openai-organization` header, `ft:` model names).
    public let organizationSlug: String
    public let projectID: String
    /// Where the organization's own state (projects, keys, users: the admin API) is stored: the
    /// `id` of the tenant for the organization's default project. Equal to `id` for every tenant
    /// an API key maps to in open mode; a key minted for another project (a service account's)
    /// maps to a tenant of its own with the same organization.
    public let organizationTenantID: String
    /// The id of the API key the requests came with (`key_…`): a minted key's own id, or one
    /// derived from the token's hash (`Tenant.keyID(forToken:)`). Usage is counted by it. Not
    /// part of the tenant's value (equality, hash): two keys of one project share its state.
    public let apiKeyID: String?
    /// Facts services remember on this tenant object, each valid only while the stamp stored
    /// here equals the service's current `MemoGeneration.stamp` (-1: nothing known). Not part
    /// of the tenant's value (equality, hash).
    let settledJobsStamp = Atomic<Int>(-1)
    let noOwnModelsStamp = Atomic<Int>(-1)

    init(id: String, organizationID: String, organizationSlug: String, projectID: String, organizationTenantID: String? = nil,
         apiKeyID: String? = nil) {
        self.id = id
        self.organizationID = organizationID
        self.organizationSlug = organizationSlug
        self.projectID = projectID
        self.organizationTenantID = organizationTenantID ?? id
        self.apiKeyID = apiKeyID
    }

    /// The `key_…` id of a token the admin API did not mint (stable: a hash of the token).
    public static func keyID(forToken token: String) -> String {
        "key_" + String(StableHash.fnv1a(token, seed: 0x9e3779b97f4a7c15), radix: 16).leftPadded(16)
    }

    /// The organization's default project (the tenant its admin state lives in).
    public var isOrganizationRoot: Bool { id == organizationTenantID }

    /// The tenant for `project` of the organization whose root tenant is `root`: the root itself
    /// for its default project, otherwise an isolated slice of state of the project's own.
    public static func forProject(root: Tenant, project: String, defaultProject: String, apiKeyID: String? = nil) -> Tenant {
        if project == defaultProject {
            return Tenant(id: root.id, organizationID: root.organizationID, organizationSlug: root.organizationSlug,
                          projectID: root.projectID, organizationTenantID: root.id, apiKeyID: apiKeyID ?? root.apiKeyID)
        }
        let h = StableHash.fnv1a(project, seed: StableHash.fnv1a(root.id))
        return Tenant(id: root.id + "_p" + String(h, radix: 16).leftPadded(16), organizationID: root.organizationID,
                      organizationSlug: root.organizationSlug, projectID: project, organizationTenantID: root.id, apiKeyID: apiKeyID)
    }

    public static func == (a: Tenant, b: Tenant) -> Bool {
        a === b || (a.id == b.id && a.organizationID == b.organizationID && a.organizationSlug == b.organizationSlug
                    && a.projectID == b.projectID && a.organizationTenantID == b.organizationTenantID)
    }

    public func hash(into h: inout Hasher) {
        h.combine(id); h.combine(organizationID); h.combine(organizationSlug); h.combine(projectID); h.combine(organizationTenantID)
    }

    /// The tenant an API key maps to; the same key always yields the same tenant.
    public static func forAPIKey(_ key: String) -> Tenant {
        let h = StableHash.fnv1a(key)
        let h2 = StableHash.mix(h, 0x5eed)
        let hex = String(h, radix: 16).leftPadded(16)
        let ids = IDGenerator(seed: h2, stream: "tenant")
        return Tenant(id: "t_" + hex, organizationID: ids.make("org-", length: 24),
                      organizationSlug: "user-" + String(h2, radix: 36).prefix(12).lowercased(),
                      projectID: ids.make("proj_", length: 24), apiKeyID: keyID(forToken: key))
    }
}

extension String {
    func leftPadded(_ n: Int, with c: Character = "0") -> String {
        count >= n ? self : String(repeating: c, count: n - count) + self
    }
}

import SimSupport

/// Access control: roles (predefined and custom, for the organization or a project), groups and
/// their members, groups' access to projects, and role assignments to users and groups.
///
/// Predefined roles are the same in every organization, with fixed ids (`predefinedRoles`); they
/// cannot be changed or deleted. Custom roles, groups and assignments are the organization's
/// records. A user's roles include those of its groups (`assignment_sources` names the groups).
/// A user's `role` field (owner/reader, owner/member in a project) is kept apart from these.
extension AdminService {
    static let roles = "org_roles"
    static let groups = "org_groups"
    static let groupUsers = "org_group_users"
    static let projectGroups = "org_project_groups"
    static let roleAssignments = "org_role_assignments"

    /// Where a role applies and is assigned: the organization, or one project.
    public enum RoleScope: Sendable, Equatable {
        case organization, project(String)

        var resourceType: String { if case .project = self { "api.project" } else { "api.organization" } }
    }

    /// Who holds a role.
    public enum Principal: Sendable, Equatable {
        case user(String), group(String)

        var type: String { if case .user = self { "user" } else { "group" } }
        var id: String { switch self { case let .user(id), let .group(id): id } }
    }

    /// What a change answers, and the audit events it makes (type, payload).
    public struct Change: Sendable {
        public let result: JSON
        public let events: [(type: String, payload: JSON)]
    }

    static let orgRead = ["api.organization.read", "api.organization.projects.read", "api.organization.users.read", "api.groups.read",
                          "api.roles.read", "api.audit_logs.read", "api.usage.read", "api.model.request"]
    static let orgWrite = ["api.organization.write", "api.organization.projects.write", "api.organization.users.write", "api.groups.write",
                           "api.roles.write", "api.organization.projects.api_keys.read", "api.organization.projects.api_keys.write"]
    static let projectUse = ["api.project.read", "api.model.request", "api.responses.write", "api.files.read", "api.files.write"]
    static let projectAdmin = ["api.project.write", "api.project.users.read", "api.project.users.write", "api.roles.read",
                               "api.organization.projects.api_keys.read", "api.organization.projects.api_keys.write"]

    /// The built-in roles, oldest first: the organization's Owner and Reader, a project's Owner,
    /// Member and Viewer.
    public static let predefinedRoles: [JSON] = [
        builtin("role_org_owner", "Owner", "Full control of the organization: billing, members, projects, roles and keys.",
                orgRead + orgWrite, "api.organization"),
        builtin("role_org_reader", "Reader", "Can see the organization's settings and make API requests.", orgRead, "api.organization"),
        builtin("role_proj_owner", "Owner", "Full control of the project: its members, keys, limits and resources.",
                projectUse + projectAdmin, "api.project"),
        builtin("role_proj_member", "Member", "Can use the project: make API requests and manage its resources.", projectUse, "api.project"),
        builtin("role_proj_viewer", "Viewer", "Read-only access to the project.", ["api.project.read"], "api.project"),
    ]

    private static func builtin(_ id: String, _ name: String, _ description: String, _ permissions: [String], _ type: String) -> JSON {
        .object([("object", "role"), ("id", .string(id)), ("name", .string(name)), ("description", .string(description)),
                 ("permissions", .array(permissions.map { .string($0) })), ("resource_type", .string(type)), ("predefined_role", true)])
    }

    // MARK: - Roles

    /// - Remark: GET /v1/organization/roles, GET /v1/projects/{project_id}/roles
    public func listRoles(tenant: Tenant, scope: RoleScope, after: String?, limit: Int, order: ListOrder) throws(APIError) -> Page {
        let org = try org(tenant, scope, active: false)
        return try Self.page(ordered(try rolesIn(org, scope).map(\.withoutInternalMembers), order), after: after, limit: limit)
    }

    /// - Remark: POST /v1/organization/roles, POST /v1/projects/{project_id}/roles
    public func createRole(tenant: Tenant, scope: RoleScope, name: String, permissions: [String], description: String?) throws(APIError) -> Change {
        let org = try org(tenant, scope, active: true)
        let name = try checkRoleName(org, scope, name, except: nil)
        let perms = try Self.checkPermissions(permissions)
        let now = env.now()
        let id = env.ids(stream: org.root.id).make("role_", length: 24)
        var pairs: [(String, JSON)] = [("object", "role"), ("id", .string(id)), ("name", .string(name)), ("description", JSON(description)),
                                       ("permissions", .array(perms.map { .string($0) })), ("resource_type", .string(scope.resourceType)),
                                       ("predefined_role", false), ("_created_at", .int(now)), ("_updated_at", .int(now)),
                                       ("_created_by", .string(org.ownerID))]
        if case let .project(p) = scope { pairs.append(("_project_id", .string(p))) }
        let role: JSON = .object(pairs)
        try put(org.root.id, Self.roles, id, now, role)
        let payload: JSON = .object([("id", .string(id)), ("role_name", .string(name)), ("permissions", .array(perms.map { .string($0) })),
                                     ("resource_type", .string(scope.resourceType)), ("resource_id", .string(resourceID(org, scope)))])
        return Change(result: role.withoutInternalMembers, events: [("role.created", payload)])
    }

    /// - Remark: GET /v1/organization/roles/{role_id}, GET /v1/projects/{project_id}/roles/{role_id}
    public func retrieveRole(tenant: Tenant, scope: RoleScope, id: String) throws(APIError) -> JSON {
        let org = try org(tenant, scope, active: false)
        return try loadRole(org, scope, id, param: "role_id", assigning: false).withoutInternalMembers
    }

    /// - Remark: POST /v1/organization/roles/{role_id}, POST /v1/projects/{project_id}/roles/{role_id}
    public func updateRole(tenant: Tenant, scope: RoleScope, id: String, name: String?, permissions: [String]?,
                           description: String?) throws(APIError) -> Change {
        let org = try org(tenant, scope, active: true)
        var role = try customRole(org, scope, id, doing: "modified")
        var changes: [(String, JSON)] = [("resource_id", .string(resourceID(org, scope))), ("resource_type", .string(scope.resourceType))]
        if let name {
            let n = try checkRoleName(org, scope, name, except: id)
            role = role.setting("name", .string(n))
            changes.append(("role_name", .string(n)))
        }
        if let permissions {
            let new = try Self.checkPermissions(permissions)
            let old = (role["permissions"]?.arrayValue ?? []).compactMap(\.stringValue)
            role = role.setting("permissions", .array(new.map { .string($0) }))
            changes.append(("permissions_added", .array(new.filter { !old.contains($0) }.map { .string($0) })))
            changes.append(("permissions_removed", .array(old.filter { !new.contains($0) }.map { .string($0) })))
        }
        if let description {
            role = role.setting("description", .string(description))
            changes.append(("description", .string(description)))
        }
        role = role.setting("_updated_at", .int(env.now()))
        try put(org.root.id, Self.roles, id, role["_created_at"]?.intValue ?? 0, role)
        return Change(result: role.withoutInternalMembers,
                      events: [("role.updated", .object([("id", .string(id)), ("changes_requested", .object(changes))]))])
    }

    /// Deletes a custom role and every assignment of it.
    /// - Remark: DELETE /v1/organization/roles/{role_id}, DELETE /v1/projects/{project_id}/roles/{role_id}
    public func deleteRole(tenant: Tenant, scope: RoleScope, id: String) throws(APIError) -> Change {
        let org = try org(tenant, scope, active: false)
        _ = try customRole(org, scope, id, doing: "deleted")
        try removeAll(org, Self.roleAssignments) { $0["role_id"]?.stringValue == id }
        remove(org.root.id, Self.roles, id)
        return Change(result: .object([("object", "role.deleted"), ("id", .string(id)), ("deleted", true)]),
                      events: [("role.deleted", .object([("id", .string(id))]))])
    }

    func rolesIn(_ org: Org, _ scope: RoleScope) throws(APIError) -> [JSON] {
        let custom = try records(org.root.id, Self.roles).map(\.body)
        return (Self.predefinedRoles + custom).filter { Self.role($0, isIn: scope) }
    }

    static func role(_ role: JSON, isIn scope: RoleScope) -> Bool {
        guard role["resource_type"]?.stringValue == scope.resourceType else { return false }
        guard case let .project(p) = scope else { return true }
        return role["predefined_role"]?.boolValue == true || role["_project_id"]?.stringValue == p
    }

    /// The role `id` of `scope`: 404 naming `param` when there is none; when `assigning`, a role
    /// of another scope is a 400 (it exists, but cannot be assigned here).
    func loadRole(_ org: Org, _ scope: RoleScope, _ id: String, param: String, assigning: Bool) throws(APIError) -> JSON {
        let found = Self.predefinedRoles.first { $0["id"]?.stringValue == id } ?? stored(org, Self.roles, id)
        if let found, Self.role(found, isIn: scope) { return found }
        let place = if case let .project(p) = scope { "project '\(p)'" } else { "this organization" }
        if let found, assigning, found["resource_type"]?.stringValue != scope.resourceType {
            throw .invalidRequest("Role '\(id)' is a role of type '\(found["resource_type"]?.stringValue ?? "")' and cannot be assigned in \(place).",
                                  param: param)
        }
        throw .invalidRequest("No such role in \(place): '\(id)'.", param: param, code: "not_found", status: 404)
    }

    private func customRole(_ org: Org, _ scope: RoleScope, _ id: String, doing: String) throws(APIError) -> JSON {
        let role = try loadRole(org, scope, id, param: "role_id", assigning: false)
        if role["predefined_role"]?.boolValue == true {
            throw .invalidRequest("Role '\(id)' is a predefined role and cannot be \(doing).", param: "role_id", code: "predefined_role")
        }
        return role
    }

    private func checkRoleName(_ org: Org, _ scope: RoleScope, _ name: String, except: String?) throws(APIError) -> String {
        let n = try Self.checkName(name, "Role", param: "role_name")
        if try rolesIn(org, scope).contains(where: { $0["id"]?.stringValue != except && $0["name"]?.stringValue?.lowercased() == n.lowercased() }) {
            throw .invalidRequest("A role named '\(n)' already exists.", param: "role_name", code: "role_name_taken")
        }
        return n
    }

    /// Permissions look like `api.groups.read`: dot-separated lowercase words after `api`.
    /// Duplicates are dropped, order kept.
    static func checkPermissions(_ permissions: [String]) throws(APIError) -> [String] {
        var out: [String] = []
        for (i, p) in permissions.enumerated() {
            let parts = p.split(separator: ".", omittingEmptySubsequences: false)
            let ok = parts.count >= 2 && parts[0] == "api"
                && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" } }
            guard ok else {
                throw .invalidRequest("Invalid permission '\(p)': permissions look like 'api.groups.read'.", param: "permissions[\(i)]",
                                      code: "invalid_value")
            }
            if !out.contains(p) { out.append(p) }
        }
        return out
    }

    // MARK: - Scopes and ids

    /// The organization, having checked the scope's project exists (and is not archived, if `active`).
    func org(_ tenant: Tenant, _ scope: RoleScope, active: Bool) throws(APIError) -> Org {
        let org = try org(tenant)
        if case let .project(p) = scope {
            let project = try loadProject(org, p)
            if active { try requireActive(project) }
        }
        return org
    }

    func resourceID(_ org: Org, _ scope: RoleScope) -> String {
        if case let .project(p) = scope { p } else { org.root.organizationID }
    }

    func ordered(_ items: [JSON], _ order: ListOrder) -> [JSON] { order == .desc ? items.reversed() : items }

    func stored(_ org: Org, _ collection: String, _ id: String) -> JSON? {
        (try? env.records.get(tenant: org.root.id, collection: collection, id: id))?.body
    }

    /// Removes the records of `collection` that `match`; answers their bodies.
    @discardableResult
    func removeAll(_ org: Org, _ collection: String, where match: (JSON) -> Bool) throws(APIError) -> [JSON] {
        let gone = try records(org.root.id, collection).filter { match($0.body) }
        for r in gone { remove(org.root.id, collection, r.id) }
        return gone.map(\.body)
    }
}

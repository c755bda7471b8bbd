import SimSupport

/// Role assignments to users and groups, in the organization or a project.
extension AdminService {
    static func assignmentKey(_ who: Principal, _ scope: RoleScope, _ role: String) -> String {
        let resource = if case let .project(p) = scope { p } else { "org" }
        return "\(resource)/\(who.type):\(who.id)/\(role)"
    }

    static func assignmentPayload(_ a: JSON) -> JSON {
        .object([("id", a["id"] ?? .null), ("principal_id", a["principal_id"] ?? .null), ("principal_type", a["principal_type"] ?? .null),
                 ("resource_id", a["resource_id"] ?? .null), ("resource_type", a["resource_type"] ?? .null)])
    }

    /// Stores the assignment; returns its audit payload.
    func putAssignment(_ org: Org, _ who: Principal, _ scope: RoleScope, _ role: String) throws(APIError) -> JSON {
        let now = env.now()
        let a: JSON = .object([("id", .string(env.ids(stream: org.root.id).make("roleasgn_", length: 24))), ("principal_type", .string(who.type)),
                               ("principal_id", .string(who.id)), ("resource_type", .string(scope.resourceType)),
                               ("resource_id", .string(resourceID(org, scope))), ("role_id", .string(role)), ("created_at", .int(now))])
        try put(org.root.id, Self.roleAssignments, Self.assignmentKey(who, scope, role), now, a)
        return Self.assignmentPayload(a)
    }

    /// Drops a removed user's group memberships and role assignments (`deleteUser` calls it).
    func forgetAccess(_ org: Org, user: String) throws(APIError) {
        try removeAll(org, Self.groupUsers) { $0["user_id"]?.stringValue == user }
        try removeAll(org, Self.roleAssignments) { $0["principal_type"] == "user" && $0["principal_id"]?.stringValue == user }
    }

    /// The principal exists (404 naming `user_id` or `group_id` otherwise); answers its object
    /// as an assignment shows it.
    func loadPrincipal(_ org: Org, _ who: Principal) throws(APIError) -> JSON {
        switch who {
        case let .user(id): return try findUser(org, id: id, email: nil)
        case let .group(id):
            let g = try loadGroup(org, id)
            return .object([("object", "group"), ("id", .string(id)), ("name", g["name"] ?? ""), ("created_at", g["created_at"] ?? .int(0)),
                            ("scim_managed", g["is_scim_managed"] ?? false)])
        }
    }

    /// The roles `who` holds in `scope`, in the order they were assigned: a user's own and its
    /// groups', each with the principals it comes from.
    func heldRoles(_ org: Org, _ who: Principal, _ scope: RoleScope) throws(APIError) -> [(role: String, sources: [Principal])] {
        var principals = [who]
        if case let .user(u) = who {
            principals += try records(org.root.id, Self.groupUsers).filter { $0.body["user_id"]?.stringValue == u }
                .compactMap { $0.body["group_id"]?.stringValue }.map { .group($0) }
        }
        let resource = resourceID(org, scope)
        var held: [(role: String, sources: [Principal])] = []
        for r in try records(org.root.id, Self.roleAssignments) where r.body["resource_id"]?.stringValue == resource {
            let p: Principal = r.body["principal_type"] == "group" ? .group(r.body["principal_id"]?.stringValue ?? "")
                : .user(r.body["principal_id"]?.stringValue ?? "")
            guard principals.contains(p), let role = r.body["role_id"]?.stringValue else { continue }
            if let i = held.firstIndex(where: { $0.role == role }) { held[i].sources.append(p) } else { held.append((role, [p])) }
        }
        return held
    }

    func assignedRoleDetails(_ org: Org, _ scope: RoleScope, _ held: (role: String, sources: [Principal]), who: Principal) -> JSON? {
        guard let role = try? loadRole(org, scope, held.role, param: "role_id", assigning: false) else { return nil }
        let creator = role["_created_by"]?.stringValue
        var creatorObj = JSON.null
        if let creator, let u = try? findUser(org, id: creator, email: nil) {
            creatorObj = .object([("id", .string(creator)), ("name", u["name"] ?? .null), ("email", u["email"] ?? .null)])
        }
        var sources = JSON.null
        if held.sources != [who] {
            sources = .array(held.sources.map { .object([("principal_id", .string($0.id)), ("principal_type", .string($0.type))]) })
        }
        let pairs: [(String, JSON)] = [
            ("id", role["id"] ?? .null), ("name", role["name"] ?? ""), ("permissions", role["permissions"] ?? []),
            ("resource_type", role["resource_type"] ?? ""), ("predefined_role", role["predefined_role"] ?? false),
            ("description", role["description"] ?? .null), ("created_at", role["_created_at"] ?? .null),
            ("updated_at", role["_updated_at"] ?? .null), ("created_by", JSON(creator)), ("created_by_user_obj", creatorObj),
            ("metadata", .object([])), ("assignment_sources", sources),
        ]
        return .object(pairs)
    }

    /// - Remark: GET /v1/organization/{users|groups}/{id}/roles, GET /v1/projects/{project_id}/{users|groups}/{id}/roles
    public func listAssignments(tenant: Tenant, who: Principal, scope: RoleScope, after: String?, limit: Int, order: ListOrder) throws(APIError) -> Page {
        let org = try org(tenant, scope, active: false)
        _ = try loadPrincipal(org, who)
        let all = try heldRoles(org, who, scope).compactMap { assignedRoleDetails(org, scope, $0, who: who) }
        return try Self.page(ordered(all, order), after: after, limit: limit)
    }

    /// - Remark: POST /v1/organization/{users|groups}/{id}/roles, POST /v1/projects/{project_id}/{users|groups}/{id}/roles
    public func assignRole(tenant: Tenant, who: Principal, scope: RoleScope, role id: String) throws(APIError) -> Change {
        let org = try org(tenant, scope, active: true)
        let principal = try loadPrincipal(org, who)
        let role = try loadRole(org, scope, id, param: "role_id", assigning: true)
        if stored(org, Self.roleAssignments, Self.assignmentKey(who, scope, id)) != nil {
            throw .invalidRequest("Role '\(id)' is already assigned to \(who.type) '\(who.id)'.", param: "role_id", code: "role_already_assigned")
        }
        let payload = try putAssignment(org, who, scope, id)
        let result: JSON = .object([("object", .string("\(who.type).role")), (who.type, principal), ("role", role.withoutInternalMembers)])
        return Change(result: result, events: [("role.assignment.created", payload)])
    }

    /// - Remark: GET /v1/organization/{users|groups}/{id}/roles/{role_id}, GET /v1/projects/{project_id}/{users|groups}/{id}/roles/{role_id}
    public func retrieveAssignment(tenant: Tenant, who: Principal, scope: RoleScope, role id: String) throws(APIError) -> JSON {
        let org = try org(tenant, scope, active: false)
        _ = try loadPrincipal(org, who)
        guard let held = try heldRoles(org, who, scope).first(where: { $0.role == id }),
              let details = assignedRoleDetails(org, scope, held, who: who) else {
            throw .invalidRequest("Role '\(id)' is not assigned to \(who.type) '\(who.id)'.", param: "role_id", code: "not_found", status: 404)
        }
        return details
    }

    /// Removes a direct assignment (a role a user holds through a group is the group's to lose).
    /// - Remark: DELETE /v1/organization/{users|groups}/{id}/roles/{role_id}, DELETE /v1/projects/{project_id}/{users|groups}/{id}/roles/{role_id}
    public func unassignRole(tenant: Tenant, who: Principal, scope: RoleScope, role id: String) throws(APIError) -> Change {
        let org = try org(tenant, scope, active: false)
        _ = try loadPrincipal(org, who)
        let key = Self.assignmentKey(who, scope, id)
        guard let a = stored(org, Self.roleAssignments, key) else {
            if let held = try heldRoles(org, who, scope).first(where: { $0.role == id }) {
                let groups = held.sources.map { "'\($0.id)'" }.joined(separator: ", ")
                throw .invalidRequest("Role '\(id)' comes to \(who.type) '\(who.id)' from group \(groups); unassign it from the group.", param: "role_id")
            }
            throw .invalidRequest("Role '\(id)' is not assigned to \(who.type) '\(who.id)'.", param: "role_id", code: "not_found", status: 404)
        }
        remove(org.root.id, Self.roleAssignments, key)
        return Change(result: .object([("object", .string("\(who.type).role.deleted")), ("deleted", true)]),
                      events: [("role.assignment.deleted", Self.assignmentPayload(a))])
    }
}

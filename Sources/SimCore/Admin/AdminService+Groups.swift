import SimSupport

/// Groups, their members and their access to projects.
extension AdminService {
    /// - Remark: GET /v1/organization/groups
    public func listGroups(tenant: Tenant, after: String?, limit: Int, order: ListOrder) throws(APIError) -> Page {
        let org = try org(tenant)
        return try Self.page(ordered(try records(org.root.id, Self.groups).map(\.body), order), after: after, limit: limit)
    }

    /// - Remark: POST /v1/organization/groups
    public func createGroup(tenant: Tenant, name: String) throws(APIError) -> Change {
        let org = try org(tenant)
        let name = try Self.checkName(name, "Group", param: "name")
        let now = env.now()
        let id = env.ids(stream: org.root.id).make("group_", length: 24)
        let group: JSON = .object([("object", "group"), ("id", .string(id)), ("name", .string(name)), ("created_at", .int(now)),
                                   ("is_scim_managed", false), ("group_type", "group")])
        try put(org.root.id, Self.groups, id, now, group)
        return Change(result: group, events: [("group.created", .object([("id", .string(id)), ("data", .object([("group_name", .string(name))]))]))])
    }

    /// - Remark: GET /v1/organization/groups/{group_id}
    public func retrieveGroup(tenant: Tenant, id: String) throws(APIError) -> JSON { try loadGroup(try org(tenant), id) }

    /// - Remark: POST /v1/organization/groups/{group_id}
    public func updateGroup(tenant: Tenant, id: String, name: String) throws(APIError) -> Change {
        let org = try org(tenant)
        let name = try Self.checkName(name, "Group", param: "name")
        let group = try loadGroup(org, id).setting("name", .string(name))
        try put(org.root.id, Self.groups, id, group["created_at"]?.intValue ?? 0, group)
        return Change(result: group, events: [("group.updated", .object([("id", .string(id)),
                                                                         ("changes_requested", .object([("group_name", .string(name))]))]))])
    }

    /// Deletes the group with its memberships, project access and role assignments.
    /// - Remark: DELETE /v1/organization/groups/{group_id}
    public func deleteGroup(tenant: Tenant, id: String) throws(APIError) -> Change {
        let org = try org(tenant)
        _ = try loadGroup(org, id)
        for c in [Self.groupUsers, Self.projectGroups] { try removeAll(org, c) { $0["group_id"]?.stringValue == id } }
        try removeAll(org, Self.roleAssignments) { $0["principal_type"] == "group" && $0["principal_id"]?.stringValue == id }
        remove(org.root.id, Self.groups, id)
        return Change(result: .object([("object", "group.deleted"), ("id", .string(id)), ("deleted", true)]),
                      events: [("group.deleted", .object([("id", .string(id))]))])
    }

    func loadGroup(_ org: Org, _ id: String) throws(APIError) -> JSON {
        guard let g = stored(org, Self.groups, id) else {
            throw .invalidRequest("No such group: '\(id)'.", param: "group_id", code: "not_found", status: 404)
        }
        return g
    }

    /// A name of 1 to 255 characters (trimmed).
    static func checkName(_ name: String, _ what: String, param: String) throws(APIError) -> String {
        let n = name.trimmingWhitespace()
        guard !n.isEmpty else { throw .invalidRequest("\(what) name must not be empty.", param: param) }
        guard n.count <= 255 else { throw .invalidRequest("\(what) name must be at most 255 characters.", param: param) }
        return n
    }

    // MARK: - Group users

    /// Newest first by default (the API's order for this list).
    /// - Remark: GET /v1/organization/groups/{group_id}/users
    public func listGroupUsers(tenant: Tenant, group: String, after: String?, limit: Int, order: ListOrder) throws(APIError) -> Page {
        let org = try org(tenant)
        _ = try loadGroup(org, group)
        let users = try users(org)
        let members: [JSON] = try records(org.root.id, Self.groupUsers).compactMap { r in
            guard r.body["group_id"]?.stringValue == group, let u = users.first(where: { $0["id"] == r.body["user_id"] }) else { return nil }
            return .object([("id", u["id"] ?? .null), ("name", u["name"] ?? ""), ("email", u["email"] ?? .null)])
        }
        return try Self.page(ordered(members, order), after: after, limit: limit)
    }

    /// - Remark: POST /v1/organization/groups/{group_id}/users
    public func addGroupUser(tenant: Tenant, group: String, user: String) throws(APIError) -> Change {
        let org = try org(tenant)
        _ = try loadGroup(org, group)
        _ = try findUser(org, id: user, email: nil)
        if stored(org, Self.groupUsers, group + "/" + user) != nil {
            throw .invalidRequest("User '\(user)' is already a member of group '\(group)'.", param: "user_id")
        }
        try put(org.root.id, Self.groupUsers, group + "/" + user, env.now(),
                .object([("group_id", .string(group)), ("user_id", .string(user)), ("added_at", .int(env.now()))]))
        return Change(result: .object([("object", "group.user"), ("user_id", .string(user)), ("group_id", .string(group))]),
                      events: [("group.updated", .object([("id", .string(group))]))])
    }

    /// - Remark: GET /v1/organization/groups/{group_id}/users/{user_id}
    public func retrieveGroupUser(tenant: Tenant, group: String, user: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        try loadGroupMember(org, group, user)
        let u = try findUser(org, id: user, email: nil)
        return .object([("id", .string(user)), ("name", u["name"] ?? ""), ("email", u["email"] ?? .null), ("picture", .null),
                        ("is_service_account", false), ("user_type", "user")])
    }

    /// - Remark: DELETE /v1/organization/groups/{group_id}/users/{user_id}
    public func removeGroupUser(tenant: Tenant, group: String, user: String) throws(APIError) -> Change {
        let org = try org(tenant)
        try loadGroupMember(org, group, user)
        remove(org.root.id, Self.groupUsers, group + "/" + user)
        return Change(result: .object([("object", "group.user.deleted"), ("deleted", true)]),
                      events: [("group.updated", .object([("id", .string(group))]))])
    }

    private func loadGroupMember(_ org: Org, _ group: String, _ user: String) throws(APIError) {
        _ = try loadGroup(org, group)
        guard stored(org, Self.groupUsers, group + "/" + user) != nil else {
            throw .invalidRequest("User '\(user)' is not a member of group '\(group)'.", param: "user_id", code: "not_found", status: 404)
        }
    }

    // MARK: - Project groups

    func projectGroup(_ org: Org, _ record: JSON) -> JSON {
        let group = try? loadGroup(org, record["group_id"]?.stringValue ?? "")
        return .object([("object", "project.group"), ("project_id", record["project_id"] ?? .null), ("group_id", record["group_id"] ?? .null),
                        ("group_name", group?["name"] ?? ""), ("group_type", "group"), ("created_at", record["created_at"] ?? .int(0))])
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/groups
    public func listProjectGroups(tenant: Tenant, project: String, after: String?, limit: Int, order: ListOrder) throws(APIError) -> Page {
        let org = try org(tenant)
        _ = try loadProject(org, project)
        var all: [(key: String, value: JSON)] = try records(org.root.id, Self.projectGroups)
            .filter { $0.body["project_id"]?.stringValue == project }
            .map { ($0.body["group_id"]?.stringValue ?? "", projectGroup(org, $0.body)) }
        if order == .desc { all.reverse() }
        return try Self.page(all.map(\.value), ids: all.map(\.key), after: after, limit: limit)
    }

    /// Gives the group access to the project with the project role `role` (a role assignment).
    /// - Remark: POST /v1/organization/projects/{project_id}/groups
    public func addProjectGroup(tenant: Tenant, project: String, group: String, role: String) throws(APIError) -> Change {
        let org = try org(tenant)
        try requireActive(try loadProject(org, project))
        _ = try loadGroup(org, group)
        _ = try loadRole(org, .project(project), role, param: "role", assigning: true)
        if stored(org, Self.projectGroups, project + "/" + group) != nil {
            throw .invalidRequest("Group '\(group)' already has access to project '\(project)'.", param: "group_id")
        }
        let now = env.now()
        let record: JSON = .object([("project_id", .string(project)), ("group_id", .string(group)), ("created_at", .int(now))])
        try put(org.root.id, Self.projectGroups, project + "/" + group, now, record)
        let key = Self.assignmentKey(.group(group), .project(project), role)
        var events: [(type: String, payload: JSON)] = []
        if stored(org, Self.roleAssignments, key) == nil {
            events.append(("role.assignment.created", try putAssignment(org, .group(group), .project(project), role)))
        }
        return Change(result: projectGroup(org, record), events: events)
    }

    /// - Remark: GET /v1/organization/projects/{project_id}/groups/{group_id}
    public func retrieveProjectGroup(tenant: Tenant, project: String, group: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        return projectGroup(org, try loadProjectGroup(org, project, group))
    }

    /// Takes the group's access to the project away, with its roles there.
    /// - Remark: DELETE /v1/organization/projects/{project_id}/groups/{group_id}
    public func removeProjectGroup(tenant: Tenant, project: String, group: String) throws(APIError) -> Change {
        let org = try org(tenant)
        _ = try loadProjectGroup(org, project, group)
        remove(org.root.id, Self.projectGroups, project + "/" + group)
        let gone = try removeAll(org, Self.roleAssignments) {
            $0["principal_type"] == "group" && $0["principal_id"]?.stringValue == group && $0["resource_id"]?.stringValue == project
        }
        return Change(result: .object([("object", "project.group.deleted"), ("deleted", true)]),
                      events: gone.map { ("role.assignment.deleted", Self.assignmentPayload($0)) })
    }

    private func loadProjectGroup(_ org: Org, _ project: String, _ group: String) throws(APIError) -> JSON {
        _ = try loadProject(org, project)
        guard let r = stored(org, Self.projectGroups, project + "/" + group) else {
            throw .invalidRequest("Group '\(group)' does not have access to project '\(project)'.", param: "group_id", code: "not_found", status: 404)
        }
        return r
    }
}

import OpenAIWire

/// Access control in the admin API: roles, groups and their members, role assignments.
extension Organization {
    /// The organization's roles (`/organization/roles`).
    public var roles: Roles { Roles(client: client, base: "/organization/roles") }

    /// A project's roles (`/projects/{project_id}/roles`).
    public func projectRoles(_ projectID: String) -> Roles { Roles(client: client, base: "/projects/\(seg(projectID))/roles") }

    public var groups: Groups { Groups(client: client) }

    /// The roles a user holds in the organization (or in `projectID`), its groups' included.
    /// - Remark: GET /v1/organization/users/{user_id}/roles, GET /v1/projects/{project_id}/users/{user_id}/roles
    public func userRoles(_ userID: String, projectID: String? = nil, limit: Int? = nil, after: String? = nil,
                          order: String? = nil) async throws -> AssignedRoleListResponse {
        try await client.adminJSON(.get(Self.holderRoles("users", userID, projectID), query: Self.pageQuery(limit, after, order)))
    }

    /// - Remark: GET /v1/organization/users/{user_id}/roles/{role_id}
    public func userRole(_ userID: String, roleID: String, projectID: String? = nil) async throws -> AssignedRoleDetails {
        try await client.adminJSON(.get(Self.holderRoles("users", userID, projectID) + "/\(seg(roleID))"))
    }

    /// - Remark: POST /v1/organization/users/{user_id}/roles, POST /v1/projects/{project_id}/users/{user_id}/roles
    public func assignUserRole(_ userID: String, roleID: String, projectID: String? = nil) async throws -> UserRoleAssignment {
        try await client.adminJSON(.post(Self.holderRoles("users", userID, projectID), json: ["role_id": roleID]))
    }

    /// - Remark: DELETE /v1/organization/users/{user_id}/roles/{role_id}
    public func unassignUserRole(_ userID: String, roleID: String, projectID: String? = nil) async throws -> DeletedConfirmation {
        try await client.adminJSON(.delete(Self.holderRoles("users", userID, projectID) + "/\(seg(roleID))"))
    }

    /// `/organization/{users|groups}/{id}/roles`, or the project's.
    static func holderRoles(_ kind: String, _ id: String, _ projectID: String?) -> String {
        (projectID.map { "/projects/\(seg($0))" } ?? "/organization") + "/\(kind)/\(seg(id))/roles"
    }

    static func pageQuery(_ limit: Int?, _ after: String?, _ order: String?) -> [(String, String?)] {
        [("limit", limit.map(String.init)), ("after", after), ("order", order)]
    }
}

/// `/organization/roles` or `/projects/{project_id}/roles`: predefined roles and custom ones.
public struct Roles: Sendable {
    let client: OpenAIClient
    let base: String

    /// - Remark: GET /v1/organization/roles
    public func list(limit: Int? = nil, after: String? = nil, order: String? = nil) async throws -> RoleListResponse {
        try await client.adminJSON(.get(base, query: Organization.pageQuery(limit, after, order)))
    }

    /// - Remark: POST /v1/organization/roles
    public func create(name: String, permissions: [String], description: String? = nil) async throws -> Role {
        try await client.adminJSON(.post(base, json: RoleRequest(roleName: name, permissions: permissions, description: description)))
    }

    /// - Remark: GET /v1/organization/roles/{role_id}
    public func retrieve(_ id: String) async throws -> Role { try await client.adminJSON(.get("\(base)/\(seg(id))")) }

    /// Changes the fields given (custom roles only).
    /// - Remark: POST /v1/organization/roles/{role_id}
    public func update(_ id: String, _ request: RoleRequest) async throws -> Role {
        try await client.adminJSON(.post("\(base)/\(seg(id))", json: request))
    }

    /// Deletes a custom role and its assignments.
    /// - Remark: DELETE /v1/organization/roles/{role_id}
    public func delete(_ id: String) async throws -> OrganizationObjectDeleted {
        try await client.adminJSON(.delete("\(base)/\(seg(id))"))
    }
}

/// `/organization/groups`: groups, their members and their roles.
public struct Groups: Sendable {
    let client: OpenAIClient

    /// - Remark: GET /v1/organization/groups
    public func list(limit: Int? = nil, after: String? = nil, order: String? = nil) async throws -> GroupListResponse {
        try await client.adminJSON(.get("/organization/groups", query: Organization.pageQuery(limit, after, order)))
    }

    /// - Remark: POST /v1/organization/groups
    public func create(name: String) async throws -> GroupResponse {
        try await client.adminJSON(.post("/organization/groups", json: ["name": name]))
    }

    /// - Remark: GET /v1/organization/groups/{group_id}
    public func retrieve(_ id: String) async throws -> GroupResponse { try await client.adminJSON(.get("/organization/groups/\(seg(id))")) }

    /// Renames the group.
    /// - Remark: POST /v1/organization/groups/{group_id}
    public func update(_ id: String, name: String) async throws -> GroupResponse {
        try await client.adminJSON(.post("/organization/groups/\(seg(id))", json: ["name": name]))
    }

    /// Deletes the group with its memberships, project access and role assignments.
    /// - Remark: DELETE /v1/organization/groups/{group_id}
    public func delete(_ id: String) async throws -> OrganizationObjectDeleted {
        try await client.adminJSON(.delete("/organization/groups/\(seg(id))"))
    }

    /// The group's members (newest first by default).
    /// - Remark: GET /v1/organization/groups/{group_id}/users
    public func listUsers(groupID: String, limit: Int? = nil, after: String? = nil, order: String? = nil) async throws -> GroupUserListResponse {
        try await client.adminJSON(.get("/organization/groups/\(seg(groupID))/users", query: Organization.pageQuery(limit, after, order)))
    }

    /// - Remark: POST /v1/organization/groups/{group_id}/users
    public func addUser(groupID: String, userID: String) async throws -> GroupUserAssignment {
        try await client.adminJSON(.post("/organization/groups/\(seg(groupID))/users", json: ["user_id": userID]))
    }

    /// - Remark: DELETE /v1/organization/groups/{group_id}/users/{user_id}
    public func removeUser(groupID: String, userID: String) async throws -> DeletedConfirmation {
        try await client.adminJSON(.delete("/organization/groups/\(seg(groupID))/users/\(seg(userID))"))
    }

    /// The roles the group holds in the organization (or in `projectID`).
    /// - Remark: GET /v1/organization/groups/{group_id}/roles, GET /v1/projects/{project_id}/groups/{group_id}/roles
    public func roles(_ groupID: String, projectID: String? = nil, limit: Int? = nil, after: String? = nil,
                      order: String? = nil) async throws -> AssignedRoleListResponse {
        try await client.adminJSON(.get(Organization.holderRoles("groups", groupID, projectID), query: Organization.pageQuery(limit, after, order)))
    }

    /// - Remark: POST /v1/organization/groups/{group_id}/roles, POST /v1/projects/{project_id}/groups/{group_id}/roles
    public func assignRole(_ groupID: String, roleID: String, projectID: String? = nil) async throws -> GroupRoleAssignment {
        try await client.adminJSON(.post(Organization.holderRoles("groups", groupID, projectID), json: ["role_id": roleID]))
    }

    /// - Remark: DELETE /v1/organization/groups/{group_id}/roles/{role_id}
    public func unassignRole(_ groupID: String, roleID: String, projectID: String? = nil) async throws -> DeletedConfirmation {
        try await client.adminJSON(.delete(Organization.holderRoles("groups", groupID, projectID) + "/\(seg(roleID))"))
    }
}

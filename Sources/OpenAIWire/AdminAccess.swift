/// A list of the access-control endpoints (roles, groups, group users, role assignments):
/// `has_more` and `next` (the cursor of the following page, null on the last) instead of
/// `first_id`/`last_id` (`RoleListResource`, `GroupListResource`, `UserListResource`, …).
public struct NextCursorPage<Item: Codable & Sendable>: Codable, Sendable {
    public let object: String
    public let data: [Item]
    public let hasMore: Bool
    public let next: String?

    enum CodingKeys: String, CodingKey { case object, data, next, hasMore = "has_more" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        object = try c.decodeConstant("list", forKey: .object)
        data = try c.decode([Item].self, forKey: .data)
        hasMore = try c.decode(Bool.self, forKey: .hasMore)
        next = try c.decodeIfPresent(String.self, forKey: .next)
    }
}

/// A role of the organization or of a project (`Role`): predefined (fixed ids, read-only) or custom.
public struct Role: Codable, Sendable, Hashable {
    public let object: String
    public let id: String
    public let name: String
    public let description: String?
    public let permissions: [String]
    /// `api.organization` or `api.project`.
    public let resourceType: String
    public let predefinedRole: Bool

    enum CodingKeys: String, CodingKey {
        case object, id, name, description, permissions, resourceType = "resource_type", predefinedRole = "predefined_role"
    }
}

/// `PublicCreateOrganizationRoleBody` / `PublicUpdateOrganizationRoleBody` (an update sends only the non-nil fields).
public struct RoleRequest: Codable, Sendable {
    public var roleName: String?
    public var permissions: [String]?
    public var description: String?
    public init(roleName: String? = nil, permissions: [String]? = nil, description: String? = nil) {
        self.roleName = roleName
        self.permissions = permissions
        self.description = description
    }
    enum CodingKeys: String, CodingKey { case permissions, description, roleName = "role_name" }
}

/// A role as a user's or group's role list shows it (`AssignedRoleDetails`). The creator and the
/// metadata stay JSON.
public struct AssignedRoleDetails: Codable, Sendable, Hashable {
    /// A principal a role comes from (the user itself, or one of its groups).
    public struct Source: Codable, Sendable, Hashable {
        public let principalID: String
        public let principalType: String
        enum CodingKeys: String, CodingKey { case principalID = "principal_id", principalType = "principal_type" }
    }

    public let id: String
    public let name: String
    public let permissions: [String]
    public let resourceType: String
    public let predefinedRole: Bool
    public let description: String?
    public let createdAt: Int?
    public let updatedAt: Int?
    public let createdBy: String?
    public let createdByUserObj: JSONValue?
    public let metadata: JSONValue?
    /// Null when the role is held directly only.
    public let assignmentSources: [Source]?

    enum CodingKeys: String, CodingKey {
        case id, name, permissions, description, metadata
        case resourceType = "resource_type", predefinedRole = "predefined_role", createdAt = "created_at", updatedAt = "updated_at"
        case createdBy = "created_by", createdByUserObj = "created_by_user_obj", assignmentSources = "assignment_sources"
    }
}

/// A group as the groups endpoints answer it (`GroupResponse`).
public struct GroupResponse: Codable, Sendable, Hashable {
    public let id: String
    public let name: String
    public let createdAt: Int
    public let isScimManaged: Bool
    public let groupType: String?

    enum CodingKeys: String, CodingKey {
        case id, name, createdAt = "created_at", isScimManaged = "is_scim_managed", groupType = "group_type"
    }
}

/// A group inside a role assignment (`Group`).
public struct Group: Codable, Sendable, Hashable {
    public let object: String
    public let id: String
    public let name: String
    public let createdAt: Int
    public let scimManaged: Bool

    enum CodingKeys: String, CodingKey { case object, id, name, createdAt = "created_at", scimManaged = "scim_managed" }
}

/// A member of a group (`GroupUser`).
public struct GroupUser: Codable, Sendable, Hashable {
    public let id: String
    public let name: String
    public let email: String?
}

/// `POST /v1/organization/groups/{group_id}/users`' answer (`GroupUserAssignment`).
public struct GroupUserAssignment: Codable, Sendable, Hashable {
    public let object: String
    public let userID: String
    public let groupID: String

    enum CodingKeys: String, CodingKey { case object, userID = "user_id", groupID = "group_id" }
}

/// A role assigned to a user (`UserRoleAssignment`, object `user.role`).
public struct UserRoleAssignment: Codable, Sendable, Hashable {
    public let object: String
    public let user: OrganizationUser
    public let role: Role
}

/// A role assigned to a group (`GroupRoleAssignment`, object `group.role`).
public struct GroupRoleAssignment: Codable, Sendable, Hashable {
    public let object: String
    public let group: Group
    public let role: Role
}

/// A deletion answer without an id (`DeletedRoleAssignmentResource`, `GroupUserDeletedResource`).
public struct DeletedConfirmation: Codable, Sendable, Hashable {
    public let object: String
    public let deleted: Bool
}

public typealias RoleListResponse = NextCursorPage<Role>
public typealias AssignedRoleListResponse = NextCursorPage<AssignedRoleDetails>
public typealias GroupListResponse = NextCursorPage<GroupResponse>
public typealias GroupUserListResponse = NextCursorPage<GroupUser>

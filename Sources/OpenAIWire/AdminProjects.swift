/// Wire types of a project's settings and access in the admin API that the organization-level
/// types do not already cover. A project's certificates, data retention, spend limit and spend
/// alerts reuse `Certificate`, `DataRetention`, `SpendLimit` and `SpendAlert` (see `AdminSettings.swift`).

/// Whether one hosted tool is enabled for a project (`HostedToolPermission`, and
/// `HostedToolPermissionUpdate` in an update).
public struct HostedToolPermission: Codable, Sendable, Hashable {
    public var enabled: Bool
    public init(enabled: Bool) { self.enabled = enabled }
}

/// A project's hosted tool permissions (`ProjectHostedToolPermissions`): every tool enabled until changed.
public struct ProjectHostedToolPermissions: Codable, Sendable, Hashable {
    public let fileSearch: HostedToolPermission
    public let webSearch: HostedToolPermission
    public let imageGeneration: HostedToolPermission
    public let mcp: HostedToolPermission
    public let codeInterpreter: HostedToolPermission

    enum CodingKeys: String, CodingKey {
        case mcp, fileSearch = "file_search", webSearch = "web_search", imageGeneration = "image_generation", codeInterpreter = "code_interpreter"
    }
}

/// `ProjectHostedToolPermissionsUpdateRequest`: only the non-nil tools are sent (the others keep their state).
public struct ProjectHostedToolPermissionsRequest: Codable, Sendable, Hashable {
    public var fileSearch: HostedToolPermission?
    public var webSearch: HostedToolPermission?
    public var imageGeneration: HostedToolPermission?
    public var mcp: HostedToolPermission?
    public var codeInterpreter: HostedToolPermission?

    public init(fileSearch: Bool? = nil, webSearch: Bool? = nil, imageGeneration: Bool? = nil, mcp: Bool? = nil, codeInterpreter: Bool? = nil) {
        self.fileSearch = fileSearch.map(HostedToolPermission.init(enabled:))
        self.webSearch = webSearch.map(HostedToolPermission.init(enabled:))
        self.imageGeneration = imageGeneration.map(HostedToolPermission.init(enabled:))
        self.mcp = mcp.map(HostedToolPermission.init(enabled:))
        self.codeInterpreter = codeInterpreter.map(HostedToolPermission.init(enabled:))
    }

    enum CodingKeys: String, CodingKey {
        case mcp, fileSearch = "file_search", webSearch = "web_search", imageGeneration = "image_generation", codeInterpreter = "code_interpreter"
    }
}

/// A group's access to a project (`ProjectGroup`, object `project.group`).
public struct ProjectGroup: Codable, Sendable, Hashable {
    public let object: String
    public let projectID: String
    public let groupID: String
    public let groupName: String
    /// `group` or `tenant_group`.
    public let groupType: String
    public let createdAt: Int

    enum CodingKeys: String, CodingKey {
        case object, projectID = "project_id", groupID = "group_id", groupName = "group_name", groupType = "group_type", createdAt = "created_at"
    }
}

/// `InviteProjectGroupBody`: the group and the project role it gets.
public struct InviteProjectGroupRequest: Codable, Sendable, Hashable {
    public var groupID: String
    public var role: String
    public init(groupID: String, role: String) {
        self.groupID = groupID
        self.role = role
    }
    enum CodingKeys: String, CodingKey { case role, groupID = "group_id" }
}

/// `ProjectGroupListResource` (`has_more` + `next`).
public typealias ProjectGroupListResponse = NextCursorPage<ProjectGroup>

import SimCore
import SimHTTP
import SimSupport

/// The admin API's access control objects: roles, groups, their members and role assignments.
/// See `AdminService+Roles`, `+Groups` and `+RoleAssignments`.
extension App {
    /// A list of these endpoints: `next` is the cursor of the following page (null on the last).
    static func nextCursorList(_ p: AdminService.Page) -> RouteResult {
        .json(.object([("object", "list"), ("data", .array(p.data)), ("has_more", .bool(p.hasMore)),
                       ("next", p.hasMore ? JSON(p.ids.last) : .null)]))
    }

    /// Records the change's audit events (scoped to the route's project, if any), then answers it.
    static func auditedAccess(_ ctx: RouteContext, _ change: AdminService.Change) -> RouteResult {
        for e in change.events { recordAudit(ctx, e.type, e.payload, project: ctx.params["project_id"]) }
        return .json(change.result)
    }

    /// The body of a role's create (`role_name` and `permissions` required) or update.
    static func roleBody(_ ctx: RouteContext, creating: Bool) throws(APIError) -> (name: String?, permissions: [String]?, description: String?) {
        let p = try ctx.body()
        try p.rejectUnknown(["role_name", "permissions", "description"])
        let name = creating ? try p.requiredString("role_name") : try p.string("role_name")
        let permissions = try p.strings("permissions")
        if creating && permissions == nil { throw APIError.missingParameter("permissions") }
        return (name, permissions, try p.string("description"))
    }

    static func roleID(_ ctx: RouteContext) throws(APIError) -> String {
        let p = try ctx.body()
        try p.rejectUnknown(["role_id"])
        return try p.requiredString("role_id")
    }

    static func registerAdminAccessRoutes(_ r: inout Router<RouteHandler>) {
        let org = "/v1/organization"
        @Sendable func list(_ ctx: RouteContext, range: ClosedRange<Int> = 0...1000, limit: Int = 100, order: ListOrder = .asc)
            throws(APIError) -> (after: String?, limit: Int, order: ListOrder) {
            (ctx.query.string("after"), try ctx.query.limit(default: limit, range: range), try ctx.query.order(default: order))
        }
        @Sendable func scope(_ ctx: RouteContext) -> AdminService.RoleScope {
            ctx.params["project_id"].map { .project($0) } ?? .organization
        }

        // Roles: the organization's, and a project's (under /v1/projects, as the API has them).
        for base in [org + "/roles", "/v1/projects/{project_id}/roles"] {
            Self.addAdmin(&r, "GET", base) { ctx in
                let q = try list(ctx, limit: 1000)
                return nextCursorList(try ctx.services.admin.listRoles(tenant: ctx.tenant, scope: scope(ctx), after: q.after, limit: q.limit, order: q.order))
            }
            Self.addAdmin(&r, "POST", base) { ctx in
                let b = try roleBody(ctx, creating: true)
                return auditedAccess(ctx, try ctx.services.admin.createRole(tenant: ctx.tenant, scope: scope(ctx), name: b.name ?? "",
                                                                            permissions: b.permissions ?? [], description: b.description))
            }
            Self.addAdmin(&r, "GET", base + "/{role_id}") { ctx in
                .json(try ctx.services.admin.retrieveRole(tenant: ctx.tenant, scope: scope(ctx), id: ctx.param("role_id")))
            }
            Self.addAdmin(&r, "POST", base + "/{role_id}") { ctx in
                let b = try roleBody(ctx, creating: false)
                return auditedAccess(ctx, try ctx.services.admin.updateRole(tenant: ctx.tenant, scope: scope(ctx), id: ctx.param("role_id"),
                                                                            name: b.name, permissions: b.permissions, description: b.description))
            }
            Self.addAdmin(&r, "DELETE", base + "/{role_id}") { ctx in
                auditedAccess(ctx, try ctx.services.admin.deleteRole(tenant: ctx.tenant, scope: scope(ctx), id: ctx.param("role_id")))
            }
        }

        // Role assignments: users' and groups', in the organization and in a project.
        let holders: [(path: String, param: String, principal: @Sendable (String) -> AdminService.Principal)] = [
            (org + "/users/{user_id}/roles", "user_id", { .user($0) }),
            (org + "/groups/{group_id}/roles", "group_id", { .group($0) }),
            ("/v1/projects/{project_id}/users/{user_id}/roles", "user_id", { .user($0) }),
            ("/v1/projects/{project_id}/groups/{group_id}/roles", "group_id", { .group($0) }),
        ]
        for h in holders {
            Self.addAdmin(&r, "GET", h.path) { ctx in
                let q = try list(ctx)
                return nextCursorList(try ctx.services.admin.listAssignments(tenant: ctx.tenant, who: h.principal(ctx.param(h.param)), scope: scope(ctx),
                                                                             after: q.after, limit: q.limit, order: q.order))
            }
            Self.addAdmin(&r, "POST", h.path) { ctx in
                auditedAccess(ctx, try ctx.services.admin.assignRole(tenant: ctx.tenant, who: h.principal(ctx.param(h.param)), scope: scope(ctx),
                                                                     role: try roleID(ctx)))
            }
            Self.addAdmin(&r, "GET", h.path + "/{role_id}") { ctx in
                .json(try ctx.services.admin.retrieveAssignment(tenant: ctx.tenant, who: h.principal(ctx.param(h.param)), scope: scope(ctx),
                                                                role: ctx.param("role_id")))
            }
            Self.addAdmin(&r, "DELETE", h.path + "/{role_id}") { ctx in
                auditedAccess(ctx, try ctx.services.admin.unassignRole(tenant: ctx.tenant, who: h.principal(ctx.param(h.param)), scope: scope(ctx),
                                                                       role: ctx.param("role_id")))
            }
        }

        // Groups
        Self.addAdmin(&r, "GET", org + "/groups") { ctx in
            let q = try list(ctx)
            return nextCursorList(try ctx.services.admin.listGroups(tenant: ctx.tenant, after: q.after, limit: q.limit, order: q.order))
        }
        Self.addAdmin(&r, "POST", org + "/groups") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["name"])
            return auditedAccess(ctx, try ctx.services.admin.createGroup(tenant: ctx.tenant, name: try p.requiredString("name")))
        }
        Self.addAdmin(&r, "GET", org + "/groups/{group_id}") { ctx in
            .json(try ctx.services.admin.retrieveGroup(tenant: ctx.tenant, id: ctx.param("group_id")))
        }
        Self.addAdmin(&r, "POST", org + "/groups/{group_id}") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["name"])
            return auditedAccess(ctx, try ctx.services.admin.updateGroup(tenant: ctx.tenant, id: ctx.param("group_id"), name: try p.requiredString("name")))
        }
        Self.addAdmin(&r, "DELETE", org + "/groups/{group_id}") { ctx in
            auditedAccess(ctx, try ctx.services.admin.deleteGroup(tenant: ctx.tenant, id: ctx.param("group_id")))
        }

        // Group users
        Self.addAdmin(&r, "GET", org + "/groups/{group_id}/users") { ctx in
            let q = try list(ctx, order: .desc)
            return nextCursorList(try ctx.services.admin.listGroupUsers(tenant: ctx.tenant, group: ctx.param("group_id"), after: q.after,
                                                                        limit: q.limit, order: q.order))
        }
        Self.addAdmin(&r, "POST", org + "/groups/{group_id}/users") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["user_id"])
            return auditedAccess(ctx, try ctx.services.admin.addGroupUser(tenant: ctx.tenant, group: ctx.param("group_id"),
                                                                          user: try p.requiredString("user_id")))
        }
        Self.addAdmin(&r, "GET", org + "/groups/{group_id}/users/{user_id}") { ctx in
            .json(try ctx.services.admin.retrieveGroupUser(tenant: ctx.tenant, group: ctx.param("group_id"), user: ctx.param("user_id")))
        }
        Self.addAdmin(&r, "DELETE", org + "/groups/{group_id}/users/{user_id}") { ctx in
            auditedAccess(ctx, try ctx.services.admin.removeGroupUser(tenant: ctx.tenant, group: ctx.param("group_id"), user: ctx.param("user_id")))
        }

        // Project groups
        Self.addAdmin(&r, "GET", org + "/projects/{project_id}/groups") { ctx in
            let q = try list(ctx, range: 0...100, limit: 20)
            return nextCursorList(try ctx.services.admin.listProjectGroups(tenant: ctx.tenant, project: ctx.param("project_id"), after: q.after,
                                                                           limit: q.limit, order: q.order))
        }
        Self.addAdmin(&r, "POST", org + "/projects/{project_id}/groups") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["group_id", "role"])
            return auditedAccess(ctx, try ctx.services.admin.addProjectGroup(tenant: ctx.tenant, project: ctx.param("project_id"),
                                                                             group: try p.requiredString("group_id"), role: try p.requiredString("role")))
        }
        Self.addAdmin(&r, "GET", org + "/projects/{project_id}/groups/{group_id}") { ctx in
            let type = ctx.query.string("group_type") ?? "group"
            guard ["group", "tenant_group"].contains(type) else { throw APIError.invalidValue("group_type", type, supported: ["group", "tenant_group"]) }
            if type == "tenant_group" {
                throw APIError.invalidRequest("No such tenant group: '\(ctx.param("group_id"))'.", param: "group_id", code: "not_found", status: 404)
            }
            return .json(try ctx.services.admin.retrieveProjectGroup(tenant: ctx.tenant, project: ctx.param("project_id"), group: ctx.param("group_id")))
        }
        Self.addAdmin(&r, "DELETE", org + "/projects/{project_id}/groups/{group_id}") { ctx in
            auditedAccess(ctx, try ctx.services.admin.removeProjectGroup(tenant: ctx.tenant, project: ctx.param("project_id"), group: ctx.param("group_id")))
        }
    }
}

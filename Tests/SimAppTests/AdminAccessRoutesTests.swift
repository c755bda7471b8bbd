import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

/// Roles, groups, group members, project groups and role assignments of the admin API.
@Suite struct AdminAccessRoutesTests {
    static let org = "/v1/organization"

    func ids(_ r: TestHarness.Result) -> [String] { (r.json["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue } }

    func owner(_ sim: TestHarness) async -> String {
        await sim.send("GET", "\(Self.org)/users").json["data"]?.arrayValue?.first?["id"]?.stringValue ?? ""
    }

    func defaultProject(_ sim: TestHarness) async -> String {
        await sim.send("GET", "\(Self.org)/projects").json["data"]?.arrayValue?.first?["id"]?.stringValue ?? ""
    }

    /// A second user of the organization, by invite and acceptance.
    func invitedUser(_ sim: TestHarness, _ email: String) async -> String {
        let invite = await sim.send("POST", "\(Self.org)/invites", json: ["email": .string(email), "role": "reader"]).json
        let user = await sim.send("POST", "/__sim/invites/accept", key: nil, json: ["api_key": "sk-test", "invite_id": invite["id"] ?? .null])
        #expect(user.status == 200)
        return user.json["id"]?.stringValue ?? ""
    }

    func error(_ r: TestHarness.Result) -> (status: Int, param: String?, code: String?) {
        (r.status, r.json["error"]?["param"]?.stringValue, r.json["error"]?["code"]?.stringValue)
    }

    func auditTypes(_ sim: TestHarness) async -> [String] {
        (await sim.send("GET", "\(Self.org)/audit_logs?limit=100").json["data"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue }
    }

    @Test func anOrganizationStartsWithPredefinedRolesThatCannotChange() async {
        let sim = TestHarness()
        let roles = await sim.send("GET", "\(Self.org)/roles")
        #expect(ids(roles) == ["role_org_owner", "role_org_reader"])
        #expect(roles.json["next"] == .null && roles.json["has_more"] == false)
        let owner = roles.json["data"]?.arrayValue?.first
        #expect(owner?["object"] == "role" && owner?["predefined_role"] == true && owner?["resource_type"] == "api.organization")
        let project = await defaultProject(sim)
        #expect(ids(await sim.send("GET", "/v1/projects/\(project)/roles")) == ["role_proj_owner", "role_proj_member", "role_proj_viewer"])

        let changed = await sim.send("POST", "\(Self.org)/roles/role_org_owner", json: ["role_name": "Boss"])
        #expect(error(changed) == (400, "role_id", "predefined_role"))
        #expect(error(await sim.send("DELETE", "/v1/projects/\(project)/roles/role_proj_member")) == (400, "role_id", "predefined_role"))
        #expect(await sim.send("GET", "\(Self.org)/roles/role_org_owner").json["name"] == "Owner")
        // A project role is not an organization role, and the other way round.
        #expect(error(await sim.send("GET", "\(Self.org)/roles/role_proj_owner")) == (404, "role_id", "not_found"))
        #expect(error(await sim.send("GET", "/v1/projects/\(project)/roles/role_org_owner")) == (404, "role_id", "not_found"))
    }

    @Test func customRolesAreCreatedUpdatedPagedAndDeleted() async {
        let sim = TestHarness()
        let made = await sim.send("POST", "\(Self.org)/roles", json: ["role_name": "Group Manager", "description": "groups",
                                                                     "permissions": ["api.groups.read", "api.groups.write", "api.groups.read"]])
        #expect(made.status == 200)
        let id = made.json["id"]?.stringValue ?? ""
        #expect(id.hasPrefix("role_") && made.json["predefined_role"] == false && made.json["description"] == "groups")
        #expect(made.json["permissions"] == ["api.groups.read", "api.groups.write"])
        #expect(made.json["_created_by"] == nil)

        let updated = await sim.send("POST", "\(Self.org)/roles/\(id)", json: ["permissions": ["api.groups.read", "api.roles.read"], "role_name": "Groups"])
        #expect(updated.json["name"] == "Groups" && updated.json["permissions"] == ["api.groups.read", "api.roles.read"])
        #expect(await sim.send("GET", "\(Self.org)/roles/\(id)").json["name"] == "Groups")

        // Paged by `next`, in order, newest last; `desc` reverses.
        let first = await sim.send("GET", "\(Self.org)/roles?limit=2")
        #expect(ids(first) == ["role_org_owner", "role_org_reader"] && first.json["has_more"] == true && first.json["next"] == "role_org_reader")
        let second = await sim.send("GET", "\(Self.org)/roles?limit=2&after=role_org_reader")
        #expect(ids(second) == [id] && second.json["has_more"] == false && second.json["next"] == .null)
        #expect(ids(await sim.send("GET", "\(Self.org)/roles?order=desc")).first == id)

        let deleted = await sim.send("DELETE", "\(Self.org)/roles/\(id)")
        #expect(deleted.json == ["object": "role.deleted", "id": .string(id), "deleted": true])
        #expect(error(await sim.send("GET", "\(Self.org)/roles/\(id)")) == (404, "role_id", "not_found"))
        #expect(Array(await auditTypes(sim).prefix(3)) == ["role.deleted", "role.updated", "role.created"])
    }

    @Test func badRoleBodiesAreRefusedLikeTheAPI() async {
        let sim = TestHarness()
        let base = "\(Self.org)/roles"
        #expect(error(await sim.send("POST", base, json: ["permissions": []])) == (400, "role_name", "missing_required_parameter"))
        #expect(error(await sim.send("POST", base, json: ["role_name": "x"])) == (400, "permissions", "missing_required_parameter"))
        #expect(error(await sim.send("POST", base, json: ["role_name": 5, "permissions": []])).param == "role_name")
        #expect(error(await sim.send("POST", base, json: ["role_name": "x", "permissions": "api.groups.read"])).param == "permissions")
        #expect(error(await sim.send("POST", base, json: ["role_name": "x", "permissions": ["Read Groups"]])) == (400, "permissions[0]", "invalid_value"))
        #expect(error(await sim.send("POST", base, json: ["role_name": "x", "permissions": [], "scope": "all"])).param == "scope")
        #expect(error(await sim.send("POST", base, json: ["role_name": " ", "permissions": []])).param == "role_name")
        // Names are unique in their scope, predefined ones included (case aside).
        #expect(error(await sim.send("POST", base, json: ["role_name": "reader", "permissions": []])) == (400, "role_name", "role_name_taken"))
        #expect(error(await sim.send("POST", "/v1/projects/proj_nope/roles", json: ["role_name": "x", "permissions": []])) == (404, "project_id", "not_found"))
        #expect(error(await sim.send("GET", "\(base)?limit=1001")).param == "limit")
        #expect(error(await sim.send("GET", "\(base)?after=role_nope")) == (404, "after", "not_found"))
    }

    @Test func projectRolesBelongToTheirProject() async {
        let sim = TestHarness()
        let a = await sim.send("POST", "\(Self.org)/projects", json: ["name": "a"]).json["id"]?.stringValue ?? ""
        let b = await sim.send("POST", "\(Self.org)/projects", json: ["name": "b"]).json["id"]?.stringValue ?? ""
        let role = await sim.send("POST", "/v1/projects/\(a)/roles", json: ["role_name": "Key Manager", "permissions": ["api.organization.projects.api_keys.read"]])
        #expect(role.json["resource_type"] == "api.project")
        let id = role.json["id"]?.stringValue ?? ""
        #expect(ids(await sim.send("GET", "/v1/projects/\(a)/roles")).last == id)
        #expect(!ids(await sim.send("GET", "/v1/projects/\(b)/roles")).contains(id))
        #expect(await sim.send("GET", "/v1/projects/\(b)/roles/\(id)").status == 404)
        #expect(!ids(await sim.send("GET", "\(Self.org)/roles")).contains(id))
        let audit = await sim.send("GET", "\(Self.org)/audit_logs?event_types[]=role.created").json["data"]?.arrayValue?.first
        #expect(audit?["project"]?["id"]?.stringValue == a && audit?["role.created"]?["resource_id"]?.stringValue == a)
        #expect(await sim.send("DELETE", "/v1/projects/\(a)/roles/\(id)").json["deleted"] == true)
    }

    @Test func groupsAndTheirMembers() async {
        let sim = TestHarness()
        let owner = await owner(sim)
        let ada = await invitedUser(sim, "ada@example.com")
        let group = await sim.send("POST", "\(Self.org)/groups", json: ["name": "Support"]).json
        let gid = group["id"]?.stringValue ?? ""
        #expect(gid.hasPrefix("group_") && group["is_scim_managed"] == false && group["group_type"] == "group")
        #expect(await sim.send("POST", "\(Self.org)/groups/\(gid)", json: ["name": "Escalations"]).json["name"] == "Escalations")
        #expect(await sim.send("GET", "\(Self.org)/groups/\(gid)").json["name"] == "Escalations")

        let added = await sim.send("POST", "\(Self.org)/groups/\(gid)/users", json: ["user_id": .string(owner)])
        #expect(added.json == ["object": "group.user", "user_id": .string(owner), "group_id": .string(gid)])
        _ = await sim.send("POST", "\(Self.org)/groups/\(gid)/users", json: ["user_id": .string(ada)])
        // Newest first by default.
        #expect(ids(await sim.send("GET", "\(Self.org)/groups/\(gid)/users")) == [ada, owner])
        #expect(ids(await sim.send("GET", "\(Self.org)/groups/\(gid)/users?order=asc")) == [owner, ada])
        let member = await sim.send("GET", "\(Self.org)/groups/\(gid)/users/\(ada)").json
        #expect(member["email"] == "ada@example.com" && member["user_type"] == "user" && member["is_service_account"] == false)

        #expect(error(await sim.send("POST", "\(Self.org)/groups/\(gid)/users", json: ["user_id": .string(ada)])).status == 400)
        #expect(error(await sim.send("POST", "\(Self.org)/groups/\(gid)/users", json: ["user_id": "user-nope"])) == (404, "user_id", "not_found"))
        #expect(error(await sim.send("POST", "\(Self.org)/groups/group_nope/users", json: ["user_id": .string(ada)])) == (404, "group_id", "not_found"))
        #expect(error(await sim.send("POST", "\(Self.org)/groups", json: ["name": ""])).param == "name")
        #expect(error(await sim.send("POST", "\(Self.org)/groups", json: [:])) == (400, "name", "missing_required_parameter"))

        let removed = await sim.send("DELETE", "\(Self.org)/groups/\(gid)/users/\(ada)")
        #expect(removed.json == ["object": "group.user.deleted", "deleted": true])
        #expect(error(await sim.send("GET", "\(Self.org)/groups/\(gid)/users/\(ada)")) == (404, "user_id", "not_found"))
        // The rename and each change of members are audited as updates of the group; refused changes are not.
        #expect(await auditTypes(sim).filter { $0.hasPrefix("group.") } == Array(repeating: "group.updated", count: 4) + ["group.created"])
    }

    @Test func usersHoldTheirOwnRolesAndTheirGroups() async {
        let sim = TestHarness()
        let ada = await invitedUser(sim, "ada@example.com")
        let gid = await sim.send("POST", "\(Self.org)/groups", json: ["name": "Readers"]).json["id"]?.stringValue ?? ""
        let custom = await sim.send("POST", "\(Self.org)/roles", json: ["role_name": "Auditor", "permissions": ["api.audit_logs.read"]]).json
        let cid = custom["id"]?.stringValue ?? ""

        let assigned = await sim.send("POST", "\(Self.org)/users/\(ada)/roles", json: ["role_id": .string(cid)])
        #expect(assigned.json["object"] == "user.role" && assigned.json["user"]?["id"]?.stringValue == ada && assigned.json["role"]?["id"]?.stringValue == cid)
        let viaGroup = await sim.send("POST", "\(Self.org)/groups/\(gid)/roles", json: ["role_id": "role_org_reader"])
        #expect(viaGroup.json["object"] == "group.role" && viaGroup.json["group"]?["scim_managed"] == false)
        _ = await sim.send("POST", "\(Self.org)/groups/\(gid)/users", json: ["user_id": .string(ada)])

        let held = await sim.send("GET", "\(Self.org)/users/\(ada)/roles")
        #expect(ids(held) == [cid, "role_org_reader"])
        #expect(held.json["data"]?.arrayValue?.first?["assignment_sources"] == .null && held.json["data"]?.arrayValue?.first?["created_by"] != .null)
        #expect(held.json["data"]?.arrayValue?.last?["assignment_sources"] == [["principal_id": .string(gid), "principal_type": "group"]])
        #expect(await sim.send("GET", "\(Self.org)/users/\(ada)/roles/role_org_reader").json["name"] == "Reader")
        // A role from a group is the group's to take away.
        #expect(error(await sim.send("DELETE", "\(Self.org)/users/\(ada)/roles/role_org_reader")) == (400, "role_id", nil))

        #expect(error(await sim.send("POST", "\(Self.org)/users/\(ada)/roles", json: ["role_id": .string(cid)])).code == "role_already_assigned")
        #expect(error(await sim.send("POST", "\(Self.org)/users/\(ada)/roles", json: ["role_id": "role_nope"])) == (404, "role_id", "not_found"))
        #expect(error(await sim.send("POST", "\(Self.org)/users/\(ada)/roles", json: ["role_id": "role_proj_owner"])) == (400, "role_id", nil))
        #expect(error(await sim.send("POST", "\(Self.org)/users/user-nope/roles", json: ["role_id": .string(cid)])) == (404, "user_id", "not_found"))
        #expect(error(await sim.send("POST", "\(Self.org)/users/\(ada)/roles", json: ["role_id": 3])).param == "role_id")
        #expect(error(await sim.send("POST", "\(Self.org)/users/\(ada)/roles", json: ["role": "x"])).param == "role")

        let unassigned = await sim.send("DELETE", "\(Self.org)/users/\(ada)/roles/\(cid)")
        #expect(unassigned.json == ["object": "user.role.deleted", "deleted": true])
        #expect(error(await sim.send("GET", "\(Self.org)/users/\(ada)/roles/\(cid)")) == (404, "role_id", "not_found"))
        // Deleting a role takes its assignments along.
        _ = await sim.send("POST", "\(Self.org)/users/\(ada)/roles", json: ["role_id": .string(cid)])
        _ = await sim.send("DELETE", "\(Self.org)/roles/\(cid)")
        #expect(ids(await sim.send("GET", "\(Self.org)/users/\(ada)/roles")) == ["role_org_reader"])
        let audit = await sim.send("GET", "\(Self.org)/audit_logs?event_types[]=role.assignment.created").json["data"]?.arrayValue ?? []
        #expect(audit.count == 3 && audit.last?["role.assignment.created"]?["principal_id"]?.stringValue == ada)
    }

    @Test func projectGroupsAndProjectAssignments() async {
        let sim = TestHarness()
        let owner = await owner(sim)
        let project = await sim.send("POST", "\(Self.org)/projects", json: ["name": "p"]).json["id"]?.stringValue ?? ""
        let gid = await sim.send("POST", "\(Self.org)/groups", json: ["name": "Devs"]).json["id"]?.stringValue ?? ""

        let added = await sim.send("POST", "\(Self.org)/projects/\(project)/groups", json: ["group_id": .string(gid), "role": "role_proj_member"])
        #expect(added.json["object"] == "project.group" && added.json["group_name"] == "Devs" && added.json["project_id"]?.stringValue == project)
        #expect(ids(await sim.send("GET", "/v1/projects/\(project)/groups/\(gid)/roles")) == ["role_proj_member"])
        let listed = await sim.send("GET", "\(Self.org)/projects/\(project)/groups").json
        #expect(listed["data"]?.arrayValue?.count == 1 && listed["next"] == .null)
        #expect(await sim.send("GET", "\(Self.org)/projects/\(project)/groups/\(gid)").json["group_id"]?.stringValue == gid)
        #expect(error(await sim.send("GET", "\(Self.org)/projects/\(project)/groups/\(gid)?group_type=team")).param == "group_type")
        #expect(error(await sim.send("POST", "\(Self.org)/projects/\(project)/groups", json: ["group_id": .string(gid), "role": "role_nope"])) == (404, "role", "not_found"))
        #expect(error(await sim.send("POST", "\(Self.org)/projects/\(project)/groups", json: ["group_id": "group_nope", "role": "role_proj_member"])) == (404, "group_id", "not_found"))

        // A project user's roles: own and through the group (when a member).
        let own = await sim.send("POST", "/v1/projects/\(project)/users/\(owner)/roles", json: ["role_id": "role_proj_viewer"])
        #expect(own.json["object"] == "user.role")
        _ = await sim.send("POST", "\(Self.org)/groups/\(gid)/users", json: ["user_id": .string(owner)])
        #expect(ids(await sim.send("GET", "/v1/projects/\(project)/users/\(owner)/roles")) == ["role_proj_member", "role_proj_viewer"])
        #expect(ids(await sim.send("GET", "\(Self.org)/users/\(owner)/roles")).isEmpty)  // project roles stay in their project
        #expect(error(await sim.send("POST", "/v1/projects/\(project)/users/\(owner)/roles", json: ["role_id": "role_org_reader"])) == (400, "role_id", nil))
        #expect(await sim.send("DELETE", "/v1/projects/\(project)/users/\(owner)/roles/role_proj_viewer").json["object"] == "user.role.deleted")

        // Removing the group from the project drops its roles there.
        #expect(await sim.send("DELETE", "\(Self.org)/projects/\(project)/groups/\(gid)").json == ["object": "project.group.deleted", "deleted": true])
        #expect(ids(await sim.send("GET", "/v1/projects/\(project)/groups/\(gid)/roles")).isEmpty)
        #expect(error(await sim.send("GET", "\(Self.org)/projects/\(project)/groups/\(gid)")) == (404, "group_id", "not_found"))
        #expect(await auditTypes(sim).first == "role.assignment.deleted")
    }

    @Test func deletingAGroupDropsItsMembershipsAndAssignments() async {
        let sim = TestHarness()
        let owner = await owner(sim)
        let project = await defaultProject(sim)
        let gid = await sim.send("POST", "\(Self.org)/groups", json: ["name": "Temp"]).json["id"]?.stringValue ?? ""
        _ = await sim.send("POST", "\(Self.org)/groups/\(gid)/users", json: ["user_id": .string(owner)])
        _ = await sim.send("POST", "\(Self.org)/groups/\(gid)/roles", json: ["role_id": "role_org_reader"])
        _ = await sim.send("POST", "\(Self.org)/projects/\(project)/groups", json: ["group_id": .string(gid), "role": "role_proj_owner"])
        #expect(ids(await sim.send("GET", "\(Self.org)/users/\(owner)/roles")) == ["role_org_reader"])

        let deleted = await sim.send("DELETE", "\(Self.org)/groups/\(gid)")
        #expect(deleted.json == ["object": "group.deleted", "id": .string(gid), "deleted": true])
        #expect(ids(await sim.send("GET", "\(Self.org)/users/\(owner)/roles")).isEmpty)
        #expect(ids(await sim.send("GET", "/v1/projects/\(project)/users/\(owner)/roles")).isEmpty)
        #expect((await sim.send("GET", "\(Self.org)/projects/\(project)/groups").json["data"]?.arrayValue ?? []).isEmpty)
        #expect(error(await sim.send("GET", "\(Self.org)/groups/\(gid)/users")) == (404, "group_id", "not_found"))
        #expect(error(await sim.send("GET", "\(Self.org)/groups")).status == 200)
        #expect(await auditTypes(sim).first == "group.deleted")
    }
}

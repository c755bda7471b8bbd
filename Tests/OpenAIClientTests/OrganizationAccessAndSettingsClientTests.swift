import Foundation
import OpenAIClient
import OpenAIWire
import SimTesting
import Testing

/// The admin API's roles, groups, role assignments, certificates and settings through the client,
/// against the in-process simulator (strict decoding of every answer).
@Suite struct OrganizationAccessAndSettingsClientTests {
    /// Tests/fixtures/certificate-a.pem: valid 2026-11-27T18:51:22Z to 2036-11-24T18:51:22Z.
    static let certA: String = {
        let tests = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(2).joined(separator: "/")
        let data = FileManager.default.contents(atPath: tests + "/fixtures/certificate-a.pem") ?? Data()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    @Test func rolesLifecycleForOrganizationAndProject() async throws {
        let sim = TestHarness()
        let org = ClientAgainstSimulatorTests.client(sim).organization
        let predefined = try await org.roles.list()
        #expect(predefined.data.map(\.id) == ["role_org_owner", "role_org_reader"] && !predefined.hasMore && predefined.next == nil)
        #expect(predefined.data.allSatisfy { $0.predefinedRole && $0.resourceType == "api.organization" && $0.object == "role" })

        let role = try await org.roles.create(name: "Group Manager", permissions: ["api.groups.read", "api.groups.write"],
                                              description: "Manages groups")
        #expect(role.id.hasPrefix("role_") && role.name == "Group Manager" && role.description == "Manages groups")
        #expect(role.permissions == ["api.groups.read", "api.groups.write"] && !role.predefinedRole && role.resourceType == "api.organization")
        #expect(try await org.roles.retrieve(role.id) == role)
        let page = try await org.roles.list(limit: 2)
        #expect(page.data.map(\.id) == ["role_org_owner", "role_org_reader"] && page.hasMore && page.next == "role_org_reader")
        #expect(try await org.roles.list(after: page.next).data.map(\.id) == [role.id])

        let updated = try await org.roles.update(role.id, RoleRequest(roleName: "Group Reader", permissions: ["api.groups.read"]))
        #expect(updated.id == role.id && updated.name == "Group Reader" && updated.permissions == ["api.groups.read"])
        #expect(updated.description == "Manages groups")
        await expectAPIError(400, param: "permissions[0]", code: "invalid_value") {
            _ = try await org.roles.create(name: "Bad", permissions: ["groups.read"])
        }
        await expectAPIError(400, param: "role_id", code: "predefined_role") {
            _ = try await org.roles.update("role_org_owner", RoleRequest(description: "mine now"))
        }

        // A project's roles live under /projects/{project_id}/roles.
        let project = try await org.projects.create(name: "roles")
        let projectRoles = org.projectRoles(project.id)
        #expect(try await projectRoles.list().data.map(\.id) == ["role_proj_owner", "role_proj_member", "role_proj_viewer"])
        let custom = try await projectRoles.create(name: "Reviewer", permissions: ["api.project.read"])
        #expect(custom.resourceType == "api.project" && custom.description == nil)
        #expect(try await projectRoles.list().data.last?.id == custom.id)
        await expectAPIError(404, param: "role_id", code: "not_found") { _ = try await org.roles.retrieve(custom.id) }

        let deleted = try await org.roles.delete(role.id)
        #expect(deleted.object == "role.deleted" && deleted.id == role.id && deleted.deleted)
        await expectAPIError(404, param: "role_id", code: "not_found") { _ = try await org.roles.retrieve(role.id) }
        #expect(try await projectRoles.delete(custom.id).deleted)
    }

    @Test func groupsMembersAndRoleAssignments() async throws {
        let sim = TestHarness()
        let org = ClientAgainstSimulatorTests.client(sim).organization
        let owner = try #require(try await org.users().data.first)

        let group = try await org.groups.create(name: "Support")
        #expect(group.id.hasPrefix("group_") && group.name == "Support" && !group.isScimManaged && group.groupType == "group")
        let renamed = try await org.groups.update(group.id, name: "Escalations")
        #expect(renamed.id == group.id && renamed.name == "Escalations" && renamed.createdAt == group.createdAt)
        #expect(try await org.groups.retrieve(group.id) == renamed)
        let other = try await org.groups.create(name: "Sales")
        let first = try await org.groups.list(limit: 1)
        #expect(first.data.map(\.id) == [group.id] && first.hasMore && first.next == group.id)
        let second = try await org.groups.list(after: first.next)
        #expect(second.data.map(\.name) == ["Sales"] && !second.hasMore && second.next == nil)
        await expectAPIError(400, param: "name") { _ = try await org.groups.update(group.id, name: "  ") }

        // Members.
        let member = try await org.groups.addUser(groupID: group.id, userID: owner.id)
        #expect(member.object == "group.user" && member.userID == owner.id && member.groupID == group.id)
        let members = try await org.groups.listUsers(groupID: group.id)
        #expect(members.data.map(\.id) == [owner.id] && members.data.first?.email == owner.email && members.next == nil)
        await expectAPIError(400, param: "user_id") { _ = try await org.groups.addUser(groupID: group.id, userID: owner.id) }

        // Role assignments: the group's, and the user's own (a user holds its groups' roles too).
        let role = try await org.roles.create(name: "Auditor", permissions: ["api.audit_logs.read"])
        let groupRole = try await org.groups.assignRole(group.id, roleID: role.id)
        #expect(groupRole.object == "group.role" && groupRole.group.id == group.id && groupRole.group.name == "Escalations")
        #expect(groupRole.role == role && !groupRole.group.scimManaged)
        #expect(try await org.groups.roles(group.id).data.map(\.id) == [role.id])
        let viaGroup = try #require(try await org.userRoles(owner.id).data.first { $0.id == role.id })
        #expect(viaGroup.name == "Auditor" && viaGroup.permissions == ["api.audit_logs.read"] && viaGroup.createdAt != nil)
        #expect(viaGroup.assignmentSources?.map(\.principalID) == [group.id] && viaGroup.assignmentSources?.first?.principalType == "group")

        let userRole = try await org.assignUserRole(owner.id, roleID: role.id)
        #expect(userRole.object == "user.role" && userRole.user.id == owner.id && userRole.role.id == role.id)
        let both = try await org.userRole(owner.id, roleID: role.id)
        #expect(Set(both.assignmentSources?.map(\.principalType) ?? []) == ["user", "group"])
        await expectAPIError(400, param: "role_id", code: "role_already_assigned") { _ = try await org.assignUserRole(owner.id, roleID: role.id) }
        let unassigned = try await org.unassignUserRole(owner.id, roleID: role.id)
        #expect(unassigned.object == "user.role.deleted" && unassigned.deleted)

        // In a project, with a project role; an organization role cannot be assigned there.
        let project = try await org.projects.create(name: "assignments")
        let viewer = try await org.assignUserRole(owner.id, roleID: "role_proj_viewer", projectID: project.id)
        #expect(viewer.role.resourceType == "api.project" && viewer.role.predefinedRole)
        #expect(try await org.userRoles(owner.id, projectID: project.id).data.map(\.id) == ["role_proj_viewer"])
        await expectAPIError(400, param: "role_id") { _ = try await org.groups.assignRole(group.id, roleID: role.id, projectID: project.id) }

        let groupUnassigned = try await org.groups.unassignRole(group.id, roleID: role.id)
        #expect(groupUnassigned.object == "group.role.deleted" && groupUnassigned.deleted)
        #expect(try await org.groups.roles(group.id).data.isEmpty)
        let removed = try await org.groups.removeUser(groupID: group.id, userID: owner.id)
        #expect(removed.object == "group.user.deleted" && removed.deleted)
        #expect(try await org.groups.listUsers(groupID: group.id).data.isEmpty)
        let gone = try await org.groups.delete(group.id)
        #expect(gone.object == "group.deleted" && gone.id == group.id && gone.deleted)
        await expectAPIError(404, param: "group_id", code: "not_found") { _ = try await org.groups.retrieve(group.id) }
        #expect(try await org.groups.list().data.map(\.id) == [other.id])
    }

    @Test func certificatesUploadActivateAndDelete() async throws {
        let sim = TestHarness()
        let certs = ClientAgainstSimulatorTests.client(sim).organization.certificates
        #expect(Self.certA.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let cert = try await certs.upload(UploadCertificateRequest(certificate: Self.certA, name: "edge"))
        #expect(cert.object == "certificate" && cert.id.hasPrefix("cert_") && cert.name == "edge" && cert.active == nil)
        #expect(cert.certificateDetails.validAt == 1_795_805_482 && cert.certificateDetails.expiresAt == 2_111_165_482)
        #expect(cert.certificateDetails.content == nil)
        await expectAPIError(400, param: "certificate") { _ = try await certs.upload(UploadCertificateRequest(certificate: "hello")) }

        let listed = try await certs.list()
        #expect(listed.data.map(\.id) == [cert.id] && listed.data.first?.object == "organization.certificate" && listed.data.first?.active == false)
        let on = try await certs.activate([cert.id])
        #expect(on.object == "organization.certificate.activation" && on.data.map(\.id) == [cert.id] && on.data.first?.active == true)
        #expect(try await certs.list().data.first?.active == true)
        await expectAPIError(400, param: "certificate_id") { _ = try await certs.delete(cert.id) }
        await expectAPIError(400, param: "certificate_ids", code: "empty_array") { _ = try await certs.activate([]) }

        let full = try await certs.retrieve(cert.id, includeContent: true)
        #expect(full.certificateDetails.content?.contains("BEGIN CERTIFICATE") == true && full.id == cert.id)
        #expect(try await certs.update(cert.id, name: "edge-2").name == "edge-2")
        let off = try await certs.deactivate([cert.id])
        #expect(off.object == "organization.certificate.deactivation" && off.data.first?.active == false && off.data.first?.name == "edge-2")
        let deleted = try await certs.delete(cert.id)
        #expect(deleted.object == "certificate.deleted" && deleted.id == cert.id)
        await expectAPIError(404, param: "certificate_id", code: "not_found") { _ = try await certs.retrieve(cert.id) }
        #expect(try await certs.list().data.isEmpty)
    }

    @Test func dataRetentionAndSpendLimit() async throws {
        let sim = TestHarness()
        let org = ClientAgainstSimulatorTests.client(sim).organization
        let retention = try await org.dataRetention()
        #expect(retention.object == "organization.data_retention" && retention.type == "modified_abuse_monitoring")
        #expect(try await org.updateDataRetention("zero_data_retention").type == "zero_data_retention")
        #expect(try await org.dataRetention().type == "zero_data_retention")
        await expectAPIError(400, param: "retention_type") { _ = try await org.updateDataRetention("forever") }

        await expectAPIError(404, param: nil, code: "not_found") { _ = try await org.spendLimit() }
        let limit = try await org.updateSpendLimit(SpendLimitRequest(thresholdAmount: 5000))
        #expect(limit.object == "organization.spend_limit" && limit.thresholdAmount == 5000 && limit.currency == "USD")
        #expect(limit.interval == "month" && limit.enforcement.status == "enforcing")
        #expect(try await org.spendLimit() == limit)
        #expect(try await org.updateSpendLimit(SpendLimitRequest(thresholdAmount: 7500)).thresholdAmount == 7500)
        await expectAPIError(400, param: "threshold_amount", code: "integer_below_min_value") {
            _ = try await org.updateSpendLimit(SpendLimitRequest(thresholdAmount: 0))
        }
        let deleted = try await org.deleteSpendLimit()
        #expect(deleted.object == "organization.spend_limit.deleted" && deleted.deleted)
        await expectAPIError(404, param: nil, code: "not_found") { _ = try await org.spendLimit() }
    }

    @Test func spendAlertsAndModelPermissions() async throws {
        let sim = TestHarness()
        let org = ClientAgainstSimulatorTests.client(sim).organization
        let channel = SpendAlertNotificationChannel(recipients: ["ops@example.com"], subjectPrefix: "[sim]")
        let a1 = try await org.createSpendAlert(SpendAlertRequest(thresholdAmount: 1000, notificationChannel: channel))
        #expect(a1.id.hasPrefix("alert_") && a1.object == "organization.spend_alert" && a1.thresholdAmount == 1000)
        #expect(a1.notificationChannel == channel && a1.currency == "USD" && a1.interval == "month")
        let a2 = try await org.createSpendAlert(SpendAlertRequest(thresholdAmount: 2000, notificationChannel: .init(recipients: ["cfo@example.com"])))
        #expect(a2.notificationChannel.subjectPrefix == nil && a2.notificationChannel.type == "email")
        let all = try await org.spendAlerts()
        #expect(all.data.map(\.id) == [a1.id, a2.id] && all.firstID == a1.id && all.lastID == a2.id && !all.hasMore)
        let page = try await org.spendAlerts(limit: 1)
        #expect(page.data.map(\.id) == [a1.id] && page.hasMore)
        #expect(try await org.spendAlerts(before: a2.id).data.map(\.id) == [a1.id])

        let changed = try await org.updateSpendAlert(a1.id, SpendAlertRequest(thresholdAmount: 1500, notificationChannel: channel))
        #expect(changed.id == a1.id && changed.thresholdAmount == 1500)
        #expect(try await org.spendAlert(a1.id) == changed)
        await expectAPIError(400, param: "notification_channel.recipients[0]", code: "invalid_value") {
            _ = try await org.createSpendAlert(SpendAlertRequest(thresholdAmount: 10, notificationChannel: .init(recipients: ["nope"])))
        }
        let deleted = try await org.deleteSpendAlert(a1.id)
        #expect(deleted.object == "organization.spend_alert.deleted" && deleted.id == a1.id && deleted.deleted)
        await expectAPIError(404, param: "alert_id", code: "not_found") { _ = try await org.spendAlert(a1.id) }
        #expect(try await org.spendAlerts().data.map(\.id) == [a2.id])

        // A project's model permissions.
        let project = try await org.projects.create(name: "models")
        let initial = try await org.projects.modelPermissions(projectID: project.id)
        #expect(initial.object == "project.model_permissions" && initial.mode == "deny_list" && initial.modelIDs.isEmpty)
        let allow = try await org.projects.updateModelPermissions(projectID: project.id,
                                                                  .init(mode: "allow_list", modelIDs: ["gpt-4o-mini", "gpt-4o-mini"]))
        #expect(allow.mode == "allow_list" && allow.modelIDs == ["gpt-4o-mini"])
        #expect(try await org.projects.modelPermissions(projectID: project.id) == allow)
        await expectAPIError(400, param: "model_ids[0]", code: "model_not_found") {
            _ = try await org.projects.updateModelPermissions(projectID: project.id, .init(mode: "deny_list", modelIDs: ["no-such-model"]))
        }
        let reset = try await org.projects.deleteModelPermissions(projectID: project.id)
        #expect(reset.object == "project.model_permissions.deleted" && reset.deleted)
        #expect(try await org.projects.modelPermissions(projectID: project.id).mode == "deny_list")
    }
}

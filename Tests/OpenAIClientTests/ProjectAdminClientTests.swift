import Foundation
import OpenAIClient
import OpenAIWire
import SimTesting
import Testing

/// A project's certificates, data retention, spend limit and alerts, hosted-tool permissions and
/// groups through the client, against the in-process simulator (strict decoding of every answer).
@Suite struct ProjectAdminClientTests {
    @Test func certificatesActivatePerProject() async throws {
        let sim = TestHarness()
        let org = ClientAgainstSimulatorTests.client(sim).organization
        let projects = org.projects
        let p1 = try await projects.create(name: "certs-1"), p2 = try await projects.create(name: "certs-2")
        let pem = OrganizationAccessAndSettingsClientTests.certA
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let c1 = try await org.certificates.upload(UploadCertificateRequest(certificate: pem, name: "edge"))
        let c2 = try await org.certificates.upload(UploadCertificateRequest(certificate: pem, name: "backup"))

        // Every organization certificate is listed for a project, inactive there until activated.
        let listed = try await projects.listCertificates(projectID: p1.id)
        #expect(listed.data.map(\.id) == [c2.id, c1.id] && listed.firstID == c2.id && listed.lastID == c1.id && !listed.hasMore)
        #expect(listed.data.allSatisfy { $0.object == "organization.project.certificate" && $0.active == false })
        #expect(listed.data.last?.name == "edge" && listed.data.last?.certificateDetails.validAt == 1_795_805_482)
        #expect(try await projects.listCertificates(projectID: p1.id, order: "asc").data.map(\.id) == [c1.id, c2.id])
        let first = try await projects.listCertificates(projectID: p1.id, limit: 1)
        #expect(first.data.map(\.id) == [c2.id] && first.hasMore)
        #expect(try await projects.listCertificates(projectID: p1.id, after: first.lastID).data.map(\.id) == [c1.id])

        let on = try await projects.activateCertificates(projectID: p1.id, certificateIDs: [c1.id, c1.id])
        #expect(on.object == "organization.project.certificate.activation" && on.data.map(\.id) == [c1.id])
        #expect(on.data.first?.active == true && on.data.first?.object == "organization.project.certificate")
        let afterOn = try await projects.listCertificates(projectID: p1.id)
        #expect(afterOn.data.map { $0.active ?? false } == [false, true])
        // Only in that project: not in another one, nor for the organization.
        #expect(try await projects.listCertificates(projectID: p2.id).data.allSatisfy { $0.active == false })
        #expect(try await org.certificates.list().data.allSatisfy { $0.active == false })
        await expectAPIError(400, param: "certificate_id") { _ = try await org.certificates.delete(c1.id) }

        // Atomic: one unknown id and nothing changes.
        await expectAPIError(404, param: "certificate_id", code: "not_found") {
            _ = try await projects.activateCertificates(projectID: p2.id, certificateIDs: [c2.id, "cert_missing"])
        }
        #expect(try await projects.listCertificates(projectID: p2.id).data.allSatisfy { $0.active == false })
        await expectAPIError(400, param: "certificate_ids", code: "empty_array") {
            _ = try await projects.activateCertificates(projectID: p1.id, certificateIDs: [])
        }
        await expectAPIError(404, param: "project_id", code: "not_found") { _ = try await projects.listCertificates(projectID: "proj_missing") }
        await expectAPIError(404, param: "project_id", code: "not_found") {
            _ = try await projects.deactivateCertificates(projectID: "proj_missing", certificateIDs: [c1.id])
        }

        let off = try await projects.deactivateCertificates(projectID: p1.id, certificateIDs: [c1.id])
        #expect(off.object == "organization.project.certificate.deactivation" && off.data.map(\.id) == [c1.id] && off.data.first?.active == false)
        #expect(try await projects.listCertificates(projectID: p1.id).data.allSatisfy { $0.active == false })
        #expect(try await org.certificates.delete(c1.id).id == c1.id)
        #expect(try await projects.listCertificates(projectID: p1.id).data.map(\.id) == [c2.id])
    }

    @Test func dataRetentionAndSpendLimit() async throws {
        let sim = TestHarness()
        let org = ClientAgainstSimulatorTests.client(sim).organization
        let projects = org.projects
        let project = try await projects.create(name: "settings")

        let retention = try await projects.dataRetention(projectID: project.id)
        #expect(retention.object == "project.data_retention" && retention.type == "organization_default")
        let none = try await projects.updateDataRetention(projectID: project.id, "none")
        #expect(none.object == "project.data_retention" && none.type == "none")
        #expect(try await projects.dataRetention(projectID: project.id) == none)
        #expect(try await org.dataRetention().type == "modified_abuse_monitoring")
        await expectAPIError(400, param: "retention_type") { _ = try await projects.updateDataRetention(projectID: project.id, "forever") }
        await expectAPIError(404, param: "project_id", code: "not_found") { _ = try await projects.dataRetention(projectID: "proj_missing") }

        await expectAPIError(404, param: nil, code: "not_found") { _ = try await projects.spendLimit(projectID: project.id) }
        let limit = try await projects.updateSpendLimit(projectID: project.id, SpendLimitRequest(thresholdAmount: 2500))
        #expect(limit.object == "project.spend_limit" && limit.thresholdAmount == 2500 && limit.currency == "USD")
        #expect(limit.interval == "month" && limit.enforcement.status == "enforcing")
        #expect(try await projects.spendLimit(projectID: project.id) == limit)
        await expectAPIError(404, param: nil, code: "not_found") { _ = try await org.spendLimit() }
        #expect(try await projects.updateSpendLimit(projectID: project.id, SpendLimitRequest(thresholdAmount: 9000)).thresholdAmount == 9000)
        #expect(try await projects.spendLimit(projectID: project.id).thresholdAmount == 9000)
        await expectAPIError(400, param: "threshold_amount", code: "integer_below_min_value") {
            _ = try await projects.updateSpendLimit(projectID: project.id, SpendLimitRequest(thresholdAmount: 0))
        }
        await expectAPIError(400, param: "currency") {
            _ = try await projects.updateSpendLimit(projectID: project.id, SpendLimitRequest(thresholdAmount: 10, currency: "EUR"))
        }
        let deleted = try await projects.deleteSpendLimit(projectID: project.id)
        #expect(deleted.object == "project.spend_limit.deleted" && deleted.deleted)
        await expectAPIError(404, param: nil, code: "not_found") { _ = try await projects.spendLimit(projectID: project.id) }
        await expectAPIError(404, param: nil, code: "not_found") { _ = try await projects.deleteSpendLimit(projectID: project.id) }

        // An archived project's settings can be read, not changed.
        _ = try await projects.archive(project.id)
        #expect(try await projects.dataRetention(projectID: project.id).type == "none")
        await expectAPIError(400, param: "project_id") { _ = try await projects.updateDataRetention(projectID: project.id, "organization_default") }
        await expectAPIError(400, param: "project_id") {
            _ = try await projects.updateSpendLimit(projectID: project.id, SpendLimitRequest(thresholdAmount: 100))
        }
    }

    @Test func spendAlertsLifecycle() async throws {
        let sim = TestHarness()
        let org = ClientAgainstSimulatorTests.client(sim).organization
        let projects = org.projects
        let project = try await projects.create(name: "alerts"), other = try await projects.create(name: "other")
        let channel = SpendAlertNotificationChannel(recipients: ["ops@example.com"], subjectPrefix: "[proj]")
        let orgAlert = try await org.createSpendAlert(SpendAlertRequest(thresholdAmount: 50, notificationChannel: channel))

        let a1 = try await projects.createSpendAlert(projectID: project.id, SpendAlertRequest(thresholdAmount: 1000, notificationChannel: channel))
        #expect(a1.id.hasPrefix("alert_") && a1.object == "project.spend_alert" && a1.thresholdAmount == 1000)
        #expect(a1.notificationChannel == channel && a1.currency == "USD" && a1.interval == "month")
        let a2 = try await projects.createSpendAlert(projectID: project.id,
                                                     SpendAlertRequest(thresholdAmount: 2000, notificationChannel: .init(recipients: ["cfo@example.com"])))
        #expect(a2.notificationChannel.subjectPrefix == nil && a2.notificationChannel.type == "email")

        // The project's alerts only: not the organization's, not another project's.
        let all = try await projects.spendAlerts(projectID: project.id)
        #expect(all.object == "list" && all.data.map(\.id) == [a1.id, a2.id] && all.firstID == a1.id && all.lastID == a2.id && !all.hasMore)
        #expect(try await org.spendAlerts().data.map(\.id) == [orgAlert.id])
        #expect(try await projects.spendAlerts(projectID: other.id).data.isEmpty)
        let page = try await projects.spendAlerts(projectID: project.id, limit: 1)
        #expect(page.data.map(\.id) == [a1.id] && page.hasMore)
        #expect(try await projects.spendAlerts(projectID: project.id, after: a1.id).data.map(\.id) == [a2.id])
        #expect(try await projects.spendAlerts(projectID: project.id, before: a2.id).data.map(\.id) == [a1.id])
        #expect(try await projects.spendAlerts(projectID: project.id, order: "desc").data.map(\.id) == [a2.id, a1.id])

        #expect(try await projects.spendAlert(projectID: project.id, id: a1.id) == a1)
        await expectAPIError(404, param: "alert_id", code: "not_found") { _ = try await projects.spendAlert(projectID: other.id, id: a1.id) }
        await expectAPIError(404, param: "alert_id", code: "not_found") { _ = try await org.spendAlert(a1.id) }
        await expectAPIError(404, param: "alert_id", code: "not_found") { _ = try await projects.spendAlert(projectID: project.id, id: orgAlert.id) }

        let changed = try await projects.updateSpendAlert(projectID: project.id, id: a1.id,
                                                          SpendAlertRequest(thresholdAmount: 1500, notificationChannel: .init(recipients: ["a@b.io"])))
        #expect(changed.id == a1.id && changed.object == "project.spend_alert" && changed.thresholdAmount == 1500)
        #expect(changed.notificationChannel.recipients == ["a@b.io"] && changed.notificationChannel.subjectPrefix == nil)
        #expect(try await projects.spendAlert(projectID: project.id, id: a1.id) == changed)
        await expectAPIError(400, param: "notification_channel.recipients[0]", code: "invalid_value") {
            _ = try await projects.createSpendAlert(projectID: project.id, SpendAlertRequest(thresholdAmount: 10, notificationChannel: .init(recipients: ["nope"])))
        }
        await expectAPIError(404, param: "alert_id", code: "not_found") {
            _ = try await projects.updateSpendAlert(projectID: project.id, id: "alert_missing", SpendAlertRequest(thresholdAmount: 1, notificationChannel: channel))
        }

        let deleted = try await projects.deleteSpendAlert(projectID: project.id, id: a1.id)
        #expect(deleted.object == "project.spend_alert.deleted" && deleted.id == a1.id && deleted.deleted)
        await expectAPIError(404, param: "alert_id", code: "not_found") { _ = try await projects.spendAlert(projectID: project.id, id: a1.id) }
        await expectAPIError(404, param: "alert_id", code: "not_found") { _ = try await projects.deleteSpendAlert(projectID: project.id, id: a1.id) }
        #expect(try await projects.spendAlerts(projectID: project.id).data.map(\.id) == [a2.id])
        #expect(try await org.spendAlerts().data.map(\.id) == [orgAlert.id])
        await expectAPIError(404, param: "project_id", code: "not_found") { _ = try await projects.spendAlerts(projectID: "proj_missing") }
    }

    @Test func hostedToolPermissions() async throws {
        let sim = TestHarness()
        let projects = ClientAgainstSimulatorTests.client(sim).organization.projects
        let project = try await projects.create(name: "tools"), other = try await projects.create(name: "other")
        func enabled(_ p: ProjectHostedToolPermissions) -> [Bool] {
            [p.fileSearch.enabled, p.webSearch.enabled, p.imageGeneration.enabled, p.mcp.enabled, p.codeInterpreter.enabled]
        }

        #expect(enabled(try await projects.hostedToolPermissions(projectID: project.id)) == [true, true, true, true, true])
        let off = try await projects.updateHostedToolPermissions(projectID: project.id, .init(fileSearch: false, imageGeneration: false))
        #expect(enabled(off) == [false, true, false, true, true])
        #expect(try await projects.hostedToolPermissions(projectID: project.id) == off)
        // Tools left out keep their state.
        let back = try await projects.updateHostedToolPermissions(projectID: project.id, .init(fileSearch: true, codeInterpreter: false))
        #expect(enabled(back) == [true, true, false, true, false])
        #expect(enabled(try await projects.hostedToolPermissions(projectID: project.id)) == [true, true, false, true, false])
        #expect(enabled(try await projects.hostedToolPermissions(projectID: other.id)) == [true, true, true, true, true])
        await expectAPIError(404, param: "project_id", code: "not_found") { _ = try await projects.hostedToolPermissions(projectID: "proj_missing") }

        // The update sends only the tools set.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = String(decoding: try encoder.encode(ProjectHostedToolPermissionsRequest(webSearch: false, mcp: true)), as: UTF8.self)
        #expect(body == #"{"mcp":{"enabled":true},"web_search":{"enabled":false}}"#)
    }

    @Test func projectGroupsLifecycle() async throws {
        let sim = TestHarness()
        let org = ClientAgainstSimulatorTests.client(sim).organization
        let projects = org.projects
        let project = try await projects.create(name: "groups")
        let support = try await org.groups.create(name: "Support"), sales = try await org.groups.create(name: "Sales")
        let outsider = try await org.groups.create(name: "Outsiders")

        let empty = try await projects.listGroups(projectID: project.id)
        #expect(empty.object == "list" && empty.data.isEmpty && !empty.hasMore && empty.next == nil)

        let added = try await projects.addGroup(projectID: project.id, groupID: support.id, role: "role_proj_member")
        #expect(added.object == "project.group" && added.projectID == project.id && added.groupID == support.id)
        #expect(added.groupName == "Support" && added.groupType == "group" && added.createdAt > 0)
        #expect(try await projects.retrieveGroup(projectID: project.id, groupID: support.id) == added)
        #expect(try await projects.retrieveGroup(projectID: project.id, groupID: support.id, groupType: "group") == added)
        // The access comes with the role in the project.
        #expect(try await org.groups.roles(support.id, projectID: project.id).data.map(\.id) == ["role_proj_member"])

        await expectAPIError(400, param: "group_id") {
            _ = try await projects.addGroup(projectID: project.id, groupID: support.id, role: "role_proj_viewer")
        }
        await expectAPIError(400, param: "role") { _ = try await projects.addGroup(projectID: project.id, groupID: sales.id, role: "role_org_reader") }
        await expectAPIError(404, param: "role", code: "not_found") {
            _ = try await projects.addGroup(projectID: project.id, groupID: sales.id, role: "role_missing")
        }
        await expectAPIError(404, param: "group_id", code: "not_found") {
            _ = try await projects.addGroup(projectID: project.id, groupID: "group_missing", role: "role_proj_member")
        }
        await expectAPIError(404, param: "project_id", code: "not_found") { _ = try await projects.listGroups(projectID: "proj_missing") }

        let viewer = try await projects.addGroup(projectID: project.id, groupID: sales.id, role: "role_proj_viewer")
        #expect(viewer.groupName == "Sales")
        #expect(try await projects.listGroups(projectID: project.id).data == [added, viewer])
        #expect(try await projects.listGroups(projectID: project.id, order: "desc").data.map(\.groupID) == [sales.id, support.id])
        let first = try await projects.listGroups(projectID: project.id, limit: 1)
        #expect(first.data.map(\.groupID) == [support.id] && first.hasMore && first.next == support.id)
        let second = try await projects.listGroups(projectID: project.id, after: first.next)
        #expect(second.data.map(\.groupID) == [sales.id] && !second.hasMore && second.next == nil)

        await expectAPIError(404, param: "group_id", code: "not_found") {
            _ = try await projects.retrieveGroup(projectID: project.id, groupID: outsider.id)
        }
        await expectAPIError(404, param: "group_id", code: "not_found") {
            _ = try await projects.retrieveGroup(projectID: project.id, groupID: support.id, groupType: "tenant_group")
        }
        await expectAPIError(400, param: "group_type") {
            _ = try await projects.retrieveGroup(projectID: project.id, groupID: support.id, groupType: "team")
        }

        let removed = try await projects.removeGroup(projectID: project.id, groupID: support.id)
        #expect(removed.object == "project.group.deleted" && removed.deleted)
        await expectAPIError(404, param: "group_id", code: "not_found") { _ = try await projects.retrieveGroup(projectID: project.id, groupID: support.id) }
        await expectAPIError(404, param: "group_id", code: "not_found") { _ = try await projects.removeGroup(projectID: project.id, groupID: support.id) }
        #expect(try await org.groups.roles(support.id, projectID: project.id).data.isEmpty)
        #expect(try await projects.listGroups(projectID: project.id).data.map(\.groupID) == [sales.id])

        // Deleting a group takes its project access away too.
        _ = try await org.groups.delete(sales.id)
        #expect(try await projects.listGroups(projectID: project.id).data.isEmpty)
    }
}

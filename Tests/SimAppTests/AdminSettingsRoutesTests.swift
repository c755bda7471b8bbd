import Foundation
import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

/// Organization and project settings of the admin API: certificates, data retention, spend
/// limits and alerts, model and hosted-tool permissions.
@Suite struct AdminSettingsRoutesTests {
    static let base = "/v1/organization"

    /// Self-signed P-256 certificates made with `openssl req -x509` (keys discarded), in
    /// Tests/fixtures. A: validity
    /// 2026-11-27T18:51:22Z to 2036-11-24T18:51:22Z (UTCTime). B: notAfter 2136-06-03T18:51:22Z
    /// (GeneralizedTime).
    static let certA = fixture("certificate-a.pem")
    static let certB = fixture("certificate-b.pem")

    static func fixture(_ name: String) -> String {
        let tests = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(2).joined(separator: "/")
        guard let data = FileManager.default.contents(atPath: tests + "/fixtures/" + name) else { fatalError("missing Tests/fixtures/\(name)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func expectError(_ r: TestHarness.Result, _ status: Int, param: String?, code: String? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, "\(r.text)", sourceLocation: sourceLocation)
        let e = r.json["error"]
        #expect(e?["type"] == "invalid_request_error" && e?["message"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(e?["param"] == JSON(param), "\(r.text)", sourceLocation: sourceLocation)
        if let code { #expect(e?["code"] == .string(code), "\(r.text)", sourceLocation: sourceLocation) }
    }

    func newProject(_ sim: TestHarness, _ name: String = "p") async -> String {
        await sim.send("POST", "\(Self.base)/projects", json: ["name": .string(name)]).json["id"]?.stringValue ?? ""
    }

    func auditTypes(_ sim: TestHarness) async -> [String] {
        (await sim.send("GET", "\(Self.base)/audit_logs?limit=100").json["data"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue }
    }

    @Test func theValidityIsReadFromTheDER() throws {
        let a = try AdminService.parseCertificate(Self.certA)
        #expect(a.notBefore == 1_795_805_482 && a.notAfter == 2_111_165_482)
        let b = try AdminService.parseCertificate(Self.certB.replacing("\n", with: "\r\n"))
        #expect(b.notBefore == 1_795_805_482 && b.notAfter == 5_251_805_482)
    }

    @Test func certificatesUploadActivateAndDelete() async {
        let sim = TestHarness()
        let made = await sim.send("POST", "\(Self.base)/certificates", json: ["name": "edge", "certificate": .string(Self.certA)])
        #expect(made.status == 200)
        let a = made.json
        let id = a["id"]?.stringValue ?? ""
        #expect(id.hasPrefix("cert_") && a["object"] == "certificate" && a["name"] == "edge" && a["active"] == nil)
        #expect(a["certificate_details"] == ["valid_at": 1_795_805_482, "expires_at": 2_111_165_482])
        let b = await sim.send("POST", "\(Self.base)/certificates", json: ["certificate": .string(Self.certB)]).json
        let idB = b["id"]?.stringValue ?? ""
        #expect(b["name"] == .null && b["certificate_details"]?["expires_at"] == 5_251_805_482)

        // Content only when asked for.
        #expect(await sim.send("GET", "\(Self.base)/certificates/\(id)").json["certificate_details"]?["content"] == nil)
        let full = await sim.send("GET", "\(Self.base)/certificates/\(id)?include[]=content").json
        #expect(full["certificate_details"]?["content"] == .string(Self.certA))
        expectError(await sim.send("GET", "\(Self.base)/certificates/\(id)?include[]=key"), 400, param: "include")

        let renamed = await sim.send("POST", "\(Self.base)/certificates/\(id)", json: ["name": "edge-2"]).json
        #expect(renamed["name"] == "edge-2" && renamed["certificate_details"] == a["certificate_details"])

        // Newest first by default; asc on request; pages.
        let list = await sim.send("GET", "\(Self.base)/certificates").json
        #expect(list["data"]?.arrayValue?.map { $0["id"]?.stringValue ?? "" } == [idB, id])
        #expect(list["data"]?.arrayValue?.allSatisfy { $0["object"] == "organization.certificate" && $0["active"] == false } == true)
        let asc = await sim.send("GET", "\(Self.base)/certificates?order=asc&limit=1").json
        #expect(asc["data"]?.arrayValue?.first?["id"] == .string(id) && asc["has_more"] == true)

        // Activation: atomic (an unknown id changes nothing), idempotent.
        expectError(await sim.send("POST", "\(Self.base)/certificates/activate", json: ["certificate_ids": [.string(id), "cert_nope"]]),
                    404, param: "certificate_id", code: "not_found")
        #expect(await sim.send("GET", "\(Self.base)/certificates?order=asc").json["data"]?.arrayValue?.first?["active"] == false)
        let on = await sim.send("POST", "\(Self.base)/certificates/activate", json: ["certificate_ids": [.string(id), .string(id)]]).json
        #expect(on["object"] == "organization.certificate.activation" && on["data"]?.arrayValue?.count == 1 && on["data"]?.arrayValue?.first?["active"] == true)
        #expect(await sim.send("POST", "\(Self.base)/certificates/activate", json: ["certificate_ids": [.string(id)]]).status == 200)
        expectError(await sim.send("DELETE", "\(Self.base)/certificates/\(id)"), 400, param: "certificate_id")

        // Per project: its own active flag.
        let project = await newProject(sim)
        let pOn = await sim.send("POST", "\(Self.base)/projects/\(project)/certificates/activate", json: ["certificate_ids": [.string(idB)]]).json
        #expect(pOn["object"] == "organization.project.certificate.activation" && pOn["data"]?.arrayValue?.first?["object"] == "organization.project.certificate")
        let pList = await sim.send("GET", "\(Self.base)/projects/\(project)/certificates?order=asc").json["data"]?.arrayValue ?? []
        #expect(pList.map { $0["active"] } == [false, true])
        expectError(await sim.send("DELETE", "\(Self.base)/certificates/\(idB)"), 400, param: "certificate_id")
        let pOff = await sim.send("POST", "\(Self.base)/projects/\(project)/certificates/deactivate", json: ["certificate_ids": [.string(idB)]]).json
        #expect(pOff["object"] == "organization.project.certificate.deactivation" && pOff["data"]?.arrayValue?.first?["active"] == false)
        let deleted = await sim.send("DELETE", "\(Self.base)/certificates/\(idB)").json
        #expect(deleted == ["object": "certificate.deleted", "id": .string(idB)])
        expectError(await sim.send("GET", "\(Self.base)/certificates/\(idB)"), 404, param: "certificate_id", code: "not_found")

        _ = await sim.send("POST", "\(Self.base)/certificates/deactivate", json: ["certificate_ids": [.string(id)]])
        #expect(await sim.send("DELETE", "\(Self.base)/certificates/\(id)").status == 200)
        let types = await auditTypes(sim)
        for t in ["certificate.created", "certificate.updated", "certificate.deleted", "certificates.activated", "certificates.deactivated"] {
            #expect(types.contains(t), "\(t) not audited")
        }
    }

    @Test func malformedCertificatesAndTogglesAre400s() async {
        let sim = TestHarness()
        let path = "\(Self.base)/certificates"
        let body = String(Self.certA.split(separator: "\n").dropFirst().dropLast().joined(separator: "\n"))
        for bad in ["hello", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----",
                    "-----BEGIN CERTIFICATE-----\nMIIB*jTCC\n-----END CERTIFICATE-----",
                    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",  // base64, but not DER
                    "-----BEGIN CERTIFICATE-----\n\(body.dropLast(8))\n-----END CERTIFICATE-----",  // truncated DER
                    Self.certA + "\n" + Self.certB,
                    "-----BEGIN PRIVATE KEY-----\n\(body)\n-----END PRIVATE KEY-----"] {
            expectError(await sim.send("POST", path, json: ["certificate": .string(bad)]), 400, param: "certificate")
        }
        expectError(await sim.send("POST", path, json: ["name": "x"]), 400, param: "certificate", code: "missing_required_parameter")
        expectError(await sim.send("POST", path, json: ["certificate": .string(Self.certA), "pem": "x"]), 400, param: "pem", code: "unknown_parameter")
        expectError(await sim.send("POST", path, json: ["certificate": 7]), 400, param: "certificate", code: "invalid_type")
        expectError(await sim.send("POST", "\(path)/activate", json: ["certificate_ids": []]), 400, param: "certificate_ids", code: "empty_array")
        let eleven: JSON = .array((0..<11).map { .string("cert_\($0)") })
        expectError(await sim.send("POST", "\(path)/activate", json: ["certificate_ids": eleven]), 400, param: "certificate_ids",
                    code: "array_above_max_length")
        expectError(await sim.send("POST", "\(path)/deactivate", json: ["certificate_ids": "cert_1"]), 400, param: "certificate_ids", code: "invalid_type")
        expectError(await sim.send("GET", "\(Self.base)/projects/proj_nope/certificates"), 404, param: "project_id", code: "not_found")
        expectError(await sim.send("POST", "\(path)/cert_nope", json: ["name": "x"]), 404, param: "certificate_id", code: "not_found")
        #expect(await sim.send("GET", path).json["data"]?.arrayValue?.isEmpty == true)
    }

    @Test func anOrganizationHoldsAtMostFiftyCertificates() async {
        let sim = TestHarness()
        for _ in 0..<50 {
            #expect(await sim.send("POST", "\(Self.base)/certificates", json: ["certificate": .string(Self.certA)]).status == 200)
        }
        expectError(await sim.send("POST", "\(Self.base)/certificates", json: ["certificate": .string(Self.certB)]), 400, param: "certificate")
        let first = await sim.send("GET", "\(Self.base)/certificates?limit=100").json["data"]?.arrayValue ?? []
        #expect(first.count == 50)
        _ = await sim.send("DELETE", "\(Self.base)/certificates/\(first[0]["id"]?.stringValue ?? "")")
        #expect(await sim.send("POST", "\(Self.base)/certificates", json: ["certificate": .string(Self.certB)]).status == 200)
    }

    @Test func dataRetentionHasDefaultsAndPersists() async {
        let sim = TestHarness()
        let project = await newProject(sim)
        #expect(await sim.send("GET", "\(Self.base)/data_retention").json == ["object": "organization.data_retention", "type": "modified_abuse_monitoring"])
        #expect(await sim.send("GET", "\(Self.base)/projects/\(project)/data_retention").json
            == ["object": "project.data_retention", "type": "organization_default"])

        let org = await sim.send("POST", "\(Self.base)/data_retention", json: ["retention_type": "zero_data_retention"]).json
        #expect(org["type"] == "zero_data_retention")
        #expect(await sim.send("GET", "\(Self.base)/data_retention").json["type"] == "zero_data_retention")
        _ = await sim.send("POST", "\(Self.base)/projects/\(project)/data_retention", json: ["retention_type": "none"])
        #expect(await sim.send("GET", "\(Self.base)/projects/\(project)/data_retention").json["type"] == "none")

        // `organization_default` and `none` are a project's only.
        expectError(await sim.send("POST", "\(Self.base)/data_retention", json: ["retention_type": "none"]), 400, param: "retention_type", code: "invalid_value")
        expectError(await sim.send("POST", "\(Self.base)/data_retention", json: [:]), 400, param: "retention_type", code: "missing_required_parameter")
        expectError(await sim.send("POST", "\(Self.base)/data_retention", json: ["retention_type": "none", "x": 1]), 400, param: "x")
        expectError(await sim.send("GET", "\(Self.base)/projects/proj_nope/data_retention"), 404, param: "project_id", code: "not_found")
        _ = await sim.send("POST", "\(Self.base)/projects/\(project)/archive")
        expectError(await sim.send("POST", "\(Self.base)/projects/\(project)/data_retention", json: ["retention_type": "zero_data_retention"]),
                    400, param: "project_id")
        #expect(await sim.send("GET", "\(Self.base)/projects/\(project)/data_retention").json["type"] == "none")
        #expect(await auditTypes(sim).filter { $0 == "organization.updated" }.count == 1)
    }

    @Test func spendLimitsAreSetReplacedAndDeleted() async {
        let sim = TestHarness()
        let project = await newProject(sim)
        for path in ["\(Self.base)/spend_limit", "\(Self.base)/projects/\(project)/spend_limit"] {
            let kind = path.contains("/projects/") ? "project" : "organization"
            expectError(await sim.send("GET", path), 404, param: nil, code: "not_found")
            let set = await sim.send("POST", path, json: ["threshold_amount": 10_000, "currency": "USD", "interval": "month"]).json
            #expect(set == ["object": .string("\(kind).spend_limit"), "threshold_amount": 10_000, "currency": "USD", "interval": "month",
                            "enforcement": ["status": "enforcing"]])
            _ = await sim.send("POST", path, json: ["threshold_amount": 25_000, "currency": "USD", "interval": "month"])
            #expect(await sim.send("GET", path).json["threshold_amount"] == 25_000)
            expectError(await sim.send("POST", path, json: ["threshold_amount": 0, "currency": "USD", "interval": "month"]), 400,
                        param: "threshold_amount", code: "integer_below_min_value")
            expectError(await sim.send("POST", path, json: ["threshold_amount": 5, "currency": "EUR", "interval": "month"]), 400, param: "currency")
            expectError(await sim.send("POST", path, json: ["threshold_amount": 5, "currency": "USD", "interval": "week"]), 400, param: "interval")
            expectError(await sim.send("POST", path, json: ["threshold_amount": "5", "currency": "USD", "interval": "month"]), 400,
                        param: "threshold_amount", code: "invalid_type")
            expectError(await sim.send("POST", path, json: ["currency": "USD", "interval": "month"]), 400, param: "threshold_amount")
            #expect(await sim.send("GET", path).json["threshold_amount"] == 25_000)
            #expect(await sim.send("DELETE", path).json == ["object": .string("\(kind).spend_limit.deleted"), "deleted": true])
            expectError(await sim.send("GET", path), 404, param: nil, code: "not_found")
            expectError(await sim.send("DELETE", path), 404, param: nil, code: "not_found")
        }
    }

    static func alert(_ amount: Int, _ to: String = "finance@example.com") -> JSON {
        ["threshold_amount": .int(Int64(amount)), "currency": "USD", "interval": "month",
         "notification_channel": ["type": "email", "recipients": [.string(to)], "subject_prefix": "Spend"]]
    }

    @Test func spendAlertsAreCrudAndPageBothWays() async {
        let sim = TestHarness()
        let path = "\(Self.base)/spend_alerts"
        var ids: [String] = []
        for amount in [100, 200, 300, 400] {
            let a = await sim.send("POST", path, json: Self.alert(amount)).json
            #expect(a["object"] == "organization.spend_alert" && a["notification_channel"]?["subject_prefix"] == "Spend")
            ids.append(a["id"]?.stringValue ?? "")
        }
        #expect(ids.allSatisfy { $0.hasPrefix("alert_") } && Set(ids).count == 4)
        func page(_ q: String) async -> [String] {
            (await sim.send("GET", path + q).json["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        }
        #expect(await page("") == ids)
        #expect(await page("?order=desc") == ids.reversed())
        #expect(await page("?limit=2&after=\(ids[0])") == [ids[1], ids[2]])
        #expect(await page("?limit=2&before=\(ids[3])") == [ids[1], ids[2]])
        #expect(await page("?limit=0") == [])
        expectError(await sim.send("GET", path + "?limit=101"), 400, param: "limit")
        expectError(await sim.send("GET", path + "?after=alert_nope"), 404, param: "after")

        let updated = await sim.send("POST", "\(path)/\(ids[1])", json: Self.alert(250, "ops@example.com")).json
        #expect(updated["threshold_amount"] == 250 && updated["notification_channel"]?["recipients"] == ["ops@example.com"])
        #expect(await sim.send("GET", "\(path)/\(ids[1])").json == updated)
        #expect(await page("") == ids)  // an update keeps the alert's place

        // A project's alerts are its own.
        let project = await newProject(sim)
        let pa = await sim.send("POST", "\(Self.base)/projects/\(project)/spend_alerts", json: Self.alert(0)).json
        #expect(pa["object"] == "project.spend_alert" && pa["threshold_amount"] == 0)
        let pid = pa["id"]?.stringValue ?? ""
        #expect(await page("").contains(pid) == false)
        expectError(await sim.send("GET", "\(path)/\(pid)"), 404, param: "alert_id", code: "not_found")
        expectError(await sim.send("GET", "\(Self.base)/projects/\(project)/spend_alerts/\(ids[0])"), 404, param: "alert_id")
        #expect(await sim.send("DELETE", "\(Self.base)/projects/\(project)/spend_alerts/\(pid)").json
            == ["id": .string(pid), "object": "project.spend_alert.deleted", "deleted": true])

        var bad = Self.alert(1)
        bad = bad.setting("notification_channel", ["type": "email", "recipients": []])
        expectError(await sim.send("POST", path, json: bad), 400, param: "notification_channel.recipients", code: "empty_array")
        expectError(await sim.send("POST", path, json: Self.alert(1, "not-an-email")), 400, param: "notification_channel.recipients[0]")
        bad = Self.alert(1).setting("notification_channel", ["type": "sms", "recipients": ["a@b.co"]])
        expectError(await sim.send("POST", path, json: bad), 400, param: "notification_channel.type", code: "invalid_value")
        bad = Self.alert(1).setting("notification_channel", ["type": "email", "recipients": ["a@b.co"], "cc": "x"])
        expectError(await sim.send("POST", path, json: bad), 400, param: "notification_channel.cc", code: "unknown_parameter")
        expectError(await sim.send("POST", path, json: Self.alert(-1)), 400, param: "threshold_amount", code: "integer_below_min_value")
        expectError(await sim.send("POST", path, json: Self.alert(1).setting("notification_channel", .null)), 400, param: "notification_channel")
        expectError(await sim.send("POST", "\(path)/alert_nope", json: Self.alert(1)), 404, param: "alert_id", code: "not_found")
        #expect(await sim.send("DELETE", "\(path)/\(ids[0])").json["deleted"] == true)
        #expect(await page("") == Array(ids.dropFirst()))
    }

    @Test func modelAndHostedToolPermissions() async {
        let sim = TestHarness()
        let project = await newProject(sim)
        let models = "\(Self.base)/projects/\(project)/model_permissions"
        #expect(await sim.send("GET", models).json == ["object": "project.model_permissions", "mode": "deny_list", "model_ids": []])
        let set = await sim.send("POST", models, json: ["mode": "allow_list", "model_ids": ["gpt-4.1", "o3", "gpt-4.1"]]).json
        #expect(set == ["object": "project.model_permissions", "mode": "allow_list", "model_ids": ["gpt-4.1", "o3"]])
        #expect(await sim.send("GET", models).json == set)
        expectError(await sim.send("POST", models, json: ["mode": "block", "model_ids": []]), 400, param: "mode", code: "invalid_value")
        expectError(await sim.send("POST", models, json: ["mode": "deny_list", "model_ids": ["o3", "gpt-9"]]), 400, param: "model_ids[1]")
        expectError(await sim.send("POST", models, json: ["mode": "deny_list"]), 400, param: "model_ids", code: "missing_required_parameter")
        expectError(await sim.send("POST", models, json: ["mode": "deny_list", "model_ids": [1]]), 400, param: "model_ids[0]", code: "invalid_type")
        #expect(await sim.send("GET", models).json == set)
        #expect(await sim.send("DELETE", models).json == ["object": "project.model_permissions.deleted", "deleted": true])
        #expect(await sim.send("GET", models).json["mode"] == "deny_list")

        let tools = "\(Self.base)/projects/\(project)/hosted_tool_permissions"
        let all = await sim.send("GET", tools).json
        #expect(all.objectValue?.map(\.0) == AdminService.hostedTools && all.objectValue?.allSatisfy { $0.1 == ["enabled": true] } == true)
        let changed = await sim.send("POST", tools, json: ["image_generation": ["enabled": false], "mcp": .null]).json
        #expect(changed["image_generation"] == ["enabled": false] && changed["mcp"] == ["enabled": true])
        _ = await sim.send("POST", tools, json: ["code_interpreter": ["enabled": false]])
        let now = await sim.send("GET", tools).json
        #expect(now["image_generation"] == ["enabled": false] && now["code_interpreter"] == ["enabled": false] && now["file_search"] == ["enabled": true])
        expectError(await sim.send("POST", tools, json: ["browser": ["enabled": true]]), 400, param: "browser", code: "unknown_parameter")
        expectError(await sim.send("POST", tools, json: ["mcp": ["enabled": "yes"]]), 400, param: "mcp.enabled", code: "invalid_type")
        expectError(await sim.send("POST", tools, json: ["mcp": [:]]), 400, param: "mcp.enabled", code: "missing_required_parameter")
        expectError(await sim.send("POST", tools, json: ["mcp": true]), 400, param: "mcp", code: "invalid_type")

        // Another project keeps its defaults; an archived one refuses changes.
        let other = await newProject(sim, "other")
        #expect(await sim.send("GET", "\(Self.base)/projects/\(other)/hosted_tool_permissions").json["image_generation"] == ["enabled": true])
        _ = await sim.send("POST", "\(Self.base)/projects/\(project)/archive")
        expectError(await sim.send("POST", tools, json: ["mcp": ["enabled": false]]), 400, param: "project_id")
        expectError(await sim.send("DELETE", models), 400, param: "project_id")
        expectError(await sim.send("GET", "\(Self.base)/projects/proj_nope/model_permissions"), 404, param: "project_id", code: "not_found")
        #expect(await sim.send("GET", tools).json["code_interpreter"] == ["enabled": false])
        #expect(await auditTypes(sim).filter { $0 == "project.updated" }.count == 4)
    }
}

import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

@Suite struct AdminRoutesTests {
    static let base = "/v1/organization"

    func serviceAccountKey(_ sim: TestHarness, project: String) async -> (account: String, key: String) {
        let r = await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts", json: ["name": "bot"])
        #expect(r.status == 200)
        return (r.json["id"]?.stringValue ?? "", r.json["api_key"]?["value"]?.stringValue ?? "")
    }

    @Test func anOrganizationStartsWithItsOwnerAndDefaultProject() async {
        let sim = TestHarness()
        let projects = await sim.send("GET", "\(Self.base)/projects").json
        let list = projects["data"]?.arrayValue ?? []
        #expect(list.count == 1 && list.first?["name"] == "Default project" && list.first?["status"] == "active")
        let users = await sim.send("GET", "\(Self.base)/users").json["data"]?.arrayValue ?? []
        #expect(users.count == 1 && users.first?["role"] == "owner")
        let owner = users.first?["id"]?.stringValue ?? ""
        let project = list.first?["id"]?.stringValue ?? ""
        let members = await sim.send("GET", "\(Self.base)/projects/\(project)/users").json["data"]?.arrayValue ?? []
        #expect(members.map { $0["id"]?.stringValue } == [owner])
    }

    @Test func aServiceAccountKeyLandsInItsProjectAndStopsWhenRevoked() async {
        let sim = TestHarness()
        let project = await sim.send("POST", "\(Self.base)/projects", json: ["name": "payments"]).json["id"]?.stringValue ?? ""
        let (account, key) = await serviceAccountKey(sim, project: project)
        #expect(key.hasPrefix("sk-svcacct-"))
        // The bot's state is its project's, not the default project's.
        let made = await sim.send("POST", "/v1/chat/completions", key: key,
                                  json: ["model": "gpt-4o-mini", "store": true, "messages": [["role": "user", "content": "hi"]]])
        #expect(made.status == 200)
        let id = made.json["id"]?.stringValue ?? ""
        #expect(await sim.send("GET", "/v1/chat/completions/\(id)", key: key).status == 200)
        #expect(await sim.send("GET", "/v1/chat/completions/\(id)").status == 404)
        // Its organization is the owner's: it can read the owner's projects.
        let seen = await sim.send("GET", "\(Self.base)/projects/\(project)", key: key)
        #expect(seen.status == 200 && seen.json["name"] == "payments")

        let deleted = await sim.send("DELETE", "\(Self.base)/projects/\(project)/service_accounts/\(account)")
        #expect(deleted.json["deleted"] == true)
        let refused = await sim.send("GET", "/v1/models", key: key)
        #expect(refused.status == 401 && refused.json["error"]?["code"] == "invalid_api_key")
        // The journal filtered by the key (revoked or not) shows what it did in its project.
        let journal = await sim.send("GET", "/__sim/requests?tenant=\(key)", key: nil).json["data"]?.arrayValue ?? []
        let paths: [String] = journal.compactMap { $0["path"]?.stringValue }
        #expect(paths.contains("/v1/chat/completions"))
        #expect(!paths.contains("/v1/organization/projects"))  // the owner's create is the owner's
        #expect(refused.json["error"]?["message"]?.stringValue?.contains(key) == false)
    }

    @Test func anAdminKeyIsItsOrganizationsOwnerUntilDeleted() async {
        let sim = TestHarness()
        let made = await sim.send("POST", "\(Self.base)/admin_api_keys", json: ["name": "ops"]).json
        let key = made["value"]?.stringValue ?? ""
        #expect(key.hasPrefix("sk-admin-") && made["expires_at"] == .null)
        #expect(made["redacted_value"]?.stringValue == "sk-admin..." + String(key.suffix(3)))
        // Same organization, same default project: the owner's files are visible.
        let owner = await sim.send("GET", "\(Self.base)/projects").json
        let viaAdmin = await sim.send("GET", "\(Self.base)/projects", key: key).json
        #expect(owner == viaAdmin)
        let listed = await sim.send("GET", "\(Self.base)/admin_api_keys").json["data"]?.arrayValue ?? []
        #expect(listed.count == 1 && listed.first?["value"] == nil)
        _ = await sim.send("DELETE", "\(Self.base)/admin_api_keys/\(made["id"]?.stringValue ?? "")")
        #expect(await sim.send("GET", "\(Self.base)/projects", key: key).status == 401)
    }

    /// `expires_in_seconds` on admin keys, on a service account's first key (the SDK's field,
    /// beyond the spec here) and on its later keys: the key carries `expires_at` and stops
    /// working when the clock reaches it; keys without one keep working.
    @Test func keysWithALifetimeStopWhenTheClockReachesIt() async throws {
        let sim = TestHarness(auth: AuthPolicy(strict: true, ownerKeys: ["sk-owner"]))
        let start = sim.clock.unixSeconds()
        let project = await sim.send("POST", "\(Self.base)/projects", key: "sk-owner", json: ["name": "p"]).json["id"]?.stringValue ?? ""
        let made = await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts", key: "sk-owner",
                                  json: ["name": "bot", "expires_in_seconds": 60])
        #expect(made.status == 200 && made.json["api_key"]?["expires_at"] == .int(start + 60), "\(made.json)")
        let bot = made.json["api_key"]?["value"]?.stringValue ?? ""
        let account = made.json["id"]?.stringValue ?? ""
        let later = await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts/\(account)/api_keys", key: "sk-owner",
                                   json: ["name": "two", "expires_in_seconds": 120]).json
        #expect(later["expires_at"] == .int(start + 120))
        let forever = await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts", key: "sk-owner", json: ["name": "ever"]).json
        #expect(forever["api_key"]?["expires_at"] == .null)
        let listed = await sim.send("GET", "\(Self.base)/projects/\(project)/api_keys", key: "sk-owner").json["data"]?.arrayValue ?? []
        #expect(Set(listed.compactMap { $0["expires_at"]?.intValue }) == [start + 60, start + 120] && listed.count == 3)
        let admin = await sim.send("POST", "\(Self.base)/admin_api_keys", key: "sk-owner", json: ["name": "ops", "expires_in_seconds": 90]).json
        #expect(admin["expires_at"] == .int(start + 90))
        let adminKey = admin["value"]?.stringValue ?? ""

        #expect(await sim.send("GET", "/v1/models", key: bot).status == 200)
        #expect(await sim.send("GET", "\(Self.base)/projects", key: adminKey).status == 200)
        try sim.advance(seconds: 60)
        let expired = await sim.send("GET", "/v1/models", key: bot)
        #expect(expired.status == 401 && expired.json["error"]?["code"] == "invalid_api_key")
        #expect(await sim.send("GET", "/v1/models", key: later["value"]?.stringValue ?? "").status == 200)
        #expect(await sim.send("GET", "/v1/models", key: forever["api_key"]?["value"]?.stringValue ?? "").status == 200)
        try sim.advance(seconds: 30)
        #expect(await sim.send("GET", "\(Self.base)/projects", key: adminKey).status == 401)
        #expect(await sim.send("GET", "/v1/models", key: adminKey).status == 401)

        // Refused: no key to expire, and lifetimes out of range.
        let accountOnly = await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts", key: "sk-owner",
                                         json: ["name": "x", "create_service_account_only": true, "expires_in_seconds": 60])
        #expect(accountOnly.status == 400 && accountOnly.json["error"]?["param"] == "expires_in_seconds")
        for bad: JSON in [0, 31_536_001, "60"] {
            let r = await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts", key: "sk-owner",
                                   json: ["name": "x", "expires_in_seconds": bad])
            #expect(r.status == 400 && r.json["error"]?["param"] == "expires_in_seconds", "\(bad)")
        }
    }

    /// `POST …/projects/{id}/api_keys/{key}` (the SDK's `api_keys.update`, beyond the spec here):
    /// a lifetime from now, replaced scopes, and the refusals the SDK's docs describe.
    @Test func aProjectKeysLifetimeAndScopesCanBeChanged() async throws {
        let sim = TestHarness()
        let start = sim.clock.unixSeconds()
        let project = await sim.send("POST", "\(Self.base)/projects", json: ["name": "p"]).json["id"]?.stringValue ?? ""
        let made = await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts", json: ["name": "bot"]).json
        let keyID = made["api_key"]?["id"]?.stringValue ?? "", bot = made["api_key"]?["value"]?.stringValue ?? ""
        let path = "\(Self.base)/projects/\(project)/api_keys/\(keyID)"
        #expect(await sim.send("GET", "/v1/models", key: bot).status == 200)  // cached by the server from here
        let updated = await sim.send("POST", path, json: ["expires_in_seconds": 100, "scopes": ["api.model.read"]])
        #expect(updated.status == 200 && updated.json["expires_at"] == .int(start + 100) && updated.json["_scopes"] == nil, "\(updated.json)")
        #expect(await sim.send("GET", path).json["expires_at"] == .int(start + 100))
        try sim.advance(seconds: 50)
        // Set again: relative to this request.
        #expect(await sim.send("POST", path, json: ["expires_in_seconds": 100]).json["expires_at"] == .int(start + 150))
        try sim.advance(seconds: 99)
        #expect(await sim.send("GET", "/v1/models", key: bot).status == 200)
        try sim.advance(seconds: 1)
        #expect(await sim.send("GET", "/v1/models", key: bot).status == 401)
        let late = await sim.send("POST", path, json: ["expires_in_seconds": 100])
        #expect(late.status == 400 && late.json["error"]?["message"]?.stringValue?.contains("Expired") == true)

        let other = await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts", json: ["name": "two"]).json["api_key"]?["id"]?.stringValue ?? ""
        let otherPath = "\(Self.base)/projects/\(project)/api_keys/\(other)"
        #expect(await sim.send("POST", otherPath, json: [:]).status == 400)
        #expect(await sim.send("POST", otherPath, json: ["scopes": .null]).json["error"]?["param"] == "scopes")
        #expect(await sim.send("POST", otherPath, json: ["expires_in_seconds": 0]).json["error"]?["param"] == "expires_in_seconds")
        #expect(await sim.send("POST", otherPath, json: ["name": "x"]).json["error"]?["param"] == "name")
        #expect(await sim.send("POST", "\(Self.base)/projects/\(project)/api_keys/key_nope", json: ["scopes": []]).status == 404)
        #expect(await sim.send("POST", otherPath, json: ["scopes": ["api.all.read"]]).json["expires_at"] == .null)
        let audit = await sim.send("GET", "\(Self.base)/audit_logs?event_types[]=api_key.updated").json["data"]?.arrayValue ?? []
        #expect(audit.count == 3 && audit.first?["api_key.updated"]?["changes_requested"]?["scopes"] == ["api.all.read"], "\(audit)")
        // An archived project's keys are not changed.
        #expect(await sim.send("POST", "\(Self.base)/projects/\(project)/archive").status == 200)
        #expect(await sim.send("POST", otherPath, json: ["scopes": []]).status == 400)
    }

    /// The SDK's deprecated `geography` (beyond the spec here) and its residency values.
    @Test func geographyIsTheDeprecatedFormOfResidency() async {
        let sim = TestHarness()
        let eu = await sim.send("POST", "\(Self.base)/projects", json: ["name": "eu", "geography": "EU"])
        #expect(eu.status == 200 && eu.json["residency"] == "EU_STORAGE_PROCESSING")
        let jp = await sim.send("POST", "\(Self.base)/projects", json: ["name": "jp", "geography": "jp"])
        #expect(jp.json["residency"] == "JP_STORAGE")
        let newer = await sim.send("POST", "\(Self.base)/projects", json: ["name": "au", "residency": "AU_STORAGE_PROCESSING"])
        #expect(newer.status == 200 && newer.json["residency"] == "AU_STORAGE_PROCESSING")
        let both = await sim.send("POST", "\(Self.base)/projects", json: ["name": "x", "geography": "EU", "residency": "EU_STORAGE_PROCESSING"])
        #expect(both.status == 400 && both.json["error"]?["param"] == "geography")
        let unknown = await sim.send("POST", "\(Self.base)/projects", json: ["name": "x", "geography": "Atlantis"])
        #expect(unknown.status == 400 && unknown.json["error"]?["param"] == "geography")
        let id = eu.json["id"]?.stringValue ?? ""
        let updated = await sim.send("POST", "\(Self.base)/projects/\(id)", json: ["name": "eu2", "geography": "US"])
        #expect(updated.status == 200 && updated.json["name"] == "eu2" && updated.json["residency"] == "EU_STORAGE_PROCESSING")
        let typed = await sim.send("POST", "\(Self.base)/projects/\(id)", json: ["geography": 1])
        #expect(typed.status == 400 && typed.json["error"]?["param"] == "geography")
    }

    @Test func resettingTheOrganizationTakesItsProjectsAndKeysAlong() async {
        let sim = TestHarness()
        let project = await sim.send("POST", "\(Self.base)/projects", json: ["name": "p"]).json["id"]?.stringValue ?? ""
        let (_, key) = await serviceAccountKey(sim, project: project)
        let made = await sim.send("POST", "/v1/chat/completions", key: key,
                                  json: ["model": "gpt-4o-mini", "store": true, "messages": [["role": "user", "content": "hi"]]])
        #expect(made.status == 200)
        let reset = await sim.send("POST", "/__sim/reset", key: nil, json: ["api_key": "sk-test"])
        #expect(reset.status == 200)
        // The minted key was forgotten: in open mode it is now a tenant of its own, with nothing in it.
        let after = await sim.send("GET", "/v1/chat/completions", key: key)
        #expect(after.status == 200 && after.json["data"]?.arrayValue?.isEmpty == true)
        let projects = await sim.send("GET", "\(Self.base)/projects").json["data"]?.arrayValue ?? []
        #expect(projects.map { $0["name"] } == ["Default project"])
    }

    @Test func sameSeedSameRequestsSameBodies() async {
        func play() async -> [JSON] {
            let sim = TestHarness(seed: 9)
            var out: [JSON] = []
            let p = await sim.send("POST", "\(Self.base)/projects", json: ["name": "a"]).json
            out.append(p)
            out.append(await sim.send("POST", "\(Self.base)/projects/\(p["id"]?.stringValue ?? "")/service_accounts", json: ["name": "b"]).json)
            out.append(await sim.send("POST", "\(Self.base)/admin_api_keys", json: ["name": "c"]).json)
            out.append(await sim.send("POST", "\(Self.base)/invites", json: ["email": "a@b.co", "role": "owner"]).json)
            return out
        }
        let a = await play(), b = await play()
        #expect(a == b)
        #expect(a.allSatisfy { $0["error"] == nil })
    }

    @Test func badInputsNameTheirParam() async {
        let sim = TestHarness()
        let cases: [(String, String, JSON, Int, String)] = [
            ("POST", "/projects", [:], 400, "name"),
            ("POST", "/projects", ["name": 5], 400, "name"),
            ("POST", "/projects", ["name": "x", "colour": "red"], 400, "colour"),
            ("GET", "/projects/proj_nope", .null, 404, "project_id"),
            ("POST", "/invites", ["email": "a@b.co", "role": "admin"], 400, "role"),
            ("POST", "/invites", ["email": "a@b.co", "role": "reader", "projects": [["id": 1, "role": "member"]]], 400, "projects[0].id"),
            ("POST", "/admin_api_keys", ["name": "k", "expires_in_seconds": 31_536_001], 400, "expires_in_seconds"),
            ("GET", "/projects?after=proj_nope", .null, 404, "after"),
        ]
        for (method, path, body, status, param) in cases {
            let r = await sim.send(method, Self.base + path, json: body == .null ? nil : body)
            #expect(r.status == status, "\(method) \(path)")
            #expect(r.json["error"]?["param"]?.stringValue == param, "\(method) \(path): \(r.json)")
        }
        let dup = await sim.send("GET", "\(Self.base)/users").json["data"]?.arrayValue?.first?["id"]?.stringValue ?? ""
        let project = await sim.send("POST", "\(Self.base)/projects", json: ["name": "p"]).json["id"]?.stringValue ?? ""
        let again = await sim.send("POST", "\(Self.base)/projects/\(project)/users", json: ["user_id": .string(dup), "role": "owner"])
        #expect(again.status == 400)
    }

    @Test func usageSplitsLiveFromBatchRequestsAndCostsFollowThePriceTable() async throws {
        let sim = TestHarness()
        let start = sim.clock.unixSeconds()
        let chat = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-4o-mini", "messages": [["role": "user", "content": "hi"]]]).json
        let line = #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"from a batch"}]}}"#
        let file = await sim.sendMultipart("/v1/files", fields: [("purpose", "batch")], files: [("file", "in.jsonl", Array((line + "\n").utf8))])
            .json["id"]?.stringValue ?? ""
        let batch = await sim.send("POST", "/v1/batches", json: ["input_file_id": .string(file), "endpoint": "/v1/chat/completions",
                                                                "completion_window": "24h"]).json["id"]?.stringValue ?? ""
        try sim.advance(seconds: 3_600)
        #expect(await sim.send("GET", "/v1/batches/\(batch)").json["status"] == "completed")

        let day = await sim.send("GET", "\(Self.base)/usage/completions?start_time=\(start)&group_by[]=batch").json
        let rows = day["data"]?.arrayValue?.first?["results"]?.arrayValue ?? []
        let live = rows.first { $0["batch"] == false }, batched = rows.first { $0["batch"] == true }
        #expect(live?["input_tokens"] == chat["usage"]?["prompt_tokens"] && live?["num_model_requests"] == 1)
        #expect(live?["output_tokens"] == chat["usage"]?["completion_tokens"])
        #expect(batched?["num_model_requests"] == 1)
        let onlyBatch = await sim.send("GET", "\(Self.base)/usage/completions?start_time=\(start)&batch=true").json
        #expect(onlyBatch["data"]?.arrayValue?.first?["results"]?.arrayValue?.first?["num_model_requests"] == 1)

        // gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens.
        let input = (live?["input_tokens"]?.intValue ?? 0) + (batched?["input_tokens"]?.intValue ?? 0)
        let output = (live?["output_tokens"]?.intValue ?? 0) + (batched?["output_tokens"]?.intValue ?? 0)
        let costs = await sim.send("GET", "\(Self.base)/costs?start_time=\(start)").json
        let value = costs["data"]?.arrayValue?.first?["results"]?.arrayValue?.first?["amount"]?["value"]?.doubleValue ?? -1
        #expect(abs(value - (Double(input) * 0.15 + Double(output) * 0.60) / 1_000_000) < 1e-9)

        // Buckets are aligned to the width; a page holds `limit` of them.
        let end = start + 5 * 3_600
        let hours = await sim.send("GET", "\(Self.base)/usage/completions?start_time=\(start)&end_time=\(end)&bucket_width=1h&limit=2").json
        let buckets = hours["data"]?.arrayValue ?? []
        #expect(buckets.count == 2 && hours["has_more"] == true)
        let aligned: Int64 = start / 3_600 * 3_600
        #expect(buckets.first?["start_time"]?.intValue == aligned)
        let bad = await sim.send("GET", "\(Self.base)/usage/completions?start_time=\(start)&bucket_width=1m&limit=2000")
        #expect(bad.status == 400 && bad.json["error"]?["param"] == "limit")
        let missing = await sim.send("GET", "\(Self.base)/usage/completions")
        #expect(missing.status == 400 && missing.json["error"]?["param"] == "start_time")
    }

    @Test func usageGroupsAndFiltersByTheUserAKeyBelongsTo() async {
        let sim = TestHarness()
        let start = sim.clock.unixSeconds()
        let owner = await sim.send("GET", "\(Self.base)/users").json["data"]?.arrayValue?.first?["id"]?.stringValue ?? ""
        #expect(owner.hasPrefix("user-"))
        let project = await sim.send("POST", "\(Self.base)/projects", json: ["name": "bots"]).json["id"]?.stringValue ?? ""
        let bot = await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts", json: ["name": "bot"])
            .json["api_key"]?["value"]?.stringValue ?? ""
        let mine = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-4o-mini", "messages": [["role": "user", "content": "mine"]]]).json
        let theirs = await sim.send("POST", "/v1/chat/completions", key: bot,
                                    json: ["model": "gpt-4o-mini", "messages": [["role": "user", "content": "the bot's, a little longer"]]]).json
        #expect(mine["usage"]?["prompt_tokens"] != theirs["usage"]?["prompt_tokens"])

        func results(_ query: String) async -> [JSON] {
            await sim.send("GET", "\(Self.base)/usage/completions?start_time=\(start)\(query)").json["data"]?.arrayValue?.first?["results"]?.arrayValue ?? []
        }
        let byUser = await results("&group_by[]=user_id")
        #expect(byUser.count == 2)
        let ownerRow = byUser.first { $0["user_id"]?.stringValue == owner }, botRow = byUser.first { $0["user_id"] == .null }
        #expect(ownerRow?["input_tokens"] == mine["usage"]?["prompt_tokens"] && ownerRow?["num_model_requests"] == 1)
        #expect(botRow?["input_tokens"] == theirs["usage"]?["prompt_tokens"])
        let onlyOwner = await results("&user_ids[]=\(owner)")
        #expect(onlyOwner.count == 1 && onlyOwner.first?["input_tokens"] == mine["usage"]?["prompt_tokens"])
        #expect(onlyOwner.first?["user_id"] == .null)  // not grouped by user: the field is null
        #expect(await results("&user_ids[]=user-nobody").isEmpty)
    }

    @Test func strictModeAcceptsOnlyKnownKeysAndAdminKeysForTheAdminAPI() async {
        let sim = TestHarness(auth: AuthPolicy(strict: true, ownerKeys: ["sk-owner"]))
        let stranger = await sim.send("GET", "/v1/models", key: "sk-stranger-0123456789")
        #expect(stranger.status == 401 && stranger.json["error"]?["code"] == "invalid_api_key")
        #expect(stranger.json["error"]?["message"]?.stringValue?.hasPrefix("Incorrect API key provided: sk-st***6789.") == true)
        #expect(await sim.send("GET", "/v1/models", key: "sk-owner").status == 200)

        let project = await sim.send("POST", "\(Self.base)/projects", key: "sk-owner", json: ["name": "p"]).json["id"]?.stringValue ?? ""
        let bot = await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts", key: "sk-owner", json: ["name": "bot"])
            .json["api_key"]?["value"]?.stringValue ?? ""
        #expect(await sim.send("GET", "/v1/models", key: bot).status == 200)
        // A project key may not administer the organization.
        let denied = await sim.send("GET", "\(Self.base)/projects", key: bot)
        #expect(denied.status == 401 && denied.json["error"]?["message"]?.stringValue?.contains("api.management.read") == true)
        #expect(await sim.send("GET", "\(Self.base)/usage/completions?start_time=0", key: bot).status == 401)

        let admin = await sim.send("POST", "\(Self.base)/admin_api_keys", key: "sk-owner", json: ["name": "ops"]).json
        let adminKey = admin["value"]?.stringValue ?? ""
        #expect(await sim.send("GET", "\(Self.base)/projects", key: adminKey).status == 200)
        _ = await sim.send("DELETE", "\(Self.base)/admin_api_keys/\(admin["id"]?.stringValue ?? "")", key: "sk-owner")
        #expect(await sim.send("GET", "\(Self.base)/projects", key: adminKey).json["error"]?["code"] == "invalid_api_key")
    }

    @Test func auditLogsPageBothWaysAndFilterByTime() async throws {
        let sim = TestHarness()
        var made: [String] = []
        for i in 0..<5 {
            made.append(await sim.send("POST", "\(Self.base)/projects", json: ["name": .string("p\(i)")]).json["id"]?.stringValue ?? "")
            try sim.advance(seconds: 10)
        }
        func types(_ r: TestHarness.Result) -> [String?] {
            (r.json["data"]?.arrayValue ?? []).map { e in e[e["type"]?.stringValue ?? ""]?["id"]?.stringValue }
        }
        let all = await sim.send("GET", "\(Self.base)/audit_logs")
        #expect(types(all) == made.reversed().map { Optional($0) })
        let ids = (all.json["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        // `after` goes on to older events, `before` back to newer ones.
        let older = await sim.send("GET", "\(Self.base)/audit_logs?after=\(ids[1])&limit=2")
        #expect(types(older) == [made[2], made[1]] && older.json["has_more"] == true)
        let newer = await sim.send("GET", "\(Self.base)/audit_logs?before=\(ids[3])&limit=2")
        #expect(types(newer) == [made[3], made[2]] && newer.json["has_more"] == true)
        let first = await sim.send("GET", "\(Self.base)/audit_logs?before=\(ids[1])&limit=5")
        #expect(types(first) == [made[4]] && first.json["has_more"] == false)
        let start = (all.json["data"]?.arrayValue?.last?["effective_at"]?.intValue ?? 0)
        let window = await sim.send("GET", "\(Self.base)/audit_logs?effective_at[gt]=\(start)&effective_at[lte]=\(start + 20)")
        #expect(types(window) == [made[2], made[1]])
    }

    @Test func aServiceAccountGetsMoreKeysThatGoWithIt() async {
        let sim = TestHarness()
        let project = await sim.send("POST", "\(Self.base)/projects", json: ["name": "bots"]).json["id"]?.stringValue ?? ""
        let (account, first) = await serviceAccountKey(sim, project: project)
        let path = "\(Self.base)/projects/\(project)/service_accounts/\(account)/api_keys"
        let made = await sim.send("POST", path, json: ["name": "ci", "scopes": ["api.model.read"]])
        #expect(made.status == 200 && made.json["object"] == "organization.project.service_account.api_key" && made.json["name"] == "ci")
        let second = made.json["value"]?.stringValue ?? ""
        #expect(second.hasPrefix("sk-svcacct-") && second != first)
        // Both keys work in the project's state: a file made with one is seen with the other.
        let file = await sim.sendMultipart("/v1/files", key: second, fields: [("purpose", "assistants")], files: [("file", "a.txt", Array("x".utf8))])
        #expect(file.status == 200)
        #expect(await sim.send("GET", "/v1/files/\(file.json["id"]?.stringValue ?? "")", key: first).status == 200)
        let keys = await sim.send("GET", "\(Self.base)/projects/\(project)/api_keys").json["data"]?.arrayValue ?? []
        #expect(Set(keys.compactMap { $0["name"]?.stringValue }) == ["Secret Key", "ci"])
        let audit = await sim.send("GET", "\(Self.base)/audit_logs?event_types[]=api_key.created").json["data"]?.arrayValue ?? []
        #expect(audit.first?["api_key.created"]?["data"]?["scopes"] == ["api.model.read"])
        // Bad input, unknown account.
        #expect(await sim.send("POST", path, json: ["scopes": "all"]).json["error"]?["param"] == "scopes")
        #expect(await sim.send("POST", path, json: ["nope": 1]).status == 400)
        #expect(await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts/svc_acct_nope/api_keys", json: [:]).status == 404)
        // Deleting the account revokes both keys.
        _ = await sim.send("DELETE", "\(Self.base)/projects/\(project)/service_accounts/\(account)")
        for key in [first, second] { #expect(await sim.send("GET", "/v1/models", key: key).json["error"]?["code"] == "invalid_api_key") }
    }

    @Test func projectRateLimitsStartAtTheOrganizationsAndOnlyGoDown() async {
        let sim = TestHarness()
        let project = await sim.send("POST", "\(Self.base)/projects", json: ["name": "limits"]).json["id"]?.stringValue ?? ""
        let path = "\(Self.base)/projects/\(project)/rate_limits"
        // One limit per listed model, over two pages of at most 100 (the catalog lists more).
        let first = await sim.send("GET", path).json
        var limits = first["data"]?.arrayValue ?? []
        #expect(limits.count == 100 && first["has_more"] == true)
        let rest = await sim.send("GET", "\(path)?after=\(first["last_id"]?.stringValue ?? "")").json
        limits += rest["data"]?.arrayValue ?? []
        #expect(limits.count == ModelCatalog.models.filter(\.listed).count && rest["has_more"] == false)
        #expect(Set(limits.compactMap { $0["id"]?.stringValue }).count == limits.count)
        let mini = limits.first { $0["model"] == "gpt-4o-mini" }
        #expect(mini?["id"] == "rl_gpt-4o-mini" && mini?["object"] == "project.rate_limit" && mini?["max_requests_per_1_minute"] == 5_000)
        let changed = await sim.send("POST", "\(path)/rl_gpt-4o-mini", json: ["max_requests_per_1_minute": 3])
        #expect(changed.status == 200 && changed.json["max_requests_per_1_minute"] == 3 && changed.json["max_tokens_per_1_minute"] == 2_000_000)
        // Seen in the listing of this project only, and audited.
        let again = await sim.send("GET", path).json["data"]?.arrayValue ?? []
        #expect(again.first { $0["model"] == "gpt-4o-mini" }?["max_requests_per_1_minute"] == 3)
        let other = await sim.send("GET", "\(Self.base)/projects").json["data"]?.arrayValue?.first?["id"]?.stringValue ?? ""
        let otherLimits = await sim.send("GET", "\(Self.base)/projects/\(other)/rate_limits").json["data"]?.arrayValue ?? []
        #expect(otherLimits.first { $0["model"] == "gpt-4o-mini" }?["max_requests_per_1_minute"] == 5_000)
        let audit = await sim.send("GET", "\(Self.base)/audit_logs?event_types[]=rate_limit.updated").json["data"]?.arrayValue ?? []
        #expect(audit.first?["rate_limit.updated"]?["changes_requested"]?["max_requests_per_1_minute"] == 3)
        // Paging both ways.
        let page = await sim.send("GET", "\(path)?limit=2").json
        let ids = (page["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 2 && page["has_more"] == true)
        let back = await sim.send("GET", "\(path)?before=\(ids[1])").json["data"]?.arrayValue ?? []
        #expect(back.compactMap { $0["id"]?.stringValue } == [ids[0]])
        // Above the organization's limit, below 1, a field the model lacks, a wrong type, an unknown limit.
        #expect(await sim.send("POST", "\(path)/rl_gpt-4o-mini", json: ["max_requests_per_1_minute": 5_001]).json["error"]?["code"] == "integer_above_max_value")
        #expect(await sim.send("POST", "\(path)/rl_gpt-4o-mini", json: ["max_tokens_per_1_minute": 0]).json["error"]?["param"] == "max_tokens_per_1_minute")
        #expect(await sim.send("POST", "\(path)/rl_gpt-4o-mini", json: ["max_images_per_1_minute": 5]).status == 400)
        #expect(await sim.send("POST", "\(path)/rl_gpt-4o-mini", json: ["max_requests_per_1_minute": "3"]).json["error"]?["code"] == "invalid_type")
        #expect(await sim.send("POST", "\(path)/rl_nope", json: [:]).status == 404)
        #expect(await sim.send("GET", "\(Self.base)/projects/proj_nope/rate_limits").status == 404)
    }
}

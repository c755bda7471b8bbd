import Foundation
import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

/// A project's model permissions and lowered rate limits are enforced on its live model
/// requests: a model the project may not use is the API's 403; requests and tokens per minute
/// refill on the simulator clock, with the API's 429 and `x-ratelimit-*` headers. The
/// organization's own limits are not enforced; batch lines are not counted.
@Suite struct ProjectPolicyEnforcementTests {
    static let base = "/v1/organization"
    static func chat(_ model: String = "gpt-4o-mini", _ text: String = "hi") -> JSON {
        ["model": .string(model), "messages": [["role": "user", "content": .string(text)]]]
    }

    /// The organization's default project (where the owner key's requests go).
    static func defaultProject(_ sim: TestHarness, key: String = "sk-test") async -> String {
        await sim.send("GET", "\(base)/projects", key: key).json["data"]?.arrayValue?.first?["id"]?.stringValue ?? ""
    }

    static func lower(_ sim: TestHarness, _ project: String, _ model: String, _ fields: JSON, key: String = "sk-test") async -> Int {
        await sim.send("POST", "\(base)/projects/\(project)/rate_limits/rl_\(model)", key: key, json: fields).status
    }

    @Test func loweredRequestsPerMinuteAreEnforcedAndRefillOnTheClock() async throws {
        let sim = TestHarness()
        // Nothing lowered: no headers, no limit (the organization's 5,000 a minute is not enforced).
        let free = await sim.send("POST", "/v1/chat/completions", json: Self.chat())
        #expect(free.status == 200 && free.header("x-ratelimit-limit-requests") == nil)

        let project = await Self.defaultProject(sim)
        #expect(await Self.lower(sim, project, "gpt-4o-mini", ["max_requests_per_1_minute": 2]) == 200)
        let first = await sim.send("POST", "/v1/chat/completions", json: Self.chat())
        #expect(first.status == 200)
        #expect(first.header("x-ratelimit-limit-requests") == "2" && first.header("x-ratelimit-remaining-requests") == "1")
        #expect(await sim.send("POST", "/v1/chat/completions", json: Self.chat()).status == 200)
        let refused = await sim.send("POST", "/v1/chat/completions", json: Self.chat())
        #expect(refused.status == 429)
        let error = refused.json["error"]
        #expect(error?["type"] == "requests" && error?["code"] == "rate_limit_exceeded" && error?["param"] == .null)
        let message = error?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("Rate limit reached for gpt-4o-mini in organization org-")
                && message.contains("on requests per min (RPM): Limit 2, Used 2, Requested 1. Please try again in 30s."), "\(message)")
        #expect(refused.header("retry-after") == "30" && refused.header("x-ratelimit-remaining-requests") == "0")
        // Responses and moderations of the same model share the budget; another model has none.
        #expect(await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "hi"]).status == 429)
        let other = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "hi"])
        #expect(other.status == 200 && other.header("x-ratelimit-limit-requests") == nil)
        // A refused request creates nothing: the stored completions list holds the two answered.
        // The budget refills at 2 a minute: after 30 s one more request fits, not two.
        try sim.advance(seconds: 30)
        #expect(await sim.send("POST", "/v1/chat/completions", json: Self.chat()).status == 200)
        #expect(await sim.send("POST", "/v1/chat/completions", json: Self.chat()).status == 429)
        // Another organization is not limited by this one's project.
        #expect(await sim.send("POST", "/v1/chat/completions", key: "sk-someone-else", json: Self.chat()).status == 200)
        // Set back to the organization's limit: enforcement stops.
        #expect(await Self.lower(sim, project, "gpt-4o-mini", ["max_requests_per_1_minute": 5_000]) == 200)
        let back = await sim.send("POST", "/v1/chat/completions", json: Self.chat())
        #expect(back.status == 200 && back.header("x-ratelimit-limit-requests") == nil)
    }

    @Test func loweredTokensPerMinuteRefuseALargeRequestAndCountFineTunedModelsAgainstTheirBase() async throws {
        let sim = TestHarness()
        let project = await Self.defaultProject(sim)
        #expect(await Self.lower(sim, project, "gpt-4o-mini", ["max_tokens_per_1_minute": 100]) == 200)
        // ~4 characters a token: 800 characters are ~200 tokens, more than the whole budget.
        let big = await sim.send("POST", "/v1/chat/completions", json: Self.chat("gpt-4o-mini", String(repeating: "word ", count: 160)))
        #expect(big.status == 429 && big.json["error"]?["type"] == "tokens")
        #expect(big.json["error"]?["message"]?.stringValue?.hasPrefix("Request too large for gpt-4o-mini") == true)
        let small = await sim.send("POST", "/v1/chat/completions", json: Self.chat())
        #expect(small.status == 200 && small.header("x-ratelimit-limit-tokens") == "100")
        #expect(small.header("x-ratelimit-limit-requests") == nil, "only the lowered limit is reported")
        // A fine-tuned model's requests count against its base model's limits (refused before
        // the model is looked up, as the budget is checked first).
        let ft = await sim.send("POST", "/v1/chat/completions",
                                json: Self.chat("ft:gpt-4o-mini:org:custom:abc123", String(repeating: "word ", count: 160)))
        #expect(ft.status == 429 && ft.json["error"]?["type"] == "tokens", "\(ft.status) \(ft.json)")
        // And share its budget: 60 of the 100 tokens a minute spent by the base model leave too few
        // for a fine-tune's 60-token request.
        #expect(await Self.lower(sim, project, "gpt-4o-mini", ["max_tokens_per_1_minute": 120]) == 200)
        let text = String(repeating: "word ", count: 48)  // 240 characters: 60 estimated tokens
        #expect(await sim.send("POST", "/v1/chat/completions", json: Self.chat("gpt-4o-mini", text)).status == 200)
        let shared = await sim.send("POST", "/v1/chat/completions", json: Self.chat("ft:gpt-4o-mini:org:custom:abc123", text + "more words here"))
        #expect(shared.status == 429 && shared.json["error"]?["type"] == "tokens", "\(shared.status) \(shared.json)")
    }

    @Test func aMintedKeyIsHeldToItsOwnProjectsLimitsAndBatchLinesAreNotCounted() async throws {
        let sim = TestHarness()
        let project = await sim.send("POST", "\(Self.base)/projects", json: ["name": "limited"]).json["id"]?.stringValue ?? ""
        let account = await sim.send("POST", "\(Self.base)/projects/\(project)/service_accounts", json: ["name": "ci"]).json
        let key = account["api_key"]?["value"]?.stringValue ?? ""
        #expect(key.hasPrefix("sk-svcacct-"))
        #expect(await Self.lower(sim, project, "gpt-4o-mini", ["max_requests_per_1_minute": 1]) == 200)
        #expect(await sim.send("POST", "/v1/chat/completions", key: key, json: Self.chat()).status == 200)
        #expect(await sim.send("POST", "/v1/chat/completions", key: key, json: Self.chat()).status == 429)
        // The owner key works in the default project, whose limits were not lowered.
        #expect(await sim.send("POST", "/v1/chat/completions", json: Self.chat()).status == 200)
        // A batch of three lines in the limited project completes: batch lines are not counted.
        let lines = (0..<3).map { #"{"custom_id":"l\#($0)","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"line \#($0)"}]}}"# }
        let file = await sim.sendMultipart("/v1/files", key: key, fields: [("purpose", "batch")],
                                           files: [("file", "in.jsonl", Array((lines.joined(separator: "\n") + "\n").utf8))])
            .json["id"]?.stringValue ?? ""
        let batch = await sim.send("POST", "/v1/batches", key: key, json: ["input_file_id": .string(file), "endpoint": "/v1/chat/completions",
                                                                          "completion_window": "24h"]).json["id"]?.stringValue ?? ""
        try sim.advance(seconds: 3_600)
        let done = await sim.send("GET", "/v1/batches/\(batch)", key: key).json
        #expect(done["status"] == "completed" && done["request_counts"]?["completed"] == 3 && done["request_counts"]?["failed"] == 0, "\(done)")
    }

    /// A hard spend limit holds priced requests once this month's spend reaches it: the API's
    /// 429 insufficient_quota. The request that crosses it is answered; moderations (free) still
    /// are; a project's limit holds only that project, the organization's all of them; a new month
    /// starts afresh; deleting the limit lifts it.
    @Test func hardSpendLimitsRefusePricedRequestsOnceThisMonthsSpendReachesThem() async throws {
        let records = MemoryRecordStore()
        let sim = TestHarness(records: records)
        let project = await Self.defaultProject(sim)
        let other = await sim.send("POST", "\(Self.base)/projects", json: ["name": "other"]).json["id"]?.stringValue ?? ""
        let otherKey = await sim.send("POST", "\(Self.base)/projects/\(other)/service_accounts", json: ["name": "ci"])
            .json["api_key"]?["value"]?.stringValue ?? ""
        let limit: JSON = ["threshold_amount": 1, "currency": "USD", "interval": "month"]
        #expect(await sim.send("POST", "\(Self.base)/projects/\(project)/spend_limit", json: limit).status == 200)
        // o1-pro: $600 per million output tokens, so one answer costs more than a cent.
        let crossing = await sim.send("POST", "/v1/responses", json: ["model": "o1-pro", "input": "Write two sentences about rivers."])
        #expect(crossing.status == 200)
        let costs = await sim.send("GET", "\(Self.base)/costs?start_time=1767225600").json
        let spent = costs["data"]?.arrayValue?.compactMap { $0["results"]?.arrayValue?.first?["amount"]?["value"]?.doubleValue }.reduce(0, +) ?? 0
        #expect(spent >= 0.01, "the first answer should cost a cent or more, cost \(spent)")
        let refused = await sim.send("POST", "/v1/chat/completions", json: Self.chat())
        #expect(refused.status == 429)
        #expect(refused.json["error"] == ["message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
                                          "type": "insufficient_quota", "param": .null, "code": "insufficient_quota"])
        #expect(await sim.send("POST", "/v1/embeddings", json: ["model": "text-embedding-3-small", "input": "x"]).status == 429)
        #expect(await sim.send("POST", "/v1/moderations", json: ["input": "hello"]).status == 200)
        // The other project, and another organization, are not held by this project's limit.
        #expect(await sim.send("POST", "/v1/chat/completions", key: otherKey, json: Self.chat()).status == 200)
        #expect(await sim.send("POST", "/v1/chat/completions", key: "sk-someone-else", json: Self.chat()).status == 200)
        // Deleted: lifted. The organization's limit holds every project of it.
        #expect(await sim.send("DELETE", "\(Self.base)/projects/\(project)/spend_limit").status == 200)
        #expect(await sim.send("POST", "/v1/chat/completions", json: Self.chat()).status == 200)
        #expect(await sim.send("POST", "\(Self.base)/spend_limit", json: limit).status == 200)
        #expect(await sim.send("POST", "/v1/chat/completions", json: Self.chat()).status == 429)
        #expect(await sim.send("POST", "/v1/chat/completions", key: otherKey, json: Self.chat()).status == 429)
        // Kept across a restart (a new app over the same records; its usage starts from nothing,
        // as this harness saves none): the first answer crosses the limit again.
        let restarted = TestHarness(records: records)
        #expect(await restarted.send("POST", "/v1/responses", json: ["model": "o1-pro", "input": "Write two sentences about rivers."]).status == 200)
        #expect(await restarted.send("POST", "/v1/chat/completions", json: Self.chat()).status == 429)
        // The simulator's clock starts on 2026-01-01: 31 days on is February, a new month.
        try restarted.advance(seconds: 31 * 86_400)
        #expect(await restarted.send("POST", "/v1/chat/completions", json: Self.chat()).status == 200)
    }

    @Test func aResetDropsTheLimitsAndARestartKeepsThem() async throws {
        let records = MemoryRecordStore()
        let sim = TestHarness(records: records)
        let project = await Self.defaultProject(sim)
        #expect(await Self.lower(sim, project, "gpt-4o-mini", ["max_requests_per_1_minute": 1]) == 200)
        // A new app over the same records (a restart with a data directory) enforces them.
        let restarted = TestHarness(records: records)
        #expect(await restarted.send("POST", "/v1/chat/completions", json: Self.chat()).status == 200)
        #expect(await restarted.send("POST", "/v1/chat/completions", json: Self.chat()).status == 429)
        // The organization's reset takes its lowered limits along.
        #expect(await restarted.send("POST", "/__sim/reset").status == 200)
        #expect(await restarted.send("POST", "/v1/chat/completions", json: Self.chat()).status == 200)
        #expect(await restarted.send("POST", "/v1/chat/completions", json: Self.chat()).status == 200)
    }

    @Test func modelPermissionsRefuseTheModelsAProjectMayNotUse() async throws {
        let records = MemoryRecordStore()
        let sim = TestHarness(records: records)
        let project = await Self.defaultProject(sim)
        let path = "\(Self.base)/projects/\(project)/model_permissions"
        #expect(await sim.send("POST", path, json: ["mode": "deny_list", "model_ids": ["gpt-4o-mini"]]).status == 200)
        let denied = await sim.send("POST", "/v1/chat/completions", json: Self.chat())
        #expect(denied.status == 403)
        #expect(denied.json["error"] == ["message": .string("Project `\(project)` does not have access to model `gpt-4o-mini`"),
                                         "type": "invalid_request_error", "param": nil, "code": "model_not_found"], "\(denied.json)")
        #expect(await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "hi"]).status == 403)
        // A fine-tune of a denied model is denied (named by its base); other models are not.
        #expect(await sim.send("POST", "/v1/chat/completions", json: Self.chat("ft:gpt-4o-mini:org:custom:abc123")).status == 403)
        #expect(await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "hi"]).status == 200)
        // Another organization's project is not affected.
        #expect(await sim.send("POST", "/v1/chat/completions", key: "sk-someone-else", json: Self.chat()).status == 200)

        // An allow list: only what it names.
        #expect(await sim.send("POST", path, json: ["mode": "allow_list", "model_ids": ["gpt-4.1-mini"]]).status == 200)
        #expect(await sim.send("POST", "/v1/chat/completions", json: Self.chat()).status == 403)
        #expect(await sim.send("POST", "/v1/chat/completions", json: Self.chat("gpt-4.1-mini")).status == 200)
        #expect(await sim.send("POST", "/v1/embeddings", json: ["model": "text-embedding-3-small", "input": "x"]).status == 403)

        // Kept across a restart (a new app over the same records); deleting them allows all again.
        let restarted = TestHarness(records: records)
        #expect(await restarted.send("POST", "/v1/chat/completions", json: Self.chat()).status == 403)
        #expect(await restarted.send("DELETE", path).status == 200)
        #expect(await restarted.send("POST", "/v1/chat/completions", json: Self.chat()).status == 200)
        // And an organization's reset drops them.
        #expect(await restarted.send("POST", path, json: ["mode": "deny_list", "model_ids": ["gpt-4o-mini"]]).status == 200)
        #expect(await restarted.send("POST", "/__sim/reset").status == 200)
        #expect(await restarted.send("POST", "/v1/chat/completions", json: Self.chat()).status == 200)
    }

    @Test func aProjectWithWebSearchOffCannotSearch() async throws {
        let records = MemoryRecordStore()
        let sim = TestHarness(records: records)
        let project = await Self.defaultProject(sim)
        let search: JSON = ["model": "gpt-4.1", "input": "news today?", "tools": [["type": "web_search"]]]
        #expect(await sim.send("POST", "/v1/responses", json: search).status == 200)
        let path = "\(Self.base)/projects/\(project)/hosted_tool_permissions"
        #expect(await sim.send("POST", path, json: ["web_search": ["enabled": false]]).status == 200)
        let refused = await sim.send("POST", "/v1/responses", json: search)
        #expect(refused.status == 403 && refused.json["error"]?["param"] == "tools")
        #expect(refused.json["error"]?["message"] == .string("Project `\(project)` does not have access to the hosted tool `web_search`."))
        // The search models too; requests without web search, and other organizations, are not affected.
        #expect(await sim.send("POST", "/v1/chat/completions", json: Self.chat("gpt-4o-search-preview")).status == 403)
        #expect(await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1", "input": "news today?"]).status == 200)
        #expect(await sim.send("POST", "/v1/responses", key: "sk-someone-else", json: search).status == 200)
        // Another tool turned off does not stop web search; kept across a restart; turned back on.
        let restarted = TestHarness(records: records)
        #expect(await restarted.send("POST", "/v1/responses", json: search).status == 403)
        #expect(await restarted.send("POST", path, json: ["web_search": ["enabled": true], "mcp": ["enabled": false]]).status == 200)
        #expect(await restarted.send("POST", "/v1/responses", json: search).status == 200)
    }
}

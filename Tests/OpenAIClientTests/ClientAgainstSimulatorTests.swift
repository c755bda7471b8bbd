import Foundation
import OpenAIClient
import OpenAIWire
import SimHTTP
import SimTesting
import Testing

/// The client against the real app in-process (virtual clock), through the transport seam.
@Suite struct ClientAgainstSimulatorTests {
    static func client(_ sim: TestHarness, key: String? = "sk-client-test") -> OpenAIClient {
        let transport = InProcessTransport { r in
            let target = r.request.url.path + (r.request.url.query.map { "?" + $0 } ?? "")
            let result = await sim.send(r.request.method, target, key: nil, body: r.body.isEmpty ? nil : .bytes(Array(r.body)),
                                        headers: r.request.headers)
            var headers: [String: String] = [:]
            for (k, v) in result.headers { headers[k.lowercased()] = v }
            return .init(status: result.status, headers: headers, chunks: [Data(result.body)])
        }
        return OpenAIClient(configuration: .init(apiKey: key, maxRetries: 0, transport: transport))
    }

    @Test func fileLifecycleDecodesStrictly() async throws {
        let sim = TestHarness()
        let client = Self.client(sim)
        let content = Data("{\"a\":1}\n".utf8)
        let f = try await client.files.create(data: content, filename: "x.jsonl", purpose: "batch", contentType: "application/jsonl")
        #expect(f.id.hasPrefix("file-") && f.bytes == content.count && f.purpose == .batch)
        var listed: [String] = []
        for try await item in client.files.listAll(limit: 1) { listed.append(item.id) }
        #expect(listed == [f.id])
        #expect(try await client.files.content(f.id) == content)
        #expect(try await client.files.delete(f.id).deleted)
        do {
            _ = try await client.files.retrieve(f.id)
            Issue.record("expected 404")
        } catch let OpenAIError.status(e) {
            #expect(e.status == 404 && e.type == "invalid_request_error" && e.requestID?.hasPrefix("req_") == true)
        }
    }

    @Test func organizationAdminDecodesStrictlyAndMintedKeysWork() async throws {
        let sim = TestHarness()
        let client = Self.client(sim)
        let org = client.organization
        let project = try await org.projects.create(name: "client-made")
        #expect(project.id.hasPrefix("proj_") && project.status == "active")
        #expect(try await org.projects.update(project.id, name: "renamed").name == "renamed")
        var names: [String?] = []
        for try await p in org.projects.listAll(limit: 1) { names.append(p.name) }
        #expect(names == ["Default project", "renamed"])
        let account = try await org.projects.createServiceAccount(projectID: project.id, name: "bot")
        let key = try #require(account.apiKey)
        #expect(key.value.hasPrefix("sk-svcacct-") && key.expiresAt == nil)
        let brief = try await org.projects.createServiceAccount(projectID: project.id, name: "brief", expiresInSeconds: 30)
        #expect(brief.apiKey?.expiresAt == brief.createdAt + 30)
        #expect(try await org.projects.deleteServiceAccount(projectID: project.id, id: brief.id).deleted)
        #expect(try await org.projects.listAPIKeys(projectID: project.id).data.map(\.id) == [key.id])

        // The minted key is a client of its own, in its project.
        let bot = Self.client(sim, key: key.value)
        _ = try await bot.chat.create(.init(model: "gpt-4o-mini", messages: [.user("hi")]))
        let start = Int(sim.clock.unixSeconds())
        let usage = try await org.usage("completions", startTime: start, groupBy: ["project_id"])
        #expect(usage.object == "page" && usage.data.count == 1)
        #expect(usage.data.first?.results.first?["project_id"] == .string(project.id))
        // The filters reach the server: the bot's key belongs to no user, and it is the only key used.
        #expect(try await org.usage("completions", startTime: start, apiKeyIDs: [key.id]).data.first?.results.count == 1)
        #expect(try await org.usage("completions", startTime: start, userIDs: ["user-nobody"]).data.first?.results.isEmpty == true)
        #expect(try await org.usage("completions", startTime: start, models: ["gpt-4o"]).data.first?.results.isEmpty == true)
        let costs = try await org.costs(startTime: start)
        #expect(costs.data.first?.results.count == 1)

        let admin = try await org.adminAPIKeys.create(CreateAdminAPIKeyRequest(name: "ops"))
        #expect(admin.value?.hasPrefix("sk-admin-") == true && admin.redactedValue.hasPrefix("sk-admin..."))
        #expect(try await org.adminAPIKeys.list().data.map(\.id) == [admin.id])
        #expect(try await org.adminAPIKeys.delete(admin.id).deleted)

        let second = try await org.projects.createServiceAccountKey(projectID: project.id, serviceAccountID: account.id,
                                                                    CreateServiceAccountAPIKeyRequest(name: "deploy", scopes: ["api.model.read"]))
        #expect(second.name == "deploy" && second.value.hasPrefix("sk-svcacct-") && second.value != key.value)
        let limits = try await org.projects.listRateLimits(projectID: project.id, limit: 3)
        #expect(limits.data.count == 3 && limits.hasMore)
        let limit = try #require(limits.data.first)
        let lowered = try await org.projects.updateRateLimit(projectID: project.id, id: limit.id, .init(maxRequestsPer1Minute: 7))
        #expect(lowered.id == limit.id && lowered.maxRequestsPer1Minute == 7 && lowered.maxTokensPer1Minute == limit.maxTokensPer1Minute)

        #expect(try await org.projects.deleteServiceAccount(projectID: project.id, id: account.id).deleted)
        do {
            _ = try await bot.models.list()
            Issue.record("expected 401 for a revoked key")
        } catch let OpenAIError.status(e) {
            #expect(e.status == 401 && e.code == "invalid_api_key")
        }
        #expect(try await org.projects.archive(project.id).status == "archived")

        // Members, invites and the audit log.
        let owner = try #require(try await org.users().data.first)
        #expect(owner.role == "owner" && owner.id.hasPrefix("user-"))
        #expect(try await org.users(emails: [owner.email ?? ""]).data.map(\.id) == [owner.id])
        let other = try await org.projects.create(name: "second")
        #expect(try await org.projects.listUsers(projectID: other.id).data.map(\.id) == [owner.id])
        #expect(try await org.projects.removeUser(projectID: other.id, userID: owner.id).deleted)
        #expect(try await org.projects.addUser(projectID: other.id, userID: owner.id, role: "member").role == "member")
        let invite = try await org.invite(InviteRequest(email: "new@example.com", role: "reader",
                                                        projects: [.init(id: other.id, role: "member")]))
        #expect(invite.status == "pending" && invite.projects == [.init(id: other.id, role: "member")])
        #expect(try await org.invites().data.map(\.id) == [invite.id])
        #expect(try await org.deleteInvite(invite.id).deleted)
        let log = try await org.auditLogs(limit: 3)
        #expect(log.data.map(\.type) == ["invite.deleted", "invite.sent", "user.added"] && log.hasMore)
        #expect(log.data.first?.payload?["id"] == .string(invite.id))
        let created = try await org.auditLogs(eventTypes: ["project.created"], resourceIDs: [project.id])
        #expect(created.data.count == 1 && created.data.first?.payload?["data"]?["name"] == .string("client-made"))
    }

    @Test func evalRunsDecodeStrictlyAndPageThroughOutputItems() async throws {
        let sim = TestHarness()
        let client = Self.client(sim)
        let eval = try await client.evals.create(CreateEvalRequest(
            name: "capitals", metadata: ["team": "geo"],
            dataSourceConfig: ["type": "custom", "item_schema": ["type": "object"]],
            testingCriteria: [["type": "string_check", "name": "exact", "input": "{{sample.output_text}}",
                               "reference": "{{item.answer}}", "operation": "eq"]]))
        #expect(eval.id.hasPrefix("eval_") && eval.metadata == ["team": "geo"])
        #expect(try await client.evals.update(eval.id, UpdateEvalRequest(name: "renamed")).name == "renamed")
        let rows: [JSONValue] = (0..<5).map { i in
            ["item": ["answer": "yes"], "sample": ["output_text": i < 3 ? "yes" : "no"]]
        }
        let run = try await client.evals.runs.create(evalID: eval.id, CreateEvalRunRequest(
            dataSource: ["type": "jsonl", "source": ["type": "file_content", "content": .array(rows)]]))
        #expect(run.status == .queued && !run.status.isTerminal)
        try sim.advance(seconds: 10)
        let done = try await client.evals.runs.retrieve(evalID: eval.id, runID: run.id)
        #expect(done.status == .completed)
        let c = done.resultCounts
        #expect((c.total, c.errored, c.failed, c.passed) == (5, 0, 2, 3))
        var statuses: [String] = []
        for try await item in client.evals.runs.allOutputItems(evalID: eval.id, runID: run.id, limit: 2) { statuses.append(item.status) }
        #expect(statuses == ["pass", "pass", "pass", "fail", "fail"])
        var runs: [String] = []
        for try await r in client.evals.runs.listAll(evalID: eval.id, status: "completed") { runs.append(r.id) }
        #expect(runs == [run.id])
        #expect(try await client.evals.runs.delete(evalID: eval.id, runID: run.id).deleted == true)
        #expect(try await client.evals.delete(eval.id).evalID == eval.id)
        do {
            _ = try await client.evals.retrieve(eval.id)
            Issue.record("expected 404")
        } catch let OpenAIError.status(e) {
            #expect(e.status == 404 && e.param == "eval_id")
        }
    }

    @Test func gradersValidateAndRun() async throws {
        let client = Self.client(TestHarness())
        let check: JSONValue = ["type": "string_check", "name": "name", "input": "{{sample.output_json.name}}",
                                "reference": "{{item.name}}", "operation": "eq"]
        let multi: JSONValue = ["type": "multi", "name": "both", "graders": ["name": check], "calculate_output": "2 * name - 1"]
        let checked = try await client.fineTuning.graders.validate(multi)
        #expect(checked.grader == multi)
        let good = try await client.fineTuning.graders.run(RunGraderRequest(grader: multi, item: ["name": "Ada"], modelSample: #"{"name":"Ada"}"#))
        #expect(good.reward == 1 && good.subRewards == ["name": 1.0] && good.metadata.errorFlags.isEmpty && good.metadata.tokenUsage == nil)
        let bad = try await client.fineTuning.graders.run(RunGraderRequest(grader: check, item: ["name": "Ada"], modelSample: "Ada"))
        #expect(bad.reward == 0 && bad.metadata.errorFlags == ["sample_parse_error"])
        do {
            _ = try await client.fineTuning.graders.validate(["type": "multi", "name": "m", "graders": ["name": check], "calculate_output": "name +"])
            Issue.record("expected 400")
        } catch let OpenAIError.status(e) {
            #expect(e.status == 400 && e.param == "grader.calculate_output")
        }
    }

    @Test func webSearchAndCustomToolCallsDecode() async throws {
        let client = Self.client(TestHarness())
        var search = CreateResponse(model: "gpt-4.1", input: .text("What is the latest news about solar power today?"))
        search.tools = [["type": "web_search"]]
        let r = try await client.responses.create(search)
        #expect(r.output.map(\.type) == ["web_search_call", "message"])
        #expect(r.output[0].action?["query"] != nil && r.output[1].content?.first?.annotations?.isEmpty == false)
        var custom = CreateResponse(model: "gpt-5", input: .text("Use code_exec to compute 6*7"))
        custom.tools = [["type": "custom", "name": "code_exec", "description": "Executes python code"]]
        let c = try await client.responses.create(custom)
        #expect(c.output.last?.type == "custom_tool_call" && c.output.last?.input == "print(6*7)" && c.output.last?.callID != nil)
        var chat = CreateChatCompletionRequest(model: "gpt-5", messages: [.user("Use code_exec to compute 6*7")])
        chat.tools = [["type": "custom", "custom": ["name": "code_exec", "description": "Executes python code"]]]
        let cc = try await client.chat.create(chat)
        let call = cc.choices.first?.message.toolCalls?.first
        #expect(call?.type == "custom" && call?.custom?.name == "code_exec" && call?.custom?.input == "print(6*7)")
        let found = try await client.chat.create(.init(model: "gpt-4o-search-preview", messages: [.user("Any news today?")]))
        #expect(found.choices.first?.message.annotations?.isEmpty == false)
    }

    /// Moderated completions and Predicted Outputs through the Swift client's request fields.
    @Test func moderationAndPredictionRoundTrip() async throws {
        let client = Self.client(TestHarness())
        var chat = CreateChatCompletionRequest(model: "gpt-4o", messages: [.user("I will kill you and your whole family.")])
        chat.moderation = ["model": "omni-moderation-latest", "policy": ["input": ["mode": "block"]]]
        let blocked = try await client.chat.create(chat)
        #expect(blocked.choices.first?.finishReason == .contentFilter && blocked.choices.first?.message.content == nil)
        #expect(blocked.moderation?["input"]?["results"]?.arrayValue?.first?["flagged"] == true)
        var streamed = CreateChatCompletionRequest(model: "gpt-4o", messages: [.user("Hello.")])
        streamed.moderation = ["model": "omni-moderation-latest"]
        var moderationChunks = 0
        for try await chunk in client.chat.stream(streamed) where chunk.moderation != nil { moderationChunks += 1 }
        #expect(moderationChunks == 1)
        var predicted = CreateChatCompletionRequest(model: "gpt-4o", messages: [.user("Keep this file.")])
        predicted.prediction = ["type": "content", "content": "let x = 1\n"]
        let p = try await client.chat.create(predicted)
        #expect(p.choices.first?.message.content == "let x = 1\n" && (p.usage?.completionTokensDetails?["accepted_prediction_tokens"] ?? 0) > 0)
        var response = CreateResponse(model: "gpt-4o", input: .text("Tell me about tea."))
        response.moderation = ["model": "omni-moderation-latest"]
        let r = try await client.responses.create(response)
        #expect(r.moderation?["input"]?["flagged"] == false && r.moderation?["output"]?["type"] == "moderation_result")
    }

    @Test func badPurposeIs400WithParam() async throws {
        let client = Self.client(TestHarness())
        do {
            _ = try await client.files.create(data: Data("x".utf8), filename: "x.txt", purpose: "nope")
            Issue.record("expected 400")
        } catch let OpenAIError.status(e) {
            #expect(e.status == 400 && e.param == "purpose")
        }
    }

    @Test func missingKeyIs401() async throws {
        let client = Self.client(TestHarness(), key: nil)
        await #expect(throws: OpenAIError.self) { _ = try await client.models.list() }
        do { _ = try await client.models.list() } catch { #expect((error as? OpenAIError)?.statusCode == 401) }
    }

    @Test func uploadInPartsAndBatchCreateDecode() async throws {
        let sim = TestHarness()
        let client = Self.client(sim)
        let src = FileManager.default.temporaryDirectory.appendingPathComponent("sim-upload-\(getpid()).jsonl")
        let line = #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}}"# + "\n"
        try Data(line.utf8).write(to: src)
        defer { try? FileManager.default.removeItem(at: src) }
        let u = try await client.uploads.upload(fileAt: src, purpose: "batch", mimeType: "application/jsonl", partSize: 50)
        let file = try #require(u.file)
        #expect(u.status == .completed && file.bytes == line.utf8.count)
        let b = try await client.batches.create(.init(inputFileID: file.id, endpoint: "/v1/chat/completions"))
        #expect(b.id.hasPrefix("batch_") && b.status == .validating)
        let page = try await client.batches.list()
        #expect(page.data.map(\.id) == [b.id] && !page.hasMore)
    }
}

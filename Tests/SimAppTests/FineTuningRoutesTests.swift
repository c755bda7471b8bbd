import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

@Suite struct FineTuningRoutesTests {
    let sim = TestHarness()

    static func chatLine(_ i: Int) -> String {
        #"{"messages":[{"role":"system","content":"Marv is sarcastic."},{"role":"user","content":"Question number \#(i)?"},{"role":"assistant","content":"Trained answer \#(i)."}]}"#
    }

    func upload(_ lines: [String], purpose: String = "fine-tune", key: String = "sk-test") async -> String {
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        return await sim.sendMultipart("/v1/files", key: key, fields: [("purpose", purpose)], files: [("file", "train.jsonl", bytes)])
            .json["id"]?.stringValue ?? ""
    }

    func create(_ body: JSON, key: String = "sk-test") async -> TestHarness.Result {
        await sim.send("POST", "/v1/fine_tuning/jobs", key: key, json: body)
    }

    func goodJob(suffix: String = "marv", extra: [(String, JSON)] = []) async -> JSON {
        let file = await upload((0..<10).map(Self.chatLine))
        let body = JSON.object([("model", "gpt-4o-mini-2024-07-18"), ("training_file", .string(file)), ("suffix", .string(suffix)),
                                ("method", ["type": "supervised", "supervised": ["hyperparameters": ["n_epochs": 3, "batch_size": 2]]]),
                                ("seed", 7)] + extra)
        return await create(body).json
    }

    func status(_ id: String) async -> JSON { await sim.send("GET", "/v1/fine_tuning/jobs/\(id)").json }

    @Test func createReturnsAValidatingJobEchoingTheRequest() async {
        let job = await goodJob(extra: [("metadata", ["team": "a"])])
        #expect(job["object"] == "fine_tuning.job")
        #expect(job["id"]?.stringValue?.hasPrefix("ftjob-") == true)
        #expect(job["status"] == "validating_files")
        #expect(job["seed"] == 7)
        #expect(job["metadata"] == ["team": "a"])
        #expect(job["fine_tuned_model"] == .null && job["finished_at"] == .null && job["trained_tokens"] == .null)
        #expect(job["method"]?["supervised"]?["hyperparameters"]?["n_epochs"] == 3)
        #expect(job["hyperparameters"]?["learning_rate_multiplier"] == "auto")
    }

    @Test func jobSucceedsOnTheClockAndMaterializesModelCheckpointsAndResults() async throws {
        let job = await goodJob()
        let id = job["id"]?.stringValue ?? ""
        try sim.advance(seconds: 2.5)
        let queued = await status(id)
        #expect(queued["status"] == "queued")
        #expect(queued["hyperparameters"]?["learning_rate_multiplier"] == 2.0)
        try sim.advance(seconds: 3600)
        let done = await status(id)
        #expect(done["status"] == "succeeded")
        let model = done["fine_tuned_model"]?.stringValue ?? ""
        let org = Tenant.forAPIKey("sk-test").organizationSlug
        #expect(model.hasPrefix("ft:gpt-4o-mini-2024-07-18:\(org):marv:"))
        #expect((done["trained_tokens"]?.intValue ?? 0) > 0)
        // checkpoints at the last 3 epochs (5 steps per epoch with batch size 2)
        let cks = await sim.send("GET", "/v1/fine_tuning/jobs/\(id)/checkpoints").json
        #expect(cks["data"]?.arrayValue?.compactMap { $0["step_number"]?.intValue } == [15, 10, 5])
        #expect(cks["data"]?.arrayValue?.first?["fine_tuned_model_checkpoint"]?.stringValue?.hasSuffix(":ckpt-step-15") == true)
        // result file
        let fileID = done["result_files"]?.arrayValue?.first?.stringValue ?? ""
        let csv = await sim.send("GET", "/v1/files/\(fileID)/content").text
        #expect(csv.hasPrefix("step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n1,"))
        #expect(csv.split(separator: "\n").count == 16)
        // the model is listed, owned by the org, and deletable
        let models = await sim.send("GET", "/v1/models").json["data"]?.arrayValue ?? []
        #expect(models.contains { $0["id"]?.stringValue == model && $0["owned_by"]?.stringValue == org })
        #expect(await sim.send("DELETE", "/v1/models/\(model)").json["deleted"] == true)
        #expect(await sim.send("GET", "/v1/models/\(model)").status == 404)
    }

    /// Listing models settles the tenant's open jobs; a tenant seen with no open job is remembered
    /// as settled, and creating a job must undo that, or the model would never be listed.
    @Test func modelsListShowsAJobCreatedAfterTheTenantWasSeenSettled() async throws {
        let before = await sim.send("GET", "/v1/models").json["data"]?.arrayValue ?? []
        #expect(!before.isEmpty && !before.contains { $0["id"]?.stringValue?.hasPrefix("ft:") == true })
        let job = await goodJob(suffix: "late")
        #expect(job["status"] == "validating_files")
        let early = await sim.send("GET", "/v1/models").json["data"]?.arrayValue ?? []
        #expect(!early.contains { $0["id"]?.stringValue?.hasPrefix("ft:") == true })
        try sim.advance(seconds: 3600)
        // No read of the job itself: only the models list may materialize the model.
        let after = await sim.send("GET", "/v1/models").json["data"]?.arrayValue ?? []
        let tuned = after.compactMap { $0["id"]?.stringValue }.filter { $0.hasPrefix("ft:") && $0.contains(":late:") }
        // The model and its three epoch checkpoints.
        #expect(tuned.filter { !$0.contains(":ckpt-step-") }.count == 1)
        #expect(tuned.filter { $0.contains(":ckpt-step-") }.count == 3)
        #expect(await sim.send("GET", "/v1/models/\(tuned.first ?? "none")").status == 200)
    }

    @Test func eventsComeNewestFirstInTheRealOrder() async throws {
        let id = await goodJob()["id"]?.stringValue ?? ""
        try sim.advance(seconds: 3600)
        let events = await sim.send("GET", "/v1/fine_tuning/jobs/\(id)/events?limit=100").json["data"]?.arrayValue ?? []
        let messages = events.reversed().compactMap { $0["message"]?.stringValue }
        #expect(messages.first == "Created fine-tuning job: \(id)")
        #expect(messages[2] == "Files validated, moving job to queued state")
        #expect(messages[3] == "Fine-tuning job started")
        #expect(messages[4].hasPrefix("Step 1/15: training loss="))
        #expect(messages.last == "The job has successfully completed")
        let metrics = events.filter { $0["type"] == "metrics" }
        #expect(metrics.count == 15)
        #expect(metrics.first?["data"]?["total_steps"] == 15)
        let first = metrics.last?["data"]?["train_loss"]?.doubleValue ?? 0
        let last = metrics.first?["data"]?["train_loss"]?.doubleValue ?? 1
        #expect(last < first)
        let page = await sim.send("GET", "/v1/fine_tuning/jobs/\(id)/events?limit=2&after=\(events[1]["id"]?.stringValue ?? "")").json
        #expect(page["data"]?.arrayValue?.first?["id"] == events[2]["id"])
        #expect(page["has_more"] == true)
    }

    @Test func invalidTrainingFileFailsTheJobWithAnErrorEvent() async throws {
        var lines = (0..<10).map(Self.chatLine)
        lines[4] = #"{"messages":[{"role":"user","content":"hi"}]}"#
        let file = await upload(lines)
        let id = await create(["model": "gpt-4o-mini", "training_file": .string(file)]).json["id"]?.stringValue ?? ""
        try sim.advance(seconds: 60)
        let job = await status(id)
        #expect(job["status"] == "failed")
        #expect(job["error"]?["param"] == "training_file")
        #expect(job["error"]?["message"]?.stringValue?.contains("Line 5") == true)
        let events = await sim.send("GET", "/v1/fine_tuning/jobs/\(id)/events").json["data"]?.arrayValue ?? []
        #expect(events.first?["level"] == "error")
        #expect(job["model"] == "gpt-4o-mini-2024-07-18")
    }

    @Test func pauseResumeAndCancelFollowTheStateMachine() async throws {
        let id = await goodJob()["id"]?.stringValue ?? ""
        let early = await sim.send("POST", "/v1/fine_tuning/jobs/\(id)/resume")
        #expect(early.status == 400)
        try sim.advance(seconds: 6)
        #expect(await sim.send("POST", "/v1/fine_tuning/jobs/\(id)/pause").json["status"] == "paused")
        try sim.advance(seconds: 3600)
        #expect(await status(id)["status"] == "paused")
        #expect(await sim.send("POST", "/v1/fine_tuning/jobs/\(id)/resume").json["status"] == "queued")
        #expect(await sim.send("POST", "/v1/fine_tuning/jobs/\(id)/cancel").json["status"] == "cancelled")
        let again = await sim.send("POST", "/v1/fine_tuning/jobs/\(id)/cancel")
        #expect(again.status == 400 && again.json["error"]?["type"] == "invalid_request_error")
    }

    @Test func scriptedFailureAtAStepUsesTheScenarioError() async throws {
        let file = await upload((0..<10).map(Self.chatLine))
        let script: JSON = ["fail_at_step": 3, "error": ["code": "server_error", "message": "GPU on fire"]]
        let job = try sim.app.services.fineTuning.create(tenant: Tenant.forAPIKey("sk-test"),
                                                         body: ["model": "gpt-4o-mini-2024-07-18", "training_file": .string(file)], script: script)
        try sim.advance(seconds: 3600)
        let got = await status(job["id"]?.stringValue ?? "")
        #expect(got["status"] == "failed")
        #expect(got["error"]?["message"] == "GPU on fire")
    }

    @Test(arguments: [
        (["model": "gpt-5", "training_file": "x"] as JSON, "model"),
        (["model": "gpt-4o-mini-2024-07-18", "training_file": "file-nope"] as JSON, "training_file"),
        (["model": "gpt-4o-mini-2024-07-18", "training_file": "f", "suffix": .string(String(repeating: "s", count: 65))] as JSON, "suffix"),
        (["model": "gpt-4o-mini-2024-07-18", "training_file": "f", "method": ["type": "magic"]] as JSON, "method.type"),
        (["model": "gpt-4o-mini-2024-07-18", "training_file": "f", "hyperparameters": ["n_epochs": 60]] as JSON, "hyperparameters.n_epochs"),
        (["model": "gpt-4o-mini-2024-07-18", "training_file": "f", "method": ["type": "reinforcement"]] as JSON, "method.reinforcement.grader"),
        // The job's grader is checked as the graders endpoints check one: unknown fields, formulas.
        (["model": "o4-mini-2025-04-16", "training_file": "f", "method": ["type": "reinforcement", "reinforcement": ["grader": [
            "type": "string_check", "name": "s", "input": "{{sample.output_text}}", "reference": "x", "operation": "eq", "extra": 1]]]] as JSON,
         "method.reinforcement.grader.extra"),
        (["model": "o4-mini-2025-04-16", "training_file": "f", "method": ["type": "reinforcement", "reinforcement": ["grader": [
            "type": "multi", "name": "m", "calculate_output": "a +",
            "graders": ["a": ["type": "string_check", "name": "a", "input": "{{sample.output_text}}", "reference": "x", "operation": "eq"]]]]]] as JSON,
         "method.reinforcement.grader.calculate_output"),
        (["model": "gpt-4o-mini-2024-07-18"] as JSON, "training_file"),
    ])
    func badCreateRequestsAre400WithParam(body: JSON, param: String) async {
        let r = await create(body)
        #expect(r.status == 400)
        #expect(r.json["error"]?["param"]?.stringValue == param)
    }

    @Test func filesOfTheWrongPurposeOrAnotherTenantAreRefused() async {
        let batch = await upload((0..<10).map(Self.chatLine), purpose: "batch")
        #expect(await create(["model": "gpt-4o-mini", "training_file": .string(batch)]).json["error"]?["param"] == "training_file")
        let other = await upload((0..<10).map(Self.chatLine), key: "sk-other")
        let r = await create(["model": "gpt-4o-mini", "training_file": .string(other)])
        #expect(r.status == 400 && r.json["error"]?["param"] == "training_file")
    }

    @Test func listFiltersOnMetadataAndPages() async {
        _ = await goodJob(extra: [("metadata", ["env": "prod"])])
        let b = await goodJob(extra: [("metadata", ["env": "dev"])])["id"]?.stringValue
        let c = await goodJob(extra: [("metadata", ["env": "dev"])])["id"]?.stringValue
        let dev = await sim.send("GET", "/v1/fine_tuning/jobs?metadata%5Benv%5D=dev").json
        #expect(dev["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [c, b].compactMap { $0 })
        let page = await sim.send("GET", "/v1/fine_tuning/jobs?limit=1").json
        #expect(page["has_more"] == true && page["data"]?.arrayValue?.count == 1)
    }

    @Test func checkpointPermissionsCreateListDelete() async throws {
        let id = await goodJob()["id"]?.stringValue ?? ""
        try sim.advance(seconds: 3600)
        let ckpt = await sim.send("GET", "/v1/fine_tuning/jobs/\(id)/checkpoints").json["data"]?.arrayValue?.first?["fine_tuned_model_checkpoint"]?.stringValue ?? ""
        let path = "/v1/fine_tuning/checkpoints/\(ckpt)/permissions"
        let made = await sim.send("POST", path, json: ["project_ids": ["proj_a", "proj_b"]]).json
        #expect(made["data"]?.arrayValue?.count == 2)
        #expect(made["data"]?.arrayValue?.first?["object"] == "checkpoint.permission")
        let pid = made["data"]?.arrayValue?.first?["id"]?.stringValue ?? ""
        #expect(pid.hasPrefix("cp_"))
        let listed = await sim.send("GET", path + "?project_id=proj_a").json
        #expect(listed["data"]?.arrayValue?.count == 1)
        #expect(await sim.send("DELETE", path + "/\(pid)").json["deleted"] == true)
        #expect(await sim.send("GET", path).json["data"]?.arrayValue?.count == 1)
        #expect(await sim.send("GET", "/v1/fine_tuning/checkpoints/ft:nope/permissions").status == 404)
    }

    @Test func fineTunedModelAnswersFromItsTrainingData() async throws {
        let id = await goodJob()["id"]?.stringValue ?? ""
        try sim.advance(seconds: 3600)
        let model = await status(id)["fine_tuned_model"]?.stringValue ?? ""
        let answers = sim.app.services.fineTunedAnswers
        #expect(answers.answer(tenant: Tenant.forAPIKey("sk-test"), model: model, userMessage: "question number 4") == "Trained answer 4.")
        #expect(answers.answer(tenant: Tenant.forAPIKey("sk-other"), model: model, userMessage: "Question number 4?") == nil)
    }

    @Test func generatorChainSeamAnswersFineTunedModelsAndFallsBackOtherwise() async throws {
        let id = await goodJob()["id"]?.stringValue ?? ""
        try sim.advance(seconds: 3600)
        let model = await status(id)["fine_tuned_model"]?.stringValue ?? ""
        let chain = GeneratorChain()
        chain.register(sim.app.services.fineTunedAnswers, id: "fine-tuning")
        guard let base = ModelCatalog.base("gpt-4o-mini-2024-07-18") else { Issue.record("no base"); return }
        func ask(_ m: String, _ q: String) -> String? {
            chain.generate(GenerationRequest(model: m, modelInfo: base, tenant: Tenant.forAPIKey("sk-test"), seed: 0, prompt: q,
                                             lastUserMessage: q, inputTokens: 8)).text
        }
        #expect(ask(model, "Question number 7?") == "Trained answer 7.")
        #expect(ask(model, "Tell me about the history of tea") != nil)
        #expect(ask(model, "Tell me about the history of tea")?.hasPrefix("Trained answer") == false)
        #expect(ask("gpt-4o-mini-2024-07-18", "Question number 7?") != "Trained answer 7.")
    }

    @Test func sameRequestsGiveByteIdenticalBodies() async throws {
        func run() async throws -> [UInt8] {
            let s = TestHarness(seed: 3)
            let bytes = Array(((0..<10).map(Self.chatLine).joined(separator: "\n") + "\n").utf8)
            let file = await s.sendMultipart("/v1/files", fields: [("purpose", "fine-tune")], files: [("file", "t.jsonl", bytes)]).json["id"] ?? .null
            let id = await s.send("POST", "/v1/fine_tuning/jobs", json: ["model": "gpt-4o-mini-2024-07-18", "training_file": file]).json["id"]?.stringValue ?? ""
            try s.advance(seconds: 3600)
            return await s.send("GET", "/v1/fine_tuning/jobs/\(id)/events?limit=50").body
        }
        #expect(try await run() == (try await run()))
    }
}

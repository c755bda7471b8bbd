import FoundationEssentials
import OpenAIClientCore
import OpenAIWire

extension CheckSuite {
    /// Throws unless `statuses` only move forward through `order`.
    func expectForward<S: RawRepresentable & Equatable>(_ statuses: [S], order: [S], what: String) throws where S.RawValue == String {
        var last = -1
        for s in statuses {
            guard let i = order.firstIndex(of: s) else { continue }
            try expect(i >= last, "\(what) went backwards: \(statuses.map(\.rawValue).joined(separator: " → "))")
            last = i
        }
    }

    func checkBatches() async throws {
        let a = "batches"
        let lines = 2
        let input = try await step(a, "upload input file") {
            try await client.files.create(data: CheckData.batchJSONL(lines, model: options.model), filename: "check-batch.jsonl",
                                          purpose: "batch", contentType: "application/jsonl")
        }
        let batch = try await step(a, "create") {
            let b = try await client.batches.create(CreateBatchRequest(inputFileID: input.id, endpoint: "/v1/chat/completions",
                                                                       metadata: ["check": "openai-sim"]))
            try expectPrefix(b.id, "batch_", "batch")
            try expect(b.status == .validating || b.status == .inProgress, "initial status \(b.status.rawValue)")
            try expect(b.inputFileID == input.id && b.endpoint == "/v1/chat/completions" && b.completionWindow == "24h", "batch \(b)")
            try expect(b.metadata?["check"] == "openai-sim", "metadata not echoed")
            return b
        }
        try await step(a, "listed") {
            var found = false
            for try await b in client.batches.listAll(limit: 10) where b.id == batch.id { found = true; break }
            try expect(found, "batch \(batch.id) not listed")
        }
        if options.skipSlow {
            try await step(a, "cancel (skip-slow)") {
                let c = try await client.batches.cancel(batch.id)
                try expect([.cancelling, .cancelled, .completed, .failed].contains(c.status), "status after cancel \(c.status.rawValue)")
            }
            _ = try? await client.files.delete(input.id)
            return
        }
        let final = try await step(a, "runs to completed") {
            let seen = try await poll("batch \(batch.id)", fetch: { try await client.batches.retrieve(batch.id) }, done: { $0.status.isTerminal })
            let statuses = [batch.status] + seen.map(\.status)
            try expectForward(statuses, order: [.validating, .inProgress, .finalizing, .completed], what: "batch status")
            guard let b = seen.last else { throw CheckFailure("no poll") }
            try expect(b.status == .completed, "ended \(b.status.rawValue): \(String(describing: b.errors))")
            let counts = b.requestCounts.map { "total=\($0.total) completed=\($0.completed) failed=\($0.failed)" } ?? "missing"
            if let c = b.requestCounts, c.failed > 0, let errFile = b.errorFileID {
                let first = (try? await client.files.content(errFile)).flatMap { $0.split(separator: 0x0A).first }
                throw CheckFailure("request_counts \(counts); first error line: \(first.map { String(decoding: $0.prefix(300), as: UTF8.self) } ?? "-")")
            }
            try expect(b.requestCounts?.total == lines && b.requestCounts?.completed == lines && b.requestCounts?.failed == 0,
                       "request_counts \(counts), expected total=\(lines) completed=\(lines) failed=0")
            let stamps = [b.createdAt, b.inProgressAt, b.finalizingAt, b.completedAt]
            try expect(stamps.allSatisfy { $0 != nil }, "missing timestamps: in_progress_at/finalizing_at/completed_at")
            let values = stamps.compactMap { $0 }
            try expect(values == values.sorted(), "timestamps out of order: \(values)")
            return b
        }
        try await step(a, "output file has one result per line") {
            guard let out = final.outputFileID else { throw CheckFailure("completed batch has no output_file_id") }
            let body = try await client.files.content(out)
            let rows = body.split(separator: 0x0A).filter { !$0.isEmpty }
            try expect(rows.count == lines, "\(rows.count) output lines for \(lines) requests")
            var customIDs = Set<String>()
            for row in rows {
                let v = try WireJSON.decode(JSONValue.self, from: Data(row))
                guard let cid = v["custom_id"]?.stringValue else { throw CheckFailure("output line without custom_id") }
                customIDs.insert(cid)
                try expect(v["response"]?["status_code"]?.numberValue == 200, "\(cid): status_code \(String(describing: v["response"]?["status_code"]))")
                guard let b = v["response"]?["body"] else { throw CheckFailure("\(cid): no response.body") }
                let c = try WireJSON.decode(ChatCompletion.self, from: try WireJSON.encoder().encode(b))
                try expectPrefix(c.id, "chatcmpl-", "batch result")
            }
            try expect(customIDs == Set((0..<lines).map { "check-\($0)" }), "custom_ids \(customIDs.sorted())")
            _ = try? await client.files.delete(out)
        }
        _ = try? await client.files.delete(input.id)
    }

    func checkFineTuning() async throws {
        let a = "fine_tuning"
        if options.skipSlow {
            skip(a, "job lifecycle", "--skip-slow")
            return
        }
        let training = try await step(a, "upload training file") {
            try await client.files.create(data: CheckData.trainingJSONL(10), filename: "check-train.jsonl", purpose: "fine-tune",
                                          contentType: "application/jsonl")
        }
        let job = try await step(a, "create job") {
            let j = try await client.fineTuning.jobs.create(CreateFineTuningJobRequest(model: options.model, trainingFile: training.id,
                                                                                      suffix: "check", seed: 7))
            try expectPrefix(j.id, "ftjob-", "fine-tuning job")
            try expect([.validatingFiles, .queued].contains(j.status), "initial status \(j.status.rawValue)")
            try expect(j.trainingFile == training.id && j.seed == 7 && j.finishedAt == nil && j.fineTunedModel == nil, "job \(j)")
            return j
        }
        let final = try await step(a, "runs to succeeded") {
            let seen = try await poll("job \(job.id)", fetch: { try await client.fineTuning.jobs.retrieve(job.id) }, done: { $0.status.isTerminal })
            try expectForward([job.status] + seen.map(\.status), order: [.validatingFiles, .queued, .running, .succeeded],
                              what: "job status")
            guard let j = seen.last else { throw CheckFailure("no poll") }
            try expect(j.status == .succeeded, "ended \(j.status.rawValue): \(String(describing: j.error))")
            guard let model = j.fineTunedModel else { throw CheckFailure("succeeded job has no fine_tuned_model") }
            try expectPrefix(model, "ft:", "fine-tuned model")
            try expect((j.finishedAt ?? 0) >= j.createdAt, "finished_at before created_at")
            try expect((j.trainedTokens ?? 0) > 0, "trained_tokens \(String(describing: j.trainedTokens))")
            try expect(!j.resultFiles.isEmpty, "no result_files")
            return j
        }
        try await step(a, "events") {
            var events: [FineTuningJobEvent] = []
            for try await e in client.fineTuning.jobs.allEvents(job.id, limit: 5) { events.append(e) }
            try expect(!events.isEmpty, "no events")
            try expect(Set(events.map(\.id)).count == events.count, "pagination repeated events")
            for e in events {
                try expect(e.id.hasPrefix("ft-event-") || e.id.hasPrefix("ftevent-"), "event id \(e.id) does not start with ft-event-")
            }
            let stamps = events.map(\.createdAt)
            try expect(stamps == stamps.sorted(by: >), "events are not newest first")
        }
        let checkpoints = try await step(a, "checkpoints") {
            let page = try await client.fineTuning.jobs.checkpoints(job.id)
            try expect(!page.data.isEmpty, "succeeded job has no checkpoints")
            for c in page.data {
                try expectPrefix(c.id, "ftckpt_", "checkpoint")
                try expect(c.fineTuningJobID == job.id && c.stepNumber > 0, "checkpoint \(c)")
            }
            return page.data
        }
        try await step(a, "fine-tuned model is listed") {
            guard let model = final.fineTunedModel else { return }
            let m = try await client.models.retrieve(model)
            try expect(m.id == model, "retrieved \(m.id)")
        }
        if let project = options.projectID, let ckpt = checkpoints.first?.fineTunedModelCheckpoint {
            try await step(a, "checkpoint permission create/list/delete") {
                let created = try await client.fineTuning.permissions.create(checkpoint: ckpt, projectIDs: [project])
                guard let p = created.data.first else { throw CheckFailure("no permission returned") }
                try expect(p.projectID == project, "permission for \(p.projectID)")
                let listed = try await client.fineTuning.permissions.list(checkpoint: ckpt)
                try expect(listed.data.contains { $0.id == p.id }, "permission not listed")
                let d = try await client.fineTuning.permissions.delete(checkpoint: ckpt, permissionID: p.id)
                try expect(d.deleted && d.id == p.id, "delete answered \(d)")
            }
        } else {
            skip(a, "checkpoint permissions", "needs --project-id (and, against the real API, --admin-key)")
        }
        _ = try? await client.files.delete(training.id)
    }

    func checkErrors() async throws {
        let a = "errors"
        // The three cases are independent: each runs even when another failed.
        _ = try? await step(a, "404 unknown file") {
            let e = try await expectStatus(404) { try await client.files.retrieve("file-doesnotexist0000000000") }
            try expect(e.type == "invalid_request_error", "type \(e.type ?? "nil")")
            try expect(e.requestID != nil, "no x-request-id header")
        }
        _ = try? await step(a, "400 names the bad param") {
            let e = try await expectStatus(400) {
                try await client.files.create(data: Data("x".utf8), filename: "x.txt", purpose: "not-a-purpose")
            }
            try expect(e.type == "invalid_request_error", "type \(e.type ?? "nil")")
            try expect(e.param == "purpose", "param \(e.param ?? "null"), expected purpose")
        }
        _ = try? await step(a, "401 without credentials") {
            let e = try await expectStatus(401) { try await anonymous.models.list() }
            try expect(e.requestID != nil, "no x-request-id header")
        }
    }
}

import SimSupport

/// The Evals API: evals (a data source config and testing criteria), runs that sample a model
/// over a data source and grade every item, and the runs' output items.
///
/// A run is sampled and graded when it is created (through the live chat or responses handler,
/// like batch lines), and its results are revealed on the clock: queued for a second, then
/// in progress, one item every `secondsPerItem`, then completed. Status, result counts and
/// usage are computed when read from the items that are done by then, so the same seed and the
/// same requests give the same answers.
public final class EvalService: Sendable {
    public static let evalsCollection = "evals"
    public static let runsCollection = "eval_runs"
    public static let itemsCollection = "eval_output_items"
    public static let queueSeconds = 1.0
    public static let secondsPerItem = 0.2
    public static let minRunSeconds = 2.0
    /// Items one run may hold (file content or file lines).
    public static let maxItems = 10_000
    static let graderTypes = ["label_model", "string_check", "text_similarity", "python", "score_model"]

    let env: SimEnvironment
    let files: FileService
    let models: ModelService
    let executorBox = Locked<InternalRequestExecutor?>(nil)

    public init(env: SimEnvironment, models: ModelService) {
        self.env = env
        self.models = models
        files = FileService(env: env)
    }

    /// Wires the handler runner (the app) after construction.
    public func attach(executor: InternalRequestExecutor) { executorBox.withLock { $0 = executor } }

    // MARK: - Evals

    /// - Remark: POST /v1/evals
    public func create(tenant: Tenant, body: JSON, metadata: JSON) throws(APIError) -> JSON {
        let name = try EvalValidation.string(body, "name", "", required: false)
        guard let config = body["data_source_config"], !config.isNull else { throw .missingParameter("data_source_config") }
        let dataSourceConfig = try Self.dataSourceConfig(config)
        guard let criteria = body["testing_criteria"], !criteria.isNull else { throw .missingParameter("testing_criteria") }
        guard let list = criteria.arrayValue else { throw .invalidType("testing_criteria", expected: "an array", got: criteria) }
        var graders: [JSON] = []
        for (i, g) in list.enumerated() { graders.append(try Self.grader(g, param: "testing_criteria[\(i)]")) }
        let now = env.now()
        let ids = env.ids(tenant)
        let id = ids.hex("eval_", length: 32)
        // Each criterion gets an id, "<name>-<uuid>", that results and per-criterion counts name it by.
        graders = graders.map { g in
            let h = Array(ids.hex("", length: 32))
            let uuid = [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]].map { String($0) }.joined(separator: "-")
            return g.setting("id", .string("\(g["name"]?.stringValue ?? "criterion")-\(uuid)"))
        }
        let eval: JSON = .object([("object", "eval"), ("id", .string(id)), ("name", .string(name ?? "")),
                                  ("data_source_config", dataSourceConfig), ("testing_criteria", .array(graders)),
                                  ("created_at", .int(now)), ("metadata", metadata),
                                  ("_updated_at", .int(now))])
        try put(tenant, Self.evalsCollection, id, now, eval)
        return eval.withoutInternalMembers
    }

    /// - Remark: GET /v1/evals
    public func list(tenant: Tenant, after: String?, limit: Int, order: ListOrder, orderBy: String) throws(APIError) -> (data: [JSON], ids: [String], hasMore: Bool) {
        let key = orderBy == "updated_at" ? "_updated_at" : "created_at"
        // Stable: ties keep creation order.
        let sorted = try records(tenant, Self.evalsCollection, filters: []).enumerated().sorted { a, b in
            let x = a.element.body[key]?.intValue ?? 0, y = b.element.body[key]?.intValue ?? 0
            if x != y { return order == .asc ? x < y : x > y }
            return order == .asc ? a.offset < b.offset : a.offset > b.offset
        }.map(\.element)
        // By creation the list is in seq order, so an eval deleted since still marks a place.
        let deleted = orderBy == "updated_at" ? nil : after.flatMap { deletedSeq(tenant, Self.evalsCollection, $0) }
        return Self.page(sorted.map(\.body), after: after, limit: limit,
                         deleted: deleted.map { ($0, sorted.map(\.seq), order == .asc) })
    }

    /// - Remark: GET /v1/evals/{eval_id}
    public func retrieve(tenant: Tenant, id: String) throws(APIError) -> JSON { try loadEval(tenant, id).withoutInternalMembers }

    /// - Remark: POST /v1/evals/{eval_id} (name and metadata only)
    public func update(tenant: Tenant, id: String, name: String?, metadata: JSON?) throws(APIError) -> JSON {
        var eval = try loadEval(tenant, id)
        if let name { eval = eval.setting("name", .string(name)) }
        if let metadata { eval = eval.setting("metadata", metadata) }
        let now = env.now()
        eval = eval.setting("_updated_at", .int(now))
        try put(tenant, Self.evalsCollection, id, eval["created_at"]?.intValue ?? now, eval)
        return eval.withoutInternalMembers
    }

    /// Deletes the eval with its runs and their output items.
    /// - Remark: DELETE /v1/evals/{eval_id}
    public func delete(tenant: Tenant, id: String) throws(APIError) -> JSON {
        _ = try loadEval(tenant, id)
        for run in try records(tenant, Self.runsCollection, filters: [RecordFilter(path: ["eval_id"], value: id)]) {
            try deleteRunRecords(tenant, run.id)
        }
        remove(tenant, Self.evalsCollection, id)
        return .object([("object", "eval.deleted"), ("deleted", true), ("eval_id", .string(id))])
    }

    // MARK: - Runs

    /// Samples and grades every item now; the results appear on the clock.
    /// - Remark: POST /v1/evals/{eval_id}/runs
    public func createRun(tenant: Tenant, evalID: String, body: JSON, metadata: JSON, overrides: RequestOverrides) throws(APIError) -> JSON {
        let eval = try loadEval(tenant, evalID)
        let name = try EvalValidation.string(body, "name", "", required: false)
        guard let source = body["data_source"], !source.isNull else { throw .missingParameter("data_source") }
        guard source.objectValue != nil else { throw .invalidType("data_source", expected: "an object", got: source) }
        let type = try EvalValidation.string(source, "type", "data_source", required: true) ?? ""
        guard ["jsonl", "completions", "responses"].contains(type) else {
            throw .invalidValue("data_source.type", type, supported: ["jsonl", "completions", "responses"])
        }
        let rows = try items(tenant, source)
        let echoed = try Self.checkedRunSource(source, type: type)
        let model = echoed["model"]?.stringValue ?? ""
        if type != "jsonl" { _ = try models.resolve(tenant: tenant, id: model) }
        guard let executor = executorBox.withLock({ $0 }) else { throw .serverError("The eval runner is not attached.") }
        let sampler = EvalRunSampler(type: type, source: echoed, executor: executor)

        let now = env.clock.now()
        let created = Int64(now.rounded(.down))
        let runID = env.ids(tenant).hex("evalrun_", length: 32)
        let itemIDs = env.ids(stream: "eval-run:\(tenant.id):\(runID)")
        let salt = StableHash.mix(env.seed, StableHash.fnv1a(runID))
        let graders = (eval["testing_criteria"]?.arrayValue ?? []).map(EvalGrader.init)
        let queuedUntil = now + Self.queueSeconds
        let runSeconds = max(Self.minRunSeconds, Double(rows.count) * Self.secondsPerItem)
        // A scenario's fixed output or cache result for the run's create request applies to every sample.
        var sampleOverrides = overrides
        sampleOverrides.stream = nil
        sampleOverrides.job = nil
        var stored: [StoredRecord] = []
        let samples = rows.enumerated().map { i, row in
            sampler.sample(row, index: i, tenant: tenant, overrides: sampleOverrides, env: env.withIDSalt(StableHash.mix(salt, UInt64(i))))
        }
        // Python graders run once per grader over every sampled item (one interpreter each).
        var pythonOutcomes: [Int: [Int: PythonGradeOutcome]] = [:]
        if let python = env.python {
            let graded = samples.indices.filter { samples[$0].error == nil }
            for (g, grader) in graders.enumerated() where grader.type == "python" {
                let pairs = graded.map { i in (sample: samples[i].forGrading ?? rows[i]["sample"] ?? .object([]), item: rows[i]["item"] ?? .null) }
                let outcomes = python.grade(source: grader.json["source"]?.stringValue ?? "", pairs: pairs)
                pythonOutcomes[g] = Dictionary(uniqueKeysWithValues: zip(graded, outcomes).map { ($0, $1) })
            }
        }
        for (i, row) in rows.enumerated() {
            let sampled = samples[i]
            let gradingSample = sampled.forGrading ?? row["sample"]
            let seed = StableHash.mix(salt, UInt64(i) &+ 0x5EED)
            let results = sampled.error == nil ? graders.enumerated().map { g, grader in
                grader.grade(item: row["item"] ?? .null, sample: gradingSample, seed: seed, python: pythonOutcomes[g]?[i])
            } : []
            let passed = sampled.error == nil && results.allSatisfy { $0["passed"]?.boolValue == true }
            let readyAt = queuedUntil + runSeconds * Double(i + 1) / Double(max(1, rows.count))
            let itemID = itemIDs.hex("outputitem_", length: 32)
            let output: JSON = .object([
                ("object", "eval.run.output_item"), ("id", .string(itemID)), ("run_id", .string(runID)), ("eval_id", .string(evalID)),
                ("created_at", .int(Int64(readyAt.rounded(.down)))), ("status", .string(passed ? "pass" : "fail")),
                ("datasource_item_id", .int(Int64(i))), ("datasource_item", row["item"] ?? .object([])),
                ("results", .array(results)), ("sample", sampled.sample),
                ("_ready_at", .double(readyAt)), ("_errored", .bool(sampled.error != nil)),
            ])
            stored.append(StoredRecord(tenant: tenant.id, collection: Self.itemsCollection, id: itemID, createdAt: created, body: output))
        }
        let run: JSON = .object([
            ("object", "eval.run"), ("id", .string(runID)), ("eval_id", .string(evalID)),
            ("status", "queued"), ("model", .string(model)), ("name", .string(name ?? (model.isEmpty ? "jsonl" : model) + " run")),
            ("created_at", .int(created)),
            ("report_url", .string("https://platform.openai.com/evaluations/\(evalID)?run_id=\(runID)")),
            ("data_source", echoed), ("metadata", metadata), ("error", .null),
            ("_queued_until", .double(queuedUntil)), ("_completes_at", .double(queuedUntil + runSeconds)),
            ("_criteria", .array(graders.map { .string($0.name) })),
        ])
        do {
            try env.records.put(stored, keepingNewest: nil)
            _ = try env.records.put(StoredRecord(tenant: tenant.id, collection: Self.runsCollection, id: runID, createdAt: created, body: run))
        } catch { throw .serverError("Could not store the eval run: \(error)") }
        return try view(tenant, run, now: now)
    }

    /// - Remark: GET /v1/evals/{eval_id}/runs
    public func listRuns(tenant: Tenant, evalID: String, after: String?, limit: Int, order: ListOrder, status: String?) throws(APIError) -> (data: [JSON], ids: [String], hasMore: Bool) {
        _ = try loadEval(tenant, evalID)
        let now = env.clock.now()
        var runs: [JSON] = []
        var seqs: [Int64] = []
        for r in try records(tenant, Self.runsCollection, filters: [RecordFilter(path: ["eval_id"], value: evalID)]) {
            let v = try view(tenant, r.body, now: now)
            if let status, v["status"]?.stringValue != status { continue }
            runs.append(v)
            seqs.append(r.seq)
        }
        if order == .desc { runs.reverse(); seqs.reverse() }
        let deleted = after.flatMap { deletedSeq(tenant, Self.runsCollection, $0) }
        return Self.page(runs, after: after, limit: limit, deleted: deleted.map { ($0, seqs, order == .asc) })
    }

    /// - Remark: GET /v1/evals/{eval_id}/runs/{run_id}
    public func retrieveRun(tenant: Tenant, evalID: String, runID: String) throws(APIError) -> JSON {
        try view(tenant, try loadRun(tenant, evalID, runID), now: env.clock.now())
    }

    /// Stops a queued or running run: the items done by now are its results.
    /// - Remark: POST /v1/evals/{eval_id}/runs/{run_id}
    public func cancelRun(tenant: Tenant, evalID: String, runID: String) throws(APIError) -> JSON {
        let now = env.clock.now()
        var run = try loadRun(tenant, evalID, runID)
        let status = Self.status(run, now: now)
        guard status == "queued" || status == "in_progress" else {
            throw .invalidRequest("Run \(runID) is \(status) and can no longer be canceled.", param: "run_id", code: "invalid_state")
        }
        run = run.setting("_canceled_at", .double(now))
        try put(tenant, Self.runsCollection, runID, run["created_at"]?.intValue ?? 0, run)
        return try view(tenant, run, now: now)
    }

    /// - Remark: DELETE /v1/evals/{eval_id}/runs/{run_id}
    public func deleteRun(tenant: Tenant, evalID: String, runID: String) throws(APIError) -> JSON {
        _ = try loadRun(tenant, evalID, runID)
        try deleteRunRecords(tenant, runID)
        return .object([("object", "eval.run.deleted"), ("deleted", true), ("run_id", .string(runID))])
    }

    // MARK: - Output items

    /// The run's items done by now.
    /// - Remark: GET /v1/evals/{eval_id}/runs/{run_id}/output_items
    public func listOutputItems(tenant: Tenant, evalID: String, runID: String, after: String?, limit: Int, order: ListOrder,
                                status: String?) throws(APIError) -> (data: [JSON], ids: [String], hasMore: Bool) {
        let run = try loadRun(tenant, evalID, runID)
        var items = try doneItems(tenant, run, now: env.clock.now())
        if let status { items = items.filter { $0["status"]?.stringValue == status } }
        if order == .desc { items.reverse() }
        return Self.page(items.map(\.withoutInternalMembers), after: after, limit: limit)
    }

    /// - Remark: GET /v1/evals/{eval_id}/runs/{run_id}/output_items/{output_item_id}
    public func retrieveOutputItem(tenant: Tenant, evalID: String, runID: String, itemID: String) throws(APIError) -> JSON {
        let run = try loadRun(tenant, evalID, runID)
        let limit = Self.revealedUntil(run, now: env.clock.now())
        guard let r = try? env.records.get(tenant: tenant.id, collection: Self.itemsCollection, id: itemID),
              r.body["run_id"]?.stringValue == runID, (r.body["_ready_at"]?.doubleValue ?? .infinity) <= limit else {
            throw .notFound("output item", id: itemID, param: "output_item_id")
        }
        return r.body.withoutInternalMembers
    }

    // MARK: - Views

    /// Items become results at their `_ready_at`; a canceled run stops revealing at its cancel.
    static func revealedUntil(_ run: JSON, now: Double) -> Double {
        min(now, run["_canceled_at"]?.doubleValue ?? .infinity)
    }

    static func status(_ run: JSON, now: Double) -> String {
        if let c = run["_canceled_at"]?.doubleValue, c <= now { return "canceled" }
        if now < run["_queued_until"]?.doubleValue ?? 0 { return "queued" }
        if now < run["_completes_at"]?.doubleValue ?? 0 { return "in_progress" }
        return "completed"
    }

    func doneItems(_ tenant: Tenant, _ run: JSON, now: Double) throws(APIError) -> [JSON] {
        let until = Self.revealedUntil(run, now: now)
        let runID = run["id"]?.stringValue ?? ""
        return try records(tenant, Self.itemsCollection, filters: [RecordFilter(path: ["run_id"], value: runID)])
            .map(\.body)
            .filter { ($0["_ready_at"]?.doubleValue ?? .infinity) <= until }
    }

    /// The run as the API shows it at `now`: status, result counts, usage per model and results
    /// per criterion over the items done by then.
    func view(_ tenant: Tenant, _ run: JSON, now: Double) throws(APIError) -> JSON {
        let items = try doneItems(tenant, run, now: now)
        var errored = 0, failed = 0, passed = 0
        let names = (run["_criteria"]?.arrayValue ?? []).compactMap(\.stringValue)
        var perCriterion = [(passed: Int, failed: Int)](repeating: (0, 0), count: names.count)
        var usage: [(model: String, count: Int, prompt: Int64, completion: Int64, cached: Int64)] = []
        for item in items {
            if item["_errored"]?.boolValue == true { errored += 1 } else if item["status"]?.stringValue == "pass" { passed += 1 } else { failed += 1 }
            for (k, r) in (item["results"]?.arrayValue ?? []).enumerated() where k < names.count {
                if r["passed"]?.boolValue == true { perCriterion[k].passed += 1 } else { perCriterion[k].failed += 1 }
            }
            let sample = item["sample"]
            if let model = sample?["model"]?.stringValue, !model.isEmpty, let u = sample?["usage"] {
                if let i = usage.firstIndex(where: { $0.model == model }) {
                    usage[i].count += 1
                    usage[i].prompt += u["prompt_tokens"]?.intValue ?? 0
                    usage[i].completion += u["completion_tokens"]?.intValue ?? 0
                    usage[i].cached += u["cached_tokens"]?.intValue ?? 0
                } else {
                    usage.append((model, 1, u["prompt_tokens"]?.intValue ?? 0, u["completion_tokens"]?.intValue ?? 0, u["cached_tokens"]?.intValue ?? 0))
                }
            }
        }
        let counts: JSON = .object([("total", .int(Int64(items.count))), ("errored", .int(Int64(errored))),
                                    ("failed", .int(Int64(failed))), ("passed", .int(Int64(passed)))])
        let perModel: JSON = .array(usage.map { u in
            .object([("model_name", .string(u.model)), ("invocation_count", .int(Int64(u.count))),
                     ("prompt_tokens", .int(u.prompt)), ("completion_tokens", .int(u.completion)),
                     ("total_tokens", .int(u.prompt + u.completion)), ("cached_tokens", .int(u.cached))])
        })
        let perCriterionJSON: JSON = .array(zip(names, perCriterion).map { n, c in
            .object([("testing_criteria", .string(n)), ("passed", .int(Int64(c.passed))), ("failed", .int(Int64(c.failed)))])
        })
        return run.withoutInternalMembers
            .setting("status", .string(Self.status(run, now: now)))
            .setting("result_counts", counts)
            .setting("per_model_usage", perModel)
            .setting("per_testing_criteria_results", perCriterionJSON)
    }

    /// A page of `all` after the element `after`. An `after` not in `all` gives an empty page, unless
    /// `deleted` says where it was: its seq when it was deleted, the seqs of `all` (in its order)
    /// and whether that order is ascending; the page then starts at the first element past it.
    static func page(_ all: [JSON], after: String?, limit: Int,
                     deleted: (seq: Int64, seqs: [Int64], ascending: Bool)? = nil) -> (data: [JSON], ids: [String], hasMore: Bool) {
        var start = 0
        if let after {
            if let i = all.firstIndex(where: { $0["id"]?.stringValue == after }) {
                start = i + 1
            } else if let d = deleted {
                start = d.seqs.firstIndex { d.ascending ? $0 > d.seq : $0 < d.seq } ?? all.count
            } else {
                return ([], [], false)
            }
        }
        let slice = Array(all[min(start, all.count)...].prefix(limit))
        return (slice, slice.compactMap { $0["id"]?.stringValue }, start + slice.count < all.count)
    }

    // MARK: - Storage

    func loadEval(_ tenant: Tenant, _ id: String) throws(APIError) -> JSON {
        guard let r = try? env.records.get(tenant: tenant.id, collection: Self.evalsCollection, id: id) else {
            throw .invalidRequest("Eval with id '\(id)' not found.", param: "eval_id", code: "not_found", status: 404)
        }
        return r.body
    }

    func loadRun(_ tenant: Tenant, _ evalID: String, _ runID: String) throws(APIError) -> JSON {
        _ = try loadEval(tenant, evalID)
        guard let r = try? env.records.get(tenant: tenant.id, collection: Self.runsCollection, id: runID),
              r.body["eval_id"]?.stringValue == evalID else {
            throw .invalidRequest("Run with id '\(runID)' not found.", param: "run_id", code: "not_found", status: 404)
        }
        return r.body
    }

    func deleteRunRecords(_ tenant: Tenant, _ runID: String) throws(APIError) {
        for item in try records(tenant, Self.itemsCollection, filters: [RecordFilter(path: ["run_id"], value: runID)]) {
            remove(tenant, Self.itemsCollection, item.id)
        }
        remove(tenant, Self.runsCollection, runID)
    }

    /// The seq of a record deleted from `collection` (see `RecordStore.deletedSeq`).
    func deletedSeq(_ tenant: Tenant, _ collection: String, _ id: String) -> Int64? {
        (try? env.records.deletedSeq(tenant: tenant.id, collection: collection, id: id)) ?? nil
    }

    func records(_ tenant: Tenant, _ collection: String, filters: [RecordFilter]) throws(APIError) -> [StoredRecord] {
        try env.records.allRecords(tenant: tenant.id, collection: collection, filters: filters)
    }

    func put(_ tenant: Tenant, _ collection: String, _ id: String, _ createdAt: Int64, _ body: JSON) throws(APIError) {
        try env.records.putRecord(tenant: tenant.id, collection: collection, id: id, createdAt: createdAt, body: body)
    }

    func remove(_ tenant: Tenant, _ collection: String, _ id: String) {
        env.records.removeRecord(tenant: tenant.id, collection: collection, id: id)
    }
}

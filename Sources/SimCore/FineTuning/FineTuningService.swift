import SimSupport

/// The fine-tuning jobs API. Status is computed from the clock on every read; reaching a state's
/// side effects (checkpoint models, the result file, the fine-tuned model) are materialized once,
/// on the first read after the transition, under a lock so concurrent reads cannot duplicate them.
public struct FineTuningService: Sendable {
    public static let collection = "fine_tuning_jobs"
    /// Training pairs per job (kept after the training file is deleted, as a real model keeps its weights).
    public static let examplesCollection = "fine_tuning_examples"
    /// Fine-tuned model or checkpoint name → job id.
    public static let modelIndexCollection = "fine_tuned_model_index"

    let env: SimEnvironment
    let files: FileService
    let models: ModelService
    let timing: FineTuningTiming
    let gate = Locked(0)
    /// Moves whenever a job is saved open: a tenant stamped with the current value is known to
    /// have no open job, so `settle` (run before every models request) costs two atomic loads
    /// instead of a store query for it.
    let openJobs = MemoGeneration()

    public init(env: SimEnvironment, timing: FineTuningTiming = .default) {
        self.env = env
        self.files = FileService(env: env)
        self.models = ModelService(env: env)
        self.timing = timing
    }

    /// Validates the request, measures the training data and stores the job (status `validating_files`).
    /// `script` is a scenario's `job:` action (`duration_s`, `fail_at_step` + `error`, `fail_validation`).
    /// - Remark: POST /v1/fine_tuning/jobs
    public func create(tenant: Tenant, body: JSON, script: JSON? = nil) throws(APIError) -> JSON {
        let req = try FineTuningRequest.parse(body)
        let (reported, base) = try resolveModel(tenant: tenant, req.model, method: req.hyperparameters.method)
        try checkFile(tenant: tenant, req.trainingFile, param: "training_file")
        if let v = req.validationFile { try checkFile(tenant: tenant, v, param: "validation_file") }

        let limit = Self.exampleTokenLimit(base)
        var failure: FineTuningJobError?
        var summary = TrainingFileValidator.Summary(examples: 0, billingTokens: 0, pairs: [])
        let method = req.hyperparameters.method
        switch TrainingFileValidator(method: method, tokenLimit: limit).validate(try files.contentBytes(tenant: tenant, id: req.trainingFile)) {
        case let .success(s): summary = s
        case let .failure(f): failure = FineTuningJobError(code: f.code, message: f.message, param: "training_file")
        }
        if failure == nil, let v = req.validationFile {
            let checker = TrainingFileValidator(method: method, tokenLimit: limit, requireMinimum: false)
            if case let .failure(f) = checker.validate(try files.contentBytes(tenant: tenant, id: v)) {
                failure = FineTuningJobError(code: f.code, message: f.message, param: "validation_file")
            }
        }
        if let scripted = script?["fail_validation"], !scripted.isNull {
            failure = FineTuningJobError(code: scripted["code"]?.stringValue ?? "invalid_training_file",
                                         message: scripted.stringValue ?? scripted["message"]?.stringValue ?? "The training file is invalid.",
                                         param: scripted["param"]?.stringValue ?? "training_file")
        }
        let resolved = req.hyperparameters.resolve(examples: summary.examples)
        let plan = timing.plan(examples: summary.examples, billingTokens: summary.billingTokens, resolved: resolved,
                               validationFailure: failure, script: script)
        let ids = env.ids(tenant)
        let id = ids.make("ftjob-", length: 24)
        let seed = req.seed ?? Int64(ids.nextSeed() % 2_147_483_648)
        let now = env.clock.now()
        var job = FineTuningJob(id: id, createdAt: Int64(now.rounded(.down)), t0: now, model: reported, baseModel: base,
                                trainingFile: req.trainingFile, validationFile: req.validationFile, suffix: req.suffix, seed: seed,
                                metadata: req.metadata, integrations: req.integrations, hyperparameters: req.hyperparameters,
                                grader: req.grader, examples: summary.examples, billingTokens: summary.billingTokens, plan: plan,
                                modelTag: FineTuningEventLog.derivedID(id + "|model", length: 8))
        job.open = true
        if !summary.pairs.isEmpty {
            let pairs = JSON.array(summary.pairs.map { .array([.string($0.user), .string($0.assistant)]) })
            try put(tenant, Self.examplesCollection, id, job.createdAt, .object([("pairs", pairs)]))
        }
        try save(tenant, job)
        return job.json(at: now, tenant: tenant)
    }

    /// The job's model as reported, and its base snapshot. Aliases (`gpt-4o-mini`) resolve to their
    /// fine-tunable snapshot; the tenant's own fine-tuned models can be trained further.
    func resolveModel(tenant: Tenant, _ name: String, method: FineTuningHyperparameters.Method) throws(APIError) -> (String, String) {
        let unavailable = APIError.invalidRequest("Model \(name) is not available for fine-tuning or does not exist.",
                                                  param: "model", code: "model_not_available")
        var reported = name
        var base: ModelInfo
        if let m = ModelCatalog.base(name) {
            if m.fineTunable { base = m } else if let snap = ModelCatalog.models.first(where: { $0.fineTunable && $0.id.hasPrefix(name + "-") }) {
                base = snap; reported = snap.id
            } else { throw unavailable }
        } else if name.hasPrefix("ft:") {
            do { base = try models.resolve(tenant: tenant, id: name) } catch { throw unavailable }
            guard base.fineTunable else { throw unavailable }
        } else { throw unavailable }
        let ok: Bool
        switch method {
        case .reinforcement: ok = base.family == .reasoning
        case .supervised: ok = base.family == .chat
        case .dpo: ok = base.family == .chat && !base.id.hasPrefix("gpt-3.5")
        }
        guard ok else {
            throw .invalidRequest("Model \(reported) does not support the '\(method.rawValue)' fine-tuning method.",
                                  param: "method.type", code: "invalid_value")
        }
        return (reported, base.id)
    }

    /// Per-example training token limit: the base model's context window, at most 65,536.
    static func exampleTokenLimit(_ base: String) -> Int {
        min(ModelCatalog.base(base)?.contextWindow ?? 65_536, 65_536)
    }

    func checkFile(tenant: Tenant, _ id: String, param: String) throws(APIError) {
        let file: FileObject
        do { file = try files.retrieve(tenant: tenant, id: id) } catch {
            throw .invalidRequest("invalid \(param): \(id)", param: param, code: "invalid_file")
        }
        guard file.purpose == "fine-tune" else {
            throw .invalidRequest("File \(id) has purpose '\(file.purpose)', but fine-tuning requires files with purpose 'fine-tune'.",
                                  param: param, code: "invalid_file_purpose")
        }
    }

    // MARK: reads

    /// - Remark: GET /v1/fine_tuning/jobs/{fine_tuning_job_id}
    public func retrieve(tenant: Tenant, id: String) throws(APIError) -> JSON {
        let now = env.clock.now()
        return try refresh(tenant, try load(tenant, id), now: now).json(at: now, tenant: tenant)
    }

    /// Newest first; `metadata` filters on every given pair; `metadataNull` keeps jobs without metadata.
    /// - Remark: GET /v1/fine_tuning/jobs
    public func list(tenant: Tenant, after: String?, limit: Int, metadata: [(String, String)], metadataNull: Bool = false) throws(APIError) -> JSON {
        var filters = metadata.map { RecordFilter(path: ["metadata", $0.0], value: $0.1) }
        if metadataNull { filters.append(RecordFilter(path: ["_has_metadata"], value: "false")) }
        let page: RecordPage
        do {
            page = try env.records.list(tenant: tenant.id, collection: Self.collection,
                                        query: ListQuery(filters: filters, order: .desc, after: after, limit: limit))
        } catch { throw .serverError("\(error)") }
        let now = env.clock.now()
        var data: [JSON] = []
        for r in page.records {
            guard let job = FineTuningJob(stored: r.body) else { continue }
            data.append(try refresh(tenant, job, now: now).json(at: now, tenant: tenant))
        }
        return .object([("object", "list"), ("data", .array(data)), ("has_more", .bool(page.hasMore))])
    }

    /// Newest first, `after` an event id.
    /// - Remark: GET /v1/fine_tuning/jobs/{fine_tuning_job_id}/events
    public func events(tenant: Tenant, id: String, after: String?, limit: Int) throws(APIError) -> JSON {
        let now = env.clock.now()
        let job = try refresh(tenant, try load(tenant, id), now: now)
        var all = log(job, tenant, now).events.reversed().map { $0 }
        if let a = after { all = all.firstIndex { $0.id == a }.map { Array(all[($0 + 1)...]) } ?? [] }
        let page = all.prefix(limit)
        return .object([("object", "list"), ("data", .array(page.map(\.json))), ("has_more", .bool(all.count > limit))])
    }

    /// Newest first, `after` a checkpoint id.
    /// - Remark: GET /v1/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints
    public func checkpoints(tenant: Tenant, id: String, after: String?, limit: Int) throws(APIError) -> JSON {
        let now = env.clock.now()
        let job = try refresh(tenant, try load(tenant, id), now: now)
        let l = log(job, tenant, now)
        var all = Array(l.checkpoints.reversed())
        if let a = after { all = all.firstIndex { $0.id == a }.map { Array(all[($0 + 1)...]) } ?? [] }
        let page = Array(all.prefix(limit))
        return .object([("object", "list"), ("data", .array(page.map(l.checkpointJSON))),
                        ("first_id", JSON(page.first?.id)), ("last_id", JSON(page.last?.id)), ("has_more", .bool(all.count > limit))])
    }

    func log(_ job: FineTuningJob, _ tenant: Tenant, _ now: Double) -> FineTuningEventLog {
        FineTuningEventLog(job: job, timeline: job.timeline(at: now), org: tenant.organizationSlug)
    }

    // MARK: actions

    /// - Remark: POST /v1/fine_tuning/jobs/{fine_tuning_job_id}/cancel
    public func cancel(tenant: Tenant, id: String) throws(APIError) -> JSON {
        try act(tenant, id, .cancel, allowed: [.validatingFiles, .queued, .running, .paused]) { job, status in
            "Job \(job.id) has already \(status == .succeeded ? "completed" : status.rawValue) and cannot be cancelled."
        }
    }

    /// - Remark: POST /v1/fine_tuning/jobs/{fine_tuning_job_id}/pause
    public func pause(tenant: Tenant, id: String) throws(APIError) -> JSON {
        try act(tenant, id, .pause, allowed: [.queued, .running]) { job, status in
            "Job \(job.id) cannot be paused because its status is '\(status.rawValue)'. Only queued or running jobs can be paused."
        }
    }

    /// - Remark: POST /v1/fine_tuning/jobs/{fine_tuning_job_id}/resume
    public func resume(tenant: Tenant, id: String) throws(APIError) -> JSON {
        try act(tenant, id, .resume, allowed: [.paused]) { job, status in
            "Job \(job.id) cannot be resumed because its status is '\(status.rawValue)'. Only paused jobs can be resumed."
        }
    }

    private func act(_ tenant: Tenant, _ id: String, _ kind: FineTuningAction.Kind, allowed: Set<FineTuningTimeline.Status>,
                     refusal: (FineTuningJob, FineTuningTimeline.Status) -> String) throws(APIError) -> JSON {
        let now = env.clock.now()
        var job = try refresh(tenant, try load(tenant, id), now: now)
        let status = job.timeline(at: now).status
        guard allowed.contains(status) else { throw .invalidRequest(refusal(job, status), param: "fine_tuning_job_id") }
        job.actions.append(FineTuningAction(kind, at: max(now, job.actions.last?.at ?? now)))
        try save(tenant, job)
        return try refresh(tenant, job, now: now).json(at: now, tenant: tenant)
    }

    /// Materializes every due side effect of the tenant's unsettled jobs (call before listing models
    /// or calling a fine-tuned model, so a model is there as soon as its job has succeeded).
    public func settle(tenant: Tenant) {
        let stamp = openJobs.stamp
        if tenant.settledJobsStamp.load(ordering: .acquiring) == stamp { return }
        guard let page = try? env.records.list(tenant: tenant.id, collection: Self.collection,
                                               query: ListQuery(filters: [RecordFilter(path: ["_open"], value: "true")],
                                                                order: .asc, limit: 10_000)) else { return }
        let now = env.clock.now()
        var stillOpen = false
        for r in page.records {
            guard let job = FineTuningJob(stored: r.body) else { continue }
            guard let refreshed = try? refresh(tenant, job, now: now) else { stillOpen = true; continue }
            if refreshed.open { stillOpen = true }
        }
        // A job saved open since `stamp` was read has moved the generation: this stamp is then
        // already stale and the next settle looks again.
        if !stillOpen { tenant.settledJobsStamp.store(stamp, ordering: .releasing) }
    }
}

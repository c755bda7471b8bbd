import SimSupport

/// A fine-tuning job as stored: what was asked for, the plan fixed at creation, user actions, and
/// which side effects (checkpoint models, result file, the model) have been materialized.
/// Its status is never stored: `timeline(at:)` computes it from the clock.
public struct FineTuningJob: Sendable {
    public var id: String
    public var createdAt: Int64
    /// Creation time with sub-second precision (phases are measured from it).
    public var t0: Double
    /// The model as the job reports it (a base snapshot or the tenant's fine-tuned model).
    public var model: String
    /// The base snapshot everything derives from (the `ft:{base}:…` name part, token limits).
    public var baseModel: String
    public var trainingFile: String
    public var validationFile: String?
    public var suffix: String?
    public var seed: Int64
    public var metadata: JSON
    public var integrations: JSON
    public var hyperparameters: FineTuningHyperparameters
    public var grader: JSON?
    public var examples: Int
    public var billingTokens: Int
    public var plan: FineTuningPlan
    public var actions: [FineTuningAction]
    /// The 8-character id in the fine-tuned model's name.
    public var modelTag: String
    public var resultFileID: String?
    public var registeredModel: Bool
    public var registeredCheckpoints: Int
    /// False once terminal and fully materialized (settled jobs are skipped by sweeps).
    public var open: Bool

    public func timeline(at now: Double) -> FineTuningTimeline {
        FineTuningTimeline.at(now, created: t0, plan: plan, actions: actions)
    }

    /// Concrete hyperparameters, known once the files validated.
    public var resolved: FineTuningHyperparameters.Resolved? {
        plan.validationFailure == nil ? hyperparameters.resolve(examples: examples) : nil
    }

    public var trainedTokens: Int { billingTokens * (resolved?.nEpochs ?? 0) }

    public func fineTunedModelName(org: String) -> String {
        "ft:\(baseModel):\(org):\(suffix ?? ""):\(modelTag)"
    }

    /// The job object at `now` (`FineTuningJob` in the spec).
    public func json(at now: Double, tenant: Tenant) -> JSON {
        let tl = timeline(at: now)
        let validated = tl.time(of: .validated) != nil
        let r = validated ? resolved : nil
        var method: [(String, JSON)] = [("type", .string(hyperparameters.method.rawValue))]
        var inner: [(String, JSON)] = []
        if let g = grader { inner.append(("grader", g)) }
        inner.append(("hyperparameters", hyperparameters.json(resolved: r)))
        method.append((hyperparameters.method.rawValue, .object(inner)))
        var error = JSON.null
        if let e = tl.error {
            error = .object([("code", .string(e.code)), ("message", .string(e.message)), ("param", JSON(e.param))])
        }
        let succeeded = tl.status == .succeeded
        return .object([
            ("object", "fine_tuning.job"), ("id", .string(id)), ("model", .string(model)), ("created_at", .int(createdAt)),
            ("finished_at", tl.finishedAt.map { .int(Int64($0.rounded(.down))) } ?? .null),
            ("fine_tuned_model", succeeded ? .string(fineTunedModelName(org: tenant.organizationSlug)) : .null),
            ("organization_id", .string(tenant.organizationID)),
            ("result_files", .array(succeeded ? [resultFileID].compactMap { $0 }.map { .string($0) } : [])),
            ("status", .string(tl.status.rawValue)),
            ("validation_file", JSON(validationFile)), ("training_file", .string(trainingFile)),
            ("hyperparameters", hyperparameters.topLevelJSON(resolved: r)),
            ("trained_tokens", succeeded ? .int(Int64(trainedTokens)) : .null),
            ("error", error), ("user_provided_suffix", JSON(suffix)), ("seed", .int(seed)),
            ("estimated_finish", tl.estimatedFinish.map { .int(Int64($0.rounded(.up))) } ?? .null),
            ("integrations", integrations), ("metadata", metadata), ("method", .object(method)),
        ])
    }

    // MARK: - storage

    var stored: JSON {
        func err(_ e: FineTuningJobError?) -> JSON {
            e.map { .object([("code", .string($0.code)), ("message", .string($0.message)), ("param", JSON($0.param))]) } ?? .null
        }
        let p = plan
        return .object([
            ("id", .string(id)), ("created_at", .int(createdAt)), ("t0", .double(t0)), ("model", .string(model)),
            ("base_model", .string(baseModel)), ("training_file", .string(trainingFile)), ("validation_file", JSON(validationFile)),
            ("suffix", JSON(suffix)), ("seed", .int(seed)), ("metadata", metadata), ("_has_metadata", .bool(!metadata.isNull)),
            ("integrations", integrations), ("method", .string(hyperparameters.method.rawValue)),
            ("hyperparameters", hyperparameters.requested), ("grader", grader ?? .null),
            ("examples", .int(Int64(examples))), ("billing_tokens", .int(Int64(billingTokens))),
            ("plan", .object([
                ("validate_s", .double(p.validateSeconds)), ("queue_s", .double(p.queueSeconds)),
                ("resume_queue_s", .double(p.resumeQueueSeconds)), ("step_s", .double(p.stepSeconds)),
                ("finalize_s", .double(p.finalizeSeconds)), ("total_steps", .int(Int64(p.totalSteps))),
                ("steps_per_epoch", .int(Int64(p.stepsPerEpoch))), ("validation_failure", err(p.validationFailure)),
                ("fail_at_step", JSON(p.failAtStep)), ("fail_error", err(p.failError)),
            ])),
            ("actions", .array(actions.map { .object([("kind", .string($0.kind.rawValue)), ("at", .double($0.at))]) })),
            ("model_tag", .string(modelTag)), ("result_file", JSON(resultFileID)), ("registered_model", .bool(registeredModel)),
            ("registered_checkpoints", .int(Int64(registeredCheckpoints))), ("_open", .bool(open)),
        ])
    }

    init(id: String, createdAt: Int64, t0: Double, model: String, baseModel: String, trainingFile: String, validationFile: String?,
         suffix: String?, seed: Int64, metadata: JSON, integrations: JSON, hyperparameters: FineTuningHyperparameters, grader: JSON?,
         examples: Int, billingTokens: Int, plan: FineTuningPlan, modelTag: String) {
        self.id = id
        self.createdAt = createdAt
        self.t0 = t0
        self.model = model
        self.baseModel = baseModel
        self.trainingFile = trainingFile
        self.validationFile = validationFile
        self.suffix = suffix
        self.seed = seed
        self.metadata = metadata
        self.integrations = integrations
        self.hyperparameters = hyperparameters
        self.grader = grader
        self.examples = examples
        self.billingTokens = billingTokens
        self.plan = plan
        self.actions = []
        self.modelTag = modelTag
        self.registeredModel = false
        self.registeredCheckpoints = 0
        self.open = true
    }

    init?(stored b: JSON) {
        func err(_ v: JSON?) -> FineTuningJobError? {
            guard let v, let c = v["code"]?.stringValue, let m = v["message"]?.stringValue else { return nil }
            return FineTuningJobError(code: c, message: m, param: v["param"]?.stringValue)
        }
        guard let id = b["id"]?.stringValue, let created = b["created_at"]?.intValue, let t0 = b["t0"]?.doubleValue,
              let model = b["model"]?.stringValue, let base = b["base_model"]?.stringValue,
              let training = b["training_file"]?.stringValue, let seed = b["seed"]?.intValue,
              let methodName = b["method"]?.stringValue, let method = FineTuningHyperparameters.Method(rawValue: methodName),
              let p = b["plan"], let tag = b["model_tag"]?.stringValue else { return nil }
        let plan = FineTuningPlan(
            validateSeconds: p["validate_s"]?.doubleValue ?? 0, queueSeconds: p["queue_s"]?.doubleValue ?? 0,
            resumeQueueSeconds: p["resume_queue_s"]?.doubleValue ?? 0, stepSeconds: p["step_s"]?.doubleValue ?? 0,
            finalizeSeconds: p["finalize_s"]?.doubleValue ?? 0, totalSteps: Int(p["total_steps"]?.intValue ?? 1),
            stepsPerEpoch: Int(p["steps_per_epoch"]?.intValue ?? 1), validationFailure: err(p["validation_failure"]),
            failAtStep: p["fail_at_step"]?.intValue.map(Int.init), failError: err(p["fail_error"]))
        self.init(id: id, createdAt: created, t0: t0, model: model, baseModel: base, trainingFile: training,
                  validationFile: b["validation_file"]?.stringValue, suffix: b["suffix"]?.stringValue, seed: seed,
                  metadata: b["metadata"] ?? .null, integrations: b["integrations"] ?? .array([]),
                  hyperparameters: FineTuningHyperparameters(requested: b["hyperparameters"] ?? .object([]), method: method),
                  grader: b["grader"].flatMap { $0.isNull ? nil : $0 }, examples: Int(b["examples"]?.intValue ?? 0),
                  billingTokens: Int(b["billing_tokens"]?.intValue ?? 0), plan: plan, modelTag: tag)
        actions = (b["actions"]?.arrayValue ?? []).compactMap { a in
            guard let k = a["kind"]?.stringValue.flatMap(FineTuningAction.Kind.init(rawValue:)), let at = a["at"]?.doubleValue else { return nil }
            return FineTuningAction(k, at: at)
        }
        resultFileID = b["result_file"]?.stringValue
        registeredModel = b["registered_model"]?.boolValue ?? false
        registeredCheckpoints = Int(b["registered_checkpoints"]?.intValue ?? 0)
        open = b["_open"]?.boolValue ?? true
    }
}

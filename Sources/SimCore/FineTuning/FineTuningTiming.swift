import SimSupport

/// How long jobs take, in simulated seconds. Durations scale with the tokens trained
/// (examples × tokens × epochs); defaults keep a small job to seconds at `--time-scale 1`.
public struct FineTuningTiming: Sendable, Equatable {
    public var validateBaseSeconds: Double = 2
    public var validateSecondsPer1KTokens: Double = 0.02
    public var queueSeconds: Double = 3
    public var resumeQueueSeconds: Double = 2
    public var runSecondsPer1KTrainedTokens: Double = 0.5
    public var minRunSeconds: Double = 5
    public var finalizeSeconds: Double = 1

    public init() {}
    public static let `default` = FineTuningTiming()

    /// Overrides from the environment: `OPENAI_SIM_FT_SECONDS_PER_1K_TOKENS` (run time per 1,000
    /// trained tokens), `OPENAI_SIM_FT_QUEUE_S`, `OPENAI_SIM_FT_VALIDATE_S`, `OPENAI_SIM_FT_MIN_RUN_S`.
    public static func fromEnvironment(_ env: [String: String]) -> FineTuningTiming {
        var t = FineTuningTiming()
        func num(_ k: String) -> Double? { env[k].flatMap(Double.init).flatMap { $0 >= 0 && $0.isFinite ? $0 : nil } }
        if let v = num("OPENAI_SIM_FT_SECONDS_PER_1K_TOKENS") { t.runSecondsPer1KTrainedTokens = v }
        if let v = num("OPENAI_SIM_FT_QUEUE_S") { t.queueSeconds = v; t.resumeQueueSeconds = v }
        if let v = num("OPENAI_SIM_FT_VALIDATE_S") { t.validateBaseSeconds = v }
        if let v = num("OPENAI_SIM_FT_MIN_RUN_S") { t.minRunSeconds = v }
        return t
    }

    /// The plan for a dataset: `script.duration_s` (a scenario's `job:` action) stretches every phase
    /// so the whole job takes that long.
    func plan(examples: Int, billingTokens: Int, resolved r: FineTuningHyperparameters.Resolved,
              validationFailure: FineTuningJobError?, script: JSON?) -> FineTuningPlan {
        let stepsPerEpoch = max(1, (examples + r.batchSize - 1) / max(1, r.batchSize))
        let steps = max(1, stepsPerEpoch * r.nEpochs)
        let trained = Double(billingTokens) * Double(r.nEpochs)
        var validate = validateBaseSeconds + Double(billingTokens) / 1000 * validateSecondsPer1KTokens
        var queue = queueSeconds
        var run = max(minRunSeconds, trained / 1000 * runSecondsPer1KTrainedTokens)
        var finalize = finalizeSeconds
        if let d = script?["duration_s"]?.doubleValue, d > 0, d.isFinite {
            let k = d / (validate + queue + run + finalize)
            validate *= k; queue *= k; run *= k; finalize *= k
        }
        var failError: FineTuningJobError?
        var failAt: Int?
        if let s = script?["fail_at_step"]?.intValue, s >= 1 {
            failAt = Int(min(s, Int64(Int32.max)))
            let e = script?["error"]
            failError = FineTuningJobError(code: e?["code"]?.stringValue ?? "server_error",
                                           message: e?["message"]?.stringValue ?? "The job failed due to an internal error.",
                                           param: e?["param"]?.stringValue)
        }
        return FineTuningPlan(validateSeconds: validate, queueSeconds: queue, resumeQueueSeconds: resumeQueueSeconds,
                              stepSeconds: run / Double(steps), finalizeSeconds: finalize, totalSteps: steps,
                              stepsPerEpoch: stepsPerEpoch, validationFailure: validationFailure, failAtStep: failAt,
                              failError: failError)
    }
}

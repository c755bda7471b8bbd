import SimSupport

/// A job's hyperparameters as requested (`"auto"` or numbers, validated against the spec's ranges)
/// and as resolved once the training data is known.
public struct FineTuningHyperparameters: Sendable, Equatable {
    public enum Method: String, Sendable, CaseIterable { case supervised, dpo, reinforcement }

    /// The requested values in wire order; absent keys are `"auto"` (or `"default"` for reasoning_effort).
    public var requested: JSON
    public let method: Method

    /// Concrete values the job trains with.
    public struct Resolved: Sendable, Equatable {
        public var nEpochs: Int
        public var batchSize: Int
        public var learningRateMultiplier: Double
        public var beta: Double?
        public var computeMultiplier: Double?
        public var evalInterval: Int?
        public var evalSamples: Int?
        public var reasoningEffort: String?
    }

    static func keys(_ m: Method) -> [String] {
        switch m {
        case .supervised: return ["batch_size", "learning_rate_multiplier", "n_epochs"]
        case .dpo: return ["beta", "batch_size", "learning_rate_multiplier", "n_epochs"]
        case .reinforcement:
            return ["batch_size", "learning_rate_multiplier", "n_epochs", "reasoning_effort", "compute_multiplier",
                    "eval_interval", "eval_samples"]
        }
    }

    /// Validates `object` (nil = all auto) for `method`; errors name `param` + "." + key.
    public static func parse(_ object: JSON?, method: Method, param: String) throws(APIError) -> FineTuningHyperparameters {
        var given: [(String, JSON)] = []
        if let o = object, !o.isNull {
            guard let pairs = o.objectValue else { throw .invalidType(param, expected: "an object", got: o) }
            given = pairs
        }
        let allowed = keys(method)
        for (k, _) in given where !allowed.contains(k) { throw .unknownParameter("\(param).\(k)") }
        var out: [(String, JSON)] = []
        for key in allowed {
            let v = given.first { $0.0 == key }?.1 ?? .null
            let p = "\(param).\(key)"
            switch key {
            case "n_epochs": out.append((key, try integer(v, p, 1...50)))
            case "batch_size": out.append((key, try integer(v, p, 1...256)))
            case "eval_interval", "eval_samples": out.append((key, try integer(v, p, 1...Int64(Int32.max))))
            case "learning_rate_multiplier": out.append((key, try number(v, p, max: 10)))
            case "beta": out.append((key, try number(v, p, max: 2)))
            case "compute_multiplier": out.append((key, try number(v, p, max: 10, min: 0.00001)))
            case "reasoning_effort":
                if v.isNull { out.append((key, "default")); break }
                let efforts = ["default", "low", "medium", "high"]
                guard let s = v.stringValue else { throw .invalidType(p, expected: "a string", got: v) }
                guard efforts.contains(s) else { throw .invalidValue(p, s, supported: efforts) }
                out.append((key, .string(s)))
            default: break
            }
        }
        return FineTuningHyperparameters(requested: .object(out), method: method)
    }

    private static func integer(_ v: JSON, _ p: String, _ range: ClosedRange<Int64>) throws(APIError) -> JSON {
        if v.isNull { return "auto" }
        if let s = v.stringValue {
            guard s == "auto" else { throw .invalidValue(p, s, supported: ["auto"]) }
            return "auto"
        }
        guard case .int = v, let i = v.intValue else {
            throw .invalidRequest("Invalid type for '\(p)': expected 'auto' or an integer, but got \(APIError.article(v.typeName)) instead.",
                                  param: p, code: "invalid_type")
        }
        if i < range.lowerBound {
            throw .invalidRequest("Invalid '\(p)': integer below minimum value. Expected a value >= \(range.lowerBound), but got \(i) instead.",
                                  param: p, code: "integer_below_min_value")
        }
        if i > range.upperBound {
            throw .invalidRequest("Invalid '\(p)': integer above maximum value. Expected a value <= \(range.upperBound), but got \(i) instead.",
                                  param: p, code: "integer_above_max_value")
        }
        return .int(i)
    }

    private static func number(_ v: JSON, _ p: String, max: Double, min: Double = 0) throws(APIError) -> JSON {
        if v.isNull { return "auto" }
        if let s = v.stringValue {
            guard s == "auto" else { throw .invalidValue(p, s, supported: ["auto"]) }
            return "auto"
        }
        guard let d = v.doubleValue, d.isFinite else {
            throw .invalidRequest("Invalid type for '\(p)': expected 'auto' or a number, but got \(APIError.article(v.typeName)) instead.",
                                  param: p, code: "invalid_type")
        }
        if d <= min {
            throw .invalidRequest("Invalid '\(p)': decimal below minimum value. Expected a value > \(format(min)), but got \(format(d)) instead.",
                                  param: p, code: "decimal_below_min_value")
        }
        if d > max {
            throw .invalidRequest("Invalid '\(p)': decimal above maximum value. Expected a value <= \(format(max)), but got \(format(d)) instead.",
                                  param: p, code: "decimal_above_max_value")
        }
        return v
    }

    static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }

    // MARK: - "auto" resolution

    /// `n_epochs: "auto"`: OpenAI's documented default (fine-tuning guide / cookbook "Data preparation
    /// and analysis for chat model fine-tuning"): aim for 3 epochs, but make sure the model sees at
    /// least 100 examples (`min(25, 100 / n)` epochs for small sets) and at most 25,000
    /// (`max(1, 25000 / n)` for large sets), with integer division.
    public static func autoEpochs(examples n: Int) -> Int {
        let target = 3, minSeen = 100, maxSeen = 25_000
        guard n > 0 else { return target }
        if n * target < minSeen { return min(25, minSeen / n) }
        if n * target > maxSeen { return max(1, maxSeen / n) }
        return target
    }

    /// `batch_size: "auto"`: the legacy fine-tunes guide documents ~0.2% of the training examples,
    /// capped at 256; small sets (the common case) train with batch size 1, as the service reports.
    public static func autoBatchSize(examples n: Int) -> Int {
        min(256, max(1, (n * 2 + 999) / 1000))
    }

    /// `learning_rate_multiplier: "auto"`: the guide only says it depends on the batch size (larger
    /// batches, larger rates on the legacy 0.05–0.2 scale); current jobs report 2.0 for small batches.
    /// This simulator's rule: 2.0 below 8, 1.8 below 32, 1.0 from 32 on.
    public static func autoLearningRateMultiplier(batchSize b: Int) -> Double {
        b < 8 ? 2.0 : (b < 32 ? 1.8 : 1.0)
    }

    /// Every `"auto"` replaced by its resolved value for a training set of `examples`.
    public func resolve(examples: Int) -> Resolved {
        let r = requested
        let epochs = r["n_epochs"]?.intValue.map(Int.init) ?? Self.autoEpochs(examples: examples)
        let batch = r["batch_size"]?.intValue.map(Int.init) ?? Self.autoBatchSize(examples: examples)
        let lrm = r["learning_rate_multiplier"]?.doubleValue ?? Self.autoLearningRateMultiplier(batchSize: batch)
        var out = Resolved(nEpochs: epochs, batchSize: batch, learningRateMultiplier: lrm)
        switch method {
        case .supervised: break
        case .dpo: out.beta = r["beta"]?.doubleValue ?? 0.1
        case .reinforcement:
            out.computeMultiplier = r["compute_multiplier"]?.doubleValue ?? 1.0
            out.evalInterval = r["eval_interval"]?.intValue.map(Int.init) ?? 1
            out.evalSamples = r["eval_samples"]?.intValue.map(Int.init) ?? 1
            let effort = r["reasoning_effort"]?.stringValue ?? "default"
            out.reasoningEffort = effort
        }
        return out
    }

    /// The method's hyperparameters object on the wire: requested values, or resolved ones once known.
    public func json(resolved: Resolved?) -> JSON {
        guard let r = resolved else { return requested }
        var out: [(String, JSON)] = []
        for key in Self.keys(method) {
            switch key {
            case "n_epochs": out.append((key, .int(Int64(r.nEpochs))))
            case "batch_size": out.append((key, .int(Int64(r.batchSize))))
            case "learning_rate_multiplier": out.append((key, .double(r.learningRateMultiplier)))
            case "beta": out.append((key, .double(r.beta ?? 0.1)))
            case "compute_multiplier": out.append((key, .double(r.computeMultiplier ?? 1)))
            case "eval_interval": out.append((key, .int(Int64(r.evalInterval ?? 1))))
            case "eval_samples": out.append((key, .int(Int64(r.evalSamples ?? 1))))
            case "reasoning_effort": out.append((key, .string(r.reasoningEffort ?? "default")))
            default: break
            }
        }
        return .object(out)
    }

    /// The job's top-level `hyperparameters` (the three common keys only, as the spec types it).
    public func topLevelJSON(resolved: Resolved?) -> JSON {
        let full = json(resolved: resolved)
        return .object(["batch_size", "learning_rate_multiplier", "n_epochs"].map { ($0, full[$0] ?? "auto") })
    }
}

import SimSupport

/// A `CreateFineTuningJobRequest` body, checked the way the API checks it before creating the job.
public struct FineTuningRequest: Sendable {
    public var model: String
    public var trainingFile: String
    public var validationFile: String?
    public var suffix: String?
    public var seed: Int64?
    public var metadata: JSON
    public var integrations: JSON
    public var hyperparameters: FineTuningHyperparameters
    /// The reinforcement grader, echoed in `method.reinforcement.grader`.
    public var grader: JSON?

    static let keys: Set<String> = ["model", "training_file", "hyperparameters", "suffix", "validation_file", "integrations",
                                    "seed", "method", "metadata"]

    /// - Remark: POST /v1/fine_tuning/jobs (body validation only)
    public static func parse(_ body: JSON) throws(APIError) -> FineTuningRequest {
        guard let pairs = body.objectValue else { throw .invalidRequest("The request body must be a JSON object.") }
        for (k, _) in pairs where !keys.contains(k) { throw .unknownParameter(k) }
        let model = try requiredString(body, "model")
        let training = try requiredString(body, "training_file")
        let validation = try optionalString(body, "validation_file")
        let suffix = try optionalString(body, "suffix")
        if let s = suffix {
            if s.isEmpty {
                throw .invalidRequest("Invalid 'suffix': string too short. Expected a string with minimum length 1, but got an empty string instead.",
                                      param: "suffix", code: "string_below_min_length")
            }
            if s.count > 64 {
                throw .invalidRequest("Invalid 'suffix': string too long. Expected a string with maximum length 64, but got a string with length \(s.count) instead.",
                                      param: "suffix", code: "string_above_max_length")
            }
        }
        var seed: Int64?
        if let v = present(body, "seed") {
            guard case .int = v, let i = v.intValue else { throw .invalidType("seed", expected: "an integer", got: v) }
            guard (0...2_147_483_647).contains(i) else {
                throw .invalidRequest("Invalid 'seed': expected a value between 0 and 2147483647, but got \(i) instead.",
                                      param: "seed", code: i < 0 ? "integer_below_min_value" : "integer_above_max_value")
            }
            seed = i
        }
        let metadata = try parseMetadata(present(body, "metadata"))
        let integrations = try parseIntegrations(present(body, "integrations"))
        let (hyper, grader) = try parseMethod(body)
        return FineTuningRequest(model: model, trainingFile: training, validationFile: validation, suffix: suffix, seed: seed,
                                 metadata: metadata, integrations: integrations, hyperparameters: hyper, grader: grader)
    }

    static func present(_ o: JSON, _ k: String) -> JSON? {
        guard let v = o[k], !v.isNull else { return nil }
        return v
    }

    static func optionalString(_ o: JSON, _ k: String) throws(APIError) -> String? {
        guard let v = present(o, k) else { return nil }
        guard let s = v.stringValue else { throw .invalidType(k, expected: "a string", got: v) }
        return s
    }

    static func requiredString(_ o: JSON, _ k: String, param: String? = nil) throws(APIError) -> String {
        let p = param ?? k
        guard let v = present(o, k) else { throw .missingParameter(p) }
        guard let s = v.stringValue else { throw .invalidType(p, expected: "a string", got: v) }
        return s
    }

    /// `method` (or the deprecated top-level `hyperparameters`, which means supervised).
    static func parseMethod(_ body: JSON) throws(APIError) -> (FineTuningHyperparameters, JSON?) {
        let topLevel = present(body, "hyperparameters")
        guard let method = present(body, "method") else {
            return (try FineTuningHyperparameters.parse(topLevel, method: .supervised, param: "hyperparameters"), nil)
        }
        guard let pairs = method.objectValue else { throw .invalidType("method", expected: "an object", got: method) }
        let typeName = try requiredString(method, "type", param: "method.type")
        guard let type = FineTuningHyperparameters.Method(rawValue: typeName) else {
            throw .invalidValue("method.type", typeName, supported: FineTuningHyperparameters.Method.allCases.map(\.rawValue))
        }
        for (k, v) in pairs where k != "type" && !v.isNull {
            guard let m = FineTuningHyperparameters.Method(rawValue: k) else { throw .unknownParameter("method.\(k)") }
            if m != type {
                throw .invalidRequest("Invalid 'method.\(k)': only 'method.\(type.rawValue)' may be given when 'method.type' is '\(type.rawValue)'.",
                                      param: "method.\(k)", code: "invalid_value")
            }
        }
        let inner = present(method, type.rawValue)
        if let i = inner, i.objectValue == nil { throw .invalidType("method.\(type.rawValue)", expected: "an object", got: i) }
        let allowedInner: Set<String> = type == .reinforcement ? ["grader", "hyperparameters"] : ["hyperparameters"]
        for (k, _) in inner?.objectValue ?? [] where !allowedInner.contains(k) { throw .unknownParameter("method.\(type.rawValue).\(k)") }
        let nested = inner.flatMap { present($0, "hyperparameters") }
        if topLevel != nil, nested != nil {
            throw .invalidRequest("Specify hyperparameters in 'method.\(type.rawValue).hyperparameters' only; the top-level 'hyperparameters' is deprecated and cannot be combined with them.",
                                  param: "hyperparameters")
        }
        if topLevel != nil, type != .supervised {
            throw .invalidRequest("The top-level 'hyperparameters' apply to supervised fine-tuning only; use 'method.\(type.rawValue).hyperparameters'.",
                                  param: "hyperparameters")
        }
        let hyper = try FineTuningHyperparameters.parse(nested ?? topLevel, method: type,
                                                        param: nested != nil ? "method.\(type.rawValue).hyperparameters" : "hyperparameters")
        var grader: JSON?
        if type == .reinforcement {
            guard let g = inner.flatMap({ present($0, "grader") }) else { throw .missingParameter("method.reinforcement.grader") }
            try checkGrader(g, param: "method.reinforcement.grader")
            grader = g
        }
        return (hyper, grader)
    }

    /// The grader, checked as `/v1/fine_tuning/alpha/graders/validate` checks it (the same types,
    /// fields, operations, metrics, templates and multi-grader formulas).
    static func checkGrader(_ g: JSON, param: String) throws(APIError) {
        try GraderRunner.check(g, param, types: GraderRunner.topTypes)
    }

    /// Up to 16 string pairs; keys ≤ 64 characters, values ≤ 512.
    public static func parseMetadata(_ v: JSON?) throws(APIError) -> JSON {
        guard let v else { return .null }
        guard let pairs = v.objectValue else { throw .invalidType("metadata", expected: "an object", got: v) }
        guard pairs.count <= 16 else {
            throw .invalidRequest("Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with \(pairs.count) properties instead.",
                                  param: "metadata", code: "object_above_max_properties")
        }
        for (k, val) in pairs {
            guard k.count <= 64 else {
                throw .invalidRequest("Invalid 'metadata': string too long. Expected a key with maximum length 64, but got a key with length \(k.count) instead.",
                                      param: "metadata", code: "string_above_max_length")
            }
            guard let s = val.stringValue else { throw .invalidType("metadata.\(k)", expected: "a string", got: val) }
            guard s.count <= 512 else {
                throw .invalidRequest("Invalid 'metadata.\(k)': string too long. Expected a string with maximum length 512, but got a string with length \(s.count) instead.",
                                      param: "metadata.\(k)", code: "string_above_max_length")
            }
        }
        return v
    }

    /// Weights & Biases integrations (at most 5), echoed as given.
    static func parseIntegrations(_ v: JSON?) throws(APIError) -> JSON {
        guard let v else { return .array([]) }
        guard let list = v.arrayValue else { throw .invalidType("integrations", expected: "an array", got: v) }
        guard list.count <= 5 else {
            throw .invalidRequest("Invalid 'integrations': array too long. Expected an array with maximum length 5, but got an array with length \(list.count) instead.",
                                  param: "integrations", code: "array_above_max_length")
        }
        var out: [JSON] = []
        for (i, item) in list.enumerated() {
            let p = "integrations[\(i)]"
            guard item.objectValue != nil else { throw .invalidType(p, expected: "an object", got: item) }
            let type = try requiredString(item, "type", param: "\(p).type")
            guard type == "wandb" else { throw .invalidValue("\(p).type", type, supported: ["wandb"]) }
            guard let w = present(item, "wandb") else { throw .missingParameter("\(p).wandb") }
            guard w.objectValue != nil else { throw .invalidType("\(p).wandb", expected: "an object", got: w) }
            let project = try requiredString(w, "project", param: "\(p).wandb.project")
            var wandb: [(String, JSON)] = [("project", .string(project))]
            for key in ["name", "entity"] {
                if let s = present(w, key) {
                    guard s.stringValue != nil else { throw .invalidType("\(p).wandb.\(key)", expected: "a string", got: s) }
                    wandb.append((key, s))
                } else { wandb.append((key, .null)) }
            }
            if let tags = present(w, "tags") {
                guard let t = tags.arrayValue, t.allSatisfy({ $0.stringValue != nil }) else {
                    throw .invalidType("\(p).wandb.tags", expected: "an array of strings", got: tags)
                }
                wandb.append(("tags", tags))
            }
            out.append(.object([("type", "wandb"), ("wandb", .object(wandb))]))
        }
        return .array(out)
    }
}

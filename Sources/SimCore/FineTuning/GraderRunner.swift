import SimSupport

/// `POST /v1/fine_tuning/alpha/graders/validate` and `…/run`: the graders of reinforcement
/// fine-tuning, checked and applied to one model sample, as a user tries them out before a job.
///
/// A grader sees `item` (the dataset row given) and `sample` (`output_text`: the model sample;
/// `output_json`: the sample parsed, when it is a JSON object) through `{{…}}` templates.
/// `string_check` and `text_similarity` are computed for real (the metrics of `TextSimilarity`),
/// `score_model` and `label_model` are the deterministic stand-ins evals use (a seeded score in
/// the grader's range; the label the sample names), `multi` combines its graders' rewards with
/// `calculate_output` (`+ - * / ^`, parentheses, `min max abs floor ceil exp sqrt log`).
/// `python` graders run when the server has a runner (`--python-graders`: `grade(sample, item)`
/// in `python3`); without one their reward is 0 with `python_grader_server_error` set.
/// Problems the API reports in `metadata.errors` instead of refusing the request (a template
/// variable that names nothing, `sample.output_json` of a sample that is not JSON, a formula that
/// does not evaluate) are reported there, with a reward of 0.
public enum GraderRunner {
    static let topTypes = ["string_check", "text_similarity", "python", "score_model", "multi"]
    static let innerTypes = ["string_check", "text_similarity", "python", "score_model", "label_model"]

    public static func validate(body: JSON) throws(APIError) -> JSON {
        try rejectUnknown(body, ["grader"], "")
        guard let g = EvalValidation.member(body, "grader") else { throw .missingParameter("grader") }
        try check(g, "grader", types: topTypes)
        return .object([("grader", echoed(g))])
    }

    /// The reward of `model_sample` for `item` under `grader`. `seed` makes the model graders'
    /// stand-in scores repeatable.
    public static func run(body: JSON, seed: UInt64, python: (any PythonGraderRunner)? = nil) throws(APIError) -> JSON {
        try rejectUnknown(body, ["grader", "item", "model_sample"], "")
        guard let g = EvalValidation.member(body, "grader") else { throw .missingParameter("grader") }
        try check(g, "grader", types: topTypes)
        guard let s = EvalValidation.member(body, "model_sample") else { throw .missingParameter("model_sample") }
        guard let sampleText = s.stringValue else { throw .invalidType("model_sample", expected: "a string", got: s) }
        let item = EvalValidation.member(body, "item") ?? .object([])
        try EvalValidation.object(item, "item")

        var sample: [(String, JSON)] = [("output_text", .string(sampleText))]
        let parsed = try? JSONParser.parse(sampleText)
        if let parsed, parsed.objectValue != nil { sample.append(("output_json", parsed)) }
        var run = Run(item: item, sample: .object(sample), sampleIsJSON: parsed?.objectValue != nil, seed: seed, python: python)
        var reward = run.reward(of: g)
        if !reward.isFinite { run.errors.other = true }
        if run.errors.any { reward = 0 }

        let tokens = run.usage.reduce(0) { $0 + $1.prompt + $1.completion }
        let metadata: JSON = .object([
            ("name", .string(g["name"]?.stringValue ?? "")), ("type", .string(g["type"]?.stringValue ?? "")),
            ("errors", run.errors.json), ("execution_time", .double(run.executionTime)),
            ("scores", .object(run.scores)), ("token_usage", run.usage.isEmpty ? .null : .int(Int64(tokens))),
            ("sampled_model_name", run.usage.first.map { .string($0.model) } ?? .null),
        ])
        var perModel: [(String, JSON)] = []
        for u in run.usage {
            let entry: JSON = .object([("prompt_tokens", .int(Int64(u.prompt))), ("total_tokens", .int(Int64(u.prompt + u.completion))),
                                       ("completion_tokens", .int(Int64(u.completion))), ("cached_tokens", .int(0))])
            if let i = perModel.firstIndex(where: { $0.0 == u.model }) {
                let old = perModel[i].1
                func sum(_ k: String) -> JSON { .int((old[k]?.intValue ?? 0) + (entry[k]?.intValue ?? 0)) }
                perModel[i].1 = .object([("prompt_tokens", sum("prompt_tokens")), ("total_tokens", sum("total_tokens")),
                                         ("completion_tokens", sum("completion_tokens")), ("cached_tokens", .int(0))])
            } else {
                perModel.append((u.model, entry))
            }
        }
        return .object([("reward", .double(rounded(reward))), ("metadata", metadata),
                        ("sub_rewards", .object(run.subRewards)), ("model_grader_token_usage_per_model", .object(perModel))])
    }

    static func rounded(_ x: Double) -> Double { x.isFinite ? (x * 1e6).rounded() / 1e6 : 0 }

    // MARK: - Checks

    static func rejectUnknown(_ v: JSON, _ allowed: Set<String>, _ param: String) throws(APIError) {
        for (k, _) in v.objectValue ?? [] where !allowed.contains(k) { throw .unknownParameter(EvalValidation.path(param, k)) }
    }

    /// A grader type's members, in the order the spec's schema lists them (and `echoed` writes them).
    static func members(of type: String) -> [String] {
        switch type {
        case "string_check": return ["type", "name", "input", "reference", "operation"]
        case "text_similarity": return ["type", "name", "input", "reference", "evaluation_metric"]
        case "python": return ["type", "name", "source", "image_tag"]
        case "score_model": return ["type", "name", "model", "input", "range", "sampling_params"]
        case "label_model": return ["type", "name", "model", "input", "labels", "passing_labels"]
        default: return ["type", "name", "graders", "calculate_output"]
        }
    }

    /// One grader against its schema (`GraderStringCheck`, …, `GraderMulti`); a multi grader's
    /// `graders` is one grader or an object of named graders, and its formula must parse and name
    /// only them.
    static func check(_ g: JSON, _ param: String, types: [String]) throws(APIError) {
        typealias V = EvalValidation
        try V.object(g, param)
        guard V.member(g, "type") != nil else { throw .missingParameter("\(param).type") }
        try V.oneOf(g, "type", param, types)
        let type = g["type"]?.stringValue ?? ""
        try rejectUnknown(g, Set(members(of: type)), param)
        try V.string(g, "name", param, required: true)
        switch type {
        case "string_check":
            try V.string(g, "input", param, required: true)
            try V.string(g, "reference", param, required: true)
            guard V.member(g, "operation") != nil else { throw .missingParameter("\(param).operation") }
            try V.oneOf(g, "operation", param, ["eq", "ne", "like", "ilike"])
        case "text_similarity":
            try V.string(g, "input", param, required: true)
            try V.string(g, "reference", param, required: true)
            guard V.member(g, "evaluation_metric") != nil else { throw .missingParameter("\(param).evaluation_metric") }
            try V.oneOf(g, "evaluation_metric", param, TextSimilarity.metrics)
        case "python":
            try V.string(g, "source", param, required: true)
            try V.string(g, "image_tag", param, required: false)
        case "score_model", "label_model":
            try V.string(g, "model", param, required: true)
            try V.messages(g, "input", param)
            if type == "label_model" {
                try V.strings(g, "labels", param)
                try V.strings(g, "passing_labels", param)
            }
            if let r = V.member(g, "range") {
                let (lo, hi) = try V.range(r, param)
                guard lo < hi else {
                    throw .invalidRequest("Invalid '\(param).range': the first number must be below the second.", param: "\(param).range",
                                          code: "invalid_value")
                }
            }
            if let s = V.member(g, "sampling_params") {
                let p = "\(param).sampling_params"
                try V.object(s, p)
                try rejectUnknown(s, ["seed", "top_p", "temperature", "max_completions_tokens", "reasoning_effort"], p)
                try V.integer(s, "seed", p)
                try V.number(s, "top_p", p, required: false)
                try V.number(s, "temperature", p, required: false)
                try V.integer(s, "max_completions_tokens", p, minimum: 1)
                try V.oneOf(s, "reasoning_effort", p, V.reasoningEfforts)
            }
        default: // multi
            guard let inner = V.member(g, "graders") else { throw .missingParameter("\(param).graders") }
            let named = try graders(of: inner, "\(param).graders")
            guard let formula = try V.string(g, "calculate_output", param, required: true) else { return }
            do throws(Formula.ParseError) {
                let f = try Formula.parse(formula)
                if let unknown = f.variables.first(where: { v in !named.contains { $0.name == v } }) {
                    throw .init(message: "'\(unknown)' is not one of the graders (\(named.map(\.name).joined(separator: ", ")))")
                }
            } catch {
                throw .invalidRequest("Invalid '\(param).calculate_output': \(error.message).", param: "\(param).calculate_output",
                                      code: "invalid_value")
            }
        }
    }

    /// A multi grader's graders with the names its formula uses: the keys of an object of graders,
    /// or the `name` of a single grader.
    static func graders(of inner: JSON, _ param: String) throws(APIError) -> [(name: String, grader: JSON)] {
        guard let pairs = inner.objectValue else { throw .invalidType(param, expected: "an object", got: inner) }
        if inner["type"]?.stringValue != nil {
            try check(inner, param, types: innerTypes)
            return [(inner["name"]?.stringValue ?? "", inner)]
        }
        guard !pairs.isEmpty else {
            throw .invalidRequest("Invalid '\(param)': expected at least one grader.", param: param, code: "invalid_value")
        }
        var out: [(name: String, grader: JSON)] = []
        for (k, v) in pairs {
            try check(v, "\(param).\(k)", types: innerTypes)
            out.append((k, v))
        }
        return out
    }

    /// A checked grader as it is echoed: its schema's members only, messages reduced as evals echo them.
    static func echoed(_ g: JSON) -> JSON {
        let type = g["type"]?.stringValue ?? ""
        var out = EvalValidation.picking(g, members(of: type))
        if let input = out["input"]?.arrayValue { out = out.setting("input", .array(input.map { EvalValidation.echoed(message: $0) })) }
        if let sp = out["sampling_params"] { out = out.setting("sampling_params", EvalValidation.droppingNulls(sp)) }
        if type == "multi", let inner = out["graders"] {
            if inner["type"]?.stringValue != nil {
                out = out.setting("graders", echoed(inner))
            } else if let pairs = inner.objectValue {
                out = out.setting("graders", .object(pairs.map { ($0.0, echoed($0.1)) }))
            }
        }
        return out
    }

    // MARK: - Running

    struct Errors {
        var formulaParse = false, sampleParse = false, invalidVariable = false, other = false
        /// The kind of a python grader's server error (`not_simulated` without a runner, `timeout`, …).
        var pythonServer: String?
        var pythonServerDetails: String?
        var pythonRuntime: String?
        var any: Bool { formulaParse || sampleParse || invalidVariable || other || pythonServer != nil || pythonRuntime != nil }

        var json: JSON {
            .object([
                ("formula_parse_error", .bool(formulaParse)), ("sample_parse_error", .bool(sampleParse)),
                ("truncated_observation_error", .bool(false)), ("unresponsive_reward_error", .bool(false)),
                ("invalid_variable_error", .bool(invalidVariable)), ("other_error", .bool(other)),
                ("python_grader_server_error", .bool(pythonServer != nil)),
                ("python_grader_server_error_type", pythonServer.map { .string($0) } ?? .null),
                ("python_grader_runtime_error", .bool(pythonRuntime != nil)),
                ("python_grader_runtime_error_details", pythonRuntime.map { .string($0) } ?? pythonServerDetails.map { .string($0) } ?? .null),
                ("model_grader_server_error", .bool(false)), ("model_grader_refusal_error", .bool(false)),
                ("model_grader_parse_error", .bool(false)), ("model_grader_server_error_details", .null),
            ])
        }
    }

    struct Run {
        let item: JSON
        let sample: JSON
        let sampleIsJSON: Bool
        let seed: UInt64
        let python: (any PythonGraderRunner)?
        var errors = Errors()
        var scores: [(String, JSON)] = []
        var subRewards: [(String, JSON)] = []
        var usage: [(model: String, prompt: Int, completion: Int)] = []
        /// Seconds the grading "took": a fixed cost per grader plus one per model token, so that
        /// the same request reports the same time.
        var executionTime = 0.0

        mutating func reward(of g: JSON) -> Double {
            let type = g["type"]?.stringValue ?? ""
            executionTime += 0.002
            switch type {
            case "string_check":
                let input = render(g["input"]), reference = render(g["reference"])
                switch g["operation"]?.stringValue ?? "" {
                case "eq": return input == reference ? 1 : 0
                case "ne": return input != reference ? 1 : 0
                case "like": return input.contains(reference) ? 1 : 0
                default: return input.lowercased().contains(reference.lowercased()) ? 1 : 0
                }
            case "text_similarity":
                return TextSimilarity.score(g["evaluation_metric"]?.stringValue ?? "", render(g["input"]), render(g["reference"]))
            case "score_model", "label_model":
                for m in g["input"]?.arrayValue ?? [] { _ = renderContent(m["content"]) }
                let grader = EvalGrader(g)
                let result = grader.grade(item: item, sample: sample, seed: seed)
                let prompt = TokenEstimator.count(grader.messagesText(item: item, sample: sample)) + 4 * (g["input"]?.arrayValue?.count ?? 0)
                let answer = type == "label_model" ? result["label"]?.stringValue ?? "" : "\(result["score"]?.doubleValue ?? 0)"
                let completion = max(1, TokenEstimator.count(answer))
                usage.append((g["model"]?.stringValue ?? "", prompt, completion))
                executionTime += 0.3 + 0.0004 * Double(prompt) + 0.02 * Double(completion)
                if type == "label_model" { return result["passed"]?.boolValue == true ? 1 : 0 }
                return result["score"]?.doubleValue ?? 0
            case "python":
                guard let python else {
                    errors.pythonServer = "not_simulated"
                    return 0
                }
                switch python.grade(source: g["source"]?.stringValue ?? "", pairs: [(sample, item)]).first {
                case let .score(x)?:
                    executionTime += 0.05
                    return x
                case let .runtimeError(message)?:
                    errors.pythonRuntime = message
                case let .serverError(kind, message)?:
                    errors.pythonServer = kind
                    errors.pythonServerDetails = message
                case nil:
                    errors.pythonServer = "no_result"
                }
                return 0
            default: // multi
                guard let named = try? GraderRunner.graders(of: g["graders"] ?? .null, "graders") else { errors.other = true; return 0 }
                var values: [String: Double] = [:]
                for (name, inner) in named {
                    let r = reward(of: inner)
                    values[name] = r
                    subRewards.append((name, .double(GraderRunner.rounded(r))))
                    scores.append((name, .double(GraderRunner.rounded(r))))
                }
                guard let f = try? Formula.parse(g["calculate_output"]?.stringValue ?? ""), let v = f.evaluate(values) else {
                    errors.formulaParse = true
                    return 0
                }
                return v
            }
        }

        /// A template rendered for this item and sample, noting variables that name nothing.
        mutating func render(_ template: JSON?) -> String {
            let t = template?.stringValue ?? ""
            var rest = Substring(t)
            while let open = rest.firstRange(of: "{{"), let close = rest[open.upperBound...].firstRange(of: "}}") {
                let path = rest[open.upperBound..<close.lowerBound].trimmingSpaces()
                if EvalTemplate.value(at: path, item: item, sample: sample) == nil {
                    if !sampleIsJSON && (path == "sample.output_json" || path.hasPrefix("sample.output_json.")) {
                        errors.sampleParse = true
                    } else {
                        errors.invalidVariable = true
                    }
                }
                rest = rest[close.upperBound...]
            }
            return EvalTemplate.render(t, item: item, sample: sample)
        }

        mutating func renderContent(_ content: JSON?) -> String {
            switch content {
            case let .string(s)?: return render(.string(s))
            case let .array(parts)?: return parts.map { renderContent($0) }.joined(separator: "\n")
            case let c? where c.objectValue != nil: return render(c["text"])
            default: return ""
            }
        }
    }
}

import SimSupport

/// How a run turns one data-source row into a model sample: a `completions` run renders its
/// input messages for the row and sends them through the live chat completions handler, a
/// `responses` run through the responses handler (unstored); a `jsonl` run samples nothing and
/// grades the row's own `sample`.
struct EvalRunSampler {
    struct Sampled {
        /// The output item's `sample` member (the spec's shape, also for jsonl runs).
        var sample: JSON
        /// What graders see as `sample`: `output_text`, `output_json`, `model`, `choices`; nil
        /// for jsonl runs (graders then read the row's own `sample`).
        var forGrading: JSON?
        var error: JSON?
    }

    let type: String
    let model: String
    let template: [JSON]?
    let itemReference: String?
    let params: JSON
    let endpoint: InternalEndpoint?
    let executor: InternalRequestExecutor

    static let defaultMaxTokens: Int64 = 2048
    static let defaultSeed: Int64 = 42

    /// `source` as `EvalService.checkedRunSource` returns it (its members already checked).
    init(type: String, source: JSON, executor: InternalRequestExecutor) {
        self.type = type
        self.executor = executor
        model = source["model"]?.stringValue ?? ""
        params = source["sampling_params"] ?? .null
        let im = source["input_messages"]
        template = im?["template"]?.arrayValue
        itemReference = im?["item_reference"]?.stringValue
        endpoint = type == "jsonl" ? nil
            : executor.internalEndpoint(method: "POST", path: type == "responses" ? "/v1/responses" : "/v1/chat/completions")
    }

    /// The text of a message's `content`: a string (rendered), an `input_text`/`output_text`
    /// part, or a list of parts (their texts, joined).
    static func contentText(_ content: JSON?, item: JSON, sample: JSON?) -> String {
        guard let content else { return "" }
        switch content {
        case let .string(s): return EvalTemplate.render(s, item: item, sample: sample)
        case let .array(parts): return parts.map { contentText($0, item: item, sample: sample) }.joined(separator: "\n")
        case .object: return EvalTemplate.render(content["text"]?.stringValue ?? "", item: item, sample: sample)
        default: return ""
        }
    }

    func messages(for row: JSON) -> [(String, String)] {
        let item = row["item"] ?? .null
        if let template {
            return template.map { ($0["role"]?.stringValue ?? "user", Self.contentText($0["content"], item: item, sample: nil)) }
        }
        let path = (itemReference ?? "").hasPrefix("item.") || itemReference == "item" ? itemReference ?? "" : "item.\(itemReference ?? "")"
        let list = EvalTemplate.value(at: path, item: item, sample: nil)?.arrayValue ?? []
        return list.map { ($0["role"]?.stringValue ?? "user", Self.contentText($0["content"], item: .null, sample: nil)) }
    }

    func sample(_ row: JSON, index: Int, tenant: Tenant, overrides: RequestOverrides, env: SimEnvironment) -> Sampled {
        let temperature = params["temperature"]?.doubleValue ?? 1
        let topP = params["top_p"]?.doubleValue ?? 1
        let seed = params["seed"]?.intValue ?? Self.defaultSeed
        let maxTokens = params["max_completion_tokens"]?.intValue
        func shaped(input: [(String, String)], output: String?, finish: String, model: String, usage: (Int64, Int64, Int64), error: JSON?) -> JSON {
            .object([
                ("input", .array(input.map { .object([("role", .string($0.0)), ("content", .string($0.1))]) })),
                ("output", .array(output.map { [.object([("role", "assistant"), ("content", .string($0))])] } ?? [])),
                ("finish_reason", .string(finish)), ("model", .string(model)),
                ("usage", .object([("total_tokens", .int(usage.0 + usage.1)), ("completion_tokens", .int(usage.1)),
                                   ("prompt_tokens", .int(usage.0)), ("cached_tokens", .int(usage.2))])),
                ("error", error ?? .null), ("temperature", .double(temperature)),
                ("max_completion_tokens", .int(maxTokens ?? Self.defaultMaxTokens)), ("top_p", .double(topP)), ("seed", .int(seed)),
            ])
        }
        guard let endpoint else {
            // jsonl: the row's own sample is what was sampled.
            let given = row["sample"]
            let text = given?["output_text"]?.stringValue
            return Sampled(sample: shaped(input: [], output: text, finish: text == nil ? "" : "stop",
                                          model: given?["model"]?.stringValue ?? "", usage: (0, 0, 0), error: nil),
                           forGrading: nil, error: nil)
        }
        let input = messages(for: row)
        var body: [(String, JSON)] = [("model", .string(model))]
        let wire: JSON = .array(input.map { .object([("role", .string($0.0)), ("content", .string($0.1))]) })
        if type == "responses" {
            body += [("input", wire), ("store", false), ("temperature", .double(temperature)), ("top_p", .double(topP))]
            if let maxTokens { body.append(("max_output_tokens", .int(maxTokens))) }
            if let text = params["text"], !text.isNull { body.append(("text", text)) }
        } else {
            body += [("messages", wire), ("temperature", .double(temperature)), ("top_p", .double(topP)), ("seed", .int(seed))]
            if let maxTokens { body.append(("max_completion_tokens", .int(maxTokens))) }
            if let f = params["response_format"], !f.isNull { body.append(("response_format", f)) }
        }
        if let tools = params["tools"], !tools.isNull { body.append(("tools", tools)) }
        let answer = endpoint(InternalRequest(body: .object(body), tenant: tenant, overrides: overrides,
                                              requestID: executor.newRequestID(), environment: env))
        guard answer.status == 200 else {
            let e = answer.body["error"]
            let error: JSON = .object([("code", .string(e?["code"]?.stringValue ?? e?["type"]?.stringValue ?? "sampling_error")),
                                       ("message", .string(e?["message"]?.stringValue ?? "The model call failed with status \(answer.status)."))])
            return Sampled(sample: shaped(input: input, output: nil, finish: "", model: model, usage: (0, 0, 0), error: error),
                           forGrading: nil, error: error)
        }
        let r = answer.body
        let text: String, finish: String, usage: (Int64, Int64, Int64)
        if type == "responses" {
            text = (r["output"]?.arrayValue ?? []).flatMap { $0["content"]?.arrayValue ?? [] }
                .filter { $0["type"]?.stringValue == "output_text" }.compactMap { $0["text"]?.stringValue }.joined()
            finish = r["status"]?.stringValue == "incomplete" ? "length" : "stop"
            let u = r["usage"]
            usage = (u?["input_tokens"]?.intValue ?? 0, u?["output_tokens"]?.intValue ?? 0,
                     u?["input_tokens_details"]?["cached_tokens"]?.intValue ?? 0)
        } else {
            let choice = r["choices"]?.arrayValue?.first
            text = choice?["message"]?["content"]?.stringValue ?? ""
            finish = choice?["finish_reason"]?.stringValue ?? "stop"
            let u = r["usage"]
            usage = (u?["prompt_tokens"]?.intValue ?? 0, u?["completion_tokens"]?.intValue ?? 0,
                     u?["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0)
        }
        let answeredModel = r["model"]?.stringValue ?? model
        var grading: [(String, JSON)] = [("model", .string(answeredModel)), ("output_text", .string(text))]
        if let parsed = try? JSONParser.parse(Array(text.utf8)), parsed.objectValue != nil { grading.append(("output_json", parsed)) }
        if let choices = r["choices"] { grading.append(("choices", choices)) }
        return Sampled(sample: shaped(input: input, output: text, finish: finish, model: answeredModel, usage: usage, error: nil),
                       forGrading: .object(grading), error: nil)
    }
}

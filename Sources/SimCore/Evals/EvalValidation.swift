import SimSupport

/// Field checks for evals and runs. Evals and runs echo what they were created with, so whatever
/// is accepted here must also be a valid answer: each check follows the spec's schema of the
/// member (400 naming the member otherwise), and null members of sampling parameters are
/// dropped rather than echoed.
enum EvalValidation {
    static let roles = ["user", "assistant", "system", "developer"]
    static let reasoningEfforts = ["none", "minimal", "low", "medium", "high", "xhigh", "max"]

    static func object(_ v: JSON, _ param: String) throws(APIError) {
        guard v.objectValue != nil else { throw .invalidType(param, expected: "an object", got: v) }
    }

    /// A score model grader's `range`: two numbers (the spec's length constraint is misspelt,
    /// so generated requests send any length; the description says a range).
    static func range(_ r: JSON, _ param: String) throws(APIError) -> (low: Double, high: Double) {
        guard let a = r.arrayValue else { throw .invalidType("\(param).range", expected: "an array of two numbers", got: r) }
        guard a.count == 2, let lo = a[0].doubleValue, let hi = a[1].doubleValue else {
            let what = a.count == 2 ? "an array with an item that is not a number" : "an array of \(a.count) items"
            throw .invalidRequest("Invalid type for '\(param).range': expected an array of two numbers, but got \(what) instead.",
                                  param: "\(param).range", code: "invalid_type")
        }
        return (lo, hi)
    }

    /// `g[key]` when present and not null.
    static func member(_ g: JSON, _ key: String) -> JSON? {
        guard let v = g[key], !v.isNull else { return nil }
        return v
    }

    /// `param.key`, or `key` at the top level (`param` empty).
    static func path(_ param: String, _ key: String) -> String { param.isEmpty ? key : "\(param).\(key)" }

    /// `g[key]` as a string (nil when absent or null and not required).
    @discardableResult
    static func string(_ g: JSON, _ key: String, _ param: String, required: Bool) throws(APIError) -> String? {
        guard let v = member(g, key) else {
            if required { throw .missingParameter(path(param, key)) }
            return nil
        }
        guard let s = v.stringValue else { throw .invalidType(path(param, key), expected: "a string", got: v) }
        return s
    }

    static func number(_ g: JSON, _ key: String, _ param: String, required: Bool) throws(APIError) {
        guard let v = member(g, key) else {
            if required { throw .missingParameter("\(param).\(key)") }
            return
        }
        guard v.doubleValue != nil else { throw .invalidType("\(param).\(key)", expected: "a number", got: v) }
    }

    static func integer(_ g: JSON, _ key: String, _ param: String, minimum: Int64? = nil) throws(APIError) {
        guard let v = member(g, key) else { return }
        guard let i = v.intValue, case .int = v else { throw .invalidType("\(param).\(key)", expected: "an integer", got: v) }
        if let minimum, i < minimum {
            throw .invalidRequest("Invalid '\(param).\(key)': integer below minimum value. Expected a value >= \(minimum), but got \(i) instead.",
                                  param: "\(param).\(key)", code: "integer_below_min_value")
        }
    }

    static func boolean(_ g: JSON, _ key: String, _ param: String) throws(APIError) {
        guard let v = member(g, key) else { return }
        guard v.boolValue != nil else { throw .invalidType("\(param).\(key)", expected: "a boolean", got: v) }
    }

    static func strings(_ g: JSON, _ key: String, _ param: String) throws(APIError) {
        guard let v = member(g, key) else { throw .missingParameter("\(param).\(key)") }
        guard let a = v.arrayValue else { throw .invalidType("\(param).\(key)", expected: "an array", got: v) }
        for (i, s) in a.enumerated() where s.stringValue == nil {
            throw .invalidType("\(param).\(key)[\(i)]", expected: "a string", got: s)
        }
    }

    static func oneOf(_ g: JSON, _ key: String, _ param: String, _ allowed: [String]) throws(APIError) {
        guard let v = member(g, key) else { return }
        guard let s = v.stringValue else { throw .invalidType("\(param).\(key)", expected: "a string", got: v) }
        guard allowed.contains(s) else { throw .invalidValue("\(param).\(key)", s, supported: allowed) }
    }

    /// An `EvalItem`: a role of the four, and content as text, one part, or a list of parts.
    static func message(_ m: JSON, _ param: String) throws(APIError) {
        try object(m, param)
        guard member(m, "role") != nil else { throw .missingParameter("\(param).role") }
        try oneOf(m, "role", param, roles)
        try oneOf(m, "type", param, ["message"])
        guard let c = member(m, "content") else { throw .missingParameter("\(param).content") }
        switch c {
        case .string: break
        case .object: try part(c, "\(param).content")
        case let .array(parts): for (i, p) in parts.enumerated() { try part(p, "\(param).content[\(i)]") }
        default: throw .invalidType("\(param).content", expected: "a string, an object or an array", got: c)
        }
    }

    /// One content part of an `EvalItem`: text, `input_text`/`output_text`, `input_image` or `input_audio`.
    static func part(_ p: JSON, _ param: String) throws(APIError) {
        if p.stringValue != nil { return }
        try object(p, param)
        let types = ["input_text", "output_text", "input_image", "input_audio"]
        guard member(p, "type") != nil else { throw .missingParameter("\(param).type") }
        try oneOf(p, "type", param, types)
        switch p["type"]?.stringValue {
        case "input_text", "output_text": try string(p, "text", param, required: true)
        case "input_image":
            try string(p, "image_url", param, required: true)
            try string(p, "detail", param, required: false)
        default:
            guard let a = member(p, "input_audio") else { throw .missingParameter("\(param).input_audio") }
            try object(a, "\(param).input_audio")
            try string(a, "data", "\(param).input_audio", required: true)
            guard member(a, "format") != nil else { throw .missingParameter("\(param).input_audio.format") }
            try oneOf(a, "format", "\(param).input_audio", ["mp3", "wav"])
        }
    }

    /// `v` without its null members (objects only).
    static func droppingNulls(_ v: JSON) -> JSON {
        guard let pairs = v.objectValue else { return v }
        return .object(pairs.filter { !$0.1.isNull })
    }

    /// The members of `v` named in `keys` that are present and not null, in that order.
    static func picking(_ v: JSON, _ keys: [String]) -> JSON {
        .object(keys.compactMap { k in member(v, k).map { (k, $0) } })
    }

    /// A checked content part as it is echoed: its type's members only.
    static func echoed(part p: JSON) -> JSON {
        if p.stringValue != nil { return p }
        switch p["type"]?.stringValue {
        case "input_image": return picking(p, ["type", "image_url", "detail"])
        case "input_audio": return .object([("type", "input_audio"), ("input_audio", picking(p["input_audio"] ?? .null, ["data", "format"]))])
        default: return picking(p, ["type", "text"])
        }
    }

    /// A checked message as it is echoed: `type`, `role` and `content`, parts reduced to their members.
    static func echoed(message m: JSON) -> JSON {
        var out = picking(m, ["type", "role", "content"])
        switch out["content"] {
        case let .array(parts)?: out = out.setting("content", .array(parts.map { echoed(part: $0) }))
        case let c? where c.objectValue != nil: out = out.setting("content", echoed(part: c))
        default: break
        }
        return out
    }

    /// A checked criterion as it is echoed: its type's members only (input messages reduced too).
    static func echoed(grader g: JSON) -> JSON {
        let keys: [String]
        switch g["type"]?.stringValue {
        case "string_check": keys = ["type", "name", "input", "reference", "operation"]
        case "text_similarity": keys = ["type", "name", "input", "reference", "evaluation_metric", "pass_threshold"]
        case "label_model": keys = ["type", "name", "model", "input", "labels", "passing_labels"]
        case "score_model": keys = ["type", "name", "model", "input", "range", "pass_threshold", "sampling_params"]
        default: keys = ["type", "name", "source", "image_tag", "pass_threshold"]
        }
        var out = picking(g, keys)
        if let input = out["input"]?.arrayValue { out = out.setting("input", .array(input.map { echoed(message: $0) })) }
        if let sp = out["sampling_params"] {
            out = out.setting("sampling_params", .object(["seed", "top_p", "temperature", "max_completions_tokens", "reasoning_effort"]
                .compactMap { k in sp[k].map { (k, $0) } }))
        }
        return out
    }

    static func messages(_ g: JSON, _ key: String, _ param: String) throws(APIError) {
        guard let v = member(g, key) else { throw .missingParameter("\(param).\(key)") }
        guard let a = v.arrayValue else { throw .invalidType("\(param).\(key)", expected: "an array", got: v) }
        for (i, m) in a.enumerated() { try message(m, "\(param).\(key)[\(i)]") }
    }

    /// A testing criterion, checked for its type's members.
    static func grader(_ g: JSON, _ param: String) throws(APIError) {
        try object(g, param)
        guard member(g, "type") != nil else { throw .missingParameter("\(param).type") }
        try oneOf(g, "type", param, EvalService.graderTypes)
        try string(g, "name", param, required: true)
        switch g["type"]?.stringValue {
        case "string_check":
            try string(g, "input", param, required: true)
            try string(g, "reference", param, required: true)
            guard member(g, "operation") != nil else { throw .missingParameter("\(param).operation") }
            try oneOf(g, "operation", param, ["eq", "ne", "like", "ilike"])
        case "text_similarity":
            try string(g, "input", param, required: true)
            try string(g, "reference", param, required: true)
            guard member(g, "evaluation_metric") != nil else { throw .missingParameter("\(param).evaluation_metric") }
            try oneOf(g, "evaluation_metric", param, TextSimilarity.metrics)
            try number(g, "pass_threshold", param, required: true)
        case "label_model":
            try string(g, "model", param, required: true)
            try messages(g, "input", param)
            try strings(g, "labels", param)
            try strings(g, "passing_labels", param)
        case "score_model":
            try string(g, "model", param, required: true)
            try messages(g, "input", param)
            try number(g, "pass_threshold", param, required: false)
            if let r = member(g, "range") { _ = try range(r, param) }
            if let s = member(g, "sampling_params") {
                try object(s, "\(param).sampling_params")
                let p = "\(param).sampling_params"
                try integer(s, "seed", p)
                try number(s, "top_p", p, required: false)
                try number(s, "temperature", p, required: false)
                try integer(s, "max_completions_tokens", p, minimum: 1)
                try oneOf(s, "reasoning_effort", p, reasoningEfforts)
            }
        default: // python
            try string(g, "source", param, required: true)
            try string(g, "image_tag", param, required: false)
            try number(g, "pass_threshold", param, required: false)
        }
    }

    /// A JSON-schema output format's `name`, `description`, `schema` and `strict` (chat nests them
    /// in `json_schema`, responses puts them beside `type`).
    static func schemaSpec(_ v: JSON, _ param: String, schemaRequired: Bool) throws(APIError) {
        try string(v, "name", param, required: true)
        try string(v, "description", param, required: false)
        if let schema = member(v, "schema") { try object(schema, "\(param).schema") } else if schemaRequired {
            throw .missingParameter("\(param).schema")
        }
        try boolean(v, "strict", param)
    }

    /// A run's `sampling_params` with its null members dropped, after checking the rest.
    static func samplingParams(_ s: JSON, type: String) throws(APIError) -> JSON {
        let p = "data_source.sampling_params"
        try object(s, p)
        try oneOf(s, "reasoning_effort", p, reasoningEfforts)
        try number(s, "temperature", p, required: false)
        try number(s, "top_p", p, required: false)
        try integer(s, "max_completion_tokens", p)
        try integer(s, "seed", p)
        if let tools = member(s, "tools") {
            guard let a = tools.arrayValue else { throw .invalidType("\(p).tools", expected: "an array", got: tools) }
            for (i, t) in a.enumerated() {
                try object(t, "\(p).tools[\(i)]")
                guard member(t, "type") != nil else { throw .missingParameter("\(p).tools[\(i)].type") }
                if type == "completions" {
                    try oneOf(t, "type", "\(p).tools[\(i)]", ["function"])
                    guard let f = member(t, "function") else { throw .missingParameter("\(p).tools[\(i)].function") }
                    try object(f, "\(p).tools[\(i)].function")
                    try string(f, "name", "\(p).tools[\(i)].function", required: true)
                    try string(f, "description", "\(p).tools[\(i)].function", required: false)
                    if let ps = member(f, "parameters") { try object(ps, "\(p).tools[\(i)].function.parameters") }
                    try boolean(f, "strict", "\(p).tools[\(i)].function")
                } else {
                    try oneOf(t, "type", "\(p).tools[\(i)]", ["function"])
                    try string(t, "name", "\(p).tools[\(i)]", required: true)
                    try string(t, "description", "\(p).tools[\(i)]", required: false)
                    guard let ps = member(t, "parameters") else { throw .missingParameter("\(p).tools[\(i)].parameters") }
                    try object(ps, "\(p).tools[\(i)].parameters")
                    guard member(t, "strict") != nil else { throw .missingParameter("\(p).tools[\(i)].strict") }
                    try boolean(t, "strict", "\(p).tools[\(i)]")
                }
            }
        }
        if let f = member(s, "response_format") {
            guard type == "completions" else { throw .unknownParameter("data_source.sampling_params.response_format") }
            try object(f, "\(p).response_format")
            guard member(f, "type") != nil else { throw .missingParameter("\(p).response_format.type") }
            try oneOf(f, "type", "\(p).response_format", ["text", "json_object", "json_schema"])
            if f["type"]?.stringValue == "json_schema" {
                guard let js = member(f, "json_schema") else { throw .missingParameter("\(p).response_format.json_schema") }
                try object(js, "\(p).response_format.json_schema")
                try schemaSpec(js, "\(p).response_format.json_schema", schemaRequired: false)
            }
        }
        if let t = member(s, "text") {
            guard type == "responses" else { throw .unknownParameter("data_source.sampling_params.text") }
            try object(t, "\(p).text")
            if let f = member(t, "format") {
                try object(f, "\(p).text.format")
                guard member(f, "type") != nil else { throw .missingParameter("\(p).text.format.type") }
                try oneOf(f, "type", "\(p).text.format", ["text", "json_object", "json_schema"])
                if f["type"]?.stringValue == "json_schema" { try schemaSpec(f, "\(p).text.format", schemaRequired: true) }
            }
        }
        var out = picking(s, ["reasoning_effort", "temperature", "max_completion_tokens", "top_p", "seed", "response_format", "tools", "text"])
        if let f = out["response_format"] {
            var rf = picking(f, ["type", "json_schema"])
            if let js = rf["json_schema"] { rf = rf.setting("json_schema", picking(js, ["name", "description", "schema", "strict"])) }
            out = out.setting("response_format", rf)
        }
        if let tools = out["tools"]?.arrayValue {
            out = out.setting("tools", .array(tools.map { t in
                type == "completions"
                    ? picking(t, ["type"]).setting("function", picking(t["function"] ?? .null, ["name", "description", "parameters", "strict"]))
                    : picking(t, ["type", "name", "description", "parameters", "strict"])
            }))
        }
        if let t = out["text"] {
            var text = picking(t, ["format"])
            if let f = text["format"] { text = text.setting("format", picking(f, ["type", "name", "description", "schema", "strict"])) }
            out = out.setting("text", text)
        }
        return out
    }
}

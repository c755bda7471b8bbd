import SimSupport

/// Strict structured-output rules (`StrictSchema`) as the Responses API reports a violation:
/// "Invalid schema for response_format 'name': In context=(…), …" naming `param`.
public enum SchemaRules {
    /// `kind` is `text.format` (response formats) or `function` (tool parameters).
    public static func checkStrict(_ schema: JSON, name: String, param: String, kind: String) throws(APIError) {
        guard let problem = StrictSchema.problem(schema) else { return }
        let what = kind == "function" ? "function '\(name)'" : "response_format '\(name)'"
        throw .invalidRequest("Invalid schema for \(what): \(problem)", param: param, code: "invalid_json_schema")
    }
}

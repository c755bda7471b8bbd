import SimSupport

/// The `text` parameter: output format (`text`, `json_object`, `json_schema`) and verbosity,
/// plus its echo on the Response object.
public struct ResponseTextConfig: Sendable {
    public var format: OutputFormat = .text
    public var verbosity: String = "medium"
    /// `text.format` as echoed (`{"type":"text"}` by default).
    public var formatJSON: JSON = Self.textFormat
    /// The default `text.format` (one shared value: every request that leaves it out echoes it).
    static let textFormat: JSON = .object([("type", "text")])

    public init() {}

    /// `formatJSON == Self.textFormat` (`{"type":"text"}`), read without the generic comparison.
    var hasTextFormat: Bool {
        guard case let .object(pairs) = formatJSON, pairs.count == 1, pairs[0].0 == "type", case let .string(type) = pairs[0].1 else {
            return false
        }
        return type == "text"
    }

    public var json: JSON { .object([("format", formatJSON), ("verbosity", .string(verbosity))]) }

    /// `JSONWriter.write(json)`, without building the outer object.
    func write(_ w: inout JSONWriter) {
        w.raw(#"{"format":"#); w.write(formatJSON)
        w.raw(#","verbosity":"#); w.writeString(verbosity)
        w.raw("}")
    }

    static func parse(_ r: FieldReader?, topLevelVerbosity: String?) throws(APIError) -> ResponseTextConfig {
        var c = ResponseTextConfig()
        if let v = topLevelVerbosity { c.verbosity = v }
        guard let r else { return c }
        try r.rejectUnknown(["format", "verbosity"])
        if let v = try r.enumString("verbosity", ["low", "medium", "high"]) { c.verbosity = v }
        guard let f = try r.object("format") else { return c }
        let type = try f.requiredString("type")
        switch type {
        case "text":
            try f.rejectUnknown(["type"])
        case "json_object":
            try f.rejectUnknown(["type"])
            c.format = .jsonObject
            c.formatJSON = .object([("type", "json_object")])
        case "json_schema":
            try f.rejectUnknown(["type", "name", "schema", "strict", "description"])
            let name = try f.requiredString("name")
            try validateName(name, param: f.param("name"))
            guard let schema = try f.object("schema") else { throw .missingParameter(f.param("schema")) }
            let strict = try f.bool("strict") ?? false
            let description = try f.string("description")
            if strict { try SchemaRules.checkStrict(schema.value, name: name, param: f.param("schema"), kind: "text.format") }
            c.format = .jsonSchema(name: name, schema: schema.value, strict: strict)
            var echo: [(String, JSON)] = [("type", "json_schema")]
            if let description { echo.append(("description", .string(description))) }
            echo += [("name", .string(name)), ("schema", schema.value), ("strict", .bool(strict))]
            c.formatJSON = .object(echo)
        default:
            throw FieldReader.invalidValue(f.param("type"), type, ["text", "json_schema", "json_object"])
        }
        return c
    }

    /// Names of schemas and functions: `^[a-zA-Z0-9_-]+$`, at most 64 characters.
    static func validateName(_ name: String, param: String) throws(APIError) {
        let ok = !name.isEmpty && name.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45
        }
        guard ok else {
            throw .invalidRequest("Invalid '\(param)': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                                  param: param, code: "invalid_value")
        }
        if name.count > 64 {
            throw .invalidRequest("Invalid '\(param)': string too long. Expected a string with maximum length 64, but got a string with length \(name.count) instead.",
                                  param: param, code: "string_above_max_length")
        }
    }
}

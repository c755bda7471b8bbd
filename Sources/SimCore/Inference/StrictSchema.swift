import SimSupport

/// The rules strict structured outputs and strict function schemas impose (a subset of the API's):
/// the root is an object, every object sets `additionalProperties: false` and lists every
/// property in `required`. Returns the API-worded problem, or nil when the schema is acceptable.
public enum StrictSchema {
    public static func problem(_ schema: JSON) -> String? {
        if schema["type"]?.stringValue != "object", schema["$ref"] == nil, schema["anyOf"] == nil {
            return "In context=(), schema must be a JSON Schema of 'type: \"object\"', got 'type: \"\(schema["type"]?.stringValue ?? "None")\"'."
        }
        return check(schema, context: [], depth: 0)
    }

    static func check(_ s: JSON, context: [String], depth: Int) -> String? {
        guard depth < 64, case let .object(pairs) = s else { return nil }
        let ctx = "(" + context.map { "'\($0)'" }.joined(separator: ", ") + (context.count == 1 ? ",)" : ")")
        let isObject = s["type"]?.stringValue == "object" || s["type"]?.arrayValue?.contains("object") == true || s["properties"] != nil
        if isObject {
            if s["additionalProperties"] != .bool(false) {
                return "In context=\(ctx), 'additionalProperties' is required to be supplied and to be false."
            }
            let keys = s["properties"]?.objectValue?.map(\.0) ?? []
            let required = Set(s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            if let missing = keys.first(where: { !required.contains($0) }) {
                return "In context=\(ctx), 'required' is required to be supplied and to be an array including every key in properties. Missing '\(missing)'."
            }
        }
        for (k, v) in pairs {
            switch k {
            case "properties", "$defs", "definitions":
                for (name, sub) in v.objectValue ?? [] {
                    if let p = check(sub, context: context + [k, name], depth: depth + 1) { return p }
                }
            case "items", "additionalProperties", "not":
                if let p = check(v, context: context + [k], depth: depth + 1) { return p }
            case "anyOf", "allOf", "oneOf":
                for (i, sub) in (v.arrayValue ?? []).enumerated() {
                    if let p = check(sub, context: context + [k, String(i)], depth: depth + 1) { return p }
                }
            default: break
            }
        }
        return nil
    }
}

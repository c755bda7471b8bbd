import SimSupport

/// Typed access to one JSON object of a request body, failing as the API does: every error is a
/// 400 naming the dotted `param` path (`text.format.name`, `input[2].content[0].type`).
public struct FieldReader: Sendable {
    public let value: JSON
    /// Dotted path of this object inside the body ("" for the body itself).
    public let path: String

    private let keys: JSON.KeyLengths

    public init(_ value: JSON, path: String = "") {
        self.value = value
        self.path = path
        keys = JSON.KeyLengths(value)
    }

    public func param(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value at `key`, treating an explicit `null` as absent (the API's "nullable" fields).
    public func raw(_ key: String) -> JSON? {
        guard keys.mayHave(key), let v = value.field(key), !v.isNull else { return nil }
        return v
    }

    public func has(_ key: String) -> Bool { raw(key) != nil }

    public func string(_ key: String) throws(APIError) -> String? {
        guard let v = raw(key) else { return nil }
        guard let s = v.stringValue else { throw Self.typeError(param(key), "a string", v) }
        return s
    }

    public func requiredString(_ key: String) throws(APIError) -> String {
        guard let s = try string(key) else { throw .missingParameter(param(key)) }
        return s
    }

    public func bool(_ key: String) throws(APIError) -> Bool? {
        guard let v = raw(key) else { return nil }
        guard let b = v.boolValue else { throw Self.typeError(param(key), "a boolean", v) }
        return b
    }

    public func int(_ key: String, min: Int64? = nil, max: Int64? = nil) throws(APIError) -> Int64? {
        guard let v = raw(key) else { return nil }
        guard let i = v.intValue else { throw Self.typeError(param(key), "an integer", v) }
        let p = param(key)
        if let min, i < min {
            throw .invalidRequest("Invalid '\(p)': integer below minimum value. Expected a value >= \(min), but got \(i) instead.",
                                  param: p, code: "integer_below_min_value")
        }
        if let max, i > max {
            throw .invalidRequest("Invalid '\(p)': integer above maximum value. Expected a value <= \(max), but got \(i) instead.",
                                  param: p, code: "integer_above_max_value")
        }
        return i
    }

    public func number(_ key: String, min: Double, max: Double) throws(APIError) -> Double? {
        guard let v = raw(key) else { return nil }
        guard let d = v.doubleValue else { throw Self.typeError(param(key), "a decimal", v) }
        let p = param(key)
        if d < min {
            throw .invalidRequest("Invalid '\(p)': decimal below minimum value. Expected a value >= \(Self.plain(min)), but got \(Self.plain(d)) instead.",
                                  param: p, code: "decimal_below_min_value")
        }
        if d > max {
            throw .invalidRequest("Invalid '\(p)': decimal above maximum value. Expected a value <= \(Self.plain(max)), but got \(Self.plain(d)) instead.",
                                  param: p, code: "decimal_above_max_value")
        }
        return d
    }

    /// A string restricted to `allowed`.
    /// (The list is only built when the field is there: most requests leave most fields out.)
    public func enumString(_ key: String, _ allowed: @autoclosure () -> [String]) throws(APIError) -> String? {
        guard let s = try string(key) else { return nil }
        let allowed = allowed()
        guard allowed.contains(s) else { throw Self.invalidValue(param(key), s, allowed) }
        return s
    }

    public func object(_ key: String) throws(APIError) -> FieldReader? {
        guard let v = raw(key) else { return nil }
        guard case .object = v else { throw Self.typeError(param(key), "an object", v) }
        return FieldReader(v, path: param(key))
    }

    public func array(_ key: String) throws(APIError) -> [JSON]? {
        guard let v = raw(key) else { return nil }
        guard let a = v.arrayValue else { throw Self.typeError(param(key), "an array", v) }
        return a
    }

    /// Element `index` of an array field as an object reader (`tools[3]`).
    public static func element(_ v: JSON, _ path: String) throws(APIError) -> FieldReader {
        guard case .object = v else { throw typeError(path, "an object", v) }
        return FieldReader(v, path: path)
    }

    /// 400 for a key not in `allowed` (the Responses API's wording).
    public func rejectUnknown(_ allowed: KeySet) throws(APIError) {
        guard case let .object(pairs) = value else { return }
        for (k, _) in pairs where !allowed.contains(k) { throw unknownParameter(k) }
    }

    private func unknownParameter(_ k: String) -> APIError { Self.unknownParameter(param(k)) }

    /// The Responses API's 400 for an unknown (possibly nested) parameter.
    public static func unknownParameter(_ param: String) -> APIError {
        .invalidRequest("Unknown parameter: '\(param)'.", param: param, code: "unknown_parameter")
    }

    public static func typeError(_ param: String, _ expected: String, _ got: JSON) -> APIError {
        .invalidRequest("Invalid type for '\(param)': expected \(expected), but got \(APIError.article(got.typeName)) instead.",
                        param: param, code: "invalid_type")
    }

    public static func invalidValue(_ param: String, _ value: String, _ supported: [String]) -> APIError {
        let list = supported.map { "'\($0)'" }.joined(separator: ", ")
        return .invalidRequest("Invalid value: '\(value)'. Supported values are: \(list).", param: param, code: "invalid_value")
    }

    public static func unsupportedParameter(_ param: String, model: String) -> APIError {
        .invalidRequest("Unsupported parameter: '\(param)' is not supported with this model.", param: param,
                        code: "unsupported_parameter")
    }

    /// `2.0` → "2", `0.5` → "0.5" (as the API prints limits).
    static func plain(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }
}

import SimCore
import SimHTTP
import SimSupport

/// A decoded JSON request body with typed accessors that fail as the API does, naming `param`.
struct Params {
    let object: JSON

    /// Parses the body as a JSON object (400 for wrong content type, malformed JSON or a non-object).
    static func json(_ req: HTTPRequest) throws(APIError) -> Params {
        if let pre = req.preparsedJSON {
            guard case .object = pre else { throw .invalidRequest("The request body must be a JSON object, got \(pre.typeName).") }
            return Params(object: pre)
        }
        if let ct = req.contentType, !HeaderName.hasPrefixIgnoringCase(ct, "application/json"),
           !HeaderName.hasPrefixIgnoringCase(ct, "text/plain") {
            throw .invalidRequest("Invalid Content-Type header (\(ct.lowercased())), expected application/json.")
        }
        let bytes = req.bodyBytes()
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw .invalidRequest("We could not parse the JSON body of your request. The request body is empty; the OpenAI API expects a JSON payload.")
        }
        let value: JSON
        do { value = try JSONParser.parse(bytes) } catch { throw APIError.invalidJSON }
        guard case .object = value else { throw .invalidRequest("The request body must be a JSON object, got \(value.typeName).") }
        return Params(object: value)
    }

    func raw(_ key: String) -> JSON? {
        guard let v = object[key], !v.isNull else { return nil }
        return v
    }

    func string(_ key: String) throws(APIError) -> String? {
        guard let v = raw(key) else { return nil }
        guard let s = v.stringValue else { throw .invalidType(key, expected: "a string", got: v) }
        return s
    }

    func requiredString(_ key: String) throws(APIError) -> String {
        guard let s = try string(key) else { throw .missingParameter(key) }
        return s
    }

    func int(_ key: String) throws(APIError) -> Int64? {
        guard let v = raw(key) else { return nil }
        guard let i = v.intValue else { throw .invalidType(key, expected: "an integer", got: v) }
        return i
    }

    func requiredInt(_ key: String) throws(APIError) -> Int64 {
        guard let i = try int(key) else { throw .missingParameter(key) }
        return i
    }

    func strings(_ key: String) throws(APIError) -> [String]? {
        guard let v = raw(key) else { return nil }
        guard let a = v.arrayValue else { throw .invalidType(key, expected: "an array", got: v) }
        var out: [String] = []
        for (i, item) in a.enumerated() {
            guard let s = item.stringValue else { throw .invalidType("\(key)[\(i)]", expected: "a string", got: item) }
            out.append(s)
        }
        return out
    }

    func objectValue(_ key: String) throws(APIError) -> Params? {
        guard let v = raw(key) else { return nil }
        guard case .object = v else { throw .invalidType(key, expected: "an object", got: v) }
        return Params(object: v)
    }

    /// 400 for any key not in `allowed`, as the API refuses unknown arguments.
    func rejectUnknown(_ allowed: Set<String>) throws(APIError) {
        for (k, _) in object.objectValue ?? [] where !allowed.contains(k) { throw .unknownParameter(k) }
    }
}

/// Query-string accessors with the API's validation.
struct Query {
    let req: HTTPRequest

    func string(_ key: String) -> String? { req.queryValue(key).flatMap { $0.isEmpty ? nil : $0 } }

    /// An integer parameter (400 naming it when it is not one).
    func int(_ key: String) throws(APIError) -> Int64? {
        guard let s = req.queryValue(key) else { return nil }
        guard let v = Int64(s) else {
            throw .invalidRequest("Invalid '\(key)': expected an integer, got '\(s)'.", param: key, code: "invalid_type")
        }
        return v
    }

    /// An array parameter: `key[]=…` (as the official SDKs send arrays) or repeated `key=…`.
    func list(_ key: String) -> [String] { req.queryValues(key) + req.queryValues(key + "[]") }

    func limit(default def: Int, range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let s = string("limit") else { return def }
        guard let v = Int(s) else { throw .invalidRequest("Invalid 'limit': expected an integer, got '\(s)'.", param: "limit", code: "invalid_type") }
        guard range.contains(v) else {
            throw .invalidRequest("Invalid 'limit': integer below minimum value. Expected a value between \(range.lowerBound) and \(range.upperBound), but got \(v) instead.".replacingBelow(v < range.lowerBound),
                                  param: "limit", code: v < range.lowerBound ? "integer_below_min_value" : "integer_above_max_value")
        }
        return v
    }

    func order(default def: ListOrder = .desc) throws(APIError) -> ListOrder {
        guard let s = string("order") else { return def }
        guard let o = ListOrder(rawValue: s) else { throw .invalidValue("order", s, supported: ["asc", "desc"]) }
        return o
    }
}

extension String {
    fileprivate func replacingBelow(_ below: Bool) -> String {
        below ? self : replacing("below minimum", with: "above maximum")
    }
}

extension App {
    /// Parses a nested object's fields, naming its params `outer.field` in errors.
    static func nested<T>(_ outer: String, _ parse: () throws(APIError) -> T) throws(APIError) -> T {
        do throws(APIError) { return try parse() } catch {
            throw APIError.invalidRequest(error.message.replacing("'\(error.param ?? "")'", with: "'\(outer).\(error.param ?? "")'"),
                                          param: "\(outer).\(error.param ?? "")", code: error.code, status: error.status)
        }
    }
}

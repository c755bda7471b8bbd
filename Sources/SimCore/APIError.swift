import SimSupport

/// An OpenAI API failure: rendered once, by the app's error middleware, as
/// `{"error":{"message","type","param","code"}}` with `status`.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    public var type: String
    public var code: String?
    public var param: String?
    public var message: String
    /// Extra response headers (e.g. `retry-after` on 429).
    public var headers: [String: String]

    public init(status: Int, type: String, code: String? = nil, param: String? = nil, message: String,
                headers: [String: String] = [:]) {
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.message = message
        self.headers = headers
    }

    public var body: JSON {
        ["error": ["message": .string(message), "type": .string(type), "param": JSON(param), "code": JSON(code)]]
    }

    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil, status: Int = 400) -> APIError {
        APIError(status: status, type: "invalid_request_error", code: code, param: param, message: message)
    }

    public static func missingParameter(_ param: String) -> APIError {
        .invalidRequest("Missing required parameter: '\(param)'.", param: param, code: "missing_required_parameter")
    }

    public static func invalidType(_ param: String, expected: String, got: JSON) -> APIError {
        .invalidRequest("Invalid type for '\(param)': expected \(expected), but got \(article(got.typeName)) instead.",
                        param: param, code: "invalid_type")
    }

    public static func invalidValue(_ param: String, _ value: String, supported: [String]) -> APIError {
        let list = supported.map { "'\($0)'" }.joined(separator: ", ")
        return .invalidRequest("Invalid value: '\(value)'. Supported values are: \(list).", param: param, code: "invalid_value")
    }

    public static func unknownParameter(_ param: String) -> APIError {
        .invalidRequest("Unrecognized request argument supplied: \(param)", param: param, code: "unknown_parameter")
    }

    public static func notFound(_ object: String, id: String, param: String = "id") -> APIError {
        .invalidRequest("No such \(object) object: \(id)", param: param, status: 404)
    }

    public static func modelNotFound(_ model: String) -> APIError {
        APIError(status: 404, type: "invalid_request_error", code: "model_not_found", param: "model",
                 message: "The model `\(model)` does not exist or you do not have access to it.")
    }

    public static func invalidURL(method: String, path: String) -> APIError {
        .invalidRequest("Invalid URL (\(method) \(path))", status: 404)
    }

    public static let missingAPIKey = APIError(
        status: 401, type: "invalid_request_error",
        message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.")

    public static func invalidAPIKey(_ key: String) -> APIError {
        APIError(status: 401, type: "invalid_request_error", code: "invalid_api_key",
                 message: "Incorrect API key provided: \(redactKey(key)). You can find your API key at https://platform.openai.com/account/api-keys.")
    }

    public static let invalidJSON = APIError.invalidRequest(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)")

    public static func serverError(_ message: String = "The server had an error while processing your request. Sorry about that!") -> APIError {
        APIError(status: 500, type: "server_error", message: message)
    }

    /// `sk-abc…xyz` → `sk-ab***xyz`, as the API prints keys back.
    public static func redactKey(_ key: String) -> String {
        guard key.count > 8 else { return String(repeating: "*", count: key.count) }
        return String(key.prefix(5)) + "***" + String(key.suffix(4))
    }

    static func article(_ typeName: String) -> String {
        ["integer", "object", "array"].contains(typeName) ? "an \(typeName)" : "a \(typeName)"
    }
}

extension JSON {
    /// The object without internal fields (keys starting with `_`), for the wire.
    public var publicFields: JSON {
        guard case let .object(pairs) = self else { return self }
        return .object(pairs.filter { !$0.0.hasPrefix("_") })
    }
}

/// The body of every API error: `{"error": {message, type, param, code}}` (`ErrorResponse`).
public struct ErrorResponse: Codable, Sendable, Hashable {
    public let error: ErrorObject
}

/// The spec's `Error` object (renamed: `Error` is Swift's protocol).
public struct ErrorObject: Codable, Sendable, Hashable {
    public let message: String
    public let type: String
    public let param: String?
    public let code: String?

    public init(message: String, type: String, param: String?, code: String?) {
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    enum CodingKeys: String, CodingKey { case message, type, param, code }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        message = try c.decode(String.self, forKey: .message)
        type = try c.decode(String.self, forKey: .type)
        param = try c.decodeNullable(String.self, forKey: .param)
        code = try c.decodeNullable(String.self, forKey: .code)
    }
}

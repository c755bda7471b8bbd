import FoundationEssentials
import OpenAIWire

/// Every failure the client reports.
public enum OpenAIError: Error, Sendable, CustomStringConvertible {
    /// The server answered 4xx/5xx (after retries).
    case status(APIStatusError)
    /// The connection failed or broke (after retries).
    case connection(String)
    /// The request timed out (after retries).
    case timeout(String)
    /// A 2xx body did not match its wire type.
    case decoding(WireDecodingError, requestID: String?)
    /// A stream carried an error event.
    case stream(message: String, error: ErrorObject?, requestID: String?)
    /// The client could not build the request (bad base URL, unreadable file).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case let .status(e): "\(e)"
        case let .connection(m): "connection error: \(m)"
        case let .timeout(m): "timeout: \(m)"
        case let .decoding(e, rid): "response does not match the wire type: \(e)\(rid.map { " (request \($0))" } ?? "")"
        case let .stream(m, _, rid): "stream error: \(m)\(rid.map { " (request \($0))" } ?? "")"
        case let .invalidRequest(m): "invalid request: \(m)"
        }
    }

    /// The HTTP status, when the server answered with an error.
    public var statusCode: Int? { if case let .status(e) = self { return e.status }; return nil }
}

/// A 4xx/5xx answer: status, the `{"error": ...}` fields when present, and `x-request-id`.
public struct APIStatusError: Sendable, CustomStringConvertible {
    public let status: Int
    /// The parsed `error` object, when the body was the API's error shape.
    public let error: ErrorObject?
    public let requestID: String?
    public let headers: [String: String]
    public let body: Data

    public var message: String { error?.message ?? String(decoding: body.prefix(500), as: UTF8.self) }
    public var type: String? { error?.type }
    public var code: String? { error?.code }
    public var param: String? { error?.param }

    init(head: TransportResponseHead, body: Data) {
        status = head.status
        headers = head.headers
        requestID = head.header("x-request-id")
        self.body = body
        error = try? JSONDecoder().decode(ErrorResponse.self, from: body).error
    }

    public var description: String {
        var s = "HTTP \(status)"
        if let type { s += " \(type)" }
        if let code { s += " code=\(code)" }
        if let param { s += " param=\(param)" }
        s += ": \(message)"
        if let requestID { s += " (request \(requestID))" }
        return s
    }
}

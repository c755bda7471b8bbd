import FoundationEssentials

/// One HTTP request as the client hands it to a transport.
public struct TransportRequest: Sendable {
    /// Where the body comes from; files are streamed by the transport, never read whole.
    public enum Body: Sendable {
        case none
        case data(Data)
        case file(URL)
    }

    public var method: String
    public var url: URL
    public var headers: [(String, String)]
    public var body: Body
    public var timeout: TimeInterval

    public init(method: String, url: URL, headers: [(String, String)] = [], body: Body = .none, timeout: TimeInterval = 600) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.0.lowercased() == lowered }?.1
    }
}

/// Status and headers of a response (header names lower-cased).
public struct TransportResponseHead: Sendable {
    public var status: Int
    public var headers: [String: String]

    public init(status: Int, headers: [String: String]) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// Header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A failure below HTTP: the connection could not be made, broke, or timed out.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case connection, timeout }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind == .timeout ? "timeout" : "connection error"): \(message)" }
}

/// The seam between the client and the network: URLSession by default, in-process in tests.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the head plus a stream of body chunks as they arrive.
    func send(_ request: TransportRequest) async throws -> (TransportResponseHead, AsyncThrowingStream<Data, Error>)
}

extension HTTPTransport {
    /// Sends `request` and collects the whole body.
    public func sendCollecting(_ request: TransportRequest) async throws -> (TransportResponseHead, Data) {
        let (head, chunks) = try await send(request)
        var body = Data()
        for try await chunk in chunks { body.append(chunk) }
        return (head, body)
    }
}

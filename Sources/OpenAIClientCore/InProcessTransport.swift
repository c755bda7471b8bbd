import FoundationEssentials

/// A transport that answers with a closure, for tests: no sockets, fully scripted.
public struct InProcessTransport: HTTPTransport {
    /// A scripted answer: status, headers, and the body as the chunks it arrives in.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var chunks: [Data]
        /// Thrown after the chunks, to simulate a connection cut mid-body.
        public var failure: TransportError?

        public init(status: Int, headers: [String: String] = [:], chunks: [Data] = [], failure: TransportError? = nil) {
            self.status = status
            self.headers = headers
            self.chunks = chunks
            self.failure = failure
        }

        /// A JSON reply with `content-type: application/json`.
        public static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> Reply {
            Reply(status: status, headers: headers.merging(["content-type": "application/json"]) { a, _ in a },
                  chunks: [Data(body.utf8)])
        }
    }

    /// The request with its body read (files included), as the handler sees it.
    public struct Received: Sendable {
        public var request: TransportRequest
        public var body: Data
    }

    private let handler: @Sendable (Received) async throws -> Reply

    /// `handler` answers each request; throw a `TransportError` to simulate a connection failure.
    public init(_ handler: @escaping @Sendable (Received) async throws -> Reply) {
        self.handler = handler
    }

    public func send(_ request: TransportRequest) async throws -> (TransportResponseHead, AsyncThrowingStream<Data, Error>) {
        let body: Data
        switch request.body {
        case .none: body = Data()
        case let .data(d): body = d
        case let .file(url): body = try Data(contentsOf: url)
        }
        let reply = try await handler(Received(request: request, body: body))
        let stream = AsyncThrowingStream<Data, Error> { c in
            for chunk in reply.chunks { c.yield(chunk) }
            c.finish(throwing: reply.failure)
        }
        return (TransportResponseHead(status: reply.status, headers: reply.headers), stream)
    }
}

import FoundationEssentials
import OpenAIClientCore
import SimSupport

/// `check`'s transport: libcurl (loaded on first use), so `openai-sim` links no URLSession. Bodies,
/// SSE included, arrive chunk by chunk; files are streamed from disk.
struct CurlTransport: HTTPTransport {
    func send(_ request: TransportRequest) async throws -> (TransportResponseHead, AsyncThrowingStream<Data, Error>) {
        var out = Curl.Request(method: request.method, url: request.url.absoluteString, headers: request.headers)
        // As URLSession's timeoutInterval: the longest wait for the next byte.
        out.idleTimeout = max(1, Int(request.timeout.rounded(.up)))
        out.connectTimeout = out.idleTimeout
        switch request.body {
        case .none: break
        case let .data(d): out.body = .bytes(Array(d))
        case let .file(url):
            guard let size = FileSize.of(url.path) else { throw TransportError(.connection, "cannot read \(url.path)") }
            out.body = .file(path: url.path, size: Int64(size))
        }
        let (stream, body) = AsyncThrowingStream<Data, Error>.makeStream()
        let exchange = Exchange(body: body)
        body.onTermination = { termination in
            if case .cancelled = termination { exchange.cancel() }
        }
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (head: CheckedContinuation<TransportResponseHead, Error>) in
                exchange.waitForHead(head)
                Curl.start(out, handler: exchange) { exchange.finish($0) }
            }
        } onCancel: {
            exchange.cancel()
        }
        return (head, stream)
    }

    /// One request's state between libcurl's thread and the awaiting task.
    private final class Exchange: Curl.Handler, @unchecked Sendable {
        private let state = Locked<(head: CheckedContinuation<TransportResponseHead, Error>?, cancelled: Bool)>((nil, false))
        private let body: AsyncThrowingStream<Data, Error>.Continuation

        init(body: AsyncThrowingStream<Data, Error>.Continuation) { self.body = body }

        func waitForHead(_ head: CheckedContinuation<TransportResponseHead, Error>) { state.withLock { $0.head = head } }
        func cancel() { state.withLock { $0.cancelled = true } }
        var shouldAbort: Bool { state.withLock { $0.cancelled } }

        func head(status: Int, headers: [(String, String)]) {
            let waiting = state.withLock { s in defer { s.head = nil }; return s.head }
            waiting?.resume(returning: TransportResponseHead(status: status, headers: Dictionary(headers, uniquingKeysWith: { a, _ in a })))
        }

        func body(_ chunk: UnsafeRawBufferPointer) -> Bool {
            body.yield(Data(chunk))
            return !shouldAbort
        }

        func finish(_ result: Result<Int, Curl.Failure>) {
            let (waiting, cancelled) = state.withLock { s in defer { s.head = nil }; return (s.head, s.cancelled) }
            var error: Error?
            if case let .failure(f) = result {
                error = cancelled ? CancellationError() : TransportError(f.timedOut ? .timeout : .connection, f.description)
            }
            if let waiting {
                if let error { waiting.resume(throwing: error) } else {
                    waiting.resume(throwing: TransportError(.connection, "no response"))
                }
            }
            body.finish(throwing: error)
        }
    }
}

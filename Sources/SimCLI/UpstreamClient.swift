import FoundationEssentials
import SimApp
import SimHTTP
import SimSupport

/// Forwards requests to the real API (or any upstream) for `serve --record`: the caller's own
/// headers and body, the upstream's answer handed back as it arrives — SSE chunk by chunk — and
/// a failed connection turned into the fault it was (reset, or hang for a timeout).
final class UpstreamClient: HTTPResponder, @unchecked Sendable {
    /// Headers that belong to one hop (or that the HTTP client sets itself) and are not forwarded.
    static let hopHeaders: Set<String> = ["host", "content-length", "connection", "keep-alive", "transfer-encoding", "expect",
                                          "accept-encoding", "te", "upgrade", "proxy-connection"]
    static let droppedResponseHeaders: Set<String> = ["content-length", "content-encoding", "transfer-encoding", "connection",
                                                      "keep-alive", "date", "server"]
    let base: String

    /// One forwarded exchange; libcurl's callbacks arrive on the thread that runs it.
    final class TaskState: Curl.Handler, @unchecked Sendable {
        let pending = PendingResponse()
        var stream: ResponseStream?
        var status = 0
        var headers: [(String, String)] = []
        var buffer: [UInt8] = []

        func head(status: Int, headers: [(String, String)]) {
            self.status = status
            self.headers = headers.filter { !UpstreamClient.droppedResponseHeaders.contains($0.0) }.sorted { $0.0 < $1.0 }
            let type = headers.first { $0.0 == "content-type" }?.1.lowercased() ?? ""
            if type.hasPrefix("text/event-stream") {
                let stream = ResponseStream()
                self.stream = stream
                pending.fulfill(HTTPResponse(status: status, headers: self.headers, body: .stream(stream)))
            }
        }

        func body(_ chunk: UnsafeRawBufferPointer) -> Bool {
            if let stream {
                if stream.isCancelled { return false }
                stream.write(Array(chunk))
            } else {
                buffer += chunk
            }
            return true
        }

        var shouldAbort: Bool { stream?.isCancelled ?? false }

        func finish(_ result: Result<Int, Curl.Failure>) {
            if let stream {
                if case .failure = result { stream.finish(fault: .closeMidBody) } else { stream.finish(fault: nil) }
                return
            }
            switch result {
            case .success:
                pending.fulfill(HTTPResponse(status: status, headers: headers, body: .bytes(buffer)))
            case let .failure(error) where status == 0:
                pending.fulfill(UpstreamClient.failure(error.description, fault: error.timedOut ? .hang : .reset))
            case .failure:
                // Headers arrived, then the body stopped: hand on what came, then drop.
                let stream = ResponseStream()
                stream.write(buffer)
                stream.finish(fault: .closeMidBody)
                pending.fulfill(HTTPResponse(status: status, headers: headers, body: .stream(stream)))
            }
        }
    }

    /// `base` is the upstream's API root, e.g. `https://api.openai.com/v1`.
    init(base: String) {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        self.base = b
    }

    /// The upstream URL for a request path: `/v1/files` under `https://host/v1` is `https://host/v1/files`.
    func url(for request: HTTPRequest) -> URL? {
        var root = base
        var path = request.path
        if root.hasSuffix("/v1"), path.hasPrefix("/v1/") || path == "/v1" { root.removeLast(3) }
        if !path.hasPrefix("/") { path = "/" + path }
        var c = URLComponents(string: root + path)
        if !request.query.isEmpty { c?.queryItems = request.query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return c?.url
    }

    func respond(to request: HTTPRequest) -> HTTPReply {
        guard let url = url(for: request) else {
            return .now(Self.failure("cannot build an upstream URL for \(request.path)", fault: .reset))
        }
        var out = Curl.Request(method: request.method, url: url.absoluteString,
                               headers: request.headers.filter { !Self.hopHeaders.contains($0.0) })
        // A fresh connection per request, closed afterwards: on a reused one, a reset could be
        // retried by the transport and never reach the recording.
        out.freshConnection = true
        out.headers.append(("Connection", "close"))
        out.idleTimeout = 600
        out.totalTimeout = 3600
        switch request.body {
        case .empty: break
        case let .bytes(b): out.body = .bytes(b)
        case let .file(path, size): out.body = .file(path: path, size: Int64(size))
        }
        let state = TaskState()
        Curl.start(out, handler: state) { state.finish($0) }
        return .later(state.pending)
    }

    static func failure(_ message: String, fault: TransportFault) -> HTTPResponse {
        HTTPResponse(status: 0, headers: [(RecordMiddleware.upstreamErrorHeader, message)], fault: fault)
    }
}

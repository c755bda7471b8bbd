import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SimApp
import SimHTTP
import SimSupport

/// Forwards requests to the real API (or any upstream) for `serve --record`: the caller's own
/// headers and body, the upstream's answer handed back as it arrives — SSE chunk by chunk — and
/// a failed connection turned into the fault it was (reset, or hang for a timeout).
final class UpstreamClient: NSObject, HTTPResponder, URLSessionDataDelegate, @unchecked Sendable {
    /// Headers that belong to one hop (or that URLSession sets itself) and are not forwarded.
    static let hopHeaders: Set<String> = ["host", "content-length", "connection", "keep-alive", "transfer-encoding", "expect",
                                          "accept-encoding", "te", "upgrade", "proxy-connection"]
    static let droppedResponseHeaders: Set<String> = ["content-length", "content-encoding", "transfer-encoding", "connection",
                                                      "keep-alive", "date", "server"]
    let base: String
    private var session: URLSession!
    private let tasks = Locked<[Int: TaskState]>([:])

    final class TaskState: @unchecked Sendable {
        let pending = PendingResponse()
        var stream: ResponseStream?
        var status = 0
        var headers: [(String, String)] = []
        var buffer: [UInt8] = []
        var task: URLSessionTask?
    }

    /// `base` is the upstream's API root, e.g. `https://api.openai.com/v1`.
    init(base: String) {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        self.base = b
        super.init()
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = 600
        config.timeoutIntervalForResource = 3600
        config.httpMaximumConnectionsPerHost = 16
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: config, delegate: self, delegateQueue: queue)
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
        var req = URLRequest(url: url)
        req.httpMethod = request.method
        for (k, v) in request.headers where !Self.hopHeaders.contains(k) { req.addValue(v, forHTTPHeaderField: k) }
        // A fresh connection per request: on a reused one, a reset is silently retried by the
        // transport and never reaches the recording.
        req.setValue("close", forHTTPHeaderField: "Connection")
        let state = TaskState()
        let task: URLSessionTask
        switch request.body {
        case .empty: task = session.dataTask(with: req)
        case let .bytes(b):
            req.httpBody = Data(b)
            task = session.dataTask(with: req)
        case let .file(path, _): task = session.uploadTask(with: req, fromFile: URL(fileURLWithPath: path))
        }
        state.task = task
        tasks.withLock { $0[task.taskIdentifier] = state }
        task.resume()
        return .later(state.pending)
    }

    static func failure(_ message: String, fault: TransportFault) -> HTTPResponse {
        HTTPResponse(status: 0, headers: [(RecordMiddleware.upstreamErrorHeader, message)], fault: fault)
    }

    private func state(_ task: URLSessionTask) -> TaskState? { tasks.withLock { $0[task.taskIdentifier] } }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let s = state(dataTask), let http = response as? HTTPURLResponse else { completionHandler(.allow); return }
        s.status = http.statusCode
        var headers: [(String, String)] = []
        for (k, v) in http.allHeaderFields {
            guard let name = (k as? String)?.lowercased(), !Self.droppedResponseHeaders.contains(name) else { continue }
            headers.append((name, "\(v)"))
        }
        s.headers = headers.sorted { $0.0 < $1.0 }
        if http.value(forHTTPHeaderField: "content-type")?.lowercased().hasPrefix("text/event-stream") == true {
            let stream = ResponseStream()
            s.stream = stream
            s.pending.fulfill(HTTPResponse(status: s.status, headers: s.headers, body: .stream(stream)))
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let s = state(dataTask) else { return }
        if let stream = s.stream {
            if stream.isCancelled { dataTask.cancel(); return }
            stream.write(Array(data))
        } else {
            s.buffer += Array(data)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        guard let s = tasks.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let stream = s.stream {
            stream.finish(fault: error == nil ? nil : .closeMidBody)
            return
        }
        if let error {
            let ns = error as NSError
            if s.status == 0 {
                let timedOut = ns.domain == NSURLErrorDomain && ns.code == NSURLErrorTimedOut
                s.pending.fulfill(Self.failure(ns.localizedDescription, fault: timedOut ? .hang : .reset))
            } else {
                // Headers arrived, then the body stopped: hand on what came, then drop.
                let stream = ResponseStream()
                stream.write(s.buffer)
                stream.finish(fault: .closeMidBody)
                s.pending.fulfill(HTTPResponse(status: s.status, headers: s.headers, body: .stream(stream)))
            }
            return
        }
        s.pending.fulfill(HTTPResponse(status: s.status, headers: s.headers, body: .bytes(s.buffer)))
    }
}

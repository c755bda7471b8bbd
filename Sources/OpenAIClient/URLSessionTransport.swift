import Foundation
import OpenAIClientCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The default transport: URLSession with a delegate, so bodies (SSE included) arrive chunk by
/// chunk on Linux too, where `URLSession.bytes(for:)` is not available.
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    private let session: URLSession
    private let delegate: SessionDelegate

    /// A transport over a new session made from `configuration` (ephemeral: no cookies, no cache).
    public init(configuration: URLSessionConfiguration = .ephemeral) {
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        delegate = SessionDelegate()
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(_ request: TransportRequest) async throws -> (TransportResponseHead, AsyncThrowingStream<Data, Error>) {
        var r = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: request.timeout)
        r.httpMethod = request.method
        for (name, value) in request.headers { r.addValue(value, forHTTPHeaderField: name) }
        let task: URLSessionTask
        switch request.body {
        case .none:
            task = session.dataTask(with: r)
        case let .data(d):
            r.httpBody = d
            task = session.dataTask(with: r)
        case let .file(url):
            task = session.uploadTask(with: r, fromFile: url)
        }
        let (stream, body) = AsyncThrowingStream<Data, Error>.makeStream()
        body.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (head: CheckedContinuation<TransportResponseHead, Error>) in
                delegate.register(task.taskIdentifier, head: head, body: body)
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
        return (head, stream)
    }
}

/// Routes URLSession callbacks to the waiting request: the head once, then body chunks.
private final class SessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct Pending {
        var head: CheckedContinuation<TransportResponseHead, Error>?
        let body: AsyncThrowingStream<Data, Error>.Continuation
    }

    private let lock = NSLock()
    private var pending: [Int: Pending] = [:]

    func register(_ id: Int, head: CheckedContinuation<TransportResponseHead, Error>, body: AsyncThrowingStream<Data, Error>.Continuation) {
        lock.lock()
        pending[id] = Pending(head: head, body: body)
        lock.unlock()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        let head = pending[dataTask.taskIdentifier]?.head
        pending[dataTask.taskIdentifier]?.head = nil
        lock.unlock()
        var status = 0
        var headers: [String: String] = [:]
        if let http = response as? HTTPURLResponse {
            status = http.statusCode
            for (k, v) in http.allHeaderFields {
                if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
            }
        }
        head?.resume(returning: TransportResponseHead(status: status, headers: headers))
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        let body = pending[dataTask.taskIdentifier]?.body
        lock.unlock()
        body?.yield(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        let entry = pending.removeValue(forKey: task.taskIdentifier)
        lock.unlock()
        guard let entry else { return }
        let mapped = error.map(Self.map)
        if let head = entry.head {
            head.resume(throwing: mapped ?? TransportError(.connection, "no response"))
        }
        entry.body.finish(throwing: mapped)
    }

    private static func map(_ error: Error) -> Error {
        guard let e = error as? URLError else { return TransportError(.connection, "\(error)") }
        switch e.code {
        case .cancelled: return CancellationError()
        case .timedOut: return TransportError(.timeout, e.localizedDescription)
        default: return TransportError(.connection, "\(e.code.rawValue): \(e.localizedDescription)")
        }
    }
}

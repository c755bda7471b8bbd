import CCurlShim
import Glibc
import SimSupport

/// A blocking HTTP client over libcurl, loaded with dlopen on first use (see CCurlShim): the HTTP
/// client behind `serve --record` and `check`, so the server itself never maps a TLS stack.
enum Curl {
    struct Request {
        enum Body { case none, bytes([UInt8]), file(path: String, size: Int64) }
        var method: String
        var url: String
        var headers: [(String, String)]
        var body: Body = .none
        var connectTimeout = 60
        var idleTimeout = 600
        var totalTimeout = 0
        var freshConnection = false
        var followRedirects = true
    }

    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        let description: String
        var timedOut: Bool { code == SIMCURL_TIMED_OUT }
    }

    /// What a transfer reports while it runs, on the thread that runs it.
    protocol Handler: AnyObject {
        /// The final response's status and headers (names lower-cased, repeats joined with ", "),
        /// before the first body chunk.
        func head(status: Int, headers: [(String, String)])
        /// A body chunk; false aborts the transfer.
        func body(_ chunk: UnsafeRawBufferPointer) -> Bool
        /// Polled while the transfer runs; true aborts it.
        var shouldAbort: Bool { get }
    }

    /// Runs `request` on a new thread, then calls `done` there with the final status or the failure.
    static func start(_ request: Request, handler: Handler, done: @escaping (Result<Int, Failure>) -> Void) {
        let job = Job(request: request, handler: handler, done: done)
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let started = pthread_create(&thread, &attributes, { raw in
            Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, Unmanaged.passRetained(job).toOpaque())
        pthread_attr_destroy(&attributes)
        if started != 0 {
            Unmanaged.passUnretained(job).release()
            done(.failure(Failure(code: -1, description: "cannot start a thread (\(started))")))
        }
    }

    /// Runs `request` to the end on the calling thread.
    static func perform(_ request: Request, handler: Handler) -> Result<Int, Failure> {
        let parser = HeaderParser(handler: handler, follows: request.followRedirects)
        var lines = request.headers.map { "\($0.0): \($0.1)" }
        if case .none = request.body {} else {
            // No `Expect: 100-continue` round trip, and no form content type libcurl would add.
            lines.append("Expect:")
            if !request.headers.contains(where: { $0.0.lowercased() == "content-type" }) { lines.append("Content-Type:") }
        }
        let cLines = lines.map { strdup($0) }
        defer { cLines.forEach { free($0) } }
        var status = 0
        var message = [CChar](repeating: 0, count: 512)
        let code: Int32 = cLines.map { UnsafePointer($0) }.withUnsafeBufferPointer { headerPointers in
            request.method.withCString { method in
                request.url.withCString { url in
                    var r = simcurl_request()
                    r.method = method
                    r.url = url
                    r.headers = headerPointers.baseAddress
                    r.header_count = headerPointers.count
                    r.body_length = -1
                    r.connect_timeout = request.connectTimeout
                    r.idle_timeout = request.idleTimeout
                    r.total_timeout = request.totalTimeout
                    r.fresh_connection = request.freshConnection ? 1 : 0
                    r.follow_redirects = request.followRedirects ? 1 : 0
                    r.context = Unmanaged.passUnretained(parser).toOpaque()
                    r.on_header = { ctx, line, length in
                        let p = Unmanaged<HeaderParser>.fromOpaque(ctx!).takeUnretainedValue()
                        p.line(UnsafeRawBufferPointer(start: line, count: length))
                    }
                    r.on_data = { ctx, data, length in
                        let p = Unmanaged<HeaderParser>.fromOpaque(ctx!).takeUnretainedValue()
                        p.deliverHead()
                        return p.handler.body(UnsafeRawBufferPointer(start: data, count: length)) ? 1 : 0
                    }
                    r.should_abort = { ctx in
                        Unmanaged<HeaderParser>.fromOpaque(ctx!).takeUnretainedValue().handler.shouldAbort ? 1 : 0
                    }
                    var httpStatus = 0
                    let code: Int32
                    switch request.body {
                    case .none:
                        code = message.withUnsafeMutableBufferPointer { simcurl_perform(&r, &httpStatus, $0.baseAddress) }
                    case let .bytes(bytes):
                        code = bytes.withUnsafeBufferPointer { b in
                            r.body = b.baseAddress
                            r.body_length = Int64(b.count)
                            return message.withUnsafeMutableBufferPointer { simcurl_perform(&r, &httpStatus, $0.baseAddress) }
                        }
                    case let .file(path, size):
                        code = path.withCString { p in
                            r.body_path = p
                            r.body_length = size
                            return message.withUnsafeMutableBufferPointer { simcurl_perform(&r, &httpStatus, $0.baseAddress) }
                        }
                    }
                    status = httpStatus
                    return code
                }
            }
        }
        guard code == 0 else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(Failure(code: code, description: text))
        }
        parser.deliverHead(finalStatus: status)
        return .success(status)
    }

    private final class Job {
        let request: Request
        let handler: Handler
        let done: (Result<Int, Failure>) -> Void
        init(request: Request, handler: Handler, done: @escaping (Result<Int, Failure>) -> Void) {
            self.request = request
            self.handler = handler
            self.done = done
        }
        func run() { done(Curl.perform(request, handler: handler)) }
    }

    /// Collects the header lines of the response that counts (not 1xx, not a followed redirect)
    /// and hands them to the handler once.
    private final class HeaderParser {
        let handler: Handler
        let follows: Bool
        var status = 0
        var headers: [(String, String)] = []
        var delivered = false

        init(handler: Handler, follows: Bool) {
            self.handler = handler
            self.follows = follows
        }

        func line(_ raw: UnsafeRawBufferPointer) {
            var text = String(decoding: raw, as: UTF8.self)
            while let last = text.last, last.isNewline { text.removeLast() }
            if text.hasPrefix("HTTP/") {
                let parts = text.split(separator: " ", maxSplits: 2)
                status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
                headers = []
            } else if text.isEmpty {
                let redirected = follows && (300..<400).contains(status) && headers.contains { $0.0 == "location" }
                if status >= 200 && !redirected {
                    deliverHead()
                }
            } else if let colon = text.firstIndex(of: ":") {
                let name = text[..<colon].lowercased()
                let value = String(text[text.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
                if let i = headers.firstIndex(where: { $0.0 == name }) {
                    headers[i].1 += ", " + value
                } else {
                    headers.append((name, value))
                }
            }
        }

        func deliverHead(finalStatus: Int? = nil) {
            guard !delivered else { return }
            delivered = true
            handler.head(status: finalStatus ?? status, headers: headers)
        }
    }
}

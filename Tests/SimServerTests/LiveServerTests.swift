import Foundation
import Testing
@testable import SimServer
import SimApp
import SimHTTP
import SimSupport
import SimTesting

/// A minimal blocking HTTP/1.1 client over one TCP connection, so keep-alive is observable.
final class RawHTTPConnection {
    let fd: Int32
    var buffer: [UInt8] = []
    /// Why the last read stopped: true when the peer closed the connection (not a timeout).
    var sawEOF = false

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { throw ServerError(description: "connect failed") }
    }
    deinit { close(fd) }

    func send(_ text: String, body: [UInt8] = []) {
        let bytes = Array(text.utf8) + body
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n == 0 || (n < 0 && errno == ECONNRESET) { sawEOF = true }
        if n <= 0 { return false }
        buffer += chunk[0..<n]
        return true
    }

    /// Reads one response (Content-Length or chunked); nil when the peer closed first.
    func readResponse() -> (status: Int, headers: [String: String], body: [UInt8])? {
        let sep = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            if let r = findSeq(sep) { headEnd = r; break }
            if !fill() { return nil }
        }
        guard let he = headEnd else { return nil }
        let head = String(decoding: buffer[0..<he], as: UTF8.self)
        buffer.removeFirst(he + 4)
        let lines = head.components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for l in lines.dropFirst() {
            let kv = l.split(separator: ":", maxSplits: 1)
            if kv.count == 2 { headers[kv[0].lowercased()] = kv[1].trimmingCharacters(in: .whitespaces) }
        }
        var body: [UInt8] = []
        if let cl = headers["content-length"].flatMap({ Int($0) }) {
            while buffer.count < cl { if !fill() { return nil } }
            body = Array(buffer[0..<cl]); buffer.removeFirst(cl)
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                var lineEnd: Int?
                while lineEnd == nil { lineEnd = findSeq(Array("\r\n".utf8)); if lineEnd == nil, !fill() { return nil } }
                let size = Int(String(decoding: buffer[0..<lineEnd!], as: UTF8.self), radix: 16) ?? 0
                buffer.removeFirst(lineEnd! + 2)
                while buffer.count < size + 2 { if !fill() { return nil } }
                body += buffer[0..<size]; buffer.removeFirst(size + 2)
                if size == 0 { break }
            }
        }
        return (status, headers, body)
    }

    private func findSeq(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for i in 0...(buffer.count - needle.count) where buffer[i] == needle[0] && Array(buffer[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}

/// Responder used to exercise deferred replies and streams through the real daemon.
struct ScriptedResponder: HTTPResponder {
    let app: App
    /// Requests parked at the barrier; all are answered once `barrierSize` have arrived.
    let barrier = Locked<[PendingResponse]>([])
    static let barrierSize = 16
    func respond(to request: HTTPRequest) -> HTTPReply {
        switch request.path {
        case "/test/barrier":
            let p = PendingResponse()
            let release: [PendingResponse] = barrier.withLock { b in
                b.append(p)
                guard b.count == Self.barrierSize else { return [] }
                let all = b; b = []; return all
            }
            for waiting in release { waiting.fulfill(.json(["released": .int(Int64(Self.barrierSize))])) }
            return .later(p)
        case "/test/later":
            let p = PendingResponse()
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { p.fulfill(.json(["later": true])) }
            return .later(p)
        case "/test/never":
            return .later(PendingResponse())
        case "/test/stream":
            let s = ResponseStream()
            DispatchQueue.global().async {
                for i in 0..<3 { usleep(20_000); s.write("data: \(i)\n\n") }
                s.finish()
            }
            return .now(HTTPResponse(status: 200, headers: [("content-type", "text/event-stream")], body: .stream(s)))
        case "/test/cut":
            let s = ResponseStream()
            DispatchQueue.global().async {
                s.write("data: 1\n\n")
                usleep(20_000)
                s.write("data: 2\n\n")
                s.finish(fault: .closeMidBody)
            }
            return .now(HTTPResponse(status: 200, headers: [("content-type", "text/event-stream")], body: .stream(s)))
        case "/test/reset":
            return .now(HTTPResponse(status: 200, fault: .reset))
        default:
            return app.respond(to: request)
        }
    }
}

@Suite(.serialized) struct LiveServerTests {
    func withServer(maxBody: Int = 1 << 20, _ body: (MHDServer, UInt16) throws -> Void) throws {
        let harness = TestHarness()
        let server = MHDServer(config: ServerConfig(port: 0, maxBodySize: maxBody, tempDirectory: NSTemporaryDirectory()),
                               responder: ScriptedResponder(app: harness.app))
        let port = try server.start()
        defer { server.stop() }
        try body(server, port)
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() throws {
        try withServer { _, port in
            let c = try RawHTTPConnection(port: port)
            for _ in 0..<5 {
                c.send("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n")
                let r = try #require(c.readResponse())
                #expect(r.status == 200)
                #expect(r.headers["connection"]?.lowercased() != "close")
                #expect(r.headers["x-request-id"]?.count == 36)
            }
        }
    }

    /// Answers are queued on the event loop's turn after the one that computed them (see
    /// `access` in MHDCallbacks): requests that arrive together, two of them pipelined on each
    /// connection, must still each get their own answer, in order.
    @Test func requestsArrivingTogetherEachGetTheirOwnAnswer() throws {
        try withServer { _, port in
            let probe = try RawHTTPConnection(port: port)
            probe.send("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n")
            let list = try JSONParser.parse(try #require(probe.readResponse()).body)
            let ids = (list["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            try #require(ids.count >= 8)
            let connections = try (0..<16).map { _ in try RawHTTPConnection(port: port) }
            // Everything is sent before anything is read, so the daemon finds many connections ready at once.
            for (i, c) in connections.enumerated() {
                let a = ids[i % ids.count], b = ids[(i + 3) % ids.count]
                c.send("GET /v1/models/\(a) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n"
                       + "GET /v1/models/\(b) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n")
            }
            for (i, c) in connections.enumerated() {
                for expected in [ids[i % ids.count], ids[(i + 3) % ids.count]] {
                    let r = try #require(c.readResponse())
                    #expect(r.status == 200)
                    #expect(try JSONParser.parse(r.body)["id"]?.stringValue == expected)
                }
            }
        }
    }

    @Test func unknownRouteAndMissingKeyThroughTheDaemon() throws {
        try withServer { _, port in
            let c = try RawHTTPConnection(port: port)
            c.send("GET /v1/nope HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n")
            let r = try #require(c.readResponse())
            #expect(r.status == 404)
            #expect(String(decoding: r.body, as: UTF8.self) == #"{"error":{"message":"Invalid URL (GET /v1/nope)","type":"invalid_request_error","param":null,"code":null}}"#)
            c.send("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(c.readResponse()?.status == 401)
        }
    }

    @Test func oversizedBodyIs413AndTheConnectionStillWorks() throws {
        try withServer(maxBody: 1000) { _, port in
            let c = try RawHTTPConnection(port: port)
            let body = [UInt8](repeating: 0x61, count: 5000)
            c.send("POST /v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: \(body.count)\r\n\r\n", body: body)
            let r = try #require(c.readResponse())
            #expect(r.status == 413)
            let c2 = try RawHTTPConnection(port: port)
            c2.send("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n")
            #expect(c2.readResponse()?.status == 200)
        }
    }

    @Test func badMultipartIs400() throws {
        try withServer { _, port in
            let c = try RawHTTPConnection(port: port)
            let body = Array("--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch".utf8)
            c.send("POST /v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: \(body.count)\r\n\r\n", body: body)
            let r = try #require(c.readResponse())
            #expect(r.status == 400)
        }
    }

    @Test func deferredRepliesDoNotHoldThreads() throws {
        try withServer { _, port in
            // 16 requests that can only be answered once all 16 are waiting at once: with 2 worker
            // threads this completes only if a waiting request holds no thread (else the reads time out).
            let conns = try (0..<ScriptedResponder.barrierSize).map { _ in try RawHTTPConnection(port: port) }
            for c in conns { c.send("GET /test/barrier HTTP/1.1\r\nHost: x\r\n\r\n") }
            for c in conns { #expect(c.readResponse()?.status == 200) }
            let c = conns[0]
            c.send("GET /test/later HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(c.readResponse()?.status == 200)
        }
    }

    @Test func streamedBodiesArriveChunked() throws {
        try withServer { _, port in
            let c = try RawHTTPConnection(port: port)
            c.send("GET /test/stream HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try #require(c.readResponse())
            #expect(String(decoding: r.body, as: UTF8.self) == "data: 0\n\ndata: 1\n\ndata: 2\n\n")
            c.send("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n")
            #expect(c.readResponse()?.status == 200)
        }
    }

    @Test func cutStreamClosesTheConnectionInsteadOfHanging() throws {
        try withServer { _, port in
            let c = try RawHTTPConnection(port: port)
            c.send("GET /test/cut HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(c.readResponse() == nil)
            #expect(c.sawEOF, "the server must close a cut stream, not leave it open until the client times out")
        }
    }

    @Test func resetFaultDropsTheConnectionWithoutAResponse() throws {
        try withServer { _, port in
            let c = try RawHTTPConnection(port: port)
            c.send("GET /test/reset HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(c.readResponse() == nil)
        }
    }

    @Test func shutdownAnswersSuspendedRequestsWith503() throws {
        let harness = TestHarness()
        let server = MHDServer(config: ServerConfig(port: 0), responder: ScriptedResponder(app: harness.app))
        let port = try server.start()
        let c = try RawHTTPConnection(port: port)
        c.send("GET /test/never HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(100_000)
        let stopper = Thread { server.stop() }
        stopper.start()
        let r = c.readResponse()
        #expect(r?.status == 503)
        usleep(300_000)
    }
}

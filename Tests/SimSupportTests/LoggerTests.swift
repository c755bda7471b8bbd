import Testing
import SimSupport
import Foundation

@Suite struct LoggerTests {
    final class Lines: @unchecked Sendable {
        let lines = Locked<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func requestLineAsText() {
        let out = Lines()
        let log = Logger(format: .text, sink: { l in out.lines.withLock { $0.append(l) } })
        log.request(method: "GET", path: "/v1/models", status: 200, ms: 0.25, tenant: "org-abc", requestID: "req_1")
        log.request(method: "POST", path: "/v1/files", status: 401, ms: 3, tenant: nil, requestID: "req_2")
        log.request(method: "GET", path: "/", status: 404, ms: 0.999, tenant: nil, requestID: "r")
        log.request(method: "GET", path: "/", status: 404, ms: 12.3449, tenant: nil, requestID: "r")
        #expect(out.all == ["GET /v1/models 200 ms=0.25 tenant=org-abc request_id=req_1",
                            "POST /v1/files 401 ms=3.0 tenant=null request_id=req_2",
                            "GET / 404 ms=1.0 tenant=null request_id=r",
                            "GET / 404 ms=12.34 tenant=null request_id=r"])
    }

    @Test func requestLineAsJSONParses() throws {
        let out = Lines()
        let log = Logger(format: .json, sink: { l in out.lines.withLock { $0.append(l) } })
        log.request(method: "GET", path: "/v1/a\"b", status: 404, ms: 1.5, tenant: nil, requestID: "req_x")
        let line = try #require(out.all.first)
        #expect(line == #"{"level":"info","msg":"GET /v1/a\"b 404","ms":1.5,"tenant":null,"request_id":"req_x"}"#)
        let v = try JSONParser.parse(Array(line.utf8))
        #expect(v["msg"]?.stringValue == "GET /v1/a\"b 404")
        #expect(v["tenant"] == .null)
    }

    @Test func hundredthsAreWrittenLikeDoubleDescription() {
        var values: [Double] = [0, 0.004, 0.005, 0.01, 0.1, 0.25, 1, 1.05, 2.5, 9.99, 10, 99.995, 123.456, 4567.891, 1e6 + 0.07]
        var x = 0.0
        for _ in 0..<2000 { x += 0.0137; values.append(x); values.append(x * 97.3) }
        for v in values {
            var w = JSONWriter()
            w.writeHundredths(v)
            #expect(String(decoding: w.bytes, as: UTF8.self) == ((v * 100).rounded() / 100).description, "\(v)")
        }
    }

    /// The text request line is formatted by its own writer (on the stack, or on the heap for long
    /// lines): its numbers must read exactly as `JSONWriter` writes them.
    @Test func textRequestLineNumbersMatchTheWriter() {
        let out = Lines()
        let log = Logger(format: .text, sink: { l in out.lines.withLock { $0.append(l) } })
        var values: [Double] = [0, 0.004, 0.005, 1, 99.995, 4567.891, 1e13, 1e15, 1e300, -0.25, -3]
        var x = 0.0
        for _ in 0..<500 { x += 0.0137; values.append(x * 97.3) }
        let statuses = [0, 7, 10, 99, 200, 404, 503, 1000, -1]
        for (i, v) in values.enumerated() {
            let status = statuses[i % statuses.count]
            log.request(method: "GET", path: "/p", status: status, ms: v, tenant: "t", requestID: "r")
            var w = JSONWriter()
            w.writeHundredths(v)
            #expect(out.all.last == "GET /p \(status) ms=\(String(decoding: w.bytes, as: UTF8.self)) tenant=t request_id=r", "\(v)")
        }
        let long = "/v1/files/" + String(repeating: "é", count: 800)
        log.request(method: "DELETE", path: long, status: 200, ms: 0.5, tenant: nil, requestID: "req_9")
        #expect(out.all.last == "DELETE \(long) 200 ms=0.5 tenant=null request_id=req_9")
    }

    @Test func infoLinesKeepTheirShape() {
        let out = Lines()
        let text = Logger(format: .text, sink: { l in out.lines.withLock { $0.append(l) } })
        text.info("listening", [("url", .string("http://127.0.0.1:1/v1")), ("seed", .int(7)), ("ok", .bool(true))])
        let json = Logger(format: .json, sink: { l in out.lines.withLock { $0.append(l) } })
        json.error("boom", [("code", .int(2))])
        #expect(out.all == ["listening url=http://127.0.0.1:1/v1 seed=7 ok=true",
                            #"{"level":"error","msg":"boom","code":2}"#])
    }

    /// The buffered path: lines from two threads, many flushes' worth (each flush hands its
    /// emptied array back for the next lines), all arrive whole and each thread's in order.
    @Test func bufferedLinesAllReachTheDescriptorInOrder() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("logger-\(UUID().uuidString).log").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer { close(fd); unlink(path) }
        let logger = Logger(format: .text, fileDescriptor: fd)
        let perThread = 3_000
        DispatchQueue.concurrentPerform(iterations: 2) { t in
            for i in 0..<perThread {
                logger.request(method: "GET", path: "/v1/t\(t)/\(i)", status: 200, ms: 1.5, tenant: "t_\(t)", requestID: "req_\(i)")
            }
        }
        logger.flush()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 * perThread + 1 && lines.last == "")
        #expect(text.utf8.count > 4 * 16 * 1024)  // several flushes' worth
        for t in 0..<2 {
            let mine = lines.filter { $0.hasPrefix("GET /v1/t\(t)/") }
            #expect(mine == (0..<perThread).map { "GET /v1/t\(t)/\($0) 200 ms=1.5 tenant=t_\(t) request_id=req_\($0)"[...] })
        }
    }
}

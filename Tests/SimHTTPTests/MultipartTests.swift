import Foundation
import Testing
@testable import SimHTTP
import SimSupport

@Suite struct MultipartTests {
    static let boundary = "XyZ-boundary"
    static func body(_ parts: [(String, String?, String)]) -> [UInt8] {
        var s = ""
        for (name, filename, value) in parts {
            s += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
            if let f = filename { s += "; filename=\"\(f)\"\r\nContent-Type: application/octet-stream" }
            s += "\r\n\r\n\(value)\r\n"
        }
        return Array((s + "--\(boundary)--\r\n").utf8)
    }

    @Test func parsesFieldsAndFilesFromMemory() throws {
        let b = Self.body([("purpose", nil, "fine-tune"), ("file", "a;b.jsonl", "{\"x\":1}\n{\"x\":2}\n")])
        let parts = try Multipart.parse(body: .bytes(b), boundary: Self.boundary)
        #expect(parts.count == 2)
        #expect(parts[0].name == "purpose")
        #expect(try parts[0].text() == "fine-tune")
        #expect(parts[1].filename == "a;b.jsonl")
        #expect(try parts[1].text() == "{\"x\":1}\n{\"x\":2}\n")
    }

    @Test func largePartsFromSpooledFilesAreRangesNotCopies() throws {
        let big = String(repeating: "abcdefghij", count: 300_000) // 3 MB, crosses the 1 MiB scan window
        let b = Self.body([("purpose", nil, "batch"), ("file", "big.jsonl", big)])
        let path = NSTemporaryDirectory() + "/mp-test-\(b.count)"
        _ = FileManager.default.createFile(atPath: path, contents: Data(b))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let parts = try Multipart.parse(body: .file(path: path, size: b.count), boundary: Self.boundary)
        #expect(parts.count == 2)
        guard case let .fileRange(_, _, length) = parts[1].data else { Issue.record("expected a file range"); return }
        #expect(length == big.utf8.count)
        #expect(try parts[1].text() == big)
    }

    @Test func missingClosingBoundaryIsAnError() {
        let b = Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue".utf8)
        #expect(throws: MultipartError.self) { try Multipart.parse(body: .bytes(b), boundary: Self.boundary) }
    }

    @Test func wrongBoundaryIsAnError() {
        let b = Self.body([("a", nil, "1")])
        #expect(throws: MultipartError.self) { try Multipart.parse(body: .bytes(b), boundary: "other") }
    }

    @Test func boundaryFromContentType() {
        #expect(Multipart.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(Multipart.boundary(contentType: "multipart/form-data; charset=utf-8; boundary=\"q r\"") == "q r")
        #expect(Multipart.boundary(contentType: "application/json") == nil)
        #expect(Multipart.boundary(contentType: "multipart/form-data") == nil)
    }
}

@Suite struct RouterTests {
    @Test func matchesTemplatesPreferringLiterals() {
        var r = Router<String>()
        r.add("GET", "/v1/files/{file_id}", "retrieve")
        r.add("GET", "/v1/files/{file_id}/content", "content")
        r.add("POST", "/v1/uploads/{id}/complete", "complete")
        r.add("GET", "/v1/models/{model}", "model")
        #expect(r.match(method: "GET", path: "/v1/files/file-1")?.handler == "retrieve")
        #expect(r.match(method: "GET", path: "/v1/files/file-1")?.params["file_id"] == "file-1")
        #expect(r.match(method: "GET", path: "/v1/files/file-1/content")?.handler == "content")
        #expect(r.match(method: "DELETE", path: "/v1/files/file-1") == nil)
        #expect(r.match(method: "GET", path: "/v1/nope") == nil)
        #expect(r.match(method: "GET", path: "/v1/models/ft%3Agpt-4o%3Aorg")?.params["model"] == "ft:gpt-4o:org")
    }

    /// Against a plain model of the rule (same method and segment count; more literal segments
    /// first, then registration order; the first whose literals match wins) over random route
    /// tables and paths, so the split by second segment finds what a scan of the bucket finds.
    @Test func matchesLikeAScanOfEveryRoute() {
        var rng = SystemRandomNumberGenerator()
        let words = ["v1", "files", "models", "a", "b", "jobs", "x", "__sim"]
        for _ in 0..<200 {
            var r = Router<Int>()
            var table: [(method: String, parts: [String?])] = []   // nil: a parameter
            for i in 0..<Int.random(in: 1...40, using: &rng) {
                let parts: [String?] = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                    Bool.random(using: &rng) ? nil : words.randomElement(using: &rng)!
                }
                let method = Bool.random(using: &rng) ? "GET" : "POST"
                var n = 0
                let template = "/" + parts.map { p -> String in
                    if let p { return p }
                    n += 1
                    return "{p\(n)}"
                }.joined(separator: "/")
                r.add(method, template, i)
                table.append((method, parts))
            }
            var prepared = r
            prepared.prepare()
            for _ in 0..<100 {
                let segs = (0..<Int.random(in: 1...4, using: &rng)).map { _ in words.randomElement(using: &rng)! }
                let method = Bool.random(using: &rng) ? "GET" : "POST"
                let expected = table.indices.filter { table[$0].method == method && table[$0].parts.count == segs.count }
                    .sorted { a, b in
                        let la = table[a].parts.compactMap { $0 }.count, lb = table[b].parts.compactMap { $0 }.count
                        return la != lb ? la > lb : a < b
                    }
                    .first { i in zip(table[i].parts, segs).allSatisfy { $0.0 == nil || $0.0 == $0.1 } }
                let got = r.match(method: method, path: "/" + segs.joined(separator: "/"))
                #expect(got?.handler == expected, "\(method) /\(segs.joined(separator: "/"))")
                // Prepared once (as the app does) it answers the same as built per match.
                #expect(prepared.match(method: method, path: "/" + segs.joined(separator: "/"))?.handler == expected)
                if let got, let e = expected {
                    let values = zip(table[e].parts, segs).filter { $0.0 == nil }.map(\.1)
                    #expect(got.params.pairs.map(\.1) == values)
                }
            }
        }
    }

    @Test func routesAddedAfterPrepareAreMatched() {
        var r = Router<String>()
        r.add("GET", "/v1/files/{file_id}", "retrieve")
        r.prepare()
        #expect(r.match(method: "GET", path: "/v1/files/f")?.handler == "retrieve")
        r.add("GET", "/v1/files/{file_id}/content", "content")
        r.add("POST", "/v1/files", "upload")
        // Unprepared since the adds: still matched (tables built for the call).
        #expect(r.match(method: "GET", path: "/v1/files/f/content")?.handler == "content")
        #expect(r.match(method: "POST", path: "/v1/files")?.handler == "upload")
        r.prepare()
        #expect(r.match(method: "GET", path: "/v1/files/f/content")?.params["file_id"] == "f")
        #expect(r.match(method: "POST", path: "/v1/files")?.handler == "upload")
        #expect(r.match(method: "GET", path: "/v1/files/f")?.handler == "retrieve")
    }

    @Test func segmentsAreMatchedExactlyWhateverTheSlashes() {
        var r = Router<String>()
        r.add("GET", "/v1/models", "list")
        r.add("GET", "/v1/models/{model}", "one")
        r.add("POST", "/v1/fine_tuning/jobs/{id}/cancel", "cancel")
        r.add("GET", "/v1/fine_tuning/jobs/{id}/checkpoints", "checkpoints")
        #expect(r.match(method: "GET", path: "/v1/models")?.handler == "list")
        #expect(r.match(method: "GET", path: "/v1/models/")?.handler == "list")
        #expect(r.match(method: "GET", path: "//v1//models")?.handler == "list")
        #expect(r.match(method: "GET", path: "/v1/model") == nil)
        #expect(r.match(method: "GET", path: "/v1/modelsx") == nil)
        #expect(r.match(method: "GET", path: "/v2/models") == nil)
        #expect(r.match(method: "GET", path: "/") == nil)
        #expect(r.match(method: "GET", path: "") == nil)
        #expect(r.match(method: "GET", path: "/v1/models/a/b/c/d/e/f/g") == nil)
        #expect(r.match(method: "get", path: "/v1/models") == nil) // methods arrive upper-cased
        let cancel = r.match(method: "POST", path: "/v1/fine_tuning/jobs/ftjob-9/cancel")
        #expect(cancel?.handler == "cancel")
        #expect(cancel?.params == ["id": "ftjob-9"])
        #expect(cancel.map(r.template(of:)) == "/v1/fine_tuning/jobs/{id}/cancel")
        #expect(r.match(method: "POST", path: "/v1/fine_tuning/jobs/ftjob-9/checkpoints") == nil)
        #expect(r.match(method: "GET", path: "/v1/models/caf%C3%A9")?.params["model"] == "café")
        #expect(r.match(method: "GET", path: "/v1/models")?.params.isEmpty == true)
        r.add("DELETE", "/v1/fine_tuning/checkpoints/{checkpoint}/permissions/{permission_id}", "perm")
        let perm = r.match(method: "DELETE", path: "/v1/fine_tuning/checkpoints/ft%3Ax/permissions/cp_1")
        #expect(perm?.handler == "perm")
        #expect(perm?.params == ["checkpoint": "ft:x", "permission_id": "cp_1"])
        #expect(r.match(method: "DELETE", path: "/v1/fine_tuning/checkpoints/ft/permission/cp_1") == nil)
        #expect(r.match(method: "DELETE", path: "/v1/fine_tuning/checkpoint/ft/permissions/cp_1") == nil)
    }

    @Test func headerNamesCompareWithoutCase() {
        #expect(HeaderName.equal("content-type", "Content-Type"))
        #expect(HeaderName.equal("X-Request-ID", "x-request-id"))
        #expect(!HeaderName.equal("content-type", "content-typ"))
        #expect(!HeaderName.equal("a-b", "a_b"))
        #expect(HeaderName.lowercased("Retry-After") == "retry-after")
        var r = HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")])
        #expect(r.header("content-type") == "text/plain")
        r.setHeader("CONTENT-TYPE", "application/json")
        #expect(r.headers.count == 1)
        #expect(r.headers[0].0 == "content-type" && r.headers[0].1 == "application/json")
        let req = HTTPRequest(method: "GET", path: "/", headers: [("X-Sim-Scenario", "slow")])
        #expect(req.header("x-sim-scenario") == "slow")
        #expect(req.header("X-SIM-SCENARIO") == "slow")
    }

    @Test func queryParsingDecodes() {
        let req = HTTPRequest(method: "get", target: "/v1/files?purpose=fine-tune&after=file%2D1&x=a+b")
        #expect(req.method == "GET")
        #expect(req.path == "/v1/files")
        #expect(req.queryValue("after") == "file-1")
        #expect(req.queryValue("x") == "a b")
    }
}

@Suite struct ResponseStreamTests {
    @Test func collectsChunksUntilFinished() async {
        let s = ResponseStream()
        s.write("a")
        Task { s.write("b"); s.finish() }
        let out = await s.collect()
        #expect(String(decoding: out, as: UTF8.self) == "ab")
    }

    @Test func pendingResponseDeliversToLateAndEarlyWaiters() async {
        let p = PendingResponse()
        let early = Locked<Int?>(nil)
        p.whenReady { r in early.withLock { $0 = r.status } }
        p.fulfill(HTTPResponse(status: 201))
        p.fulfill(HTTPResponse(status: 500)) // ignored: one-shot
        #expect(early.withLock { $0 } == 201)
        let late: Int = await withCheckedContinuation { c in p.whenReady { c.resume(returning: $0.status) } }
        #expect(late == 201)
    }
}

import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

@Suite struct BatchesRoutesTests {
    let sim = TestHarness()

    func uploadBatchFile(_ lines: [String], key: String = "sk-test") async -> String {
        let body = Array((lines.joined(separator: "\n") + "\n").utf8)
        return await sim.sendMultipart("/v1/files", key: key, fields: [("purpose", "batch")], files: [("file", "in.jsonl", body)])
            .json["id"]?.stringValue ?? ""
    }

    static func line(_ id: String, url: String = "/v1/embeddings", model: String = "text-embedding-3-small") -> String {
        #"{"custom_id":"\#(id)","method":"POST","url":"\#(url)","body":{"model":"\#(model)","input":"hello \#(id)"}}"#
    }

    func create(_ file: String, endpoint: String = "/v1/embeddings") async -> TestHarness.Result {
        await sim.send("POST", "/v1/batches", json: ["input_file_id": .string(file), "endpoint": .string(endpoint), "completion_window": "24h",
                                                     "metadata": ["job": "nightly"]])
    }

    @Test func lifecycleFollowsTheClockAndEveryLineLandsInAnOutputOrErrorFile() async throws {
        let file = await uploadBatchFile((0..<10).map { Self.line("r\($0)") })
        let created = await create(file)
        #expect(created.status == 200)
        #expect(created.json["status"] == "validating" && created.json["object"] == "batch")
        #expect(created.json["id"]?.stringValue?.hasPrefix("batch_") == true)
        #expect(created.json["expires_at"]?.intValue == (created.json["created_at"]?.intValue ?? 0) + 86_400)
        #expect(created.json["metadata"]?["job"] == "nightly")
        let id = created.json["id"]?.stringValue ?? ""
        try sim.advance(seconds: 2)
        let running = await sim.send("GET", "/v1/batches/\(id)")
        #expect(running.json["status"] == "in_progress" && running.json["in_progress_at"] != nil)
        try sim.advance(seconds: 0.35)
        let partial = await sim.send("GET", "/v1/batches/\(id)").json["request_counts"]
        let done0 = (partial?["completed"]?.intValue ?? 0) + (partial?["failed"]?.intValue ?? 0)
        #expect(done0 > 0 && done0 < 10)
        try sim.advance(seconds: 5)
        let finished = await sim.send("GET", "/v1/batches/\(id)")
        #expect(finished.json["status"] == "completed")
        let counts = finished.json["request_counts"]
        #expect(counts?["total"]?.intValue == 10)
        #expect((counts?["completed"]?.intValue ?? 0) + (counts?["failed"]?.intValue ?? 0) == 10)
        var seen: [String] = []
        for key in ["output_file_id", "error_file_id"] {
            guard let fid = finished.json[key]?.stringValue else { continue }
            let text = await sim.send("GET", "/v1/files/\(fid)/content").text
            for l in text.split(separator: "\n") {
                let v = try JSONParser.parse(String(l))
                #expect(v["id"]?.stringValue?.hasPrefix("batch_req_") == true)
                #expect(v["response"]?["request_id"]?.stringValue?.hasPrefix("req_") == true)
                seen.append(v["custom_id"]?.stringValue ?? "")
            }
        }
        #expect(seen.sorted() == (0..<10).map { "r\($0)" }.sorted())
    }

    @Test func malformedInputFailsWithLineNumbers() async throws {
        let file = await uploadBatchFile([
            Self.line("a"), "{not json", Self.line("a"), #"{"custom_id":"c","method":"GET","url":"/v1/embeddings","body":{"model":"m"}}"#,
            #"{"custom_id":"d","method":"POST","url":"/v1/chat/completions","body":{"model":"m"}}"#,
            #"{"custom_id":"e","method":"POST","url":"/v1/embeddings","body":{}}"#,
        ])
        let id = await create(file).json["id"]?.stringValue ?? ""
        try sim.advance(seconds: 3)
        let b = await sim.send("GET", "/v1/batches/\(id)")
        #expect(b.json["status"] == "failed" && b.json["failed_at"] != nil)
        let errs = b.json["errors"]?["data"]?.arrayValue ?? []
        let byLine = Dictionary(errs.map { (Int($0["line"]?.intValue ?? 0), $0["code"]?.stringValue ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(byLine[2] == "invalid_json_line")
        #expect(byLine[3] == "duplicate_custom_id")
        #expect(byLine[4] == "invalid_method")
        #expect(byLine[5] == "mismatched_url")
        #expect(byLine[6] == "missing_required_parameter")
    }

    @Test func createChecksFileEndpointAndWindowSynchronously() async {
        let batchFile = await uploadBatchFile([Self.line("a")])
        let ft = await sim.sendMultipart("/v1/files", fields: [("purpose", "fine-tune")], files: [("file", "t.jsonl", [0x7B, 0x7D])]).json["id"]?.stringValue ?? ""
        #expect(await create("file-missing").json["error"]?["param"] == "input_file_id")
        #expect(await create(ft).json["error"]?["param"] == "input_file_id")
        #expect(await create(batchFile, endpoint: "/v1/nope").json["error"]?["param"] == "endpoint")
        #expect(await create(batchFile, endpoint: "/v1/images/generations").json["error"]?["code"] == "unsupported_endpoint")
        let window = await sim.send("POST", "/v1/batches", json: ["input_file_id": .string(batchFile), "endpoint": "/v1/embeddings", "completion_window": "1h"])
        #expect(window.json["error"]?["param"] == "completion_window")
        #expect(await sim.send("GET", "/v1/batches/batch_nope").status == 404)
        #expect(await sim.send("GET", "/v1/batches/\(batchFile)", key: "other").status == 404)
    }

    @Test func cancelKeepsLinesDoneSoFar() async throws {
        let file = await uploadBatchFile((0..<100).map { Self.line("r\($0)") })
        let id = await create(file).json["id"]?.stringValue ?? ""
        try sim.advance(seconds: 2 + 0.5)
        let c = await sim.send("POST", "/v1/batches/\(id)/cancel")
        #expect(c.json["status"] == "cancelling" && c.json["cancelling_at"] != nil)
        try sim.advance(seconds: 10)
        let b = await sim.send("GET", "/v1/batches/\(id)")
        #expect(b.json["status"] == "cancelled" && b.json["cancelled_at"] != nil)
        let done = (b.json["request_counts"]?["completed"]?.intValue ?? 0) + (b.json["request_counts"]?["failed"]?.intValue ?? 0)
        #expect(done == 25)
        #expect(await sim.send("POST", "/v1/batches/\(id)/cancel").status == 409)
    }

    @Test func unfinishedBatchExpiresAfter24SimulatedHours() async throws {
        let file = await uploadBatchFile((0..<4).map { Self.line("r\($0)") })
        let id = await sim.send("POST", "/v1/batches", json: ["input_file_id": .string(file), "endpoint": "/v1/embeddings",
                                                             "completion_window": "24h"]).json["id"]?.stringValue ?? ""
        // Force a long run through the service's scenario hook: 3 days of work.
        _ = id
        var overrides = RequestOverrides()
        overrides.job = ["duration_s": 259_200]
        let b = try sim.app.services.batches.create(tenant: Tenant.forAPIKey("sk-test"), inputFileID: file, endpoint: "/v1/embeddings",
                                                    completionWindow: "24h", metadata: .null, outputExpiresSeconds: nil, overrides: overrides)
        let bid = b["id"]?.stringValue ?? ""
        try sim.advance(seconds: 86_400)
        let r = await sim.send("GET", "/v1/batches/\(bid)")
        #expect(r.json["status"] == "expired" && r.json["expired_at"] != nil)
        let errFile = r.json["error_file_id"]?.stringValue ?? ""
        let text = await sim.send("GET", "/v1/files/\(errFile)/content").text
        #expect(text.contains("batch_expired"))
        #expect((r.json["request_counts"]?["completed"]?.intValue ?? 0) + (r.json["request_counts"]?["failed"]?.intValue ?? 0) == 4)
    }

    @Test func listPagesNewestFirst() async {
        let file = await uploadBatchFile([Self.line("a")])
        var ids: [String] = []
        for _ in 0..<3 { ids.append(await create(file).json["id"]?.stringValue ?? "") }
        let page = await sim.send("GET", "/v1/batches?limit=2")
        #expect(page.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[2], ids[1]])
        #expect(page.json["has_more"] == true)
        #expect(await sim.send("GET", "/v1/batches?limit=101").status == 400)
    }
}

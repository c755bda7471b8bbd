import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

@Suite struct FilesRoutesTests {
    let sim = TestHarness()
    let jsonl = Array("{\"messages\":[]}\n".utf8)

    func upload(_ name: String = "train.jsonl", purpose: String = "fine-tune", key: String = "sk-test",
                extra: [(String, String)] = []) async -> TestHarness.Result {
        await sim.sendMultipart("/v1/files", key: key, fields: [("purpose", purpose)] + extra, files: [("file", name, jsonl)])
    }

    @Test func createFileAssignsPrefixedIDAndCreatedAt() async {
        let r = await upload()
        #expect(r.status == 200)
        let id = r.json["id"]?.stringValue ?? ""
        #expect(id.hasPrefix("file-") && id.count == 27)
        #expect(r.json["object"] == "file")
        #expect(r.json["bytes"]?.intValue == Int64(jsonl.count))
        #expect(r.json["created_at"]?.intValue == Int64(VirtualClock.defaultStart))
        #expect(r.json["purpose"] == "fine-tune")
        #expect(r.json["filename"] == "train.jsonl")
        #expect(r.json["status"] == "processed")
        #expect(r.json["expires_at"] == nil)
        #expect(r.header("x-request-id")?.hasPrefix("req_") == true)
        #expect(r.header("openai-version") == "2020-10-01")
        #expect(r.header("openai-organization") != nil)
        #expect(r.header("openai-processing-ms") != nil)
    }

    @Test func retrieveContentAndDeleteRoundTrip() async {
        let id = await upload().json["id"]?.stringValue ?? ""
        let got = await sim.send("GET", "/v1/files/\(id)")
        #expect(got.status == 200 && got.json["id"]?.stringValue == id)
        let content = await sim.send("GET", "/v1/files/\(id)/content")
        #expect(content.status == 200)
        #expect(content.body == jsonl)
        #expect(content.header("content-type") == "application/jsonl")
        let del = await sim.send("DELETE", "/v1/files/\(id)")
        #expect(del.json == ["id": .string(id), "object": "file", "deleted": true])
        let gone = await sim.send("GET", "/v1/files/\(id)")
        #expect(gone.status == 404)
        #expect(gone.json["error"]?["message"]?.stringValue == "No such File object: \(id)")
        #expect(gone.json["error"]?["param"] == "id")
    }

    @Test func listPagesWithCursorInBothOrders() async {
        var ids: [String] = []
        for i in 0..<5 { ids.append(await upload("f\(i).jsonl").json["id"]?.stringValue ?? "") }
        let first = await sim.send("GET", "/v1/files?limit=2")
        #expect(first.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[4], ids[3]])
        #expect(first.json["has_more"] == true)
        #expect(first.json["first_id"]?.stringValue == ids[4] && first.json["last_id"]?.stringValue == ids[3])
        let second = await sim.send("GET", "/v1/files?limit=2&after=\(ids[3])")
        #expect(second.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[2], ids[1]])
        let last = await sim.send("GET", "/v1/files?limit=2&after=\(ids[1])")
        #expect(last.json["data"]?.arrayValue?.count == 1 && last.json["has_more"] == false)
        let asc = await sim.send("GET", "/v1/files?order=asc")
        #expect(asc.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ids)
        // The list is written from the files' stored bytes: the same bytes as the encoded tree,
        // each item the file's own GET.
        for page in [first, second, last, asc] { #expect(JSONWriter.encode(page.json) == page.body) }
        for (i, item) in (asc.json["data"]?.arrayValue ?? []).enumerated() {
            #expect(await sim.send("GET", "/v1/files/\(ids[i])").body == JSONWriter.encode(item))
        }
        let empty = await sim.send("GET", "/v1/files", key: "sk-nobody")
        #expect(empty.text == "{\"object\":\"list\",\"data\":[],\"first_id\":\"\",\"last_id\":\"\",\"has_more\":false}")
    }

    @Test func listFiltersByPurpose() async {
        _ = await upload()
        let batch = await upload("b.jsonl", purpose: "batch").json["id"]?.stringValue
        let r = await sim.send("GET", "/v1/files?purpose=batch")
        #expect(r.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [batch].compactMap { $0 })
    }

    @Test func listRejectsBadLimitAndOrder() async {
        let r = await sim.send("GET", "/v1/files?limit=0")
        #expect(r.status == 400 && r.json["error"]?["param"] == "limit")
        let r2 = await sim.send("GET", "/v1/files?limit=10001")
        #expect(r2.status == 400 && r2.json["error"]?["param"] == "limit")
        let r3 = await sim.send("GET", "/v1/files?order=sideways")
        #expect(r3.status == 400 && r3.json["error"]?["param"] == "order")
    }

    @Test func badPurposeAndFormatAreRejectedWithParam() async {
        let r = await upload(purpose: "nonsense")
        #expect(r.status == 400 && r.json["error"]?["param"] == "purpose" && r.json["error"]?["code"] == "invalid_value")
        let r2 = await upload("train.txt")
        #expect(r2.status == 400 && r2.json["error"]?["param"] == "file")
        let r3 = await sim.sendMultipart("/v1/files", fields: [("purpose", "batch")], files: [])
        #expect(r3.status == 400 && r3.json["error"]?["param"] == "file")
        let r4 = await sim.sendMultipart("/v1/files", fields: [], files: [("file", "x.jsonl", jsonl)])
        #expect(r4.status == 400 && r4.json["error"]?["param"] == "purpose")
        let r5 = await sim.send("POST", "/v1/files", json: ["purpose": "batch"])
        #expect(r5.status == 400 && (r5.json["error"]?["message"]?.stringValue ?? "").contains("multipart/form-data"))
    }

    @Test func expiresAfterSetsExpiryAndTheFileDisappearsWhenTheClockPassesIt() async throws {
        let r = await upload(extra: [("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "3600")])
        let id = r.json["id"]?.stringValue ?? ""
        #expect(r.json["expires_at"]?.intValue == Int64(VirtualClock.defaultStart) + 3600)
        try sim.advance(seconds: 3599)
        #expect(await sim.send("GET", "/v1/files/\(id)").status == 200)
        try sim.advance(seconds: 1)
        #expect(await sim.send("GET", "/v1/files/\(id)").status == 404)
        #expect(await sim.send("GET", "/v1/files").json["data"]?.arrayValue?.isEmpty == true)
        let bad = await upload(extra: [("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "60")])
        #expect(bad.status == 400 && bad.json["error"]?["param"] == "expires_after.seconds")
    }

    @Test func batchFilesExpireAfterThirtyDaysByDefault() async {
        let r = await upload("b.jsonl", purpose: "batch")
        #expect(r.json["expires_at"]?.intValue == Int64(VirtualClock.defaultStart) + 2_592_000)
    }

    @Test func twoKeysAreIsolatedTenants() async {
        let id = await upload(key: "key-a").json["id"]?.stringValue ?? ""
        #expect(await sim.send("GET", "/v1/files/\(id)", key: "key-b").status == 404)
        #expect(await sim.send("GET", "/v1/files", key: "key-b").json["data"]?.arrayValue?.isEmpty == true)
        #expect(await sim.send("GET", "/v1/files/\(id)", key: "key-a").status == 200)
    }
}

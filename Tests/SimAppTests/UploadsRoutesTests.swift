import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

@Suite struct UploadsRoutesTests {
    let sim = TestHarness()

    func create(bytes: Int, purpose: String = "fine-tune", name: String = "big.jsonl") async -> TestHarness.Result {
        await sim.send("POST", "/v1/uploads", json: ["filename": .string(name), "purpose": .string(purpose), "bytes": .int(Int64(bytes)),
                                                     "mime_type": "text/jsonl"])
    }

    func part(_ uploadID: String, _ bytes: [UInt8]) async -> TestHarness.Result {
        await sim.sendMultipart("/v1/uploads/\(uploadID)/parts", fields: [], files: [("data", "blob", bytes)])
    }

    @Test func partsCompleteIntoAUsableFileInTheGivenOrder() async {
        let u = await create(bytes: 6)
        #expect(u.json["status"] == "pending" && u.json["object"] == "upload" && u.json["file"] == .null)
        #expect(u.json["expires_at"]?.intValue == Int64(VirtualClock.defaultStart) + 3600)
        let uid = u.json["id"]?.stringValue ?? ""
        #expect(uid.hasPrefix("upload_"))
        let p1 = await part(uid, Array("abc".utf8)), p2 = await part(uid, Array("def".utf8))
        #expect(p1.json["object"] == "upload.part" && p1.json["upload_id"]?.stringValue == uid)
        let id1 = p1.json["id"]?.stringValue ?? "", id2 = p2.json["id"]?.stringValue ?? ""
        #expect(id1.hasPrefix("part_"))
        let done = await sim.send("POST", "/v1/uploads/\(uid)/complete", json: ["part_ids": [.string(id2), .string(id1)],
                                                                                 "md5": .string(md5("defabc"))])
        #expect(done.status == 200 && done.json["status"] == "completed")
        let fileID = done.json["file"]?["id"]?.stringValue ?? ""
        #expect(fileID.hasPrefix("file-") && done.json["file"]?["bytes"]?.intValue == 6)
        #expect(await sim.send("GET", "/v1/files/\(fileID)/content").text == "defabc")
        let again = await sim.send("POST", "/v1/uploads/\(uid)/complete", json: ["part_ids": [.string(id1), .string(id2)]])
        #expect(again.status == 400)
    }

    @Test func totalBytesAndMD5MustMatch() async {
        let uid = await create(bytes: 10).json["id"]?.stringValue ?? ""
        let p = await part(uid, Array("abc".utf8)).json["id"]?.stringValue ?? ""
        let short = await sim.send("POST", "/v1/uploads/\(uid)/complete", json: ["part_ids": [.string(p)]])
        #expect(short.status == 400 && short.json["error"]?["param"] == "part_ids")
        let uid2 = await create(bytes: 3).json["id"]?.stringValue ?? ""
        let p2 = await part(uid2, Array("abc".utf8)).json["id"]?.stringValue ?? ""
        let badMD5 = await sim.send("POST", "/v1/uploads/\(uid2)/complete", json: ["part_ids": [.string(p2)], "md5": "00000000000000000000000000000000"])
        #expect(badMD5.status == 400 && badMD5.json["error"]?["param"] == "md5")
        let foreign = await sim.send("POST", "/v1/uploads/\(uid2)/complete", json: ["part_ids": [.string(p)]])
        #expect(foreign.status == 400)
    }

    @Test func cancelThenPartsAreRefused() async {
        let uid = await create(bytes: 3).json["id"]?.stringValue ?? ""
        let c = await sim.send("POST", "/v1/uploads/\(uid)/cancel")
        #expect(c.json["status"] == "cancelled")
        #expect(await part(uid, [1, 2, 3]).status == 400)
        #expect(await sim.send("POST", "/v1/uploads/\(uid)/cancel").status == 400)
        #expect(await sim.send("POST", "/v1/uploads/upload_missing/cancel").status == 404)
    }

    @Test func uploadExpiresAfterAnHourOnTheClock() async throws {
        let uid = await create(bytes: 3).json["id"]?.stringValue ?? ""
        try sim.advance(seconds: 3600)
        let p = await part(uid, [1, 2, 3])
        #expect(p.status == 400 && (p.json["error"]?["message"]?.stringValue ?? "").contains("expired"))
        let c = await sim.send("POST", "/v1/uploads/\(uid)/cancel")
        #expect(c.status == 400)
    }

    @Test func createValidatesPurposeAndSize() async {
        #expect(await create(bytes: 3, purpose: "evals").json["error"]?["param"] == "purpose")
        #expect(await create(bytes: 9 * 1024 * 1024 * 1024).json["error"]?["param"] == "bytes")
        #expect(await create(bytes: 3, name: "x.txt").status == 400)
    }

    func md5(_ s: String) -> String { var h = MD5(); h.update(Array(s.utf8)); return h.finalizeHex() }
}

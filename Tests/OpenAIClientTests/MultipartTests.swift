import Foundation
import OpenAIClient
import OpenAIWire
import Testing

@Suite struct MultipartTests {
    static let fileJSON = #"{"id":"file-1","object":"file","bytes":3,"created_at":1,"filename":"a \"b\".jsonl","purpose":"fine-tune","status":"processed"}"#

    @Test func fileUploadIsStreamedFromATemporaryFileAndEncodedCorrectly() async throws {
        let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }) + Data("\r\n--x\r\n".utf8)
        let src = FileManager.default.temporaryDirectory.appendingPathComponent("mp-test-\(getpid()).bin")
        try payload.write(to: src)
        defer { try? FileManager.default.removeItem(at: src) }
        let (client, rec) = scriptedClient([.success(.json(200, Self.fileJSON))])
        let f = try await client.files.create(fileAt: src, purpose: "fine-tune", filename: "a \"b\".jsonl", contentType: "application/jsonl")
        #expect(f.id == "file-1")
        let r = try #require(rec.requests.first)
        guard case let .file(tmp) = r.request.body else { Issue.record("body was not streamed from a file"); return }
        #expect(!FileManager.default.fileExists(atPath: tmp.path), "temporary multipart file left behind")
        let ct = try #require(r.request.header("content-type"))
        let boundary = try #require(ct.components(separatedBy: "boundary=").last)
        #expect(ct.hasPrefix("multipart/form-data; boundary="))
        let expected = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n".utf8)
            + Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n".utf8)
            + payload + Data("\r\n--\(boundary)--\r\n".utf8)
        #expect(r.body == expected)
    }

    @Test func fileRangesCopyOnlyTheirBytes() throws {
        let src = FileManager.default.temporaryDirectory.appendingPathComponent("mp-range-\(getpid()).bin")
        try Data("0123456789".utf8).write(to: src)
        defer { try? FileManager.default.removeItem(at: src) }
        var form = MultipartFormBody(boundary: "B")
        form.add(name: "data", filename: "part", source: .file(src, offset: 3, length: 4))
        let url = try form.writeTemporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(text == "--B\r\nContent-Disposition: form-data; name=\"data\"; filename=\"part\"\r\nContent-Type: application/octet-stream\r\n\r\n3456\r\n--B--\r\n")
    }

    @Test func uploadHelperSendsThePartsInOrderThenCompletes() async throws {
        let src = FileManager.default.temporaryDirectory.appendingPathComponent("up-helper-\(getpid()).bin")
        try Data("abcdefghij".utf8).write(to: src)
        defer { try? FileManager.default.removeItem(at: src) }
        let upload = #"{"id":"upload_1","object":"upload","created_at":1,"filename":"f","bytes":10,"purpose":"batch","status":"pending","expires_at":2,"file":null}"#
        let rec = Recorder()
        let transport = InProcessTransport { r in
            rec.record(r)
            let path = r.request.url.path
            if path.hasSuffix("/parts") {
                return .json(200, #"{"id":"part_\#(rec.requests.count)","object":"upload.part","created_at":1,"upload_id":"upload_1"}"#)
            }
            if path.hasSuffix("/complete") { return .json(200, upload.replacingOccurrences(of: "pending", with: "completed")) }
            return .json(200, upload)
        }
        let client = OpenAIClient(configuration: .init(apiKey: "k", transport: transport))
        let u = try await client.uploads.upload(fileAt: src, purpose: "batch", mimeType: "text/plain", partSize: 4)
        #expect(u.status == .completed)
        let parts = rec.requests.filter { $0.request.url.path.hasSuffix("/parts") }
        #expect(parts.count == 3)
        for (i, chunk) in ["abcd", "efgh", "ij"].enumerated() {
            #expect(String(decoding: parts[i].body, as: UTF8.self).contains("\r\n\r\n\(chunk)\r\n--"), "part \(i)")
        }
        let complete = try #require(rec.requests.last)
        let sent = try JSONDecoder().decode(JSONValue.self, from: complete.body)
        #expect(sent["part_ids"] == .array(["part_2", "part_3", "part_4"]))
        let create = try JSONDecoder().decode(JSONValue.self, from: rec.requests[0].body)
        #expect(create["bytes"] == .number(10) && create["mime_type"] == .string("text/plain"))
    }
}

import Digests
import SimHTTP
import SimSupport
import Testing
@testable import SimRecording

@Suite struct RecordingCoreTests {
    @Test func sha256MatchesKnownDigests() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = [UInt8](repeating: 0x61, count: 1000)
        #expect(SHA256.hex(long) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func redactorRemovesKeysAndSessionTokensButKeepsWordsAndMaskedForms() {
        #expect(Redactor.redact("key sk-proj-abcdefgh12345678 here").0 == "key [REDACTED] here")
        #expect(Redactor.redact("sess-ABCDEFGHIJKLMNOP").0 == "[REDACTED]")
        #expect(Redactor.redact("task-abcdefghijklmnop").1 == 0)
        #expect(Redactor.redact("Incorrect API key provided: sk-ab***wxyz").1 == 0)
        let admin: JSON = ["object": "organization.admin_api_key", "value": "sk-admin-0123456789abcdefXYZ",
                           "redacted_value": "sk-admin...XYZ", "headers": ["Authorization": "Bearer x", "openai-project": "proj_1"]]
        let (out, n) = Redactor.redact(admin)
        #expect(n == 3)
        #expect(out["value"] == "[REDACTED]")
        #expect(out["headers"]?["Authorization"] == "[REDACTED]")
        #expect(!out.encodedString.contains("sk-admin-0123"))
    }

    @Test func canonicalJSONIgnoresKeyOrderWhitespaceAndIgnoredFields() throws {
        let a = try JSONParser.parse(#"{"model":"m","input":[1,2.0],"metadata":{"trace":"x","k":1}}"#)
        let b = try JSONParser.parse(#"{ "metadata": {"k": 1, "trace": "y"}, "input": [1, 2], "model": "m" }"#)
        #expect(CanonicalJSON.string(a) != CanonicalJSON.string(b))
        #expect(CanonicalJSON.string(CanonicalJSON.removing(["metadata.trace"], from: a))
            == CanonicalJSON.string(CanonicalJSON.removing(["metadata.trace"], from: b)))
        let ra = RecordedRequest(method: "POST", path: "/v1/responses", body: .json(a))
        let rb = RecordedRequest(method: "POST", path: "/v1/responses", body: .json(b))
        #expect(MatchKey(ra, ignoreFields: ["metadata.trace"]) == MatchKey(rb, ignoreFields: ["metadata.trace"]))
    }

    @Test func cassetteRoundTripsThroughItsJSON() throws {
        let c = Cassette(name: "x", source: "proxy", upstream: "http://u/v1", interactions: [
            Interaction(seq: 1, startedMs: 0, request: RecordedRequest(method: "POST", path: "/v1/files", body: .multipart([
                PartDigest(name: "purpose", value: "batch"), PartDigest(name: "file", filename: "a.jsonl", sha256: "ab", size: 3),
            ])), response: RecordedResponse(status: 0, elapsedMs: 2, fault: .reset, error: "reset by peer")),
            Interaction(seq: 2, startedMs: 5, request: RecordedRequest(method: "POST", path: "/v1/responses", body: .json(["stream": true])),
                        response: RecordedResponse(status: 200, headers: [("content-type", "text/event-stream")], elapsedMs: 3, body: .stream(events: [
                            StreamEvent(atMs: 4, event: "response.created", data: ["type": "response.created"]),
                            StreamEvent(atMs: 9, text: "[DONE]"),
                        ], cut: true))),
        ])
        let back = try Cassette.decode(c.encoded)
        #expect(back.interactions.count == 2)
        #expect(back.interactions[0].response.fault == .reset)
        #expect(back.interactions[0].request.body == c.interactions[0].request.body)
        guard case let .stream(events, cut) = back.interactions[1].response.body else { Issue.record("no stream"); return }
        #expect(cut)
        #expect(events.map(\.atMs) == [4, 9])
        #expect(String(decoding: events[0].wire, as: UTF8.self) == "event: response.created\ndata: {\"type\":\"response.created\"}\n\n")
        #expect(throws: CassetteError.self) { try Cassette.decode(Array(#"{"version": 2, "interactions": []}"#.utf8)) }
    }

    @Test func sseSplitterCutsEventsAcrossChunkBoundaries() {
        var s = SSESplitter()
        #expect(s.feed(Array("event: a\ndata: {}\n".utf8)).isEmpty)
        let done = s.feed(Array("\ndata: [DONE]\n\ndata: par".utf8))
        #expect(done.map { String(decoding: $0, as: UTF8.self) } == ["event: a\ndata: {}", "data: [DONE]"])
        #expect(String(decoding: s.tail, as: UTF8.self) == "data: par")
    }

    @Test func multipartUploadsMatchByContentHashNotBoundary() {
        func upload(_ boundary: String, _ content: String) -> RecordedRequest {
            var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n".utf8)
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\n\r\n\(content)\r\n--\(boundary)--\r\n".utf8)
            let r = HTTPRequest(method: "POST", target: "/v1/files", headers: [("content-type", "multipart/form-data; boundary=\(boundary)")],
                                body: .bytes(body))
            return RequestCapture.capture(r).0
        }
        #expect(MatchKey(upload("b1", "{}")) == MatchKey(upload("other-boundary", "{}")))
        #expect(MatchKey(upload("b1", "{}")) != MatchKey(upload("b1", "{\"x\":1}")))
        let diff = RequestDiff(upload("b1", "{}"), recorded: upload("b1", "[]"), ignoreFields: [])
        #expect(diff.reasons.contains { $0.contains("file file has sha256") })
    }
}

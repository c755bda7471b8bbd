import SimHTTP
import SimSupport
import Testing
@testable import SimRecording

@Suite struct ReplayerTests {
    static func poll(_ status: String, seq: Int) -> Interaction {
        Interaction(seq: seq, startedMs: Double(seq), request: RecordedRequest(method: "GET", path: "/v1/batches/batch_abcdefgh12345678"),
                    response: RecordedResponse(status: 200, body: .json(["id": "batch_abcdefgh12345678", "status": .string(status)])))
    }

    static let cassette = Cassette(name: "c", source: "proxy", interactions: [
        Interaction(seq: 1, startedMs: 0, request: RecordedRequest(method: "POST", path: "/v1/batches", body: .json(["input_file_id": "file-x"])),
                    response: RecordedResponse(status: 200, body: .json(["id": "batch_abcdefgh12345678", "status": "validating"]))),
        poll("validating", seq: 2), poll("in_progress", seq: 3), poll("completed", seq: 4),
        Interaction(seq: 5, startedMs: 9, request: RecordedRequest(method: "POST", path: "/v1/responses",
                                                                   body: .json(["model": "gpt-4.1-mini", "input": "hi"])),
                    response: RecordedResponse(status: 429)),
    ])

    static func status(_ o: Replayer.Outcome) -> String? {
        if case let .hit(x, _, _) = o, case let .json(j) = x.response.body { return j["status"]?.stringValue }
        return nil
    }

    @Test func repeatedRequestsReplayInRecordedOrderThenStickAtTheLast() {
        let r = Replayer(cassette: Self.cassette)
        let get = RecordedRequest(method: "GET", path: "/v1/batches/batch_abcdefgh12345678")
        let seen = (0..<5).map { _ in Self.status(r.take(get)) }
        #expect(seen == ["validating", "in_progress", "completed", "completed", "completed"])
        r.rewind()
        #expect(Self.status(r.take(get)) == "validating")
    }

    @Test func missNamesTheNearestRecordedRequestAndTheDifferingField() {
        let r = Replayer(cassette: Self.cassette)
        let req = RecordedRequest(method: "POST", path: "/v1/responses", body: .json(["input": "hi", "model": "gpt-4o"]))
        guard case let .miss(m) = r.take(req) else { Issue.record("expected a miss"); return }
        #expect(m.nearest.first?.seq == 5)
        #expect(m.nearest.first?.reasons == [#"body.model is "gpt-4o", recorded "gpt-4.1-mini""#])
        #expect(m.message.contains("#5 POST /v1/responses"))
    }

    @Test func idsTheRecordingCreatedAreRecognisedInLaterRequests() {
        let r = Replayer(cassette: Self.cassette)
        #expect(r.created.creators["batch_abcdefgh12345678"] == 1)
        guard case let .miss(m) = r.take(RecordedRequest(method: "POST", path: "/v1/batches/batch_abcdefgh12345678/cancel")) else {
            Issue.record("expected a miss"); return
        }
        #expect(m.referencesRecordedID)
        #expect(m.idNotes == ["batch_abcdefgh12345678 was created by #1 of the recording"])
        guard case let .miss(u) = r.take(RecordedRequest(method: "GET", path: "/v1/batches/batch_zzzzzzzzzzzzzzzz")) else {
            Issue.record("expected a miss"); return
        }
        #expect(!u.referencesRecordedID)
        #expect(u.idNotes.first?.contains("was not created by this recording") == true)
    }

    @Test func scenarioExportGatesEachRecordedFailureToItsCallNumber() {
        let (yaml, rules) = ScenarioExport(cassette: Self.cassette, scenarioName: "out").yaml()
        #expect(rules == 1)
        #expect(yaml.contains("name: out"))
        #expect(yaml.contains("nth: 1"))
        #expect(yaml.contains(#"respond: {"status":429}"#))
    }
}

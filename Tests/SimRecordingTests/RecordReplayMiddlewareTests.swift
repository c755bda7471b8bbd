import Foundation
import SimApp
import SimCore
import SimHTTP
import SimRecording
import SimSupport
import SimTesting
import Testing

/// Record against an in-process upstream app, then replay with no upstream at all.
@Suite struct RecordReplayMiddlewareTests {
    static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "simrec-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func send(_ app: App, _ method: String, _ target: String, json: JSON? = nil, key: String = "sk-test-abcdefghijkl") async -> (Int, [(String, String)], [UInt8]) {
        var h: [(String, String)] = [("authorization", "Bearer \(key)")]
        var body = RequestBody.empty
        if let json { body = .bytes(json.encoded); h.append(("content-type", "application/json")) }
        let r: HTTPResponse = await withCheckedContinuation { c in
            app.respond(to: HTTPRequest(method: method, target: target, headers: h, body: body)).whenReady { c.resume(returning: $0) }
        }
        switch r.body {
        case let .bytes(b): return (r.status, r.headers, b)
        case let .stream(s): return (r.status, r.headers, await s.collect())
        case .file: return (r.status, r.headers, [])
        }
    }

    @Test func recordedExchangesReplayWithTheSameStatusBodyStreamAndRequestID() async throws {
        let dir = Self.tempDir()
        let upstream = TestHarness()
        let recorder = Recorder(directory: dir, name: "t", source: "proxy", upstream: "in-process")
        try recorder.prepare()
        let proxyEnv = SimEnvironment(clock: VirtualClock(), seed: 9, records: MemoryRecordStore(), blobs: MemoryBlobStore())
        let proxy = App(env: proxyEnv, middlewares: [RecordMiddleware(recorder: recorder, upstream: upstream.app)])
        let body: JSON = ["model": "gpt-4o-mini", "input": "hello"]
        let a = await Self.send(proxy, "POST", "/v1/responses", json: body)
        let s = await Self.send(proxy, "POST", "/v1/responses", json: body.setting("stream", true))
        let m = await Self.send(proxy, "GET", "/v1/models/nope")
        #expect(a.0 == 200 && s.0 == 200 && m.0 == 404)

        let text = try String(contentsOfFile: "\(dir)/t.json", encoding: .utf8)
        #expect(!text.contains("sk-test-abcdef"))
        let replayer = try Replayer.load(path: "\(dir)/t.json")
        #expect(replayer.cassette.interactions.count == 3)
        let replayEnv = SimEnvironment(clock: VirtualClock(), seed: 1, records: MemoryRecordStore(), blobs: MemoryBlobStore())
        let replay = App(env: replayEnv, middlewares: [ReplayMiddleware(replayer: replayer, clock: VirtualClock(), speed: 0)])
        let a2 = await Self.send(replay, "POST", "/v1/responses", json: body, key: "sk-other-keyabcdefgh")
        let s2 = await Self.send(replay, "POST", "/v1/responses", json: body.setting("stream", true))
        let m2 = await Self.send(replay, "GET", "/v1/models/nope")
        #expect(a2.0 == 200 && s2.0 == 200 && m2.0 == 404)
        #expect(try JSONParser.parse(a2.2) == JSONParser.parse(a.2))
        #expect(s2.2 == s.2, "streamed bytes differ")
        #expect(a2.1.first { $0.0 == "x-request-id" }?.1 == a.1.first { $0.0 == "x-request-id" }?.1)
        #expect(a2.1.filter { $0.0 == "x-request-id" }.count == 1)
        let miss = await Self.send(replay, "POST", "/v1/responses", json: ["model": "gpt-4o", "input": "hello"])
        #expect(miss.0 == 404)
        #expect((try JSONParser.parse(miss.2))["error"]?["code"] == "replay_miss")
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func replayWaitsTheRecordedTimeOnTheGivenClock() async throws {
        let clock = VirtualClock()
        let cassette = Cassette(name: "t", source: "proxy", interactions: [
            Interaction(seq: 1, startedMs: 0, request: RecordedRequest(method: "GET", path: "/v1/models"),
                        response: RecordedResponse(status: 500, elapsedMs: 2000, body: .json(["error": ["message": "x"]]))),
        ])
        let env = SimEnvironment(clock: VirtualClock(), seed: 1, records: MemoryRecordStore(), blobs: MemoryBlobStore())
        let app = App(env: env, middlewares: [ReplayMiddleware(replayer: Replayer(cassette: cassette), clock: clock, speed: 2)])
        let reply = app.respond(to: HTTPRequest(method: "GET", target: "/v1/models", headers: [("authorization", "Bearer sk-x")]))
        let got = Locked<Int?>(nil)
        reply.whenReady { r in got.withLock { $0 = r.status } }
        try clock.advance(by: 0.9)
        #expect(got.withLock { $0 } == nil)
        try clock.advance(by: 0.2)
        #expect(got.withLock { $0 } == 500)
    }
}

import Digests
import Dispatch
import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

/// Records webhook deliveries; answers each with the next of `answers` (then 200).
final class RecordingWebhookTransport: WebhookTransport {
    struct Post: Sendable, Equatable {
        let url: String
        let headers: [String: String]
        let body: [UInt8]
    }
    private let state: Locked<(posts: [Post], answers: [Int])>
    /// When given, every post waits until it is signalled once (then all pass).
    private let gate: DispatchSemaphore?
    init(answers: [Int] = [], gate: DispatchSemaphore? = nil) {
        state = Locked(([], answers))
        self.gate = gate
    }

    func post(url: String, headers: [(String, String)], body: [UInt8]) -> Result<Int, WebhookTransportFailure> {
        if let gate {
            gate.wait()
            gate.signal()
        }
        return state.withLock { s in
            s.posts.append(Post(url: url, headers: Dictionary(uniqueKeysWithValues: headers.map { ($0.0.lowercased(), $0.1) }), body: body))
            return .success(s.answers.isEmpty ? 200 : s.answers.removeFirst())
        }
    }

    var posts: [Post] { state.withLock { $0.posts } }

    /// Waits (deliveries run on a queue of their own) until `n` posts arrived, at most ~5 s.
    func waitFor(_ n: Int) async -> [Post] {
        for _ in 0..<5000 where posts.count < n { try? await Task.sleep(nanoseconds: 1_000_000) }
        return posts
    }
}

@Suite struct WebhooksRoutesTests {
    static let wallStart = 1_800_000_000.0

    static func batchRun(_ sim: TestHarness) async throws -> (endpoint: JSON, batchID: String) {
        let endpoint = await sim.send("POST", "/v1/webhook_endpoints",
                                      json: ["name": "hook", "url": "http://127.0.0.1:9/hook", "event_types": ["batch.completed"]])
        #expect(endpoint.status == 200)
        let line = #"{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"model":"text-embedding-3-small","input":"hi"}}"#
        let file = await sim.sendMultipart("/v1/files", fields: [("purpose", "batch")], files: [("file", "in.jsonl", Array((line + "\n").utf8))])
        let batch = await sim.send("POST", "/v1/batches", json: ["input_file_id": .string(file.json["id"]?.stringValue ?? ""),
                                                                 "endpoint": "/v1/embeddings", "completion_window": "24h"])
        try sim.advance(seconds: 3600)
        return (endpoint.json, batch.json["id"]?.stringValue ?? "")
    }

    @Test func aBatchsEndSendsOneSignedEventTheSameForTheSameSeedAndRequests() async throws {
        var runs: [[RecordingWebhookTransport.Post]] = []
        for _ in 0..<2 {
            let transport = RecordingWebhookTransport()
            let sim = TestHarness(webhookTransport: transport, wallClock: VirtualClock(start: Self.wallStart))
            let (endpoint, batchID) = try await Self.batchRun(sim)
            let posts = await transport.waitFor(1)
            #expect(posts.count == 1)
            let post = try #require(posts.first)
            let event = try JSONParser.parse(post.body)
            #expect(event["type"] == "batch.completed" && event["data"]?["id"] == .string(batchID) && event["object"] == "event")
            let completedAt = await sim.send("GET", "/v1/batches/\(batchID)").json["completed_at"]
            #expect(event["created_at"] == completedAt)
            // Signed over `<webhook-id>.<timestamp>.<body>` with the secret's decoded bytes, at real (wall) time.
            let id = try #require(post.headers["webhook-id"])
            #expect(post.headers["webhook-timestamp"] == String(Int64(Self.wallStart)))
            let secret = try #require(endpoint["signing_secret"]?.stringValue)
            let key = try #require(Base64.decode(String(secret.dropFirst("whsec_".count))))
            #expect(key.count == 32)
            let mac = SHA256.hmac(key: key, message: Array("\(id).\(Int64(Self.wallStart)).".utf8) + post.body)
            #expect(post.headers["webhook-signature"] == "v1," + Base64.encode(mac))
            // Nothing more for it on later advances (a delivery joins the log when the poll sends it).
            try sim.advance(seconds: 3600)
            #expect(await sim.send("GET", "/__sim/webhooks", key: nil).json["data"]?.arrayValue?.count == 1)
            runs.append(posts)
        }
        #expect(runs[0] == runs[1], "same seed, same requests: the same deliveries, byte for byte")
    }

    @Test func aFailedDeliveryIsRetriedOnTheWallClockThenGivenUp() async throws {
        let transport = RecordingWebhookTransport(answers: [500, 503, 500, 500, 500])
        let wall = VirtualClock(start: Self.wallStart)
        let sim = TestHarness(webhookTransport: transport, wallClock: wall)
        _ = try await Self.batchRun(sim)
        #expect(await transport.waitFor(1).count == 1)
        for (n, delay) in zip(2...5, WebhookDispatcher.retryDelays) {
            try wall.advance(by: delay)
            #expect(await transport.waitFor(n).count == n, "attempt \(n) after \(delay) s")
        }
        try wall.advance(by: 3600)
        // The fifth attempt's outcome is written just after the transport returns.
        var log: [JSON] = []
        for _ in 0..<5000 {
            log = await sim.send("GET", "/__sim/webhooks", key: nil).json["data"]?.arrayValue ?? []
            if log.first?["state"] == "failed" { break }
            try? await Task.sleep(nanoseconds: 1_000_000)
        }
        #expect(log.count == 1 && log.first?["state"] == "failed" && log.first?["attempts"] == 5 && log.first?["status_code"] == 500)
        #expect(Set(transport.posts.map { $0.headers["webhook-id"] ?? "" }).count == 1, "retries resend the same delivery")
    }

    @Test func moreEventsAtOnceThanTheLogHoldsAreAllDelivered() async throws {
        // The log keeps the newest 1,000 deliveries; those it lets go before their attempt still go out
        // (they were lost before: 2,000 background responses ending in one advance, 1,384 arrived).
        // The receiver holds the first attempt until every event is logged, as a slow one would.
        let gate = DispatchSemaphore(value: 0)
        let transport = RecordingWebhookTransport(gate: gate)
        let sim = TestHarness(webhookTransport: transport, wallClock: VirtualClock(start: Self.wallStart))
        _ = await sim.send("POST", "/v1/webhook_endpoints",
                           json: ["name": "hook", "url": "http://127.0.0.1:9/hook", "event_types": ["response.completed"]])
        let n = 1_100
        for i in 0..<n {
            _ = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": .string("hi \(i)"), "background": true])
        }
        try sim.advance(seconds: 600)
        gate.signal()
        let posts = await transport.waitFor(n)
        #expect(posts.count == n)
        #expect(Set(posts.map { $0.headers["webhook-id"] ?? "" }).count == n)
        #expect(await sim.send("GET", "/__sim/webhooks", key: nil).json["data"]?.arrayValue?.count == 1000)
    }

    @Test func withoutAnEndpointNothingIsWatchedOrSent() async throws {
        let transport = RecordingWebhookTransport()
        let sim = TestHarness(webhookTransport: transport, wallClock: VirtualClock(start: Self.wallStart))
        let line = #"{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"model":"text-embedding-3-small","input":"hi"}}"#
        let file = await sim.sendMultipart("/v1/files", fields: [("purpose", "batch")], files: [("file", "in.jsonl", Array((line + "\n").utf8))])
        _ = await sim.send("POST", "/v1/batches", json: ["input_file_id": .string(file.json["id"]?.stringValue ?? ""),
                                                         "endpoint": "/v1/embeddings", "completion_window": "24h"])
        let log = await sim.send("GET", "/__sim/webhooks", key: nil).json
        #expect(log["watching"]?.arrayValue == [])
        try sim.advance(seconds: 3600)
        #expect(transport.posts.isEmpty)
        // An endpoint made later watches the tenant's running jobs, not the ended ones.
        _ = await sim.send("POST", "/v1/webhook_endpoints",
                           json: ["name": "hook", "url": "http://127.0.0.1:9/hook", "event_types": ["batch.completed"]])
        #expect(await sim.send("GET", "/__sim/webhooks", key: nil).json["watching"]?.arrayValue == [])
    }
}

import Foundation
import OpenAIClient
import OpenAIWire
import SimApp
import SimSupport
import SimTesting
import Testing

/// Webhook deliveries kept for the client test to unwrap.
private final class Deliveries: WebhookTransport {
    let posts = Locked<[(headers: [(String, String)], body: [UInt8])]>([])
    func post(url: String, headers: [(String, String)], body: [UInt8]) -> Result<Int, WebhookTransportFailure> {
        posts.withLock { $0.append((headers, body)) }
        return .success(200)
    }
}

/// The client's legacy completions and webhooks against the real app in-process.
@Suite struct CompletionsAndWebhooksClientTests {
    @Test func completionsDecodeStrictlyWholeAndStreamed() async throws {
        let client = ClientAgainstSimulatorTests.client(TestHarness())
        let request = CreateCompletionRequest(model: "gpt-3.5-turbo-instruct", prompt: .texts(["Once upon a time", "In the beginning"]),
                                              maxTokens: 12, n: 2)
        let c = try await client.completions.create(request)
        #expect(c.object == "text_completion" && c.choices.map(\.index) == [0, 1, 2, 3] && c.usage?.completionTokens == 48)
        var streamed = ""
        var usage: CompletionUsage?
        for try await chunk in client.completions.stream(CreateCompletionRequest(model: "davinci-002", prompt: .text("Tides"), maxTokens: 20),
                                                         includeUsage: true) {
            streamed += chunk.choices.first?.text ?? ""
            if let u = chunk.usage { usage = u }
        }
        let whole = try await client.completions.create(CreateCompletionRequest(model: "davinci-002", prompt: .text("Tides"), maxTokens: 20))
        #expect(streamed == whole.choices.first?.text && usage?.completionTokens == whole.usage?.completionTokens)
    }

    @Test func webhookEndpointsAndAnEventTheClientUnwraps() async throws {
        let deliveries = Deliveries()
        let wallNow = 1_800_000_000.0
        let sim = TestHarness(webhookTransport: deliveries, wallClock: VirtualClock(start: wallNow))
        let client = ClientAgainstSimulatorTests.client(sim)
        let endpoint = try await client.webhooks.create(name: "hook", url: "http://127.0.0.1:9/hook", eventTypes: ["batch.completed"])
        let secret = try #require(endpoint.signingSecret)
        #expect(endpoint.id.hasPrefix("whe_") && secret.hasPrefix("whsec_"))
        #expect(try await client.webhooks.retrieve(endpoint.id).signingSecret == nil)
        #expect(try await client.webhooks.update(endpoint.id, WebhookEndpointRequest(name: "renamed")).name == "renamed")
        #expect(try await client.webhooks.list().data.map(\.id) == [endpoint.id])
        #expect(try await client.webhooks.eventTypes().data.contains("batch.completed"))
        let line = #"{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"model":"text-embedding-3-small","input":"hi"}}"#
        let file = try await client.files.create(data: Data((line + "\n").utf8), filename: "b.jsonl", purpose: "batch", contentType: "application/jsonl")
        let batch = try await client.batches.create(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/embeddings"))
        try sim.advance(seconds: 3600)
        var delivered = deliveries.posts.withLock { $0 }
        for _ in 0..<5000 where delivered.isEmpty {
            try await Task.sleep(nanoseconds: 1_000_000)
            delivered = deliveries.posts.withLock { $0 }
        }
        let post = try #require(delivered.first)
        let event = try Webhooks.unwrap(body: post.body, headers: post.headers, secret: secret, now: Int(wallNow))
        #expect(event.type == "batch.completed" && event.data.id == batch.id)
        // A wrong secret, a stale timestamp and a changed body are refused.
        #expect(throws: Webhooks.InvalidSignature.self) {
            try Webhooks.unwrap(body: post.body, headers: post.headers, secret: "whsec_" + String(repeating: "A", count: 43) + "=", now: Int(wallNow))
        }
        #expect(throws: Webhooks.InvalidSignature.self) {
            try Webhooks.unwrap(body: post.body, headers: post.headers, secret: secret, now: Int(wallNow) + 301)
        }
        #expect(throws: Webhooks.InvalidSignature.self) {
            try Webhooks.unwrap(body: post.body + [0x20], headers: post.headers, secret: secret, now: Int(wallNow))
        }
        #expect(try await client.webhooks.delete(endpoint.id).deleted)
    }
}

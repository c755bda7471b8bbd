import Foundation
import OpenAIClient
import Testing

@Suite struct RetryTests {
    @Test func retries429HonouringRetryAfterMs() async throws {
        let (client, rec) = scriptedClient([.success(errorReply(429, headers: ["retry-after-ms": "250"])), .success(okModel)])
        let m = try await client.models.retrieve("gpt-4o-mini")
        #expect(m.id == "gpt-4o-mini")
        #expect(rec.requests.count == 2)
        #expect(rec.sleeps == [0.25])
        #expect(rec.requests.map { $0.request.header("X-Stainless-Retry-Count") } == ["0", "1"])
    }

    @Test func retryAfterSecondsAndHTTPDateAreHonoured() async throws {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // 7 s before Wed, 21 Oct 2015 07:28:00 GMT
        let (client, rec) = scriptedClient([.success(errorReply(503, headers: ["retry-after": "3"])),
                                            .success(errorReply(503, headers: ["retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"])),
                                            .success(okModel)], now: now)
        _ = try await client.models.retrieve("gpt-4o-mini")
        #expect(rec.sleeps.count == 2)
        #expect(rec.sleeps.first == 3)
        #expect(abs((rec.sleeps.last ?? 0) - 10) < 0.001)
    }

    @Test func serverErrorsBackOffExponentiallyThenSurfaceTheLastError() async throws {
        let (client, rec) = scriptedClient([.success(errorReply(500))], maxRetries: 2, random: 0)
        do {
            _ = try await client.models.retrieve("gpt-4o-mini")
            Issue.record("expected an error")
        } catch let OpenAIError.status(e) {
            #expect(e.status == 500)
            #expect(e.requestID == "req_500")
            #expect(e.type == "server_error")
        }
        #expect(rec.requests.count == 3)
        #expect(rec.sleeps == [0.5, 1.0])
    }

    @Test func jitterShortensTheBackoffByUpToAQuarter() async throws {
        let (client, rec) = scriptedClient([.success(errorReply(502)), .success(okModel)], random: 0.999)
        _ = try await client.models.retrieve("gpt-4o-mini")
        #expect(rec.sleeps.count == 1)
        #expect(abs(rec.sleeps[0] - 0.5 * (1 - 0.25 * 0.999)) < 1e-9)
    }

    @Test(arguments: [408, 409, 429, 500, 503])
    func retryableStatusesAreRetried(status: Int) async throws {
        let (client, rec) = scriptedClient([.success(errorReply(status)), .success(okModel)])
        _ = try await client.models.retrieve("gpt-4o-mini")
        #expect(rec.requests.count == 2)
    }

    @Test(arguments: [400, 401, 403, 404, 422])
    func clientErrorsAreNotRetried(status: Int) async throws {
        let (client, rec) = scriptedClient([.success(errorReply(status, type: "invalid_request_error", param: "model", code: "bad")),
                                            .success(okModel)])
        do {
            _ = try await client.models.retrieve("gpt-4o-mini")
            Issue.record("expected an error")
        } catch let OpenAIError.status(e) {
            #expect(e.status == status && e.param == "model" && e.code == "bad" && e.type == "invalid_request_error")
        }
        #expect(rec.requests.count == 1)
    }

    @Test func xShouldRetryOverridesTheStatus() async throws {
        let (noRetry, rec1) = scriptedClient([.success(errorReply(503, headers: ["x-should-retry": "false"])), .success(okModel)])
        await #expect(throws: OpenAIError.self) { _ = try await noRetry.models.retrieve("gpt-4o-mini") }
        #expect(rec1.requests.count == 1)
        let (retry, rec2) = scriptedClient([.success(errorReply(400, headers: ["x-should-retry": "true"])), .success(okModel)])
        _ = try await retry.models.retrieve("gpt-4o-mini")
        #expect(rec2.requests.count == 2)
    }

    @Test func retryAfterBeyondTwoMinutesIsNotRetried() async throws {
        let (client, rec) = scriptedClient([.success(errorReply(429, headers: ["retry-after": "600"])), .success(okModel)])
        await #expect(throws: OpenAIError.self) { _ = try await client.models.retrieve("gpt-4o-mini") }
        #expect(rec.requests.count == 1)
    }

    @Test func connectionErrorsAreRetriedThenReported() async throws {
        let (client, rec) = scriptedClient([.failure(TransportError(.connection, "reset")), .success(okModel)])
        _ = try await client.models.retrieve("gpt-4o-mini")
        #expect(rec.requests.count == 2)
        let (failing, rec2) = scriptedClient([.failure(TransportError(.timeout, "slow"))], maxRetries: 1)
        do {
            _ = try await failing.models.retrieve("gpt-4o-mini")
            Issue.record("expected a timeout")
        } catch OpenAIError.timeout {
        }
        #expect(rec2.requests.count == 2)
    }

    @Test func requestsCarryAuthOrganizationAndProjectHeaders() async throws {
        let rec = Recorder()
        var c = OpenAIClient.Configuration(apiKey: "sk-abc", organization: "org-1", project: "proj_2",
                                           transport: InProcessTransport { rec.record($0); return okModel })
        c.sleep = { _ in }
        _ = try await OpenAIClient(configuration: c).models.retrieve("gpt 4/o")
        let r = try #require(rec.requests.first)
        #expect(r.request.url.absoluteString == "https://api.openai.com/v1/models/gpt%204%2Fo")
        #expect(r.request.header("authorization") == "Bearer sk-abc")
        #expect(r.request.header("openai-organization") == "org-1")
        #expect(r.request.header("openai-project") == "proj_2")
    }
}

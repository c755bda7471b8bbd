import SimApp

/// Webhook deliveries over libcurl (loaded on first use): one POST each, 5 s to connect, 10 s
/// in all, no redirects followed; the answer's body is read and dropped.
struct WebhookCurlTransport: WebhookTransport {
    func post(url: String, headers: [(String, String)], body: [UInt8]) -> Result<Int, WebhookTransportFailure> {
        var request = Curl.Request(method: "POST", url: url, headers: headers, body: .bytes(body))
        request.connectTimeout = 5
        request.idleTimeout = 10
        request.totalTimeout = 10
        request.freshConnection = true
        request.followRedirects = false
        switch Curl.perform(request, handler: Discard()) {
        case let .success(status): return .success(status)
        case let .failure(f): return .failure(WebhookTransportFailure(f.description))
        }
    }

    private final class Discard: Curl.Handler {
        func head(status: Int, headers: [(String, String)]) {}
        func body(_ chunk: UnsafeRawBufferPointer) -> Bool { true }
        var shouldAbort: Bool { false }
    }
}

import SimHTTP

/// Cross-origin requests from a browser (a web app using the official JavaScript SDK with
/// `dangerouslyAllowBrowser`, or plain `fetch`), as `api.openai.com` allows them: a preflight
/// (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered 200 without a key,
/// allowing any origin, the usual methods and whatever headers the browser asks for (the SDK
/// sends `authorization`, `content-type` and its `x-stainless-*` headers); every answer to a
/// request that carries `Origin` allows any origin and exposes the headers clients read.
///
/// Which headers the real API exposes to scripts is not known here: this exposes the request
/// id, the `openai-*` headers and the rate-limit and retry headers, so a browser client reads
/// them as a server-side one does.
enum CORS {
    static let exposed = "x-request-id, openai-organization, openai-project, openai-processing-ms, openai-version, "
        + "x-ratelimit-limit-requests, x-ratelimit-limit-tokens, x-ratelimit-remaining-requests, x-ratelimit-remaining-tokens, "
        + "x-ratelimit-reset-requests, x-ratelimit-reset-tokens, retry-after, retry-after-ms, x-should-retry"

    /// The answer to a browser's preflight, or nil when `request` is not one. Cheap for every
    /// other request: one compare of the method.
    static func preflight(_ request: HTTPRequest) -> HTTPResponse? {
        guard request.method == "OPTIONS", request.header("origin") != nil,
              request.header("access-control-request-method") != nil else { return nil }
        return HTTPResponse(status: 200, headers: [
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "GET, POST, DELETE, OPTIONS"),
            ("access-control-allow-headers", request.header("access-control-request-headers") ?? "authorization, content-type"),
            ("access-control-max-age", "86400"),
        ])
    }

    /// Adds the headers a browser needs to read the answer when the request came with `Origin`
    /// (kept when the answer already has them: a proxied or replayed one).
    static func addHeaders(_ r: inout HTTPResponse, for request: HTTPRequest) {
        guard request.header("origin") != nil, r.header("access-control-allow-origin") == nil else { return }
        r.headers.append(("access-control-allow-origin", "*"))
        r.headers.append(("access-control-expose-headers", exposed))
    }
}

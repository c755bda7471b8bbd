import SimCore
import SimHTTP
import SimScenarios
import SimSupport

/// The answers scenario rules give instead of the endpoint's: `respond` presets with the real
/// API's error bodies and headers, rate-limit refusals and the `x-ratelimit-*` headers.
enum ScenarioResponses {
    static let rateLimitDocs = "Visit https://platform.openai.com/account/rate-limits to learn more."

    /// The response for a rule's `respond` action: the preset (if any), then explicit status/error/body/headers on top.
    static func respond(_ r: Respond, exchange: Exchange, body: JSON?) -> HTTPResponse {
        var response: HTTPResponse
        if let preset = r.preset {
            response = self.preset(preset, exchange: exchange, body: body, headers: r.headers)
        } else if let b = r.body {
            response = .json(b, status: r.status ?? 200)
        } else {
            let status = r.status ?? 500
            response = App.errorResponse(APIError(status: status, type: defaultType(status), message: defaultMessage(status, exchange.requestID)))
        }
        if let s = r.status { response.status = s }
        if let fields = r.error, case let .object(outer)? = response.bodyBytes.flatMap({ try? JSONParser.parse($0) }),
           case var .object(inner)? = outer.first(where: { $0.0 == "error" })?.1 {
            for (k, v) in fields {
                if let i = inner.firstIndex(where: { $0.0 == k }) { inner[i].1 = v } else { inner.append((k, v)) }
            }
            let status = response.status
            let headers = response.headers
            response = .json(.object([("error", .object(inner))]), status: status)
            for (k, v) in headers where k != "content-type" { response.setHeader(k, v) }
        } else if let b = r.body, r.preset != nil {
            let status = response.status
            let headers = response.headers
            response = .json(b, status: status)
            for (k, v) in headers where k != "content-type" { response.setHeader(k, v) }
        }
        for (k, v) in r.headers { response.setHeader(k, v) }
        return response
    }

    static func preset(_ name: String, exchange: Exchange, body: JSON?, headers: [(String, String)]) -> HTTPResponse {
        let rid = exchange.requestID
        switch name {
        case "rate_limit":
            let given = Dictionary(headers, uniquingKeysWith: { a, _ in a })
            var ms = 1000.0
            if let v = given["retry-after-ms"].flatMap(Double.init), v.isFinite, v >= 0 { ms = v } else if let v = given["retry-after"].flatMap(Double.init), v.isFinite, v >= 0 { ms = v * 1000 }
            let wait = duration(ms / 1000)
            let model = body?["model"]?.stringValue.map { " for \($0)" } ?? ""
            let message = "Rate limit reached\(model) in organization \(exchange.tenant.organizationID) on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in \(wait). \(rateLimitDocs)"
            var r = App.errorResponse(APIError(status: 429, type: "requests", code: "rate_limit_exceeded", message: message))
            r.setHeader("retry-after", String(Int((ms / 1000).rounded(.up))))
            r.setHeader("retry-after-ms", trimmed(ms))
            r.setHeader("x-ratelimit-limit-requests", "500")
            r.setHeader("x-ratelimit-remaining-requests", "0")
            r.setHeader("x-ratelimit-reset-requests", wait)
            r.setHeader("x-ratelimit-limit-tokens", "200000")
            r.setHeader("x-ratelimit-remaining-tokens", "200000")
            r.setHeader("x-ratelimit-reset-tokens", "0s")
            return r
        case "insufficient_quota":
            return insufficientQuota()
        case "bad_gateway":
            // What the API's edge (Cloudflare) sends: note the integer code.
            return .json(["error": ["code": 502, "message": "Bad gateway.", "param": nil, "type": "cf_bad_gateway"]], status: 502)
        case "overloaded":
            return App.errorResponse(APIError(status: 503, type: "server_error",
                                              message: "That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists. (Please include the request ID \(rid) in your message.)"))
        case "unauthorized":
            let auth = exchange.request.header("authorization") ?? ""
            let key = auth.lowercased().hasPrefix("bearer ") ? String(auth.dropFirst(7)) : auth
            return App.errorResponse(.invalidAPIKey(key))
        case "not_found":
            if let model = body?["model"]?.stringValue { return App.errorResponse(.modelNotFound(model)) }
            return App.errorResponse(.invalidURL(method: exchange.request.method, path: exchange.request.path))
        default: // server_error
            return App.errorResponse(.serverError(defaultMessage(500, rid)))
        }
    }

    /// 429 for a request over a `rate_limit` budget, worded as the API words it.
    /// The API's answer to an organization out of credit or over a hard spend limit.
    static func insufficientQuota() -> HTTPResponse {
        App.errorResponse(APIError(status: 429, type: "insufficient_quota", code: "insufficient_quota",
                                   message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."))
    }

    static func rateLimited(_ d: RateDecision, exchange: Exchange, body: JSON?) -> HTTPResponse {
        let tokens = d.exceeded == "tokens"
        let budget = tokens ? d.tokens : d.requests
        let limit = budget?.limit ?? 0
        let used = limit - (budget?.remaining ?? 0)
        let requested = tokens ? d.requestedTokens : 1
        let wait = duration(d.retryAfter ?? 1)
        let model = body?["model"]?.stringValue.map { " for \($0)" } ?? ""
        let org = exchange.tenant.organizationID
        let message: String
        if tokens, requested > limit {
            message = "Request too large\(model) in organization \(org) on tokens per min (TPM): Limit \(limit), Requested \(requested). The input or output tokens must be reduced in order to run successfully. \(rateLimitDocs)"
        } else {
            let kind = tokens ? "tokens per min (TPM)" : "requests per min (RPM)"
            message = "Rate limit reached\(model) in organization \(org) on \(kind): Limit \(limit), Used \(used), Requested \(requested). Please try again in \(wait). \(rateLimitDocs)"
        }
        var r = App.errorResponse(APIError(status: 429, type: tokens ? "tokens" : "requests", code: "rate_limit_exceeded", message: message))
        let seconds = d.retryAfter ?? 1
        r.setHeader("retry-after", String(Int(seconds.rounded(.up))))
        r.setHeader("retry-after-ms", String(Int((seconds * 1000).rounded(.up))))
        return r
    }

    /// The truthful `x-ratelimit-*` headers for the budgets after this request.
    static func rateHeaders(_ d: RateDecision) -> [(String, String)] {
        var h: [(String, String)] = []
        if let r = d.requests {
            h += [("x-ratelimit-limit-requests", String(r.limit)), ("x-ratelimit-remaining-requests", String(r.remaining)),
                  ("x-ratelimit-reset-requests", duration(r.resetSeconds))]
        }
        if let t = d.tokens {
            h += [("x-ratelimit-limit-tokens", String(t.limit)), ("x-ratelimit-remaining-tokens", String(t.remaining)),
                  ("x-ratelimit-reset-tokens", duration(t.resetSeconds))]
        }
        return h
    }

    /// A rough token count for TPM budgets: a quarter of the prompt's characters plus the output cap.
    static func estimateTokens(_ body: JSON?) -> Int {
        guard let body else { return 1 }
        var chars = 0
        func count(_ v: JSON) {
            switch v {
            case let .string(s): chars += s.count
            case let .array(a): a.forEach(count)
            case let .object(o): for (k, x) in o where k != "role" && k != "type" { count(x) }
            default: break
            }
        }
        for key in ["messages", "input", "prompt", "instructions", "system"] { if let v = body[key] { count(v) } }
        var tokens = max(1, (chars + 3) / 4)
        for key in ["max_tokens", "max_completion_tokens", "max_output_tokens"] {
            if let n = body[key]?.intValue, n > 0 { tokens += Int(min(n, 10_000_000)) }
        }
        return tokens
    }

    /// The API's duration format: `120ms`, `1s`, `8.64s`, `6m0s`.
    static func duration(_ seconds: Double) -> String {
        let s = max(0, seconds)
        if s == 0 { return "0s" }
        if s < 1 { return "\(max(1, Int((s * 1000).rounded())))ms" }
        if s < 60 { return trimmed((s * 100).rounded() / 100) + "s" }
        let m = Int(s / 60)
        return "\(m)m" + trimmed(((s - Double(m) * 60) * 100).rounded() / 100) + "s"
    }

    static func trimmed(_ d: Double) -> String { d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d) }

    static func defaultType(_ status: Int) -> String {
        switch status {
        case 401: return "invalid_request_error"
        case 403: return "permission_error"
        case 429: return "requests"
        case 500...: return "server_error"
        default: return "invalid_request_error"
        }
    }

    static func defaultMessage(_ status: Int, _ rid: String) -> String {
        status >= 500
            ? "The server had an error processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if you keep seeing this error. (Please include the request ID \(rid) in your email.)"
            : "The request failed with status \(status)."
    }
}

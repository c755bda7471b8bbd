import Foundation

/// When and how long to wait before retrying, as the official SDKs do (`_base_client.py`).
public struct RetryPolicy: Sendable {
    public var maxRetries: Int
    public var initialDelay: Double = 0.5
    public var maxDelay: Double = 8
    /// Server-directed delays above this are refused (no retry).
    public var maxRetryAfter: Double = 120

    public init(maxRetries: Int) { self.maxRetries = max(0, maxRetries) }

    /// Seconds from `retry-after-ms`, else `retry-after` (seconds, or an HTTP date relative to `now`).
    public static func retryAfter(_ head: TransportResponseHead, now: Date) -> Double? {
        if let ms = head.header("retry-after-ms"), let v = Double(ms.trimmingCharacters(in: .whitespaces)) { return v / 1000 }
        guard let raw = head.header("retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let v = Double(raw) { return v }
        guard let date = httpDate(raw) else { return nil }
        return date.timeIntervalSince(now)
    }

    /// Parses an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`) or RFC 850 / asctime form.
    static func httpDate(_ s: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = format
            if let d = f.date(from: s) { return d }
        }
        return nil
    }

    /// Whether a 4xx/5xx answer is worth retrying: `x-should-retry` wins, then 408/409/429/5xx.
    public func shouldRetry(_ head: TransportResponseHead, now: Date) -> Bool {
        if let after = Self.retryAfter(head, now: now), after.isFinite, after > maxRetryAfter { return false }
        switch head.header("x-should-retry") {
        case "true": return true
        case "false": return false
        default: break
        }
        return head.status == 408 || head.status == 409 || head.status == 429 || head.status >= 500
    }

    /// Seconds to wait before retry number `retriesTaken + 1`; `random` in [0, 1) gives the jitter.
    public func delay(retriesTaken: Int, head: TransportResponseHead?, now: Date, random: Double) -> Double {
        if let head, let after = Self.retryAfter(head, now: now), after.isFinite, after > 0, after <= maxRetryAfter {
            return after
        }
        let base = min(initialDelay * pow(2.0, Double(min(retriesTaken, 1000))), maxDelay)
        return max(0, base * (1 - 0.25 * random))
    }
}

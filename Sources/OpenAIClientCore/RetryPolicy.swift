import FoundationEssentials
import Glibc

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
        func trimmed(_ s: String) -> String { String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
        if let ms = head.header("retry-after-ms"), let v = Double(trimmed(ms)) { return v / 1000 }
        guard let raw = head.header("retry-after").map(trimmed) else { return nil }
        if let v = Double(raw) { return v }
        guard let date = httpDate(raw) else { return nil }
        return date.timeIntervalSince(now)
    }

    /// Parses an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`) or RFC 850 / asctime form.
    static func httpDate(_ s: String) -> Date? {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let t = s.split(whereSeparator: { " ,-:".contains($0) }).map(String.init)
        let fields: (day: String, month: String, year: String, time: ArraySlice<String>)
        if t.count == 8, t[7] == "GMT" || t[7] == "UTC" {           // IMF-fixdate and RFC 850
            fields = (t[1], t[2], t[3], t[4...6])
        } else if t.count == 7 {                                     // asctime
            fields = (t[2], t[1], t[6], t[3...5])
        } else {
            return nil
        }
        guard let month = months.firstIndex(of: fields.month.lowercased()).map({ $0 + 1 }),
              let day = Int(fields.day), (1...31).contains(day), var year = Int(fields.year),
              let h = Int(fields.time[fields.time.startIndex]), let m = Int(fields.time[fields.time.startIndex + 1]),
              let sec = Int(fields.time[fields.time.startIndex + 2]), h < 24, m < 60, sec <= 60 else { return nil }
        if fields.year.count == 2 { year += year < 70 ? 2000 : 1900 }
        // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + h * 3600 + m * 60 + sec))
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

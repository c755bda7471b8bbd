import SimHTTP
import SimSupport

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var t = Substring(self)
        while t.first == set { t = t.dropFirst() }
        while t.last == set { t = t.dropLast() }
        return String(t)
    }
}

/// Turns a live response into its recorded form: allow-listed headers, JSON inline and
/// redacted, binary bodies by hash.
public enum ResponseCapture {
    public static let keptHeaders: Set<String> = [
        "content-type", "content-disposition", "x-request-id", "openai-processing-ms", "openai-version", "openai-model",
        "retry-after", "retry-after-ms", "x-should-retry",
    ]

    /// The headers worth keeping (request id, rate-limit headers, retry hints, content type).
    public static func headers(_ h: [(String, String)]) -> [(String, String)] {
        var out: [(String, String)] = []
        for (k, v) in h {
            let n = k.lowercased()
            guard keptHeaders.contains(n) || n.hasPrefix("x-ratelimit-") else { continue }
            if out.contains(where: { $0.0 == n }) { continue }
            out.append((n, Redactor.redact(v).0))
        }
        return out
    }

    public static func isEventStream(_ r: HTTPResponse) -> Bool {
        r.header("content-type")?.lowercased().hasPrefix("text/event-stream") ?? false
    }

    /// The body as recorded: API JSON inline (redacted), short text inline, downloads and
    /// anything else in `store` (which returns their hash).
    public static func body(_ bytes: [UInt8], contentType: String?, download: Bool = false,
                            store: (inout [UInt8]) -> String) -> ResponseContent {
        if bytes.isEmpty { return .none }
        let ct = (contentType?.split(separator: ";").first.map(String.init) ?? "").trimmingCharacters(in: " ").lowercased()
        if !download {
            if ct == "application/json" || ct.isEmpty, let j = try? JSONParser.parse(bytes) { return .json(Redactor.redact(j).0) }
            if ct.hasPrefix("text/") || ct == "application/json", bytes.count <= 256 * 1024, RequestCapture.isText(bytes) {
                return .text(Redactor.redact(String(decoding: bytes, as: UTF8.self)).0)
            }
        }
        var copy = bytes
        let sha = store(&copy)
        return .file(sha256: sha, size: bytes.count)
    }
}

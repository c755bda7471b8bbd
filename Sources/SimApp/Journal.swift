import SimHTTP
import SimSupport

/// The request journal behind `GET /__sim/requests`: newest last, bounded. Bodies are kept as raw
/// bytes and only parsed when the journal is read, to keep the hot path cheap.
public final class Journal: Sendable {
    struct Entry: Sendable {
        let seq: Int
        let method: String
        let path: String
        let query: String
        let status: Int
        let tenant: String?
        let requestID: String
        let startedAt: Double
        let durationMs: Double
        let requestBody: [UInt8]?
        let requestIsJSON: Bool
        let responseBody: [UInt8]?
        let responseIsJSON: Bool
        let note: JSON?
    }
    /// A ring: `entries[head]` is the oldest once the buffer is full.
    private struct State {
        var entries: [Entry] = []
        var head = 0
        var next = 1
        var ordered: [Entry] { Array(entries[head...] + entries[..<head]) }
    }
    private let state = Locked(State())
    public let capacity: Int
    static let maxBodyBytes = 256 * 1024

    public init(capacity: Int = 1000) { self.capacity = max(1, capacity) }

    func record(request: HTTPRequest, response: HTTPResponse, tenant: String?, requestID: String, startedAt: Double,
                durationMs: Double, note: JSON? = nil) {
        var reqBody: [UInt8]?
        var reqJSON = false
        if case let .bytes(b) = request.body, b.count <= Self.maxBodyBytes {
            reqBody = b
            reqJSON = request.contentType.map { HeaderName.hasPrefixIgnoringCase($0, "application/json") } ?? true
        }
        var respBody: [UInt8]?
        // Compared as bytes (`String.hasPrefix` compares characters: hundreds of instructions).
        let respJSON = response.header("content-type").map { HeaderName.hasPrefixIgnoringCase($0, "application/json") } ?? false
        if respJSON, let b = response.bodyBytes, b.count <= Self.maxBodyBytes { respBody = b }
        let query = request.query.isEmpty ? "" : request.query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        // The entry pushed out of the ring is released after the lock (its bodies can be large,
        // and the server's other thread waits for this lock).
        let evicted: Entry? = state.withLock { s in
            var e = Entry(seq: s.next, method: request.method, path: request.path, query: query, status: response.status,
                          tenant: tenant, requestID: requestID, startedAt: startedAt, durationMs: durationMs,
                          requestBody: reqBody, requestIsJSON: reqJSON, responseBody: respBody,
                          responseIsJSON: respJSON, note: note)
            s.next += 1
            if s.entries.count < capacity {
                s.entries.append(e)
                return nil
            }
            swap(&s.entries[s.head], &e)
            s.head = (s.head + 1) % capacity
            return e
        }
        _ = evicted
    }

    func clear(tenant: String? = nil) {
        state.withLock { s in
            var kept = s.ordered
            if let t = tenant { kept.removeAll { $0.tenant == t } } else { kept.removeAll() }
            s.entries = kept
            s.head = 0
        }
    }

    /// Entries as JSON, optionally for one tenant, at most `limit` of the newest.
    func render(tenant: String?, limit: Int?) -> JSON {
        let entries = state.withLock { s in s.ordered.filter { tenant == nil || $0.tenant == tenant } }
        let chosen = limit.map { Array(entries.suffix($0)) } ?? entries
        return .object([("object", "list"), ("data", .array(chosen.map(Self.json)))])
    }

    private static func json(_ e: Entry) -> JSON {
        func body(_ bytes: [UInt8]?, _ isJSON: Bool) -> JSON {
            guard let b = bytes, !b.isEmpty else { return .null }
            if isJSON, let v = try? JSONParser.parse(b) { return v }
            return .string(String(decoding: b.prefix(4096), as: UTF8.self))
        }
        var pairs: [(String, JSON)] = [
            ("seq", .int(Int64(e.seq))), ("method", .string(e.method)), ("path", .string(e.path)), ("query", .string(e.query)),
            ("status", .int(Int64(e.status))), ("tenant", JSON(e.tenant)), ("request_id", .string(e.requestID)),
            ("started_at", .double(e.startedAt)), ("duration_ms", .double((e.durationMs * 1000).rounded() / 1000)),
            ("request_body", body(e.requestBody, e.requestIsJSON)), ("response_body", body(e.responseBody, e.responseIsJSON)),
        ]
        if let n = e.note { pairs.append(("note", n)) }
        return .object(pairs)
    }
}

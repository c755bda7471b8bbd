import Synchronization
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
    /// The kept entries are those numbered within `capacity` of the newest, as if one ring of
    /// `capacity` slots held them. They live in one ring per writing thread (`Sharded` by
    /// `ThreadSlot`), each of up to `capacity` entries, so an entry is pushed out, and its memory
    /// freed, by the thread that allocated it. A single ring shared by the server's threads made
    /// each thread free the other's entries: glibc then takes the other thread's arena lock for
    /// every chunk too big for its per-thread cache (a 1 KB body is), and under load on
    /// POST /v1/responses those waits were 0.44 futex calls per request. A read merges the rings.
    /// Memory: at most `capacity` entries per ring, one ring per thread that records (the MHD
    /// threads, the threads that deliver deferred replies; past 16 such threads they share
    /// rings), of which only the newest `capacity` are shown.
    private struct Ring {
        var entries: [Entry?] = []
        var next = 0

        /// Adds `entry`; returns the entry it pushed out, if any.
        mutating func push(_ entry: Entry, capacity: Int) -> Entry? {
            if entries.count < capacity { entries.append(entry); return nil }
            var out: Entry? = entry
            swap(&entries[next], &out)
            next = next + 1 == capacity ? 0 : next + 1
            return out
        }
    }
    private let rings: Sharded<Ring>
    private let sequence = Atomic<Int>(0)
    public let capacity: Int
    static let maxBodyBytes = 256 * 1024

    public init(capacity: Int = 1000) {
        self.capacity = max(1, capacity)
        rings = Sharded(count: 16) { Ring() }
    }

    /// The kept entries, oldest first.
    private var ordered: [Entry] {
        var all: [Entry] = []
        rings.forEach { r in for case let e? in r.entries { all.append(e) } }
        // Numbers taken before the read started; entries pushed out of the one-ring view are dropped.
        let oldest = sequence.load(ordering: .relaxed) - capacity
        all.removeAll { $0.seq <= oldest }
        all.sort { $0.seq < $1.seq }
        return all
    }

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
        let seq = sequence.wrappingAdd(1, ordering: .relaxed).newValue
        let entry = Entry(seq: seq, method: request.method, path: request.path, query: query, status: response.status,
                          tenant: tenant, requestID: requestID, startedAt: startedAt, durationMs: durationMs,
                          requestBody: reqBody, requestIsJSON: reqJSON, responseBody: respBody,
                          responseIsJSON: respJSON, note: note)
        let cap = capacity
        let evicted = rings.withLock { $0.push(entry, capacity: cap) }
        // The entry pushed out is released here, after the lock: its bodies can be large.
        _ = evicted
    }

    func clear(tenant: String? = nil) {
        rings.forEach { r in
            if tenant == nil { r = Ring(); return }
            for i in r.entries.indices where r.entries[i]?.tenant == tenant { r.entries[i] = nil }
        }
    }

    /// Entries as JSON, optionally for one tenant, at most `limit` of the newest.
    func render(tenant: String?, limit: Int?) -> JSON {
        let entries = ordered.filter { tenant == nil || $0.tenant == tenant }
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

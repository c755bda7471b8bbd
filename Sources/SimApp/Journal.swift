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
    /// One slot per kept entry: entry `seq` lives in slot `seq % capacity`, so the newest
    /// `capacity` entries are the ones kept. A request takes its number from one atomic counter
    /// and locks only its own slot: the server's threads never wait for each other here (one
    /// lock around a ring was the most contended lock under load, and its waits cost futex
    /// calls and context switches).
    private let slots: [Locked<Entry?>]
    private let sequence = Atomic<Int>(0)
    public let capacity: Int
    static let maxBodyBytes = 256 * 1024

    public init(capacity: Int = 1000) {
        self.capacity = max(1, capacity)
        slots = (0..<self.capacity).map { _ in Locked(nil) }
    }

    /// The kept entries, oldest first.
    private var ordered: [Entry] {
        var all: [Entry] = []
        all.reserveCapacity(capacity)
        for slot in slots { if let e = slot.withLock({ $0 }) { all.append(e) } }
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
        var entry: Entry? = Entry(seq: seq, method: request.method, path: request.path, query: query, status: response.status,
                                  tenant: tenant, requestID: requestID, startedAt: startedAt, durationMs: durationMs,
                                  requestBody: reqBody, requestIsJSON: reqJSON, responseBody: respBody,
                                  responseIsJSON: respJSON, note: note)
        slots[seq % capacity].withLock { current in
            // A thread that took its number earlier but comes later must not replace a newer entry.
            if let held = current?.seq, held > seq { return }
            swap(&current, &entry)
        }
        // What `entry` holds now (the entry pushed out, or this one if it came too late) is
        // released here, after the lock: its bodies can be large.
        _ = entry
    }

    func clear(tenant: String? = nil) {
        for slot in slots {
            slot.withLock { e in if tenant == nil || e?.tenant == tenant { e = nil } }
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

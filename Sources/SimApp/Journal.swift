import Synchronization
import SimHTTP
import SimSupport

/// The request journal behind `GET /__sim/requests`: newest last, bounded. Bodies are kept as raw
/// bytes and only parsed when the journal is read, to keep the hot path cheap.
public final class Journal: Sendable {
    /// A class, so that the rings move one reference per entry: a struct of this size is copied
    /// and destroyed field by field (a retain and release per string and array) wherever it moves.
    final class Entry: Sendable {
        let seq: Int
        let method: String
        let path: String
        let query: String
        let status: Int
        let tenant: String?
        let requestID: String
        let startedAt: Double
        let durationMs: Double
        let requestBody: Body
        let requestIsJSON: Bool
        let responseBody: Body
        let responseIsJSON: Bool
        let note: JSON?

        init(seq: Int, method: String, path: String, query: String, status: Int, tenant: String?, requestID: String,
             startedAt: Double, durationMs: Double, requestBody: Body, requestIsJSON: Bool, responseBody: Body,
             responseIsJSON: Bool, note: JSON?) {
            self.seq = seq; self.method = method; self.path = path; self.query = query; self.status = status
            self.tenant = tenant; self.requestID = requestID; self.startedAt = startedAt; self.durationMs = durationMs
            self.requestBody = requestBody; self.requestIsJSON = requestIsJSON; self.responseBody = responseBody
            self.responseIsJSON = responseIsJSON; self.note = note
        }
    }
    /// A kept body: packed into its ring's current block (`ByteSlab`), or an array of its own
    /// when larger than a block takes or shared for the life of the process (a prebuilt answer:
    /// holding it costs nothing, copying it 2 KB a request for the model list). The request's and the response's own arrays are not kept:
    /// they are freed with the request, while still in the cache, instead of a thousand requests
    /// later, when freeing them walked cold heap memory.
    enum Body: Sendable {
        case none
        case own([UInt8])
        case packed(SlabBytes)

        var bytes: [UInt8]? {
            switch self {
            case .none: return nil
            case let .own(b): return b
            case let .packed(p): return p.array
            }
        }
    }

    /// The kept entries are those numbered within `capacity` of the newest, as if one ring of
    /// `capacity` slots held them. They live in one ring per writing thread (`Sharded` by
    /// `ThreadSlot`), so an entry is dropped, and its memory freed, by the thread that allocated
    /// it. A single ring shared by the server's threads made each thread free the other's
    /// entries: glibc then takes the other thread's arena lock for every chunk too big for its
    /// per-thread cache (a 1 KB body is), and under load on POST /v1/responses those waits were
    /// 0.44 futex calls per request. A read merges the rings.
    /// Memory: each time a thread records, its ring drops its oldest entries that a read would
    /// no longer show, so busy rings together hold about `capacity` entries. A thread that stops
    /// recording keeps what it held (at most `capacity`) until a reset; past 16 recording
    /// threads (MHD threads, threads delivering deferred replies) they share rings.
    private struct Ring {
        /// A circular buffer of up to `capacity` slots: `count` entries from `head`, the oldest
        /// first (nil where `clear(tenant:)` removed one).
        var slots: [Entry?] = []
        var head = 0
        var count = 0
        /// The block bodies are packed into (a new one when it is full).
        var slab: ByteSlab?
        /// Bytes of a block: at a few KB a request, some twenty requests' bodies; a block is
        /// freed when its last entry goes, so it holds at most this much past the capacity.
        static let slabBytes = 64 * 1024

        /// `bytes` as the ring keeps them.
        mutating func keep(_ bytes: [UInt8]?) -> Body {
            guard let bytes, !bytes.isEmpty else { return .none }
            guard bytes.count <= ByteSlab.largest else { return .own(bytes) }
            return bytes.withUnsafeBytes { raw in .packed(SlabBytes.packing(raw, into: &slab) { _ in Self.slabBytes }) }
        }

        /// Adds `entry`. First drops, from the oldest end, up to two entries numbered at or
        /// below `floor` (no longer shown) and the holes before them. Returns what it dropped,
        /// for the caller to release after the lock.
        mutating func push(_ entry: consuming Entry, capacity: Int, floor: Int) -> (Entry?, Entry?, Entry?) {
            var out: (Entry?, Entry?, Entry?) = (nil, nil, nil)
            var steps = 0
            while count > 0, steps < 4 {
                // A dropped entry is moved out (`take`), not copied and then cleared.
                if let seq = slots[head]?.seq {
                    guard seq <= floor, out.1 == nil else { break }
                    if out.0 == nil { out.0 = slots[head].take() } else { out.1 = slots[head].take() }
                }
                head = head + 1 == slots.count ? 0 : head + 1
                count -= 1
                steps += 1
            }
            if count < slots.count {
                let tail = head + count < slots.count ? head + count : head + count - slots.count
                slots[tail] = entry
                count += 1
            } else if slots.count < capacity {
                // Grow (only while the ring is full of shown entries): oldest first again, then append.
                if head != 0 { slots = Array(slots[head...] + slots[..<head]); head = 0 }
                slots.append(entry)
                count += 1
            } else {
                // Full of shown entries (numbers taken out of order): the oldest goes.
                out.2 = slots[head].take()
                slots[head] = entry
                head = head + 1 == slots.count ? 0 : head + 1
            }
            return out
        }

        var kept: Int { slots.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
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
    var ordered: [Entry] {
        var all: [Entry] = []
        rings.forEach { r in for case let e? in r.slots { all.append(e) } }
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
        let respShared = response.bodyIsShared
        let query = request.query.isEmpty ? "" : request.query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let seq = sequence.wrappingAdd(1, ordering: .relaxed).newValue
        let cap = capacity
        let dropped = rings.withLock { r in
            // Made under the ring's lock: the bodies are copied into the ring's block.
            let entry = Entry(seq: seq, method: request.method, path: request.path, query: query, status: response.status,
                              tenant: tenant, requestID: requestID, startedAt: startedAt, durationMs: durationMs,
                              requestBody: r.keep(reqBody), requestIsJSON: reqJSON,
                              responseBody: respShared ? respBody.map { .own($0) } ?? .none : r.keep(respBody),
                              responseIsJSON: respJSON, note: note)
            return r.push(entry, capacity: cap, floor: seq - cap)
        }
        // What was dropped is released here, after the lock: its bodies can be large.
        _ = dropped
    }

    /// Entries held in all rings, shown or not (for tests of the memory bound).
    var heldCount: Int {
        var n = 0
        rings.forEach { n += $0.kept }
        return n
    }

    func clear(tenant: String? = nil) {
        rings.forEach { r in
            if tenant == nil { r = Ring(); return }
            for i in r.slots.indices where r.slots[i]?.tenant == tenant { r.slots[i] = nil }
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
            ("request_body", body(e.requestBody.bytes, e.requestIsJSON)), ("response_body", body(e.responseBody.bytes, e.responseIsJSON)),
        ]
        if let n = e.note { pairs.append(("note", n)) }
        return .object(pairs)
    }
}

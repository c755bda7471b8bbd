import Synchronization
import SimHTTP
import SimSupport

/// The request journal behind `GET /__sim/requests`: newest last, bounded. Bodies are kept as raw
/// bytes and only parsed when the journal is read, to keep the hot path cheap.
///
/// Entries are written as flat records, one after another, into blocks of bytes: no object, no
/// string and no array is allocated or retained per request, and nothing is freed a thousand
/// requests later (the request's own path and id strings, kept by an entry object before, were
/// freed cold, together with the entry). A block goes once every entry in it is older than a read
/// shows, so recording costs a copy of a few hundred bytes and, every few hundred requests, a
/// block. Measured on 2026-11-29 (daemon under wrk, `GET /v1/files/{id}`): a build that skipped
/// the journal altogether spent about 1 µs less of its ~13 µs of CPU per request (six alternating
/// runs, noisy); this layout against the entry objects it replaced, 52 paired runs: 0-3 % more
/// requests per second, within this machine's noise.
public final class Journal: Sendable {
    /// An entry as a read decodes it.
    struct Entry {
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
        /// The response body was held by reference (a body shared for the life of the process,
        /// such as the model list), not copied into the block.
        let responseBodyHeld: Bool
        let note: JSON?
    }

    /// Records packed back to back. Written only under its ring's lock.
    final class Block: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        var used = 0
        /// The newest entry number written here: the block goes once a read no longer shows it.
        var newest = Int.min
        /// Records not cleared.
        var live = 0
        /// Bodies shared for the life of the process, held instead of copied (2 KB-plus a
        /// request for the model list); a record refers to one by its index here.
        var held: [[UInt8]] = []
        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(byteCount: capacity, alignment: 8)
        }
        deinit { base.deallocate() }
    }

    /// A record: a fixed header, then method, path, query, tenant, request id, request body,
    /// response body and note (JSON text), back to back; the total rounded up to 8 bytes.
    enum Layout {
        static let total = 0            // UInt32: the record's size in bytes
        static let flags = 4            // UInt8
        static let seq = 8              // Int
        static let status = 16          // Int
        static let startedAt = 24       // Double
        static let duration = 32        // Double
        static let lengths = 40         // 8 x UInt32, in the order above (response body: held index when held)
        static let header = 72
        static let cleared: UInt8 = 1, requestJSON: UInt8 = 2, responseJSON: UInt8 = 4, hasTenant: UInt8 = 8
        static let hasRequestBody: UInt8 = 16, hasResponseBody: UInt8 = 32, responseHeld: UInt8 = 64
    }

    /// One writing thread's records, oldest block first. Each ring is written by one thread
    /// (`Sharded` by `ThreadSlot`; past 16 recording threads, such as the MHD threads and threads
    /// delivering deferred replies, they share rings), so a block is freed by the thread that
    /// allocated it: freeing another thread's memory takes glibc's lock on that thread's arena
    /// (a single ring shared by the server's threads cost 0.44 futex calls per request under
    /// `POST /v1/responses` load, 2026-11-27).
    private struct Ring {
        var blocks: [Block] = []
    }

    /// Room for `size` bytes at the end of `r`'s newest block (a new block when it is full),
    /// after dropping its oldest blocks whose entries are all numbered at or below `floor` (or
    /// below what the byte budget has pushed out). When a new block takes the journal's blocks
    /// past `maxBytes`, this ring's oldest blocks go and every entry up to the newest of them
    /// leaves the view of every ring (the others drop theirs when they next write).
    private func room(_ r: inout Ring, _ size: Int, floor countFloor: Int) -> Block {
        let floor = max(countFloor, byteFloor.load(ordering: .relaxed))
        while r.blocks.count > 1, r.blocks[0].newest <= floor { dropOldest(&r) }
        if let last = r.blocks.last, last.capacity - last.used >= size { return last }
        if r.blocks.count == 1, r.blocks[0].newest <= floor, r.blocks[0].capacity >= size {
            // The only block holds nothing a read shows: start it over.
            let b = r.blocks[0]
            b.used = 0; b.live = 0; b.held.removeAll(keepingCapacity: true); b.newest = .min
            return b
        }
        let b = Block(capacity: max(blockBytes, size))
        r.blocks.append(b)
        var total = heldBytes.wrappingAdd(b.capacity, ordering: .relaxed).newValue
        while total > maxBytes, r.blocks.count > 1 {
            byteFloor.max(r.blocks[0].newest, ordering: .relaxed)
            total = dropOldest(&r)
        }
        return b
    }

    /// Drops `r`'s oldest block; returns the bytes the journal's blocks take afterwards.
    @discardableResult
    private func dropOldest(_ r: inout Ring) -> Int {
        let b = r.blocks.removeFirst()
        return heldBytes.wrappingSubtract(b.capacity, ordering: .relaxed).newValue
    }

    private let rings: Sharded<Ring>
    private let sequence = Atomic<Int>(0)
    public let capacity: Int
    /// Bytes of a block: some two hundred `GET` entries, or twenty with kilobyte bodies.
    let blockBytes: Int
    static let maxBodyBytes = 256 * 1024
    /// At most this many bytes of blocks are kept (a little more while another thread's ring
    /// still holds blocks the budget has pushed out of view): `capacity` entries with bodies of
    /// up to 256 KB each way could otherwise hold half a gigabyte (1,000 embeddings requests of
    /// 60 KB answered with 170 KB held 230 MB).
    public let maxBytes: Int
    public static let defaultMaxBytes = 64 << 20
    /// The blocks' bytes, all rings together.
    private let heldBytes = Atomic<Int>(0)
    /// Entries numbered at or below this have been pushed out by the byte budget.
    private let byteFloor = Atomic<Int>(Int.min)

    public init(capacity: Int = 1000, maxBytes: Int = Journal.defaultMaxBytes) {
        self.capacity = max(1, capacity)
        blockBytes = 64 * 1024
        self.maxBytes = max(blockBytes, maxBytes)
        rings = Sharded(count: 16) { Ring() }
    }

    /// With blocks of `blockBytes` (tests of the memory bound).
    init(capacity: Int, blockBytes: Int, maxBytes: Int = Journal.defaultMaxBytes) {
        self.capacity = max(1, capacity)
        self.blockBytes = max(Layout.header, blockBytes)
        self.maxBytes = max(self.blockBytes, maxBytes)
        rings = Sharded(count: 16) { Ring() }
    }

    /// The kept entries, oldest first.
    var ordered: [Entry] {
        var all: [Entry] = []
        rings.forEach { r in
            for b in r.blocks { Self.forEachRecord(in: b) { at, flags in if flags & Layout.cleared == 0 { all.append(Self.decode(at, flags, b)) } } }
        }
        // Numbers taken before the read started; entries pushed out of the one-ring view, or out
        // of the byte budget, are dropped.
        let oldest = max(sequence.load(ordering: .relaxed) - capacity, byteFloor.load(ordering: .relaxed))
        all.removeAll { $0.seq <= oldest }
        all.sort { $0.seq < $1.seq }
        return all
    }

    func record(request: HTTPRequest, response: HTTPResponse, tenant: String?, requestID: String, startedAt: Double,
                durationMs: Double, note: JSON? = nil) {
        var flags: UInt8 = 0
        var reqBody: [UInt8] = []
        if case let .bytes(b) = request.body, b.count <= Self.maxBodyBytes {
            reqBody = b
            flags |= Layout.hasRequestBody
            if request.contentType.map({ HeaderName.hasPrefixIgnoringCase($0, "application/json") }) ?? true { flags |= Layout.requestJSON }
        }
        var respBody: [UInt8] = []
        // Compared as bytes (`String.hasPrefix` compares characters: hundreds of instructions).
        if response.header("content-type").map({ HeaderName.hasPrefixIgnoringCase($0, "application/json") }) ?? false {
            flags |= Layout.responseJSON
            if let b = response.bodyBytes, b.count <= Self.maxBodyBytes {
                respBody = b
                flags |= Layout.hasResponseBody
                if response.bodyIsShared { flags |= Layout.responseHeld }
            }
        }
        if tenant != nil { flags |= Layout.hasTenant }
        let noteBytes = note?.encoded ?? []
        var queryCount = 0
        for (k, v) in request.query { queryCount += k.utf8.count + v.utf8.count + 1 }
        if !request.query.isEmpty { queryCount += request.query.count - 1 }
        let held = flags & Layout.responseHeld != 0
        let lengths = (UInt32(request.method.utf8.count), UInt32(request.path.utf8.count), UInt32(queryCount),
                       UInt32(tenant?.utf8.count ?? 0), UInt32(requestID.utf8.count), UInt32(reqBody.count),
                       UInt32(held ? 0 : respBody.count), UInt32(noteBytes.count))
        var size = Layout.header + Int(lengths.0) + Int(lengths.1) + Int(lengths.2) + Int(lengths.3) + Int(lengths.4)
            + Int(lengths.5) + Int(lengths.6) + Int(lengths.7)
        size = (size + 7) & ~7
        let seq = sequence.wrappingAdd(1, ordering: .relaxed).newValue
        let floor = seq - capacity
        rings.withLock { r in
            let block = room(&r, size, floor: floor)
            let at = block.base + block.used
            at.storeBytes(of: UInt32(size), toByteOffset: Layout.total, as: UInt32.self)
            at.storeBytes(of: flags, toByteOffset: Layout.flags, as: UInt8.self)
            at.storeBytes(of: seq, toByteOffset: Layout.seq, as: Int.self)
            at.storeBytes(of: response.status, toByteOffset: Layout.status, as: Int.self)
            at.storeBytes(of: startedAt, toByteOffset: Layout.startedAt, as: Double.self)
            at.storeBytes(of: durationMs, toByteOffset: Layout.duration, as: Double.self)
            withUnsafeBytes(of: lengths) { (at + Layout.lengths).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            if held {
                at.storeBytes(of: UInt32(block.held.count), toByteOffset: Layout.lengths + 4 * 6, as: UInt32.self)
                block.held.append(respBody)
            }
            var o = Layout.header
            func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                if let src = bytes.baseAddress, bytes.count > 0 { (at + o).copyMemory(from: src, byteCount: bytes.count) }
                o += bytes.count
            }
            request.method.withUTF8Bytes(put)
            request.path.withUTF8Bytes(put)
            for (i, (k, v)) in request.query.enumerated() {
                if i > 0 { at.storeBytes(of: UInt8(ascii: "&"), toByteOffset: o, as: UInt8.self); o += 1 }
                k.withUTF8Bytes(put)
                at.storeBytes(of: UInt8(ascii: "="), toByteOffset: o, as: UInt8.self); o += 1
                v.withUTF8Bytes(put)
            }
            tenant?.withUTF8Bytes(put)
            requestID.withUTF8Bytes(put)
            reqBody.withUnsafeBufferPointer(put)
            if !held { respBody.withUnsafeBufferPointer(put) }
            noteBytes.withUnsafeBufferPointer(put)
            block.used += size
            block.live += 1
            block.newest = max(block.newest, seq)
        }
    }

    /// Calls `body` with each record's start and flags, oldest first.
    private static func forEachRecord(in b: Block, _ body: (UnsafeMutableRawPointer, UInt8) -> Void) {
        var o = 0
        while o < b.used {
            let at = b.base + o
            body(at, at.load(fromByteOffset: Layout.flags, as: UInt8.self))
            o += Int(at.load(fromByteOffset: Layout.total, as: UInt32.self))
        }
    }

    private static func decode(_ at: UnsafeMutableRawPointer, _ flags: UInt8, _ block: Block) -> Entry {
        var o = Layout.header
        var field = 0
        func bytes() -> [UInt8] {
            let n = Int(at.load(fromByteOffset: Layout.lengths + 4 * field, as: UInt32.self))
            field += 1
            defer { o += n }
            return Array(UnsafeRawBufferPointer(start: at + o, count: n))
        }
        func string() -> String { String(decoding: bytes(), as: UTF8.self) }
        let method = string(), path = string(), query = string(), tenant = string(), requestID = string()
        let requestBody = bytes()
        let responseBody: [UInt8]
        if flags & Layout.responseHeld != 0 {
            responseBody = block.held[Int(at.load(fromByteOffset: Layout.lengths + 4 * 6, as: UInt32.self))]
            field += 1
        } else {
            responseBody = bytes()
        }
        let note = bytes()
        return Entry(seq: at.load(fromByteOffset: Layout.seq, as: Int.self), method: method, path: path, query: query,
                     status: at.load(fromByteOffset: Layout.status, as: Int.self),
                     tenant: flags & Layout.hasTenant != 0 ? tenant : nil, requestID: requestID,
                     startedAt: at.load(fromByteOffset: Layout.startedAt, as: Double.self),
                     durationMs: at.load(fromByteOffset: Layout.duration, as: Double.self),
                     requestBody: flags & Layout.hasRequestBody != 0 ? requestBody : nil,
                     requestIsJSON: flags & Layout.requestJSON != 0,
                     responseBody: flags & Layout.hasResponseBody != 0 ? responseBody : nil,
                     responseIsJSON: flags & Layout.responseJSON != 0, responseBodyHeld: flags & Layout.responseHeld != 0,
                     note: note.isEmpty ? nil : try? JSONParser.parse(note))
    }

    /// Entries held in all rings, shown or not (for tests of the memory bound).
    var heldCount: Int {
        var n = 0
        rings.forEach { r in for b in r.blocks { n += b.live } }
        return n
    }

    /// Blocks held in all rings (for tests of the memory bound).
    var heldBlocks: Int {
        var n = 0
        rings.forEach { n += $0.blocks.count }
        return n
    }

    /// Bytes of the blocks held in all rings (for tests of the memory bound).
    var heldBlockBytes: Int { heldBytes.load(ordering: .relaxed) }

    func clear(tenant: String? = nil) {
        rings.forEach { r in
            guard let tenant else {
                while !r.blocks.isEmpty { dropOldest(&r) }
                return
            }
            let want = Array(tenant.utf8)
            for b in r.blocks {
                Self.forEachRecord(in: b) { at, flags in
                    guard flags & (Layout.cleared | Layout.hasTenant) == Layout.hasTenant else { return }
                    var o = Layout.header
                    for i in 0..<3 { o += Int(at.load(fromByteOffset: Layout.lengths + 4 * i, as: UInt32.self)) }
                    let n = Int(at.load(fromByteOffset: Layout.lengths + 4 * 3, as: UInt32.self))
                    guard n == want.count, (0..<n).allSatisfy({ at.load(fromByteOffset: o + $0, as: UInt8.self) == want[$0] }) else { return }
                    at.storeBytes(of: flags | Layout.cleared, toByteOffset: Layout.flags, as: UInt8.self)
                    b.live -= 1
                }
            }
        }
    }

    /// Entries as JSON, optionally for one tenant, at most `limit` of the newest (tests read it
    /// this way; the control plane sends `renderedBytes`).
    func render(tenant: String?, limit: Int?) -> JSON {
        (try? JSONParser.parse(renderedBytes(tenant: tenant, limit: limit))) ?? .null
    }

    /// The `GET /__sim/requests` body. A JSON body is written as the bytes that were sent (once
    /// checked to parse), not parsed into a tree and written again: with large bodies a read
    /// of the journal built trees ten times the size of the text (a 64 MB journal of embeddings
    /// answers peaked near 400 MB).
    func renderedBytes(tenant: String?, limit: Int?) -> [UInt8] {
        let entries = ordered.filter { tenant == nil || $0.tenant == tenant }
        let chosen = limit.map { Array(entries.suffix($0)) } ?? entries
        // Sized up front: a buffer grown by doubling would copy (and briefly hold twice) a
        // journal of large bodies.
        var size = 64
        for e in chosen { size += 512 + e.method.utf8.count + e.path.utf8.count + e.query.utf8.count + (e.note == nil ? 0 : 1024)
            + (e.requestBody?.count ?? 0) + (e.responseBody?.count ?? 0) }
        var w = JSONWriter(capacity: size)
        w.raw(#"{"object":"list","data":["#)
        for (i, e) in chosen.enumerated() {
            if i > 0 { w.raw(",") }
            Self.write(e, to: &w)
        }
        w.raw("]}")
        return w.bytes
    }

    private static func write(_ e: Entry, to w: inout JSONWriter) {
        func body(_ bytes: [UInt8]?, _ isJSON: Bool) {
            guard let b = bytes, !b.isEmpty else { w.raw("null"); return }
            // Checked one at a time: only this body's tree is alive, and only while it is checked.
            // What parses is well-formed UTF-8 too (the parser refuses anything else), so the
            // journal stays valid JSON text; what does not is shown as text, as before.
            if isJSON, (try? JSONParser.parse(b)) != nil {
                w.bytes.append(contentsOf: b)
            } else {
                w.writeString(String(decoding: b.prefix(4096), as: UTF8.self))
            }
        }
        w.raw(#"{"seq":"#); w.writeInt(Int64(e.seq))
        w.raw(#","method":"#); w.writeString(e.method)
        w.raw(#","path":"#); w.writeString(e.path)
        w.raw(#","query":"#); w.writeString(e.query)
        w.raw(#","status":"#); w.writeInt(Int64(e.status))
        w.raw(#","tenant":"#); if let t = e.tenant { w.writeString(t) } else { w.raw("null") }
        w.raw(#","request_id":"#); w.writeString(e.requestID)
        w.raw(#","started_at":"#); w.writeDouble(e.startedAt)
        w.raw(#","duration_ms":"#); w.writeDouble((e.durationMs * 1000).rounded() / 1000)
        w.raw(#","request_body":"#); body(e.requestBody, e.requestIsJSON)
        w.raw(#","response_body":"#); body(e.responseBody, e.responseIsJSON)
        if let n = e.note { w.raw(#","note":"#); w.write(n) }
        w.raw("}")
    }
}

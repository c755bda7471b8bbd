import SimSupport

/// Records kept in memory (the default ephemeral mode and unit tests), one bucket per
/// (tenant, collection): a bucket's growth rehashes only its own ids, and lists walk the bucket's
/// insertion order without copying it. A bucket keeps per record only what its key does not
/// say (no tenant or collection), and packs encoded documents into shared blocks (`ByteSlab`).
public final class MemoryRecordStore: RecordStore {
    /// A bucket's key with its hash computed once (FNV-1a over both strings): every store call
    /// looks a bucket up, and `String`'s own hashing (SipHash of both strings per lookup) cost
    /// ~600 instructions a lookup, six lookups for each stored response.
    private struct BucketKey: Hashable {
        let tenant: String
        let collection: String
        let hash: UInt64
        init(tenant: String, collection: String) {
            self.tenant = tenant
            self.collection = collection
            // 0xFF never occurs in UTF-8, so ("ab", "c") and ("a", "bc") hash apart.
            hash = StableHash.fnv1a(collection, seed: (StableHash.fnv1a(tenant) ^ 0xFF) &* 0x100000001b3)
        }
        static func == (a: BucketKey, b: BucketKey) -> Bool {
            a.hash == b.hash && a.tenant == b.tenant && a.collection == b.collection
        }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }
    /// A record id with its hash computed once. Ids of one collection share their length and
    /// prefix, so comparing two means reading both strings' bytes (a cache miss each in a large
    /// bucket); the inline hash settles almost every probe, and growth rehashes without reading ids.
    private struct RecordKey: Hashable {
        let id: String
        let hash: UInt64
        init(_ id: String) {
            self.id = id
            hash = StableHash.fnv1a(id)
        }
        static func == (a: RecordKey, b: RecordKey) -> Bool { a.hash == b.hash && a.id == b.id }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }
    private struct Entry {
        var createdAt: Int64
        var seq: Int64
        var document: Held
    }
    /// A document as a bucket keeps it: trees as they are, encoded bytes packed into the
    /// bucket's blocks (`ByteSlab`), or on their own when larger than `ByteSlab.largest`.
    private enum Held {
        case tree(JSON)
        case bytes([UInt8])
        case packed(SlabBytes)

        /// A tree or a large document as it will be held (nil: small bytes, packed under the
        /// lock). Large bytes drop a writer's reserve: a record kept for the life of the process
        /// should cost its bytes and no more (malloc rounds sizes up a little, so only a reserve
        /// of 64 bytes or more is worth the copy).
        static func unpacked(_ document: StoredRecord.Document) -> Held? {
            switch document {
            case let .tree(json): return .tree(json)
            case let .encoded(bytes) where bytes.count > ByteSlab.largest:
                return .bytes(bytes.capacity - bytes.count >= 64 ? bytes.withUnsafeBufferPointer { Array($0) } : bytes)
            case .encoded: return nil
            }
        }

        var document: StoredRecord.Document {
            switch self {
            case let .tree(json): return .tree(json)
            case let .bytes(b): return .encoded(b)
            case let .packed(p): return .encoded(p.array)
            }
        }
    }
    /// A bucket's records, once it holds more than 4,096, in 256 tables picked by the id's hash,
    /// and its insertion order in chunks: a Swift table or array grows by copying all of itself,
    /// which for one table of 400,000 stored responses took 444 ms, under the store's lock
    /// (every request waited). Split, a growth step copies 1/256 of the table or one chunk. A
    /// small bucket (most (tenant, collection) pairs) keeps one table.
    private struct Bucket {
        static let tableCount = 256
        static let splitAt = 4096
        var tables: [[RecordKey: Entry]] = [[:]]
        /// Ids in insertion order (deleted ids are removed).
        var order = ChunkedList<String>()
        /// The block new encoded documents are packed into.
        var slab: ByteSlab?

        /// Copies `bytes` into this bucket's current block (a new one when it is full).
        mutating func pack(_ bytes: [UInt8]) -> Held {
            // Nothing to copy, and no block of zero bytes to allocate (an encoded document is one
            // JSON value, so never empty; this only keeps the store total).
            if bytes.isEmpty { return .bytes([]) }
            return bytes.withUnsafeBytes { raw in
                if let slab, let at = slab.append(raw) {
                    return .packed(SlabBytes(slab: slab, offset: Int32(at), count: Int32(raw.count)))
                }
                let fresh = ByteSlab(capacity: ByteSlab.capacity(forBucketOf: order.count, fitting: raw.count))
                slab = fresh
                let at = fresh.append(raw)!
                return .packed(SlabBytes(slab: fresh, offset: Int32(at), count: Int32(raw.count)))
            }
        }

        @inline(__always) func table(_ key: RecordKey) -> Int {
            tables.count == 1 ? 0 : Int(truncatingIfNeeded: key.hash >> 56)
        }
        subscript(key: RecordKey) -> Entry? {
            get { tables[table(key)][key] }
            set { tables[table(key)][key] = newValue }
        }
        mutating func updateValue(_ e: Entry, forKey key: RecordKey) -> Entry? {
            if tables.count == 1, tables[0].count >= Self.splitAt { split() }
            return tables[table(key)].updateValue(e, forKey: key)
        }
        mutating func removeValue(forKey key: RecordKey) -> Entry? {
            tables[table(key)].removeValue(forKey: key)
        }
        var all: [(RecordKey, Entry)] { tables.flatMap { $0.map { ($0.key, $0.value) } } }

        /// Once, when the single table reaches `splitAt`: its records move to 256 tables.
        private mutating func split() {
            let one = tables[0]
            tables = Array(repeating: [:], count: Self.tableCount)
            for (k, e) in one { tables[Int(truncatingIfNeeded: k.hash >> 56)][k] = e }
        }

        static func record(_ key: BucketKey, _ id: String, _ e: Entry) -> StoredRecord {
            StoredRecord(tenant: key.tenant, collection: key.collection, id: id, createdAt: e.createdAt, seq: e.seq, document: e.document.document)
        }
    }
    private struct State {
        var buckets: [BucketKey: Bucket] = [:]
        var nextSeq: Int64 = 1
    }
    private let state = Locked(State())
    public init() {}

    public func put(_ record: StoredRecord) throws -> StoredRecord {
        let held = Held.unpacked(record.document)
        let key = RecordKey(record.id)
        var stored = record
        stored.seq = state.withLock { s in Self.insert(record, held, key, into: &s) }
        return stored
    }

    /// The records and their buckets' trims under one acquisition of the lock (a stored
    /// response writes two records and trims two buckets: four acquisitions, one at a time, let
    /// the other server thread in between, and it waited), and one lookup of each record's
    /// bucket: the trim follows the insert in the same access. Trimming after each insert keeps
    /// the same records as trimming once after all of them (the oldest go first either way).
    public func put(_ records: [StoredRecord], keepingNewest keep: Int?) throws {
        let prepared = records.map { (Held.unpacked($0.document), RecordKey($0.id)) }
        var dropped: [Entry] = []
        state.withLock { s in
            for (r, (held, key)) in zip(records, prepared) {
                _ = Self.insert(r, held, key, into: &s) { b in
                    if let keep { Self.trim(&b, keep) { dropped.append($1) } }
                }
            }
        }
        // The dropped documents are freed here, after the lock is released.
        dropped.removeAll()
    }

    /// Inserts or replaces `record` (its document `held`, or packed into the bucket's block when
    /// nil), then calls `then` on its bucket in the same access; returns its seq.
    private static func insert(_ record: StoredRecord, _ held: Held?, _ key: RecordKey, into s: inout State,
                               then: (inout Bucket) -> Void = { _ in }) -> Int64 {
        var entry = Entry(createdAt: record.createdAt, seq: s.nextSeq, document: .tree(.null))
        var isNew = false
        // One in-place access to the bucket: its dictionary is never copied. A new id (the
        // common case) costs one probe of the table: a large bucket's probes are cache misses.
        func store(_ b: inout Bucket) {
            if let held { entry.document = held } else if case let .encoded(bytes) = record.document { entry.document = b.pack(bytes) }
            if let old = b.updateValue(entry, forKey: key) {
                // Replaced: the record keeps its place.
                entry.seq = old.seq
                b[key] = entry
            } else {
                isNew = true
                b.order.append(record.id)
            }
            then(&b)
        }
        store(&s.buckets[BucketKey(tenant: record.tenant, collection: record.collection), default: Bucket()])
        if isNew { s.nextSeq += 1 }
        return entry.seq
    }

    /// Drops the oldest records of `b` past `keep`, oldest first, handing each id and entry to
    /// `drop` (entries are for the caller to release after the lock).
    private static func trim(_ b: inout Bucket, _ keep: Int, _ drop: (String, Entry) -> Void) {
        let keep = max(0, keep)
        while b.order.count > keep, let id = b.order.first {
            b.order.removeFirst()
            if let e = b.removeValue(forKey: RecordKey(id)) { drop(id, e) }
        }
    }

    public func get(tenant: String, collection: String, id: String) throws -> StoredRecord? {
        let key = RecordKey(id)
        let bucketKey = BucketKey(tenant: tenant, collection: collection)
        return state.withLock { s in
            guard let e = s.buckets[bucketKey]?[key] else { return nil }
            return Bucket.record(bucketKey, id, e)
        }
    }

    public func delete(tenant: String, collection: String, id: String) throws -> Bool {
        let recordKey = RecordKey(id)
        return state.withLock { s in
            let key = BucketKey(tenant: tenant, collection: collection)
            guard s.buckets[key]?.removeValue(forKey: recordKey) != nil else { return false }
            s.buckets[key]?.order.remove(id)
            return true
        }
    }

    public func trim(tenant: String, collection: String, keepingNewest keep: Int) throws -> [String] {
        var dropped: [Entry] = []
        var ids: [String] = []
        let key = BucketKey(tenant: tenant, collection: collection)
        state.withLock { s in
            guard let n = s.buckets[key]?.order.count, n > max(0, keep) else { return }
            Self.trim(&s.buckets[key]!, keep) { ids.append($0); dropped.append($1) }
        }
        // The dropped documents are freed here, after the lock is released.
        dropped.removeAll()
        return ids
    }

    public func list(tenant: String, collection: String, query: ListQuery) throws -> RecordPage {
        let bucketKey = BucketKey(tenant: tenant, collection: collection)
        return state.withLock { s in
            guard let bucket = s.buckets[bucketKey] else {
                return RecordPage(records: [], hasMore: false)
            }
            let ids = bucket.order
            let n = ids.count
            // Position k in the requested order maps to ids[k] (asc) or ids[n - 1 - k] (desc).
            func id(at k: Int) -> String { query.order == .desc ? ids[n - 1 - k] : ids[k] }
            var start = 0
            if let after = query.after {
                guard let i = ids.lastIndex(of: after) else { return RecordPage(records: [], hasMore: false) }
                start = query.order == .desc ? n - i : i + 1
            }
            var out: [StoredRecord] = []
            var hasMore = false
            var k = start
            while k < n {
                defer { k += 1 }
                let recordID = id(at: k)
                guard let e = bucket[RecordKey(recordID)] else { continue }
                let r = Bucket.record(bucketKey, recordID, e)
                if !query.filters.isEmpty {
                    let body = r.body
                    guard query.filters.allSatisfy({ $0.matches(body) }) else { continue }
                }
                if out.count == query.limit { hasMore = true; break }
                out.append(r)
            }
            return RecordPage(records: out, hasMore: hasMore)
        }
    }

    public func all(collection: String) throws -> [StoredRecord] {
        state.withLock { s in
            s.buckets.filter { $0.key.collection == collection }
                .flatMap { b in b.value.all.map { Bucket.record(b.key, $0.0.id, $0.1) } }
                .sorted { $0.seq < $1.seq }
        }
    }

    public func deleteTenant(_ tenant: String) throws {
        state.withLock { s in s.buckets = s.buckets.filter { $0.key.tenant != tenant } }
    }

    public func deleteAll() throws {
        state.withLock { s in s.buckets = [:] }
    }
}

/// An append-mostly list in fixed-size chunks: appending never copies more than one chunk
/// (a single array of a million ids copies all of them, 16 MB, when it grows), and removing the
/// first element (the oldest, when a bucket is trimmed) moves nothing.
struct ChunkedList<Element> {
    static var chunkSize: Int { 4096 }
    private var chunks: [[Element]] = []
    /// Elements at the front of `chunks[0]` already removed by `removeFirst`: they stay in place
    /// until the whole chunk is dropped, so a removal from the front shifts no other element.
    private var head = 0
    /// `starts[c]`: the index of chunk `c`'s first live element (kept only once a removal other
    /// than from the front has made some chunk short; until then every chunk but the last is
    /// full and an index is a division).
    private var starts: [Int]?
    private(set) var count = 0

    mutating func append(_ e: Element) {
        if chunks.isEmpty || chunks[chunks.count - 1].count == Self.chunkSize {
            var c: [Element] = []
            c.reserveCapacity(Self.chunkSize)
            chunks.append(c)
            starts?.append(count)
        }
        chunks[chunks.count - 1].append(e)
        count += 1
    }

    /// Where chunk `c`'s live elements begin.
    @inline(__always) private func low(_ c: Int) -> Int { c == 0 ? head : 0 }

    subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "ChunkedList index out of range")
        guard let starts else {
            let p = i + head
            return chunks[p / Self.chunkSize][p % Self.chunkSize]
        }
        // The last chunk starting at or before i.
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= i { lo = mid } else { hi = mid - 1 }
        }
        return chunks[lo][i - starts[lo] + low(lo)]
    }

    var first: Element? { count == 0 ? nil : chunks[0][head] }

    /// Removes the first element (the list must not be empty).
    mutating func removeFirst() {
        precondition(count > 0, "removeFirst on an empty ChunkedList")
        head += 1
        count -= 1
        if starts != nil { for c in 1..<chunks.count { starts![c] -= 1 } }
        if head == chunks[0].count {
            chunks.removeFirst()
            starts?.removeFirst()
            head = 0
        }
    }
}

extension ChunkedList where Element: Equatable {
    /// The position of the last `e`, or nil.
    func lastIndex(of e: Element) -> Int? {
        var end = count
        for ci in chunks.indices.reversed() {
            let c = chunks[ci], lo = low(ci)
            end -= c.count - lo
            if let j = c[lo...].lastIndex(of: e) { return end + j - lo }
        }
        return nil
    }

    /// Removes `e`: at once when it is the first element (a trimmed bucket's oldest id),
    /// otherwise the last occurrence (if any).
    mutating func remove(_ e: Element) {
        if let f = first, f == e { removeFirst() } else { removeLast(e) }
    }

    /// Removes the last occurrence of `e` (if any).
    mutating func removeLast(_ e: Element) {
        for ci in chunks.indices.reversed() {
            guard let j = chunks[ci][low(ci)...].lastIndex(of: e) else { continue }
            chunks[ci].remove(at: j)
            count -= 1
            if starts == nil, ci != chunks.count - 1 {
                var s: [Int] = []
                s.reserveCapacity(chunks.count)
                var at = 0
                for c in chunks.indices { s.append(at); at += chunks[c].count - low(c) }
                starts = s
            } else if starts != nil {
                for c in (ci + 1)..<chunks.count { starts![c] -= 1 }
            }
            if chunks[ci].count == low(ci) {
                chunks.remove(at: ci)
                starts?.remove(at: ci)
                if ci == 0 { head = 0 }
            }
            return
        }
    }
}

extension ChunkedList: Sendable where Element: Sendable {}

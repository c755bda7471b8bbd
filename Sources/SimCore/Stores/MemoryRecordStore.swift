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
    /// A bucket's record: its id with the id's hash (computed once, outside the lock), and what
    /// the bucket's key does not say.
    private struct Entry {
        let id: String
        let hash: UInt64
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
    /// One (tenant, collection)'s records: in insertion order in a `PositionLog` (appending
    /// copies at most one chunk, evicting the oldest moves nothing), found by id through a
    /// `PositionIndex` over the ids' hashes. An insert probes the index (hashes only) and appends;
    /// evicting the oldest reads the log's first entry and removes its position from the index;
    /// neither reads another record's id.
    private struct Bucket {
        var log = PositionLog<Entry>()
        var index = PositionIndex()
        /// The block new encoded documents are packed into.
        var slab: ByteSlab?
        /// Ids `delete` removed, with their seqs: list cursors (see `ListQuery.after`).
        var deleted = DeletedIDs()

        var count: Int { log.count }

        /// Copies `bytes` into this bucket's current block (a new one when it is full).
        mutating func pack(_ bytes: [UInt8]) -> Held {
            // Nothing to copy, and no block of zero bytes to allocate (an encoded document is one
            // JSON value, so never empty; this only keeps the store total).
            if bytes.isEmpty { return .bytes([]) }
            let records = log.count
            return bytes.withUnsafeBytes { raw in
                .packed(SlabBytes.packing(raw, into: &slab) { ByteSlab.capacity(forBucketOf: records, fitting: $0) })
            }
        }

        /// The position of the record `id` (whose hash is `hash`), or nil.
        func position(_ id: String, _ hash: UInt64) -> Int? {
            index.find(hash) { log[$0]?.id == id }
        }

        func entry(_ id: String, _ hash: UInt64) -> Entry? {
            position(id, hash).flatMap { log[$0] }
        }

        /// Adds a record not in the bucket.
        mutating func append(_ e: Entry) {
            index.insert(e.hash, position: log.append(e))
        }

        /// Removes the record `id`; returns it (for the caller to release after the lock).
        mutating func remove(_ id: String, _ hash: UInt64) -> Entry? {
            guard let p = position(id, hash) else { return nil }
            index.remove(hash, position: p)
            let e = log.remove(at: p)
            // A delete that is not of the oldest record leaves an empty slot behind a live one.
            // Once those outnumber the records, the log is rewritten without them (and the
            // index with the new positions): a bucket whose oldest record stays while newer ones
            // come and go (a kept file among uploads that are deleted) would otherwise grow by a
            // slot per record ever made, and its lists walk every one of them. Rewriting costs
            // O(records) once per at least as many deletes.
            if log.span - log.count > log.count + 64 { compact() }
            return e
        }

        /// The log without its emptied slots, and the index rebuilt for it; order kept.
        mutating func compact() {
            var fresh = PositionLog<Entry>()
            var freshIndex = PositionIndex()
            for p in log.positions(ascending: true) {
                guard let e = log[p] else { continue }
                freshIndex.insert(e.hash, position: fresh.append(e))
            }
            log = fresh
            index = freshIndex
        }

        /// Removes and returns the oldest record.
        mutating func removeOldest() -> Entry? {
            guard let (p, e) = log.removeFirst() else { return nil }
            index.remove(e.hash, position: p)
            return e
        }

        var all: [Entry] { log.positions(ascending: true).compactMap { log[$0] } }

        static func record(_ key: BucketKey, _ e: Entry) -> StoredRecord {
            StoredRecord(tenant: key.tenant, collection: key.collection, id: e.id, createdAt: e.createdAt, seq: e.seq, document: e.document.document)
        }
    }
    /// The newest `limit` ids deleted from a bucket, each with the seq it had, oldest forgotten first.
    struct DeletedIDs {
        private var seqs: [String: Int64] = [:]
        /// Ids in the order deleted; those before `head` are forgotten.
        private var order: [String] = []
        private var head = 0

        mutating func add(_ id: String, seq: Int64, limit: Int) {
            guard limit > 0 else { return }
            if seqs.updateValue(seq, forKey: id) == nil { order.append(id) }
            while seqs.count > limit {
                seqs.removeValue(forKey: order[head])
                head += 1
            }
            if head >= 1024, head * 2 >= order.count {
                order.removeFirst(head)
                head = 0
            }
        }

        func seq(_ id: String) -> Int64? { seqs[id] }
    }
    private struct State {
        var buckets: [BucketKey: Bucket] = [:]
        var nextSeq: Int64 = 1
    }
    private let state = Locked(State())
    private let deletedCursorLimit: Int
    /// `deletedCursorLimit`: how many deleted ids per (tenant, collection) still work as list cursors.
    public init(deletedCursorLimit: Int = DeletedCursors.defaultLimit) {
        self.deletedCursorLimit = deletedCursorLimit
    }

    public func put(_ record: StoredRecord) throws -> StoredRecord {
        let held = Held.unpacked(record.document)
        let hash = StableHash.fnv1a(record.id)
        var stored = record
        // A replaced record's old document is released when this goes, after the lock.
        var replaced: Entry?
        stored.seq = state.withLock { s in Self.insert(record, held, hash, into: &s, replaced: &replaced) }
        return stored
    }

    /// The records and their buckets' trims under one acquisition of the lock (a stored
    /// response writes two records and trims two buckets: four acquisitions, one at a time, let
    /// the other server thread in between, and it waited), and one lookup of each record's
    /// bucket: a bucket is trimmed in the same access as the call's last record for it, which
    /// keeps what trimming after all the puts keeps (a record the call replaces after another
    /// of its inserts is replaced in place, not dropped first and inserted again as new).
    public func put(_ records: [StoredRecord], keepingNewest keep: Int?) throws {
        let prepared = records.map { (Held.unpacked($0.document), StableHash.fnv1a($0.id)) }
        var dropped: [Entry] = []
        var replaced: Entry?
        state.withLock { s in
            for (i, (r, (held, hash))) in zip(records, prepared).enumerated() {
                // Only asked when trimming (puts without a limit can be thousands of records).
                let lastOfBucket = keep != nil && !records[(i + 1)...].contains { $0.tenant == r.tenant && $0.collection == r.collection }
                _ = Self.insert(r, held, hash, into: &s, replaced: &replaced) { b in
                    if lastOfBucket, let keep { Self.trim(&b, keep) { dropped.append($0) } }
                }
                if let old = replaced { dropped.append(old); replaced = nil }
            }
        }
        // The dropped documents are freed here, after the lock is released.
        dropped.removeAll()
    }

    /// Inserts or replaces `record` (its document `held`, or packed into the bucket's block when
    /// nil), then calls `then` on its bucket in the same access; returns its seq. A replaced
    /// entry goes to `replaced`, for the caller to release after the lock.
    private static func insert(_ record: StoredRecord, _ held: Held?, _ hash: UInt64, into s: inout State,
                               replaced: inout Entry?, then: (inout Bucket) -> Void = { _ in }) -> Int64 {
        var seq = s.nextSeq
        // One in-place access to the bucket: nothing in it is copied.
        func store(_ b: inout Bucket) {
            let document: Held
            if let held { document = held } else if case let .encoded(bytes) = record.document { document = b.pack(bytes) } else { document = .tree(.null) }
            if let p = b.position(record.id, hash) {
                // Replaced: the record keeps its place and seq.
                b.log.update(at: p) { e in
                    seq = e.seq
                    replaced = e
                    e.createdAt = record.createdAt
                    e.document = document
                }
            } else {
                b.append(Entry(id: record.id, hash: hash, createdAt: record.createdAt, seq: seq, document: document))
                s.nextSeq += 1
            }
            then(&b)
        }
        store(&s.buckets[BucketKey(tenant: record.tenant, collection: record.collection), default: Bucket()])
        return seq
    }

    /// Drops the oldest records of `b` past `keep`, oldest first, handing each to `drop` (for
    /// the caller to release after the lock).
    private static func trim(_ b: inout Bucket, _ keep: Int, _ drop: (Entry) -> Void) {
        let keep = max(0, keep)
        while b.count > keep, let e = b.removeOldest() { drop(e) }
    }

    public func get(tenant: String, collection: String, id: String) throws -> StoredRecord? {
        let hash = StableHash.fnv1a(id)
        let bucketKey = BucketKey(tenant: tenant, collection: collection)
        return state.withLock { s in
            guard let e = s.buckets[bucketKey]?.entry(id, hash) else { return nil }
            return Bucket.record(bucketKey, e)
        }
    }

    public func delete(tenant: String, collection: String, id: String) throws -> Bool {
        let hash = StableHash.fnv1a(id)
        let key = BucketKey(tenant: tenant, collection: collection)
        let limit = deletedCursorLimit
        let removed: Entry? = state.withLock { s in
            guard let e = s.buckets[key]?.remove(id, hash) else { return nil }
            s.buckets[key]!.deleted.add(id, seq: e.seq, limit: limit)
            return e
        }
        return removed != nil
    }

    public func deletedSeq(tenant: String, collection: String, id: String) throws -> Int64? {
        let key = BucketKey(tenant: tenant, collection: collection)
        return state.withLock { s in s.buckets[key]?.deleted.seq(id) }
    }

    public func touch(tenant: String, collection: String, id: String) throws -> Bool {
        let hash = StableHash.fnv1a(id)
        let key = BucketKey(tenant: tenant, collection: collection)
        return state.withLock { s in
            guard var e = s.buckets[key]?.remove(id, hash) else { return false }
            e.seq = s.nextSeq
            s.nextSeq += 1
            s.buckets[key]!.append(e)
            return true
        }
    }

    public func trim(tenant: String, collection: String, keepingNewest keep: Int) throws -> [String] {
        var dropped: [Entry] = []
        let key = BucketKey(tenant: tenant, collection: collection)
        state.withLock { s in
            guard let n = s.buckets[key]?.count, n > max(0, keep) else { return }
            Self.trim(&s.buckets[key]!, keep) { dropped.append($0) }
        }
        // The dropped documents are freed when `dropped` goes, after the lock is released.
        return dropped.map(\.id)
    }

    public func list(tenant: String, collection: String, query: ListQuery) throws -> RecordPage {
        let bucketKey = BucketKey(tenant: tenant, collection: collection)
        let afterHash = query.after.map { StableHash.fnv1a($0) }
        return state.withLock { s in
            guard let bucket = s.buckets[bucketKey] else {
                return RecordPage(records: [], hasMore: false)
            }
            let ascending = query.order == .asc
            var start: Int?
            // A deleted cursor's seq: the records on its near side are skipped (the log is in seq order).
            var deletedCursor: Int64?
            if let after = query.after, let afterHash {
                if let p = bucket.position(after, afterHash) {
                    start = p
                } else if let seq = bucket.deleted.seq(after) {
                    deletedCursor = seq
                } else {
                    return RecordPage(records: [], hasMore: false)
                }
            }
            var out: [StoredRecord] = []
            var hasMore = false
            for p in bucket.log.positions(ascending: ascending, after: start) {
                guard let e = bucket.log[p] else { continue }
                if let cut = deletedCursor {
                    if ascending ? e.seq < cut : e.seq > cut { continue }
                    deletedCursor = nil
                }
                let r = Bucket.record(bucketKey, e)
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
                .flatMap { b in b.value.all.map { Bucket.record(b.key, $0) } }
                .sorted { $0.seq < $1.seq }
        }
    }

    /// Slots `tenant`'s `collection` bucket holds, emptied ones included (for tests of its bound).
    func heldSlots(tenant: String, collection: String) -> Int {
        state.withLock { s in s.buckets[BucketKey(tenant: tenant, collection: collection)]?.log.span ?? 0 }
    }

    public func deleteTenant(_ tenant: String) throws {
        state.withLock { s in s.buckets = s.buckets.filter { $0.key.tenant != tenant } }
    }

    public func deleteAll() throws {
        state.withLock { s in s.buckets = [:] }
    }
}

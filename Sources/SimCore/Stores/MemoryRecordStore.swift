import SimSupport

/// Records kept in memory (the default ephemeral mode and unit tests), one bucket per
/// (tenant, collection): a bucket's growth rehashes only its own ids, and lists walk the bucket's
/// insertion order without copying it. A bucket keeps per record only what its key does not
/// say (no tenant or collection), and encoded documents without spare capacity.
public final class MemoryRecordStore: RecordStore {
    private struct BucketKey: Hashable { let tenant: String; let collection: String }
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
        var document: StoredRecord.Document
    }
    private struct Bucket {
        var records: [RecordKey: Entry] = [:]
        /// Ids in insertion order (deleted ids are removed).
        var order: [String] = []

        func record(_ key: BucketKey, _ id: String, _ e: Entry) -> StoredRecord {
            StoredRecord(tenant: key.tenant, collection: key.collection, id: id, createdAt: e.createdAt, seq: e.seq, document: e.document)
        }
    }
    private struct State {
        var buckets: [BucketKey: Bucket] = [:]
        var nextSeq: Int64 = 1
    }
    private let state = Locked(State())
    public init() {}

    public func put(_ record: StoredRecord) throws -> StoredRecord {
        var entry = Entry(createdAt: record.createdAt, seq: 0, document: record.document.shrunk())
        let key = RecordKey(record.id)
        let seq: Int64 = state.withLock { s in
            let next = s.nextSeq
            var isNew = false
            // One in-place access to the bucket: its dictionary is never copied. A new id (the
            // common case) costs one probe of the table: a large bucket's probes are cache misses.
            func store(_ b: inout Bucket) {
                entry.seq = next
                if let old = b.records.updateValue(entry, forKey: key) {
                    // Replaced: the record keeps its place.
                    entry.seq = old.seq
                    b.records[key] = entry
                } else {
                    isNew = true
                    b.order.append(record.id)
                }
            }
            store(&s.buckets[BucketKey(tenant: record.tenant, collection: record.collection), default: Bucket()])
            if isNew { s.nextSeq += 1 }
            return entry.seq
        }
        var stored = record
        stored.seq = seq
        return stored
    }

    public func get(tenant: String, collection: String, id: String) throws -> StoredRecord? {
        let key = RecordKey(id)
        let bucketKey = BucketKey(tenant: tenant, collection: collection)
        return state.withLock { s in
            guard let bucket = s.buckets[bucketKey], let e = bucket.records[key] else { return nil }
            return bucket.record(bucketKey, id, e)
        }
    }

    public func delete(tenant: String, collection: String, id: String) throws -> Bool {
        let recordKey = RecordKey(id)
        return state.withLock { s in
            let key = BucketKey(tenant: tenant, collection: collection)
            guard s.buckets[key]?.records.removeValue(forKey: recordKey) != nil else { return false }
            if let i = s.buckets[key]?.order.lastIndex(of: id) { s.buckets[key]?.order.remove(at: i) }
            return true
        }
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
                guard let e = bucket.records[RecordKey(recordID)] else { continue }
                let r = bucket.record(bucketKey, recordID, e)
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
                .flatMap { b in b.value.records.map { b.value.record(b.key, $0.key.id, $0.value) } }
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

import SimSupport

/// Records kept in memory (the default ephemeral mode and unit tests).
public final class MemoryRecordStore: RecordStore {
    private struct Key: Hashable { let tenant: String; let collection: String; let id: String }
    private struct State {
        var records: [Key: StoredRecord] = [:]
        /// Per (tenant, collection): ids in insertion order.
        var order: [Bucket: [String]] = [:]
        var nextSeq: Int64 = 1
    }
    private let state = Locked(State())
    public init() {}

    private struct Bucket: Hashable { let tenant: String; let collection: String }
    private static func bucket(_ tenant: String, _ collection: String) -> Bucket { Bucket(tenant: tenant, collection: collection) }

    public func put(_ record: StoredRecord) throws -> StoredRecord {
        state.withLock { s in
            let key = Key(tenant: record.tenant, collection: record.collection, id: record.id)
            var r = record
            if let old = s.records[key] {
                r.seq = old.seq
            } else {
                r.seq = s.nextSeq
                s.nextSeq += 1
                s.order[Self.bucket(record.tenant, record.collection), default: []].append(record.id)
            }
            s.records[key] = r
            return r
        }
    }

    public func get(tenant: String, collection: String, id: String) throws -> StoredRecord? {
        state.withLock { $0.records[Key(tenant: tenant, collection: collection, id: id)] }
    }

    public func delete(tenant: String, collection: String, id: String) throws -> Bool {
        state.withLock { s in
            guard s.records.removeValue(forKey: Key(tenant: tenant, collection: collection, id: id)) != nil else { return false }
            s.order[Self.bucket(tenant, collection)]?.removeAll { $0 == id }
            return true
        }
    }

    public func list(tenant: String, collection: String, query: ListQuery) throws -> RecordPage {
        state.withLock { s in
            var ids = s.order[Self.bucket(tenant, collection)] ?? []
            if query.order == .desc { ids.reverse() }
            var start = 0
            if let after = query.after {
                guard let i = ids.firstIndex(of: after) else { return RecordPage(records: [], hasMore: false) }
                start = i + 1
            }
            var out: [StoredRecord] = []
            var hasMore = false
            for id in ids[start...] {
                guard let r = s.records[Key(tenant: tenant, collection: collection, id: id)],
                      query.filters.allSatisfy({ $0.matches(r.body) }) else { continue }
                if out.count == query.limit { hasMore = true; break }
                out.append(r)
            }
            return RecordPage(records: out, hasMore: hasMore)
        }
    }

    public func all(collection: String) throws -> [StoredRecord] {
        state.withLock { s in s.records.values.filter { $0.collection == collection }.sorted { $0.seq < $1.seq } }
    }

    public func deleteTenant(_ tenant: String) throws {
        state.withLock { s in
            s.records = s.records.filter { $0.key.tenant != tenant }
            s.order = s.order.filter { $0.key.tenant != tenant }
        }
    }

    public func deleteAll() throws {
        state.withLock { s in s.records = [:]; s.order = [:] }
    }
}

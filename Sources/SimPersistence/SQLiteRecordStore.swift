import SimCore
import SimSupport

/// Records in one SQLite file (the durable mode). Same contract as `MemoryRecordStore`; errors are `StoreError`.
public final class SQLiteRecordStore: RecordStore {
    /// The underlying database (exposed for diagnostics and tests).
    public let database: SQLiteDatabase
    /// Record counts of the (tenant, collection) pairs `trim` has counted, kept current by every
    /// write after that, so a retention limit checked after each insert costs no COUNT(*). Read
    /// and written only inside `database.withConnection`, which serializes all access.
    private let counts = Locked<[BucketKey: Int]>([:])
    private struct BucketKey: Hashable { let tenant: String; let collection: String }

    /// How many deleted ids per (tenant, collection) still work as list cursors.
    private let deletedCursorLimit: Int

    /// Opens or creates the store at `path` and brings its schema up to date; throws `StoreError` on failure.
    public init(path: String, deletedCursorLimit: Int = DeletedCursors.defaultLimit) throws {
        self.deletedCursorLimit = deletedCursorLimit
        do {
            database = try SQLiteDatabase(path: path)
            try Migrations.apply(to: database)
        } catch {
            throw StoreError("Could not open the record store at \(path): \(error)")
        }
    }

    /// Runs `body`, turning any failure into a `StoreError`.
    private func wrap<R: Sendable>(_ body: (SQLiteConnection) throws -> R) throws -> R {
        do { return try database.withConnection(body) } catch let e as StoreError { throw e } catch {
            throw StoreError("\(error)")
        }
    }

    private static func decode(_ bytes: [UInt8], id: String) throws -> JSON {
        do { return try JSONParser.parse(bytes) } catch {
            throw StoreError("The stored body of \(id) is not valid JSON: \(error)")
        }
    }

    /// Inserts or replaces by (tenant, collection, id); a replaced record keeps its seq.
    @discardableResult
    public func put(_ record: StoredRecord) throws -> StoredRecord {
        let body = String(decoding: record.encodedBody, as: UTF8.self)
        return try wrap { conn in
            // Update in place when present (keeping seq); otherwise insert, and AUTOINCREMENT hands out the next seq,
            // which never goes back, even after deletes or a reopen.
            let (seq, inserted): (Int64, Bool) = try conn.transaction {
                let key: [SQLiteValue] = [.text(record.tenant), .text(record.collection), .text(record.id)]
                var seq: Int64?
                try conn.query("""
                    UPDATE records SET created_at = ?, body = ? WHERE tenant = ? AND collection = ? AND id = ? RETURNING seq
                    """, [.int(record.createdAt), .text(body)] + key) { row in seq = row.int64(0); return false }
                if let seq { return (seq, false) }
                try conn.query("INSERT INTO records (tenant, collection, id, created_at, body) VALUES (?, ?, ?, ?, ?) RETURNING seq",
                               key + [.int(record.createdAt), .text(body)]) { row in seq = row.int64(0); return false }
                guard let seq else { throw StoreError("put \(record.id): the database returned no seq") }
                return (seq, true)
            }
            // Counted once committed.
            if inserted { adjustCount(record.tenant, record.collection, by: 1) }
            var stored = record
            stored.seq = seq
            return stored
        }
    }

    /// The record with this key, or nil.
    public func get(tenant: String, collection: String, id: String) throws -> StoredRecord? {
        try wrap { conn in
            var found: StoredRecord?
            try conn.query("SELECT created_at, seq, body FROM records WHERE tenant = ? AND collection = ? AND id = ?",
                           [.text(tenant), .text(collection), .text(id)]) { row in
                found = StoredRecord(tenant: tenant, collection: collection, id: id, createdAt: row.int64(0),
                                     seq: row.int64(1), body: try Self.decode(row.bytes(2), id: id))
                return false
            }
            return found
        }
    }

    /// Deletes one record; true when it existed.
    @discardableResult
    public func delete(tenant: String, collection: String, id: String) throws -> Bool {
        try wrap { conn in
            let bucket: [SQLiteValue] = [.text(tenant), .text(collection)]
            let deleted: Bool = try conn.transaction {
                var seq: Int64?
                try conn.query("DELETE FROM records WHERE tenant = ? AND collection = ? AND id = ? RETURNING seq",
                               bucket + [.text(id)]) { row in seq = row.int64(0); return false }
                guard let seq else { return false }
                guard deletedCursorLimit > 0 else { return true }
                try conn.run("INSERT OR REPLACE INTO deleted_records (tenant, collection, id, seq) VALUES (?, ?, ?, ?)",
                             bucket + [.text(id), .int(seq)])
                // The oldest deletes past the limit are forgotten (as the memory store forgets them).
                try conn.run("""
                    DELETE FROM deleted_records WHERE tenant = ? AND collection = ? AND rowid <= (
                        SELECT rowid FROM deleted_records WHERE tenant = ? AND collection = ? ORDER BY rowid DESC LIMIT 1 OFFSET ?)
                    """, bucket + bucket + [.int(Int64(deletedCursorLimit))])
                return true
            }
            if deleted { adjustCount(tenant, collection, by: -1) }
            return deleted
        }
    }

    public func deletedSeq(tenant: String, collection: String, id: String) throws -> Int64? {
        try wrap { conn in
            var seq: Int64?
            try conn.query("SELECT seq FROM deleted_records WHERE tenant = ? AND collection = ? AND id = ?",
                           [.text(tenant), .text(collection), .text(id)]) { row in seq = row.int64(0); return false }
            return seq
        }
    }

    /// Deleted and inserted again in one transaction: AUTOINCREMENT hands out the next seq.
    @discardableResult
    public func touch(tenant: String, collection: String, id: String) throws -> Bool {
        try wrap { conn in
            try conn.transaction {
                let key: [SQLiteValue] = [.text(tenant), .text(collection), .text(id)]
                var row: (Int64, [UInt8])?
                try conn.query("DELETE FROM records WHERE tenant = ? AND collection = ? AND id = ? RETURNING created_at, body", key) { r in
                    row = (r.int64(0), r.bytes(1)); return false
                }
                guard let (createdAt, body) = row else { return false }
                try conn.run("INSERT INTO records (tenant, collection, id, created_at, body) VALUES (?, ?, ?, ?, ?)",
                             key + [.int(createdAt), .text(String(decoding: body, as: UTF8.self))])
                return true
            }
        }
    }

    /// Oldest first by seq; the count comes from `counts` after the first call for a pair.
    @discardableResult
    public func trim(tenant: String, collection: String, keepingNewest keep: Int) throws -> [String] {
        let key = BucketKey(tenant: tenant, collection: collection)
        return try wrap { conn in
            var n = counts.withLock { $0[key] }
            if n == nil {
                try conn.query("SELECT COUNT(*) FROM records WHERE tenant = ? AND collection = ?",
                               [.text(tenant), .text(collection)]) { row in n = Int(row.int64(0)); return false }
                counts.withLock { $0[key] = n ?? 0 }
            }
            let over = (n ?? 0) - max(0, keep)
            guard over > 0 else { return [] }
            let (ids, deleted): ([String], Int) = try conn.transaction {
                var ids: [String] = []
                var lastSeq: Int64 = 0
                try conn.query("SELECT id, seq FROM records WHERE tenant = ? AND collection = ? ORDER BY seq ASC LIMIT ?",
                               [.text(tenant), .text(collection), .int(Int64(over))]) { row in
                    ids.append(row.text(0)); lastSeq = row.int64(1); return true
                }
                let deleted = try conn.run("DELETE FROM records WHERE tenant = ? AND collection = ? AND seq <= ?",
                                           [.text(tenant), .text(collection), .int(lastSeq)])
                return (ids, deleted)
            }
            adjustCount(tenant, collection, by: -deleted)
            // Fewer rows than the count promised (it cannot, short of another process writing the
            // file): forget the count, so the next call counts again.
            if ids.count < over { counts.withLock { _ = $0.removeValue(forKey: key) } }
            return ids
        }
    }

    private func adjustCount(_ tenant: String, _ collection: String, by delta: Int) {
        guard delta != 0 else { return }
        counts.withLock { c in
            let key = BucketKey(tenant: tenant, collection: collection)
            if let n = c[key] { c[key] = max(0, n + delta) }
        }
    }

    /// One page in seq order, after the cursor, filtered exactly as `RecordFilter.matches`.
    public func list(tenant: String, collection: String, query: ListQuery) throws -> RecordPage {
        let asc = query.order == .asc
        var sql = "SELECT id, created_at, seq, body FROM records WHERE tenant = ? AND collection = ?"
        var args: [SQLiteValue] = [.text(tenant), .text(collection)]
        // SQL narrows the rows (never dropping a match); Swift's `matches` then decides, so both stores agree exactly.
        for f in query.filters {
            guard let path = SQLFilter.jsonPath(f) else { continue }
            sql += " AND " + SQLFilter.condition
            args += SQLFilter.arguments(path: path, value: f.value)
        }
        return try wrap { conn in
            if let after = query.after {
                var cursor: Int64?
                // A record, or one deleted since (its seq still says where the next page starts).
                try conn.query("""
                    SELECT seq FROM records WHERE tenant = ? AND collection = ? AND id = ?
                    UNION ALL SELECT seq FROM deleted_records WHERE tenant = ? AND collection = ? AND id = ?
                    """, [.text(tenant), .text(collection), .text(after), .text(tenant), .text(collection), .text(after)]) { row in
                    cursor = row.int64(0); return false
                }
                guard let cursor else { return RecordPage(records: [], hasMore: false) }
                sql += asc ? " AND seq > ?" : " AND seq < ?"
                args.append(.int(cursor))
            }
            sql += asc ? " ORDER BY seq ASC" : " ORDER BY seq DESC"
            if query.filters.isEmpty, query.limit >= 0, query.limit < Int.max {
                sql += " LIMIT ?"
                args.append(.int(Int64(query.limit) + 1))
            }
            // Rows are produced lazily in seq order, so stepping stops as soon as the page is known.
            var out: [StoredRecord] = []
            var hasMore = false
            try conn.query(sql, args) { row in
                let id = row.text(0)
                let body = try Self.decode(row.bytes(3), id: id)
                guard query.filters.allSatisfy({ $0.matches(body) }) else { return true }
                if out.count == query.limit { hasMore = true; return false }
                out.append(StoredRecord(tenant: tenant, collection: collection, id: id, createdAt: row.int64(1),
                                        seq: row.int64(2), body: body))
                return true
            }
            return RecordPage(records: out, hasMore: hasMore)
        }
    }

    /// Every record of `collection` across tenants, oldest first.
    public func all(collection: String) throws -> [StoredRecord] {
        try wrap { conn in
            var out: [StoredRecord] = []
            try conn.query("SELECT tenant, id, created_at, seq, body FROM records WHERE collection = ? ORDER BY seq ASC",
                           [.text(collection)]) { row in
                let id = row.text(1)
                out.append(StoredRecord(tenant: row.text(0), collection: collection, id: id, createdAt: row.int64(2),
                                        seq: row.int64(3), body: try Self.decode(row.bytes(4), id: id)))
                return true
            }
            return out
        }
    }

    /// Deletes every record of `tenant`.
    public func deleteTenant(_ tenant: String) throws {
        try wrap { conn in
            try conn.transaction {
                _ = try conn.run("DELETE FROM records WHERE tenant = ?", [.text(tenant)])
                _ = try conn.run("DELETE FROM deleted_records WHERE tenant = ?", [.text(tenant)])
            }
            counts.withLock { c in c = c.filter { $0.key.tenant != tenant } }
        }
    }

    /// Deletes every record (the seq counter keeps counting).
    public func deleteAll() throws {
        try wrap { conn in
            try conn.transaction {
                _ = try conn.run("DELETE FROM records")
                _ = try conn.run("DELETE FROM deleted_records")
            }
            counts.withLock { $0 = [:] }
        }
    }
}

/// `RecordFilter` as an SQL prefilter that never rejects a record `RecordFilter.matches` accepts.
enum SQLFilter {
    /// Strings compare by decoded value; numbers and booleans by their JSON text, which is what `JSONWriter` wrote
    /// and so equals Swift's spelling (`->` returns a number's original text).
    /// Parameters: path, path, value, path, path, value.
    static let condition = """
        ((json_type(body, ?) = 'text' AND json_extract(body, ?) = ?) \
        OR (json_type(body, ?) IN ('integer', 'real', 'true', 'false') AND (body -> ?) = ?))
        """

    static func arguments(path: String, value: String) -> [SQLiteValue] {
        [.text(path), .text(path), .text(value), .text(path), .text(path), .text(value)]
    }

    /// The JSON path for `filter`, or nil when SQL could miss a match: Swift's `String ==` uses Unicode canonical
    /// equivalence, `json_extract` cuts strings at NUL, and some keys cannot be quoted. Those filters run in Swift only.
    static func jsonPath(_ filter: RecordFilter) -> String? {
        guard isPlain(filter.value, isKey: false) else { return nil }
        var path = "$"
        for key in filter.path {
            guard !key.isEmpty, isPlain(key, isKey: true) else { return nil }
            path += ".\"" + key + "\""
        }
        return path
    }

    /// ASCII without NUL and the three characters non-ASCII scalars are canonically equivalent to
    /// (U+212A KELVIN SIGN = "K", U+037E = ";", U+1FEF = "`"); keys also exclude quotes, backslashes and controls.
    private static func isPlain(_ s: String, isKey: Bool) -> Bool {
        s.utf8.allSatisfy { c in
            guard c > 0, c < 0x80, c != UInt8(ascii: "K"), c != UInt8(ascii: ";"), c != UInt8(ascii: "`") else { return false }
            return !isKey || (c >= 0x20 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\"))
        }
    }
}

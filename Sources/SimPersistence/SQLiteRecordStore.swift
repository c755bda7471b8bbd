import SimCore
import SimSupport

/// Records in one SQLite file (the durable mode). Same contract as `MemoryRecordStore`; errors are `StoreError`.
public final class SQLiteRecordStore: RecordStore {
    /// The underlying database (exposed for diagnostics and tests).
    public let database: SQLiteDatabase

    /// Opens or creates the store at `path` and brings its schema up to date; throws `StoreError` on failure.
    public init(path: String) throws {
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

    public func put(_ record: StoredRecord) throws -> StoredRecord {
        let body = String(decoding: JSONWriter.encode(record.body), as: UTF8.self)
        return try wrap { conn in
            var seq: Int64?
            // A conflict updates in place, so a replaced record keeps its seq (rowid) and the AUTOINCREMENT counter
            // only moves on real inserts; it never goes back, even after deletes or a reopen.
            try conn.query("""
                INSERT INTO records (tenant, collection, id, created_at, body) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (tenant, collection, id) DO UPDATE SET created_at = excluded.created_at, body = excluded.body
                RETURNING seq
                """, [.text(record.tenant), .text(record.collection), .text(record.id), .int(record.createdAt), .text(body)]) { row in
                seq = row.int64(0)
                return false
            }
            guard let seq else { throw StoreError("put \(record.id): the database returned no seq") }
            var stored = record
            stored.seq = seq
            return stored
        }
    }

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

    public func delete(tenant: String, collection: String, id: String) throws -> Bool {
        try wrap { conn in
            try conn.run("DELETE FROM records WHERE tenant = ? AND collection = ? AND id = ?",
                         [.text(tenant), .text(collection), .text(id)]) > 0
        }
    }

    public func list(tenant: String, collection: String, query: ListQuery) throws -> RecordPage {
        let asc = query.order == .asc
        var sql = "SELECT id, created_at, seq, body FROM records WHERE tenant = ? AND collection = ?"
        var args: [SQLiteValue] = [.text(tenant), .text(collection)]
        var inSwift: [RecordFilter] = []
        for f in query.filters {
            guard let path = SQLFilter.jsonPath(f) else { inSwift.append(f); continue }
            sql += " AND " + SQLFilter.condition
            args += SQLFilter.arguments(path: path, value: f.value)
        }
        return try wrap { conn in
            if let after = query.after {
                var cursor: Int64?
                try conn.query("SELECT seq FROM records WHERE tenant = ? AND collection = ? AND id = ?",
                               [.text(tenant), .text(collection), .text(after)]) { row in cursor = row.int64(0); return false }
                guard let cursor else { return RecordPage(records: [], hasMore: false) }
                sql += asc ? " AND seq > ?" : " AND seq < ?"
                args.append(.int(cursor))
            }
            sql += asc ? " ORDER BY seq ASC" : " ORDER BY seq DESC"
            if inSwift.isEmpty, query.limit >= 0, query.limit < Int.max {
                sql += " LIMIT ?"
                args.append(.int(Int64(query.limit) + 1))
            }
            var out: [StoredRecord] = []
            var hasMore = false
            try conn.query(sql, args) { row in
                let id = row.text(0)
                let body = try Self.decode(row.bytes(3), id: id)
                guard inSwift.allSatisfy({ $0.matches(body) }) else { return true }
                if out.count == query.limit { hasMore = true; return false }
                out.append(StoredRecord(tenant: tenant, collection: collection, id: id, createdAt: row.int64(1),
                                        seq: row.int64(2), body: body))
                return true
            }
            return RecordPage(records: out, hasMore: hasMore)
        }
    }

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

    public func deleteTenant(_ tenant: String) throws {
        try wrap { conn in _ = try conn.run("DELETE FROM records WHERE tenant = ?", [.text(tenant)]) }
    }

    public func deleteAll() throws {
        try wrap { conn in _ = try conn.run("DELETE FROM records") }
    }
}

/// `RecordFilter` as SQL, for the filters SQL can judge exactly as `RecordFilter.matches` does.
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

    /// The JSON path for `filter`, or nil when SQL's byte comparison could disagree with Swift's `String ==`
    /// (which uses Unicode canonical equivalence) or the key cannot be quoted; such filters run in Swift.
    static func jsonPath(_ filter: RecordFilter) -> String? {
        guard isPlain(filter.value, isKey: false) else { return nil }
        var path = "$"
        for key in filter.path {
            guard !key.isEmpty, isPlain(key, isKey: true) else { return nil }
            path += ".\"" + key + "\""
        }
        return path
    }

    /// ASCII without the three characters that non-ASCII scalars are canonically equivalent to
    /// (U+212A KELVIN SIGN = "K", U+037E = ";", U+1FEF = "`"); keys also exclude quotes, backslashes and controls.
    private static func isPlain(_ s: String, isKey: Bool) -> Bool {
        s.utf8.allSatisfy { c in
            guard c < 0x80, c != UInt8(ascii: "K"), c != UInt8(ascii: ";"), c != UInt8(ascii: "`") else { return false }
            return !isKey || (c >= 0x20 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\"))
        }
    }
}

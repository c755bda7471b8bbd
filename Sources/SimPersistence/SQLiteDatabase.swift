import CSQLite
import SimSupport

/// A failed SQLite call: the result code, SQLite's message and the SQL being run.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The (extended) SQLite result code.
    public let code: Int32
    /// SQLite's error message.
    public let message: String
    /// The statement (or operation) that failed.
    public let sql: String
    /// Makes an error from its parts.
    public init(code: Int32, message: String, sql: String) { self.code = code; self.message = message; self.sql = sql }
    /// Human-readable form for logs and 500 bodies.
    public var description: String { "SQLite error \(code): \(message) (in: \(sql))" }
}

/// A value bound to a statement parameter.
public enum SQLiteValue: Sendable, Equatable {
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
    case null
}

/// One SQLite connection. Not thread-safe by itself: reach it through `SQLiteDatabase`, which serializes access.
public final class SQLiteConnection {
    let handle: OpaquePointer
    private var cache: [String: SQLiteStatement] = [:]

    init(handle: OpaquePointer) { self.handle = handle }

    deinit {
        for stmt in cache.values { sqlite3_finalize(stmt.handle) }
        sqlite3_close_v2(handle)
    }

    func error(_ code: Int32, _ sql: String) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements without parameters (schema, pragmas).
    public func exec(_ sql: String) throws(SQLiteError) {
        var msg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &msg)
        guard rc == SQLITE_OK else {
            let text = msg.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(msg)
            throw SQLiteError(code: rc, message: text, sql: sql)
        }
    }

    /// A prepared statement for `sql`, cached by its text. Call `reset()` when done with it.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let s = cache[sql], !s.inUse { s.inUse = true; return s }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            sqlite3_finalize(stmt)
            throw error(rc, sql)
        }
        let s = SQLiteStatement(handle: stmt, connection: self, sql: sql)
        s.inUse = true
        // A statement already busy (re-entrant use of the same SQL) gets a private copy, finalized on deinit.
        if cache[sql] == nil { cache[sql] = s } else { s.owned = true }
        return s
    }

    /// Runs `sql` with `args`, calling `row` for each result row until it returns false.
    public func query(_ sql: String, _ args: [SQLiteValue] = [], _ row: (SQLiteStatement) throws -> Bool) throws {
        let stmt = try prepare(sql)
        defer { stmt.reset() }
        try stmt.bind(args)
        while try stmt.step() {
            guard try row(stmt) else { break }
        }
    }

    /// Runs a statement that returns no rows; gives the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ args: [SQLiteValue] = []) throws(SQLiteError) -> Int {
        let stmt = try prepare(sql)
        defer { stmt.reset() }
        try stmt.bind(args)
        while try stmt.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs `body` in a transaction (BEGIN IMMEDIATE; not nestable), committing on return, rolling back on a throw.
    @discardableResult
    public func transaction<R>(_ body: () throws -> R) throws -> R {
        try run("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            if sqlite3_get_autocommit(handle) == 0 { _ = try? run("ROLLBACK") }
            throw error
        }
    }
}

/// A prepared statement: bind, step, read columns.
public final class SQLiteStatement {
    let handle: OpaquePointer
    private unowned let connection: SQLiteConnection
    /// The statement's SQL text.
    public let sql: String
    var inUse = false
    var owned = false

    init(handle: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit { if owned { sqlite3_finalize(handle) } }

    /// Binds `values` to parameters 1...n.
    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (i, v) in values.enumerated() { try bind(v, at: Int32(i + 1)) }
    }

    /// Binds one value to the 1-based parameter `index`.
    public func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        let rc: Int32
        switch value {
        case let .int(i): rc = sqlite3_bind_int64(handle, index, i)
        case let .double(d): rc = sqlite3_bind_double(handle, index, d)
        case .null: rc = sqlite3_bind_null(handle, index)
        case var .text(s):
            rc = s.withUTF8 { buf in
                guard let base = buf.baseAddress, buf.count > 0 else {
                    return sqlite3_bind_text64(handle, index, "", 0, csqlite_transient(), UInt8(SQLITE_UTF8))
                }
                return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: buf.count) {
                    sqlite3_bind_text64(handle, index, $0, sqlite3_uint64(buf.count), csqlite_transient(), UInt8(SQLITE_UTF8))
                }
            }
        case let .blob(bytes):
            rc = bytes.withUnsafeBytes { buf in
                buf.baseAddress.map { sqlite3_bind_blob64(handle, index, $0, sqlite3_uint64(buf.count), csqlite_transient()) }
                    ?? sqlite3_bind_zeroblob(handle, index, 0)
            }
        }
        guard rc == SQLITE_OK else { throw connection.error(rc, sql) }
    }

    /// Advances to the next row: true when a row is ready, false when done.
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw connection.error(rc, sql)
    }

    /// Resets the statement and its bindings so it can be reused.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        inUse = false
    }

    /// Whether column `i` (0-based) of the current row is NULL.
    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }
    /// Column `i` as an integer.
    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
    /// Column `i` as a double.
    public func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }

    /// Column `i` as bytes (text or blob); empty for NULL.
    public func bytes(_ i: Int32) -> [UInt8] {
        guard let p = sqlite3_column_blob(handle, i) else { return [] }
        let n = Int(sqlite3_column_bytes(handle, i))
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// Column `i` as UTF-8 text; empty for NULL.
    public func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(handle, i) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}

/// One SQLite database file behind a mutex: WAL, `synchronous=NORMAL`, busy timeout, foreign keys.
public final class SQLiteDatabase: Sendable {
    /// Only touched while `lock` is held.
    nonisolated(unsafe) private let connection: SQLiteConnection
    private let lock = Locked(())
    /// The database file path.
    public let path: String

    /// Opens (creating if needed) the database at `path`; throws `SQLiteError` if it cannot be opened or is not a database.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5000) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: message, sql: "open \(path)")
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        let conn = SQLiteConnection(handle: db) // closes the handle if configuration below throws
        // journal_mode returns a row; reading the schema here also surfaces "not a database" at open.
        var mode = ""
        try conn.query("PRAGMA journal_mode=WAL") { mode = $0.text(0); return false }
        guard mode.lowercased() == "wal" else {
            throw SQLiteError(code: SQLITE_ERROR, message: "could not enable WAL (journal_mode=\(mode))", sql: "PRAGMA journal_mode=WAL")
        }
        try conn.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        try conn.query("SELECT count(*) FROM sqlite_schema") { _ in false }
        self.path = path
        connection = conn
    }

    /// Runs `body` with exclusive use of the connection.
    @discardableResult
    public func withConnection<R: Sendable>(_ body: (SQLiteConnection) throws -> R) throws -> R {
        try lock.withLock { _ in try body(connection) }
    }

    /// Runs `body` in a transaction with exclusive use of the connection.
    @discardableResult
    public func transaction<R: Sendable>(_ body: (SQLiteConnection) throws -> R) throws -> R {
        try lock.withLock { _ in try connection.transaction { try body(connection) } }
    }
}

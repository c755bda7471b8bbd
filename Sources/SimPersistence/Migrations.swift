import CSQLite

/// One numbered schema change; applied at most once, in version order.
public struct Migration: Sendable {
    /// Position in the history (1, 2, 3 ...); recorded in `schema_migrations`.
    public let version: Int64
    /// The statements to run (may contain several, separated by semicolons).
    public let sql: String
    /// Makes a migration.
    public init(version: Int64, sql: String) { self.version = version; self.sql = sql }
}

/// The schema history of the simulator database and the code that brings a file up to date.
public enum Migrations {
    /// Every migration, oldest first. Append only: never edit one that has shipped.
    public static let all: [Migration] = [
        Migration(version: 1, sql: """
            CREATE TABLE records (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                tenant TEXT NOT NULL,
                collection TEXT NOT NULL,
                id TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                body TEXT NOT NULL,
                UNIQUE (tenant, collection, id)
            );
            CREATE INDEX records_by_bucket ON records (tenant, collection, seq);
            CREATE INDEX records_by_collection ON records (collection, seq);
            """),
        // Ids removed by a delete, with the seq they had: they still work as list cursors. The
        // rowid counts deletes (a replace takes a new one), so the oldest deletes go first.
        Migration(version: 2, sql: """
            CREATE TABLE deleted_records (
                tenant TEXT NOT NULL,
                collection TEXT NOT NULL,
                id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                UNIQUE (tenant, collection, id)
            );
            CREATE INDEX deleted_records_by_bucket ON deleted_records (tenant, collection);
            """),
    ]

    /// Applies the migrations missing from `db` in one transaction and returns their versions.
    /// Throws if the file was written by a newer schema than `migrations` knows.
    @discardableResult
    public static func apply(_ migrations: [Migration] = Migrations.all, to db: SQLiteDatabase) throws -> [Int64] {
        try db.transaction { conn in
            try conn.exec("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    applied_at INTEGER NOT NULL
                )
                """)
            var applied = Set<Int64>()
            try conn.query("SELECT version FROM schema_migrations") { row in
                applied.insert(row.int64(0))
                return true
            }
            let known = migrations.map(\.version).max() ?? 0
            if let newest = applied.max(), newest > known {
                throw SQLiteError(code: SQLITE_ERROR,
                                  message: "database schema version \(newest) is newer than this simulator supports (\(known))",
                                  sql: "SELECT version FROM schema_migrations")
            }
            var ran: [Int64] = []
            for m in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(m.version) {
                try conn.exec(m.sql)
                try conn.run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, CAST(strftime('%s', 'now') AS INTEGER))",
                             [.int(m.version)])
                ran.append(m.version)
            }
            return ran
        }
    }
}

import Foundation
import Testing
import SimCore
@testable import SimPersistence
import SimSupport

private func rec(_ id: String, tenant: String = "t1", collection: String = "files", createdAt: Int64 = 100,
                 _ body: JSON = ["object": "file"]) -> StoredRecord {
    StoredRecord(tenant: tenant, collection: collection, id: id, createdAt: createdAt, body: body)
}

/// What only the SQLite store promises: durability across reopen, migrations, corrupt files, SQL errors.
@Suite struct SQLiteRecordStoreDurabilityTests {
    @Test func recordsAndTheSeqCounterSurviveCloseAndReopen() throws {
        let dir = try ScratchDirectory()
        let path = dir.path + "/records.sqlite"
        var lastSeq: Int64 = 0
        do {
            let store = try SQLiteRecordStore(path: path)
            _ = try store.put(rec("a", ["n": 1, "nested": ["s": "é\u{1}"]]))
            lastSeq = try store.put(rec("b")).seq
            _ = try store.delete(tenant: "t1", collection: "files", id: "b")
        }
        let reopened = try SQLiteRecordStore(path: path)
        #expect(try reopened.get(tenant: "t1", collection: "files", id: "a")?.body == ["n": 1, "nested": ["s": "é\u{1}"]])
        #expect(try reopened.get(tenant: "t1", collection: "files", id: "b") == nil)
        #expect(try reopened.put(rec("c")).seq > lastSeq, "a deleted record's seq is never reused")
    }

    /// The retention count is cached in memory: a reopened store counts what the file holds.
    @Test func trimAfterReopenCountsTheRecordsOnDisk() throws {
        let dir = try ScratchDirectory()
        let path = dir.path + "/records.sqlite"
        do {
            let store = try SQLiteRecordStore(path: path)
            for i in 1...5 { try store.put(rec("r\(i)", collection: "responses")) }
            #expect(try store.trim(tenant: "t1", collection: "responses", keepingNewest: 4) == ["r1"])
        }
        let reopened = try SQLiteRecordStore(path: path)
        try reopened.put(rec("r6", collection: "responses"))
        #expect(try reopened.trim(tenant: "t1", collection: "responses", keepingNewest: 3) == ["r2", "r3"])
        try reopened.put(rec("r7", collection: "responses"))
        #expect(try reopened.trim(tenant: "t1", collection: "responses", keepingNewest: 3) == ["r4"])
    }

    @Test func reopeningAppliesNoMigrationTwice() throws {
        let dir = try ScratchDirectory()
        let path = dir.path + "/records.sqlite"
        do { _ = try SQLiteRecordStore(path: path) }
        do { _ = try SQLiteRecordStore(path: path) }
        let db = try SQLiteDatabase(path: path)
        #expect(try Migrations.apply(to: db) == [])
        let versions: [Int64] = try db.withConnection { conn in
            var out: [Int64] = []
            try conn.query("SELECT version FROM schema_migrations ORDER BY version") { out.append($0.int64(0)); return true }
            return out
        }
        #expect(versions == Migrations.all.map(\.version))
    }

    @Test func aSchemaNewerThanTheCodeIsRefused() throws {
        let dir = try ScratchDirectory()
        let path = dir.path + "/records.sqlite"
        do { _ = try SQLiteRecordStore(path: path) }
        let db = try SQLiteDatabase(path: path)
        _ = try db.withConnection { try $0.run("INSERT INTO schema_migrations VALUES (999, 0)") }
        #expect(throws: SQLiteError.self) { try Migrations.apply(to: db) }
        #expect(throws: StoreError.self) { try SQLiteRecordStore(path: path) }
    }

    @Test func openingACorruptFileThrowsInsteadOfCrashing() throws {
        let dir = try ScratchDirectory()
        let path = dir.path + "/records.sqlite"
        let junk = [UInt8](repeating: 0x5A, count: 8192)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(junk)))
        #expect(throws: StoreError.self) { try SQLiteRecordStore(path: path) }
        #expect(throws: StoreError.self) { try SQLiteRecordStore(path: dir.path + "/missing-dir/records.sqlite") }
    }

    /// The SQL prefilter must do real work: for plain values it alone picks exactly the matching records.
    @Test func sqlPrefilterAloneSelectsExactlyTheMatchesForPlainValues() throws {
        let dir = try ScratchDirectory()
        let store = try SQLiteRecordStore(path: dir.path + "/records.sqlite")
        let values: [JSON] = ["1", 1, 1.0, 1.5, 1e16, -7, true, false, "true", nil, [1], ["a": 1], "", "abc", "é"]
        var bodies: [(String, JSON)] = []
        for (i, v) in values.enumerated() {
            let body: JSON = ["v": v, "m": ["v": v], "a.b": v]
            bodies.append(("r\(i)", body))
            _ = try store.put(rec("r\(i)", body))
        }
        for path in [["v"], ["m", "v"], ["a.b"]] {
            for probe in ["1", "1.0", "1.5", "1e+16", "10000000000000000.0", "-7", "true", "false", "null", "", "abc", "x"] {
                let filter = RecordFilter(path: path, value: probe)
                let jsonPath = try #require(SQLFilter.jsonPath(filter))
                let got: [String] = try store.database.withConnection { conn in
                    var out: [String] = []
                    try conn.query("SELECT id FROM records WHERE \(SQLFilter.condition) ORDER BY seq",
                                   SQLFilter.arguments(path: jsonPath, value: probe)) { out.append($0.text(0)); return true }
                    return out
                }
                #expect(got == bodies.filter { filter.matches($0.1) }.map(\.0), "path \(path) value \(probe)")
            }
        }
    }

    @Test func failedStatementsReportCodeMessageAndSQL() throws {
        let dir = try ScratchDirectory()
        let db = try SQLiteDatabase(path: dir.path + "/db.sqlite")
        do {
            _ = try db.withConnection { try $0.run("SELECT * FROM no_such_table") }
            Issue.record("should throw")
        } catch let e as SQLiteError {
            #expect(e.code != 0)
            #expect(e.message.contains("no_such_table"))
            #expect(e.sql == "SELECT * FROM no_such_table")
        }
    }

    @Test func listingWalksTheSeqIndexWithoutSorting() throws {
        let dir = try ScratchDirectory()
        let store = try SQLiteRecordStore(path: dir.path + "/records.sqlite")
        let plan: [String] = try store.database.withConnection { conn in
            var out: [String] = []
            try conn.query("""
                EXPLAIN QUERY PLAN SELECT id FROM records WHERE tenant = ? AND collection = ? AND seq < ? ORDER BY seq DESC
                """, [.text("t"), .text("c"), .int(5)]) { out.append($0.text(3)); return true }
            return out
        }
        #expect(plan.contains { $0.contains("records_by_bucket") })
        #expect(!plan.contains { $0.contains("TEMP B-TREE") })
    }

    @Test func aThrowingTransactionRollsBack() throws {
        let dir = try ScratchDirectory()
        let db = try SQLiteDatabase(path: dir.path + "/db.sqlite")
        try db.withConnection { try $0.exec("CREATE TABLE t (x INTEGER)") }
        #expect(throws: StoreError.self) {
            try db.transaction { conn in
                try conn.run("INSERT INTO t VALUES (1)")
                throw StoreError("boom")
            }
        }
        let count: Int64 = try db.withConnection { conn in
            var n: Int64 = -1
            try conn.query("SELECT count(*) FROM t") { n = $0.int64(0); return false }
            return n
        }
        #expect(count == 0)
    }
}

import Foundation
import Testing
import SimCore
import SimPersistence
import SimSupport

/// The record store implementations the contract suite runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, sqlite
    var testDescription: String { rawValue }
}

/// A fresh directory under the system temp dir, removed on deinit (shared by the store tests).
final class ScratchDirectory {
    let path: String
    init() throws {
        var template = Array((NSTemporaryDirectory() + "/openai-sim-test-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else { throw StoreError("mkdtemp failed") }
        path = String(cString: p)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

private func withStore(_ kind: StoreKind, deletedCursorLimit: Int = DeletedCursors.defaultLimit,
                       _ body: (RecordStore) throws -> Void) throws {
    let dir = try ScratchDirectory()
    switch kind {
    case .memory: try body(MemoryRecordStore(deletedCursorLimit: deletedCursorLimit))
    case .sqlite: try body(SQLiteRecordStore(path: dir.path + "/records.sqlite", deletedCursorLimit: deletedCursorLimit))
    }
}

private func rec(_ id: String, tenant: String = "t1", collection: String = "files", createdAt: Int64 = 100,
                 _ body: JSON = ["object": "file"]) -> StoredRecord {
    StoredRecord(tenant: tenant, collection: collection, id: id, createdAt: createdAt, body: body)
}

private func ids(_ page: RecordPage) -> [String] { page.records.map(\.id) }

@Suite struct RecordStoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func putAssignsIncreasingSeqAndGetReturnsTheStoredRecord(kind: StoreKind) throws {
        try withStore(kind) { store in
            let a = try store.put(rec("a", createdAt: 7, ["object": "file", "bytes": 3, "meta": ["k": "v"]]))
            let b = try store.put(rec("b"))
            #expect(a.seq >= 1)
            #expect(b.seq > a.seq)
            #expect(try store.get(tenant: "t1", collection: "files", id: "a") == a)
            #expect(try store.get(tenant: "t1", collection: "files", id: "missing") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func replacingKeepsSeqAndCreationOrderWhileUpdatingBodyAndCreatedAt(kind: StoreKind) throws {
        try withStore(kind) { store in
            let a = try store.put(rec("a", createdAt: 1, ["v": 1]))
            let b = try store.put(rec("b"))
            let a2 = try store.put(rec("a", createdAt: 2, ["v": 2]))
            let c = try store.put(rec("c"))
            #expect(a2.seq == a.seq)
            #expect(b.seq == a.seq + 1)
            #expect(c.seq == b.seq + 1, "a replace does not consume a seq")
            let got = try #require(try store.get(tenant: "t1", collection: "files", id: "a"))
            #expect(got.body == ["v": 2])
            #expect(got.createdAt == 2)
            let page = try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc))
            #expect(ids(page) == ["a", "b", "c"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deleteReportsWhetherARecordWasRemovedAndReinsertGetsANewSeq(kind: StoreKind) throws {
        try withStore(kind) { store in
            let a = try store.put(rec("a"))
            _ = try store.put(rec("b"))
            #expect(try store.delete(tenant: "t1", collection: "files", id: "a"))
            #expect(try !store.delete(tenant: "t1", collection: "files", id: "a"))
            #expect(try store.get(tenant: "t1", collection: "files", id: "a") == nil)
            let again = try store.put(rec("a"))
            #expect(again.seq > a.seq + 1)
            #expect(ids(try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc))) == ["b", "a"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func listIsNewestFirstByDefaultAndOldestFirstOnRequest(kind: StoreKind) throws {
        try withStore(kind) { store in
            for id in ["a", "b", "c"] { try store.put(rec(id)) }
            #expect(ids(try store.list(tenant: "t1", collection: "files", query: ListQuery())) == ["c", "b", "a"])
            #expect(ids(try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc))) == ["a", "b", "c"])
            #expect(ids(try store.list(tenant: "t1", collection: "empty", query: ListQuery())) == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func afterCursorStartsStrictlyAfterThatRecordInTheListOrder(kind: StoreKind) throws {
        try withStore(kind) { store in
            for id in ["a", "b", "c", "d"] { try store.put(rec(id)) }
            let asc = try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc, after: "b"))
            #expect(ids(asc) == ["c", "d"])
            let desc = try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .desc, after: "c"))
            #expect(ids(desc) == ["b", "a"])
            let last = try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc, after: "d"))
            #expect(ids(last) == [] && !last.hasMore)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func unknownAfterCursorGivesAnEmptyPage(kind: StoreKind) throws {
        try withStore(kind) { store in
            for id in ["a", "b"] { try store.put(rec(id)) }
            try store.put(rec("other-tenant", tenant: "t2"))
            for after in ["nope", "other-tenant"] {
                let page = try store.list(tenant: "t1", collection: "files", query: ListQuery(after: after))
                #expect(page.records.isEmpty && !page.hasMore)
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDeletedRecordsIDStillWorksAsACursorFromThePlaceItHad(kind: StoreKind) throws {
        // The SDK's auto-pagination asks for the next page after the last id it got; a loop
        // deleting each record it lists has deleted that one by then.
        try withStore(kind) { store in
            for id in ["a", "b", "c", "d", "e", "f"] { try store.put(rec(id, ["object": "file", "kind": .string(id == "e" ? "x" : "y")])) }
            func list(_ order: ListOrder, after: String, limit: Int = 20, filters: [RecordFilter] = []) throws -> [String] {
                ids(try store.list(tenant: "t1", collection: "files", query: ListQuery(filters: filters, order: order, after: after, limit: limit)))
            }
            #expect(try store.delete(tenant: "t1", collection: "files", id: "c"))
            #expect(try list(.asc, after: "c") == ["d", "e", "f"])
            #expect(try list(.desc, after: "c") == ["b", "a"])
            #expect(try list(.asc, after: "c", filters: [RecordFilter(path: ["kind"], value: "y")]) == ["d", "f"])
            // Deleting a whole page newest first, then asking for the next one.
            for id in ["f", "e", "d"] { try store.delete(tenant: "t1", collection: "files", id: id) }
            let next = try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .desc, after: "d", limit: 1))
            #expect(ids(next) == ["b"] && next.hasMore)
            #expect(try store.deletedSeq(tenant: "t1", collection: "files", id: "d") != nil)
            #expect(try store.deletedSeq(tenant: "t1", collection: "files", id: "b") == nil, "b is not deleted")
            // Other tenants and collections know nothing of these deletes; a reset forgets them.
            #expect(try store.list(tenant: "t2", collection: "files", query: ListQuery(after: "c")).records.isEmpty)
            #expect(try store.deletedSeq(tenant: "t1", collection: "batches", id: "c") == nil)
            try store.deleteTenant("t1")
            #expect(try store.deletedSeq(tenant: "t1", collection: "files", id: "c") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func onlyTheNewestDeletedIDsStayCursors(kind: StoreKind) throws {
        try withStore(kind, deletedCursorLimit: 2) { store in
            for id in ["a", "b", "c", "d", "e"] { try store.put(rec(id)) }
            // Deleted out of creation order: the oldest delete is forgotten first, not the oldest record.
            for id in ["b", "a", "c"] { try store.delete(tenant: "t1", collection: "files", id: id) }
            #expect(try store.deletedSeq(tenant: "t1", collection: "files", id: "b") == nil, "past the limit")
            #expect(try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc, after: "b")).records.isEmpty)
            #expect(ids(try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc, after: "a"))) == ["d", "e"])
            #expect(ids(try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc, after: "c"))) == ["d", "e"])
            try store.deleteAll()
            #expect(try store.deletedSeq(tenant: "t1", collection: "files", id: "c") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func limitCutsThePageAndHasMoreTellsWhetherRecordsRemain(kind: StoreKind) throws {
        try withStore(kind) { store in
            for id in ["a", "b", "c", "d", "e"] { try store.put(rec(id)) }
            let first = try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc, limit: 2))
            #expect(ids(first) == ["a", "b"] && first.hasMore)
            let second = try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc, after: "b", limit: 2))
            #expect(ids(second) == ["c", "d"] && second.hasMore)
            let third = try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc, after: "d", limit: 2))
            #expect(ids(third) == ["e"] && !third.hasMore)
            let exact = try store.list(tenant: "t1", collection: "files", query: ListQuery(limit: 5))
            #expect(exact.records.count == 5 && !exact.hasMore)
            let zero = try store.list(tenant: "t1", collection: "files", query: ListQuery(limit: 0))
            #expect(zero.records.isEmpty && zero.hasMore)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func filtersMatchTopLevelAndNestedPathsAndCombineWithCursorAndLimit(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.put(rec("f1", ["purpose": "batch", "metadata": ["k": "x"]]))
            try store.put(rec("f2", ["purpose": "fine-tune", "metadata": ["k": "x"]]))
            try store.put(rec("f3", ["purpose": "batch", "metadata": ["k": "y"]]))
            try store.put(rec("f4", ["purpose": "batch"]))
            try store.put(rec("f5", ["purpose": "batch", "metadata": ["k": "x"]]))
            func list(_ filters: [RecordFilter], after: String? = nil, limit: Int = 20) throws -> RecordPage {
                try store.list(tenant: "t1", collection: "files",
                               query: ListQuery(filters: filters, order: .asc, after: after, limit: limit))
            }
            let batch = RecordFilter(path: ["purpose"], value: "batch")
            let kx = RecordFilter(path: ["metadata", "k"], value: "x")
            #expect(ids(try list([batch])) == ["f1", "f3", "f4", "f5"])
            #expect(ids(try list([kx])) == ["f1", "f2", "f5"])
            #expect(ids(try list([batch, kx])) == ["f1", "f5"])
            #expect(ids(try list([RecordFilter(path: ["metadata"], value: "x")])) == [], "objects never match")
            #expect(ids(try list([RecordFilter(path: ["nope"], value: "batch")])) == [])
            // The cursor may name a record the filters exclude; the page still starts right after it.
            let page = try list([batch, kx], after: "f2", limit: 1)
            #expect(ids(page) == ["f5"] && !page.hasMore)
            let limited = try list([batch], limit: 2)
            #expect(ids(limited) == ["f1", "f3"] && limited.hasMore)
        }
    }

    /// Every body/filter pair gives what `RecordFilter.matches` says, whichever store runs the filter.
    @Test(arguments: StoreKind.allCases)
    func filtersAgreeWithRecordFilterMatchesForEveryValueKind(kind: StoreKind) throws {
        let values: [JSON] = [
            "1", 1, 1.0, 1.5, 0.1, 1e16, -7, 0, true, false, "true", nil, [1], ["a": 1], "", "K", "\u{212A}",
            "é", "e\u{301}", "a;b", "x\u{0}y", "line\nbreak", 9_007_199_254_740_993, "Zürich", 2.5e-8,
        ]
        let probes = ["1", "1.0", "1.5", "0.1", "1e+16", "10000000000000000.0", "-7", "0", "true", "false", "null",
                      "[1]", "", "K", "\u{212A}", "é", "e\u{301}", "a;b", "x\u{0}y", "line\nbreak",
                      "9007199254740993", "Zürich", "2.5e-08", "x"]
        let keys: [[String]] = [["v"], ["m", "v"], ["a.b"], ["q\"k"], ["", "v"], ["K"]]
        try withStore(kind) { store in
            var bodies: [(String, JSON)] = []
            for (i, v) in values.enumerated() {
                let body: JSON = ["v": v, "m": ["v": v], "a.b": v, "q\"k": v, "": ["v": v], "K": v]
                bodies.append(("r\(i)", body))
                try store.put(rec("r\(i)", body))
            }
            for path in keys {
                for probe in probes {
                    let filter = RecordFilter(path: path, value: probe)
                    let expected = bodies.filter { filter.matches($0.1) }.map(\.0)
                    let got = try store.list(tenant: "t1", collection: "files",
                                             query: ListQuery(filters: [filter], order: .asc, limit: 100))
                    #expect(ids(got) == expected, "path \(path) value \(probe.debugDescription)")
                }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tenantsAndCollectionsAreIsolated(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.put(rec("same", tenant: "t1", ["who": "t1"]))
            try store.put(rec("same", tenant: "t2", ["who": "t2"]))
            try store.put(rec("same", tenant: "t1", collection: "batches", ["who": "t1-batch"]))
            #expect(try store.get(tenant: "t1", collection: "files", id: "same")?.body == ["who": "t1"])
            #expect(try store.get(tenant: "t2", collection: "files", id: "same")?.body == ["who": "t2"])
            #expect(try store.get(tenant: "t2", collection: "batches", id: "same") == nil)
            #expect(ids(try store.list(tenant: "t1", collection: "files", query: ListQuery())) == ["same"])
            #expect(try store.delete(tenant: "t2", collection: "files", id: "same"))
            #expect(try store.get(tenant: "t1", collection: "files", id: "same") != nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deleteTenantRemovesOnlyThatTenantsRecords(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.put(rec("a", tenant: "t1"))
            try store.put(rec("b", tenant: "t1", collection: "batches"))
            try store.put(rec("c", tenant: "t10"))
            try store.deleteTenant("t1")
            #expect(try store.get(tenant: "t1", collection: "files", id: "a") == nil)
            #expect(try store.list(tenant: "t1", collection: "batches", query: ListQuery()).records.isEmpty)
            #expect(try store.get(tenant: "t10", collection: "files", id: "c") != nil)
        }
    }

    /// Several records in one call are all put before their buckets are trimmed: a record the
    /// call replaces after inserting another keeps its place and goes first, as the oldest.
    @Test(arguments: StoreKind.allCases)
    func aPutOfSeveralRecordsTrimsAfterAllOfThem(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.put(rec("a", ["v": 1]))
            try store.put(rec("b"))
            try store.put([rec("c"), rec("a", ["v": 2])], keepingNewest: 2)
            #expect(ids(try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc, limit: 10))) == ["b", "c"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func touchMovesARecordToTheNewestEndKeepingItsBodyAndCreatedAt(kind: StoreKind) throws {
        try withStore(kind) { store in
            let a = try store.put(rec("a", createdAt: 5, ["v": 1]))
            try store.put(rec("b"))
            try store.put(rec("c"))
            #expect(try store.touch(tenant: "t1", collection: "files", id: "a"))
            #expect(try !store.touch(tenant: "t1", collection: "files", id: "missing"))
            #expect(try !store.touch(tenant: "t2", collection: "files", id: "a"), "another tenant's bucket")
            let moved = try #require(try store.get(tenant: "t1", collection: "files", id: "a"))
            #expect(moved.seq > a.seq && moved.createdAt == 5 && moved.body == ["v": 1])
            #expect(ids(try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc, limit: 10))) == ["b", "c", "a"])
            // Retention now forgets b first; a, touched, stays.
            #expect(try store.trim(tenant: "t1", collection: "files", keepingNewest: 2) == ["b"])
            try store.put([rec("d")], keepingNewest: 2)
            #expect(ids(try store.list(tenant: "t1", collection: "files", query: ListQuery(order: .asc, limit: 10))) == ["a", "d"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deleteAllEmptiesTheStoreButSeqKeepsIncreasing(kind: StoreKind) throws {
        try withStore(kind) { store in
            let a = try store.put(rec("a", tenant: "t1"))
            try store.put(rec("b", tenant: "t2", collection: "batches"))
            try store.deleteAll()
            #expect(try store.all(collection: "files").isEmpty)
            #expect(try store.all(collection: "batches").isEmpty)
            #expect(try store.put(rec("a")).seq > a.seq + 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func allReturnsACollectionAcrossTenantsOldestFirst(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.put(rec("x", tenant: "t2"))
            try store.put(rec("other", tenant: "t1", collection: "batches"))
            try store.put(rec("y", tenant: "t1"))
            try store.put(rec("x", tenant: "t2", ["replaced": true]))
            let all = try store.all(collection: "files")
            #expect(all.map { "\($0.tenant)/\($0.id)" } == ["t2/x", "t1/y"])
            #expect(all.first?.body == ["replaced": true])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func encodedDocumentsReadBackAsTheTreeTheyEncodeAndFilterLikeTrees(kind: StoreKind) throws {
        try withStore(kind) { store in
            let body: JSON = ["object": "response", "status": "completed", "n": 3, "meta": ["k": "v \"quoted\" é"], "list": [1, 2.5, nil]]
            var writer = JSONWriter(capacity: 4096)
            writer.write(body)
            let encoded = StoredRecord(tenant: "t1", collection: "responses", id: "r1", createdAt: 5, encodedBody: writer.bytes)
            #expect(encoded.isEncoded)
            #expect(encoded.body == body)
            let put = try store.put(encoded)
            #expect(put.seq >= 1)
            let got = try #require(try store.get(tenant: "t1", collection: "responses", id: "r1"))
            #expect(got.body == body)
            #expect(got.encodedBody == body.encoded, "the stored bytes are the writer's encoding, spare capacity dropped")
            #expect(got == StoredRecord(tenant: "t1", collection: "responses", id: "r1", createdAt: 5, seq: put.seq, body: body))
            try store.put(rec("r2", collection: "responses", ["status": "failed"]))
            let completed = try store.list(tenant: "t1", collection: "responses",
                                           query: ListQuery(filters: [RecordFilter(path: ["status"], value: "completed")]))
            #expect(ids(completed) == ["r1"])
            let nested = try store.list(tenant: "t1", collection: "responses",
                                        query: ListQuery(filters: [RecordFilter(path: ["meta", "k"], value: "v \"quoted\" é")]))
            #expect(ids(nested) == ["r1"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func replacingATreeWithAnEncodedDocumentKeepsSeqAndServesTheNewDocument(kind: StoreKind) throws {
        try withStore(kind) { store in
            let a = try store.put(rec("a", ["v": 1]))
            let b = try store.put(StoredRecord(tenant: "t1", collection: "files", id: "a", createdAt: 9, encodedBody: Array(#"{"v":2}"#.utf8)))
            #expect(b.seq == a.seq)
            let got = try #require(try store.get(tenant: "t1", collection: "files", id: "a"))
            #expect(got.body == ["v": 2])
            #expect(got.createdAt == 9)
            var tree = got
            tree.body = ["v": 3]
            #expect(!tree.isEncoded, "setting body stores a tree")
            try store.put(tree)
            #expect(try store.get(tenant: "t1", collection: "files", id: "a")?.body == ["v": 3])
        }
    }

    /// A retention limit: the oldest records of one (tenant, collection) go first, a replaced
    /// record keeps its place, deletes and resets keep the store's count right (the SQLite store
    /// caches it), and nothing else is touched.
    @Test(arguments: StoreKind.allCases)
    func trimDropsTheOldestOfOneBucketOnly(kind: StoreKind) throws {
        try withStore(kind) { store in
            for i in 1...6 { try store.put(rec("r\(i)", collection: "responses")) }
            try store.put(rec("o1", tenant: "t2", collection: "responses"))
            try store.put(rec("f1", collection: "files"))
            #expect(try store.trim(tenant: "t1", collection: "responses", keepingNewest: 10).isEmpty)
            try store.put(rec("r1", collection: "responses", ["v": 2]))   // replaced: still the oldest
            #expect(try store.trim(tenant: "t1", collection: "responses", keepingNewest: 4) == ["r1", "r2"])
            #expect(try store.get(tenant: "t1", collection: "responses", id: "r1") == nil)
            #expect(ids(try store.list(tenant: "t1", collection: "responses", query: ListQuery(order: .asc))) == ["r3", "r4", "r5", "r6"])
            #expect(try store.get(tenant: "t2", collection: "responses", id: "o1") != nil)
            #expect(try store.get(tenant: "t1", collection: "files", id: "f1") != nil)
            // After a delete and an insert the count is still exact: 4 - 1 + 1 = 4, nothing over.
            #expect(try store.delete(tenant: "t1", collection: "responses", id: "r3"))
            try store.put(rec("r7", collection: "responses"))
            #expect(try store.trim(tenant: "t1", collection: "responses", keepingNewest: 4).isEmpty)
            #expect(try store.trim(tenant: "t1", collection: "responses", keepingNewest: 1) == ["r4", "r5", "r6"])
            #expect(ids(try store.list(tenant: "t1", collection: "responses", query: ListQuery())) == ["r7"])
            // A tenant reset empties the bucket; new records count from zero.
            try store.deleteTenant("t1")
            for i in 8...9 { try store.put(rec("r\(i)", collection: "responses")) }
            #expect(try store.trim(tenant: "t1", collection: "responses", keepingNewest: 2).isEmpty)
            #expect(try store.trim(tenant: "t1", collection: "responses", keepingNewest: 0) == ["r8", "r9"])
            try store.deleteAll()
            #expect(try store.trim(tenant: "t2", collection: "responses", keepingNewest: 0).isEmpty)
        }
    }

    /// Encoded documents of every size (the memory store packs small ones into shared blocks
    /// and keeps large ones apart) read back byte for byte while their neighbours are replaced,
    /// deleted and evicted, in two buckets written in turn.
    @Test(arguments: StoreKind.allCases)
    func encodedDocumentsSurviveTheirNeighboursReplacementDeletionAndEviction(kind: StoreKind) throws {
        try withStore(kind) { store in
            var expected: [String: [UInt8]] = [:]   // "collection/id" -> bytes
            var live: [String: [String]] = ["responses": [], "chat": []]   // oldest first
            var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
            func next(_ n: Int) -> Int {
                rng = rng &* 6364136223846793005 &+ 1442695040888963407
                return Int((rng >> 33) % UInt64(n))
            }
            func document(_ tag: Int) -> [UInt8] {
                // Sizes from empty strings to past the memory store's 16 KiB packing limit.
                let sizes = [0, 1, 7, 200, 1_000, 4_000, 9_000, 16_384, 20_000, 70_000]
                let text = String(repeating: Character(UnicodeScalar(UInt8(97 + tag % 26))), count: sizes[next(sizes.count)])
                return Array(#"{"n":\#(tag),"s":"\#(text)"}"#.utf8)
            }
            func check() throws {
                for (key, bytes) in expected {
                    let parts = key.split(separator: "/").map(String.init)
                    let got = try store.get(tenant: "t1", collection: parts[0], id: parts[1])
                    #expect(got?.encodedBody == bytes, "\(key)")
                }
            }
            for step in 0..<400 {
                let collection = step % 2 == 0 ? "responses" : "chat"
                switch next(10) {
                case 0 where !live[collection]!.isEmpty:   // replace a random record
                    let id = live[collection]![next(live[collection]!.count)]
                    let bytes = document(step)
                    try store.put(StoredRecord(tenant: "t1", collection: collection, id: id, createdAt: 1, encodedBody: bytes))
                    expected["\(collection)/\(id)"] = bytes
                case 1 where !live[collection]!.isEmpty:   // delete a random record
                    let i = next(live[collection]!.count)
                    let id = live[collection]!.remove(at: i)
                    #expect(try store.delete(tenant: "t1", collection: collection, id: id))
                    expected["\(collection)/\(id)"] = nil
                default:   // insert, then keep the newest 25
                    let id = "r\(step)"
                    let bytes = document(step)
                    try store.put(StoredRecord(tenant: "t1", collection: collection, id: id, createdAt: 1, encodedBody: bytes))
                    expected["\(collection)/\(id)"] = bytes
                    live[collection]!.append(id)
                    let dropped = try store.trim(tenant: "t1", collection: collection, keepingNewest: 25)
                    #expect(dropped == Array(live[collection]!.prefix(dropped.count)))
                    for id in dropped { expected["\(collection)/\(id)"] = nil }
                    live[collection]!.removeFirst(dropped.count)
                }
                if step % 50 == 49 { try check() }
            }
            try check()
            #expect(expected.count == live["responses"]!.count + live["chat"]!.count)
        }
    }

    /// Several records at once, then a trim of every bucket they went to (how a stored response
    /// and its input items are written): the same as the calls one by one.
    @Test(arguments: StoreKind.allCases)
    func puttingRecordsTogetherTrimsEveryBucketTheyWentTo(kind: StoreKind) throws {
        try withStore(kind) { store in
            for i in 1...3 {
                try store.put([rec("i\(i)", collection: "items"), rec("r\(i)", collection: "responses")], keepingNewest: 2)
            }
            #expect(ids(try store.list(tenant: "t1", collection: "items", query: ListQuery(order: .asc))) == ["i2", "i3"])
            #expect(ids(try store.list(tenant: "t1", collection: "responses", query: ListQuery(order: .asc))) == ["r2", "r3"])
            // A replaced record keeps its place; another tenant's bucket is untouched.
            try store.put([rec("i2", collection: "items", ["v": 2]), rec("x1", tenant: "t2", collection: "items")], keepingNewest: 1)
            #expect(ids(try store.list(tenant: "t1", collection: "items", query: ListQuery())) == ["i3"], "i2 is still the older one")
            #expect(try store.get(tenant: "t2", collection: "items", id: "x1") != nil)
            // Two records of one bucket in one call, then trimmed once.
            try store.put([rec("r4", collection: "responses"), rec("r5", collection: "responses")], keepingNewest: 3)
            #expect(ids(try store.list(tenant: "t1", collection: "responses", query: ListQuery(order: .asc))) == ["r3", "r4", "r5"])
            // Without a limit nothing goes.
            try store.put([rec("r6", collection: "responses")], keepingNewest: nil)
            #expect(ids(try store.list(tenant: "t1", collection: "responses", query: ListQuery(order: .asc))) == ["r3", "r4", "r5", "r6"])
        }
    }
}

extension RecordStoreContractTests {
    /// Random inserts, replacements, deletes and trims in two buckets, and after each batch
    /// every list (both orders, with and without an `after` cursor, small limits) equals the
    /// one a plain array of ids gives.
    @Test(arguments: StoreKind.allCases)
    func listsMatchAPlainModelThroughRandomWrites(kind: StoreKind) throws {
        try withStore(kind) { store in
            var model: [String: [String]] = ["a": [], "b": []]   // collection -> ids, oldest first
            var rng: UInt64 = 0x2545_F491_4F6C_DD1D
            func next(_ n: Int) -> Int {
                rng = rng &* 6364136223846793005 &+ 1442695040888963407
                return Int((rng >> 33) % UInt64(n))
            }
            for step in 0..<600 {
                let c = next(2) == 0 ? "a" : "b"
                switch next(8) {
                case 0 where !model[c]!.isEmpty:
                    let id = model[c]![next(model[c]!.count)]
                    try store.put(rec(id, collection: c, ["v": .int(Int64(step))]))   // keeps its place
                case 1 where !model[c]!.isEmpty:
                    let id = model[c]!.remove(at: next(model[c]!.count))
                    #expect(try store.delete(tenant: "t1", collection: c, id: id))
                    #expect(!(try store.delete(tenant: "t1", collection: c, id: id)))
                case 2:
                    let keep = next(40)
                    let dropped = try store.trim(tenant: "t1", collection: c, keepingNewest: keep)
                    let expected = Array(model[c]!.prefix(max(0, model[c]!.count - keep)))
                    #expect(dropped == expected, "step \(step)")
                    model[c]!.removeFirst(expected.count)
                default:
                    let id = "\(c)\(step)"
                    try store.put(rec(id, collection: c))
                    model[c]!.append(id)
                }
                guard step % 25 == 24 else { continue }
                for (c, live) in model {
                    let all = try store.list(tenant: "t1", collection: c, query: ListQuery(order: .asc, limit: 10_000))
                    #expect(ids(all) == live && !all.hasMore, "step \(step) \(c)")
                    guard !live.isEmpty else { continue }
                    let cursor = live[next(live.count)], limit = 1 + next(5)
                    let i = live.firstIndex(of: cursor)!
                    let asc = try store.list(tenant: "t1", collection: c, query: ListQuery(order: .asc, after: cursor, limit: limit))
                    #expect(ids(asc) == Array(live[(i + 1)...].prefix(limit)) && asc.hasMore == (live.count - i - 1 > limit), "step \(step) \(c) asc after \(cursor)")
                    let desc = try store.list(tenant: "t1", collection: c, query: ListQuery(order: .desc, after: cursor, limit: limit))
                    #expect(ids(desc) == Array(live[..<i].reversed().prefix(limit)) && desc.hasMore == (i > limit), "step \(step) \(c) desc after \(cursor)")
                    #expect(ids(try store.list(tenant: "t1", collection: c, query: ListQuery(limit: limit))) == Array(live.reversed().prefix(limit)))
                }
            }
        }
    }
}

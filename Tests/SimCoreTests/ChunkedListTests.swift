import Testing
@testable import SimCore

/// The insertion order of a memory-store bucket: it must read exactly like the plain array it
/// replaced, across chunk boundaries and after removals anywhere.
@Suite struct ChunkedListTests {
    @Test func readsLikeAnArrayThroughAppendsAndRemovals() {
        var list = ChunkedList<Int>()
        var reference: [Int] = []
        let size = ChunkedList<Int>.chunkSize
        for i in 0..<(size * 3 + 17) { list.append(i); reference.append(i) }
        #expect(list.count == reference.count)
        for i in [0, 1, size - 1, size, size + 1, 2 * size, reference.count - 1] { #expect(list[i] == reference[i]) }
        // Removals from the first, a middle and the last chunk, and of a value not present.
        for v in [5, size + 3, 3 * size + 16, 2 * size, -1] {
            list.removeLast(v)
            if let j = reference.lastIndex(of: v) { reference.remove(at: j) }
            #expect(list.count == reference.count)
            #expect((0..<reference.count).allSatisfy { list[$0] == reference[$0] }, "after removing \(v)")
            #expect(list.lastIndex(of: size + 10) == reference.lastIndex(of: size + 10))
        }
        // Appends after removals still land at the end.
        for i in 0..<10 { list.append(-i - 10); reference.append(-i - 10) }
        #expect((0..<reference.count).allSatisfy { list[$0] == reference[$0] })
        #expect(list.lastIndex(of: -19) == reference.count - 1)
        #expect(list.lastIndex(of: 5) == nil)
    }

    /// Removing from the front (a trimmed bucket's oldest ids) mixed with appends and removals
    /// elsewhere, across chunk boundaries, before and after a removal has made a chunk short.
    @Test func removingFromTheFrontReadsLikeAnArray() {
        var list = ChunkedList<Int>()
        var reference: [Int] = []
        let size = ChunkedList<Int>.chunkSize
        func check(_ what: String) {
            #expect(list.count == reference.count, "\(what)")
            #expect(list.first == reference.first, "\(what)")
            #expect((0..<reference.count).allSatisfy { list[$0] == reference[$0] }, "\(what)")
        }
        var next = 0
        func append(_ n: Int) { for _ in 0..<n { list.append(next); reference.append(next); next += 1 } }
        func dropFront(_ n: Int) { for _ in 0..<n { list.removeFirst(); reference.removeFirst() } }
        append(2 * size + 5)
        dropFront(3)
        check("three off the front of a full first chunk")
        #expect(list.lastIndex(of: 3) == 0 && list.lastIndex(of: 2) == nil, "a removed front element is not found")
        dropFront(size - 3)
        check("the first chunk emptied from the front")
        append(size)
        dropFront(size + 1)
        check("past a chunk boundary with appends between")
        // A removal from the middle makes a chunk short (the list switches to chunk starts) ...
        let middle = reference[size / 2]
        list.removeLast(middle)
        reference.remove(at: size / 2)
        check("after a removal from the middle")
        // ... and the front keeps moving after it.
        dropFront(size / 2 + 7)
        append(3)
        check("front removals with chunk starts")
        // `remove` takes the front when it matches, the last occurrence otherwise.
        let front = reference[0], last = reference[reference.count - 1]
        list.remove(front); reference.removeFirst()
        list.remove(last); reference.removeLast()
        check("remove(front) and remove(last)")
        dropFront(reference.count)
        check("emptied from the front")
        append(5)
        check("appends into an emptied list")
    }

    @Test func emptyingAChunkDropsIt() {
        var list = ChunkedList<Int>()
        let size = ChunkedList<Int>.chunkSize
        for i in 0..<(size + 2) { list.append(i) }
        for i in 0..<size { list.removeLast(i) }
        #expect(list.count == 2)
        #expect(list[0] == size && list[1] == size + 1)
    }
}

/// A memory-store bucket past its split size (one table becomes 256, the order list spans
/// chunks): every record is still found, lists keep insertion order both ways and across
/// cursors, and removals from the middle keep both right.
@Suite struct MemoryStoreLargeBucketTests {
    @Test func aBucketPastItsSplitKeepsRecordsAndOrder() throws {
        let store = MemoryRecordStore()
        let n = 9_000
        var ids = (0..<n).map { "rec_\($0)" }
        for (i, id) in ids.enumerated() {
            _ = try store.put(StoredRecord(tenant: "t", collection: "c", id: id, createdAt: Int64(i), body: .object([("n", .int(Int64(i)))])))
        }
        // A replaced record keeps its place.
        _ = try store.put(StoredRecord(tenant: "t", collection: "c", id: "rec_10", createdAt: 10, body: .object([("n", .int(-1))])))
        #expect(try store.get(tenant: "t", collection: "c", id: "rec_10")?.body["n"] == .int(-1))
        for id in ["rec_0", "rec_4095", "rec_4096", "rec_8999"] { #expect(try store.get(tenant: "t", collection: "c", id: id) != nil) }
        // Removals from the first chunk, the middle and the end.
        for id in ["rec_5", "rec_4100", "rec_8190", "rec_8999"] {
            #expect(try store.delete(tenant: "t", collection: "c", id: id))
            ids.removeAll { $0 == id }
            #expect(try store.get(tenant: "t", collection: "c", id: id) == nil)
        }
        func walk(_ order: ListOrder, page: Int) throws -> [String] {
            var out: [String] = [], after: String?
            while true {
                let p = try store.list(tenant: "t", collection: "c", query: ListQuery(order: order, after: after, limit: page))
                out += p.records.map(\.id)
                guard p.hasMore, let last = p.records.last else { return out }
                after = last.id
            }
        }
        #expect(try walk(.asc, page: 1_000) == ids)
        #expect(try walk(.desc, page: 777) == ids.reversed())
        #expect(try store.all(collection: "c").count == ids.count)
    }
}

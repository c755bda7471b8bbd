import Testing
@testable import SimCore
import SimSupport

/// A memory-store bucket's insertion order (`PositionLog`) and id index (`PositionIndex`)
/// against plain models, across chunk boundaries, table growth, hash collisions and removals
/// anywhere.
@Suite struct PositionLogTests {
    /// A small deterministic generator (the tests must not depend on the run).
    struct LCG {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    @Test func logReadsLikeAModelThroughAppendsAndRemovals() {
        var log = PositionLog<Int>()
        var model: [(position: Int, value: Int)] = []   // oldest first
        var rng = LCG(state: 42)
        let size = PositionLog<Int>.chunkSize
        var value = 0
        func check(_ what: String) {
            #expect(log.count == model.count, "\(what)")
            let asc = Array(log.positions(ascending: true)).filter { log[$0] != nil }
            #expect(asc == model.map(\.position), "\(what)")
            #expect(Array(log.positions(ascending: false)).filter { log[$0] != nil } == asc.reversed(), "\(what)")
            for (p, v) in model { #expect(log[p] == v, "\(what): position \(p)") }
            if let mid = model.dropFirst(model.count / 2).first?.position {
                let after = Array(log.positions(ascending: true, after: mid)).filter { log[$0] != nil }
                #expect(after == model.map(\.position).filter { $0 > mid }, "\(what): ascending after \(mid)")
                let before = Array(log.positions(ascending: false, after: mid)).filter { log[$0] != nil }
                #expect(before == model.map(\.position).filter { $0 < mid }.reversed(), "\(what): descending after \(mid)")
            }
        }
        for round in 0..<6 {
            for _ in 0..<(size + 300) {
                let p = log.append(value)
                #expect(model.last.map { p > $0.position } ?? true, "positions only grow")
                model.append((p, value)); value += 1
            }
            // Removals anywhere, from the front, and of positions already gone.
            for _ in 0..<500 where !model.isEmpty {
                let i = rng.next(model.count)
                let first = log.remove(at: model[i].position), second = log.remove(at: model[i].position)
                #expect(first == model[i].value && second == nil, "a slot is emptied once")
                model.remove(at: i)
            }
            for _ in 0..<(size / 2) where !model.isEmpty {
                let got = log.removeFirst()
                #expect(got?.position == model[0].position && got?.element == model[0].value)
                model.removeFirst()
            }
            check("round \(round)")
        }
        // Emptied completely, it starts again after the last position it gave.
        let last = value
        while let got = log.removeFirst() { #expect(got.element == model.removeFirst().value) }
        #expect(log.count == 0 && model.isEmpty && log[log.first] == nil)
        let p = log.append(last)
        #expect(p == log.end - 1 && log[p] == last && log.count == 1)
        #expect(Array(log.positions(ascending: true)) == [p])
        var changed = log
        changed.update(at: p) { $0 += 1 }
        #expect(changed[p] == last + 1 && log[p] == last, "update changes only its own copy")
    }

    @Test func indexFindsEveryPositionThroughCollisionsGrowthAndRemovals() {
        var index = PositionIndex()
        var model: [Int: UInt64] = [:]   // position -> hash
        var rng = LCG(state: 7)
        var next = 0
        // Few distinct hashes (many equal) and nearby ones (long probe runs that wrap the table).
        func hash(_ p: Int) -> UInt64 { rng.next(4) == 0 ? UInt64(p % 5) : UInt64(truncatingIfNeeded: p &* 0x9E37_79B9) }
        for step in 0..<20_000 {
            if rng.next(3) == 0, !model.isEmpty {
                let p = model.keys.min()! + rng.next(3)   // mostly the oldest, as eviction does
                if let h = model[p] {
                    let first = index.remove(h, position: p), second = index.remove(h, position: p)
                    #expect(first && !second, "removed exactly once")
                    model[p] = nil
                }
            } else {
                let h = hash(next)
                index.insert(h, position: next)
                model[next] = h
                next += 1
            }
            if step % 997 == 0 || step == 19_999 {
                #expect(index.count == model.count)
                for (p, h) in model { #expect(index.find(h) { $0 == p } == p, "step \(step): position \(p)") }
                #expect(index.find(12_345_678) { _ in true } == nil)
            }
        }
    }

    /// A bucket whose oldest record stays while newer ones come and go (a kept file among
    /// uploads that are deleted) holds a bounded number of slots, and lists stay right.
    @Test func deletesBehindAKeptRecordDoNotGrowTheBucket() throws {
        let store = MemoryRecordStore()
        func put(_ id: String) throws {
            _ = try store.put(StoredRecord(tenant: "t", collection: "files", id: id, createdAt: 1, body: ["id": .string(id)]))
        }
        try put("kept")
        var live: [String] = ["kept"]
        for i in 0..<20_000 {
            try put("f\(i)")
            live.append("f\(i)")
            if i % 10 != 0 {   // nine in ten go again, some at once, some later
                let victim = i % 3 == 0 ? "f\(i)" : live[1 + (i * 7919) % (live.count - 1)]
                #expect(try store.delete(tenant: "t", collection: "files", id: victim))
                live.removeAll { $0 == victim }
            }
        }
        let slots = store.heldSlots(tenant: "t", collection: "files")
        #expect(slots <= 2 * live.count + 65, "\(slots) slots for \(live.count) records")
        let page = try store.list(tenant: "t", collection: "files", query: ListQuery(order: .asc, limit: 100_000))
        #expect(page.records.map(\.id) == live)
        let after = try store.list(tenant: "t", collection: "files", query: ListQuery(order: .desc, after: live[live.count / 2], limit: 3))
        #expect(after.records.map(\.id) == Array(live[..<(live.count / 2)].reversed().prefix(3)))
        #expect(try store.get(tenant: "t", collection: "files", id: "kept") != nil)
    }
}

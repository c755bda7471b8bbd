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

    @Test func emptyingAChunkDropsIt() {
        var list = ChunkedList<Int>()
        let size = ChunkedList<Int>.chunkSize
        for i in 0..<(size + 2) { list.append(i) }
        for i in 0..<size { list.removeLast(i) }
        #expect(list.count == 2)
        #expect(list[0] == size && list[1] == size + 1)
    }
}

import Testing
@testable import SimCore

/// The blocks a memory-store bucket packs encoded documents into.
@Suite struct ByteSlabTests {
    @Test func appendsUntilFullAndKeepsEveryByte() {
        let slab = ByteSlab(capacity: 16)
        let a: [UInt8] = [1, 2, 3, 4, 5]
        let b: [UInt8] = Array(10..<21)   // 11 bytes: exactly fills the block
        let atA = a.withUnsafeBytes { slab.append($0) }
        let atB = b.withUnsafeBytes { slab.append($0) }
        #expect(atA == 0)
        #expect(atB == 5)
        #expect([UInt8(99)].withUnsafeBytes { slab.append($0) } == nil, "a full block refuses more")
        #expect([UInt8]().withUnsafeBytes { slab.append($0) } == 16, "an empty document fits anywhere")
        #expect(SlabBytes(slab: slab, offset: 0, count: 5).array == a)
        #expect(SlabBytes(slab: slab, offset: 5, count: 11).array == b)
    }

    @Test func blocksGrowWithTheirBucketWithinBounds() {
        #expect(ByteSlab.capacity(forBucketOf: 0) == ByteSlab.minCapacity)
        #expect(ByteSlab.capacity(forBucketOf: 64) == ByteSlab.minCapacity)
        #expect(ByteSlab.capacity(forBucketOf: 65) == 2 * ByteSlab.minCapacity)
        #expect(ByteSlab.capacity(forBucketOf: 1_000) == 64 * 1024)
        #expect(ByteSlab.capacity(forBucketOf: 10_000_000) == ByteSlab.maxCapacity)
        #expect(ByteSlab.largest < ByteSlab.maxCapacity)
    }

    @Test func aBlockLivesExactlyAsLongAsADocumentInIt() {
        weak var watched: ByteSlab?
        var held: [SlabBytes] = []
        do {
            let slab = ByteSlab(capacity: 64)
            watched = slab
            for i in 0..<3 {
                let at = [UInt8(i)].withUnsafeBytes { slab.append($0) }!
                held.append(SlabBytes(slab: slab, offset: Int32(at), count: 1))
            }
        }
        #expect(watched != nil)
        held.removeFirst(2)
        #expect(watched != nil, "one document still in the block")
        #expect(held[0].array == [2])
        held.removeAll()
        #expect(watched == nil, "freed with its last document")
    }
}

import Testing
import SimSupport

/// The blocks a memory-store bucket packs encoded documents into (and the journal its bodies).
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

    @Test func packingFillsTheCurrentBlockThenStartsANewOne() {
        var current: ByteSlab?
        var asked: [Int] = []
        func pack(_ bytes: [UInt8]) -> SlabBytes {
            bytes.withUnsafeBytes { SlabBytes.packing($0, into: &current) { asked.append($0); return 8 } }
        }
        let a = pack([1, 2, 3]), b = pack([4, 5, 6, 7, 8]), c = pack([9]), d = pack(Array(0..<20))
        #expect(a.slab === b.slab && a.offset == 0 && b.offset == 3, "the first block takes 3 + 5 bytes")
        #expect(c.slab !== b.slab && c.offset == 0, "a full block: the next document starts a new one")
        #expect(d.slab !== c.slab && d.slab.capacity == 20, "a document larger than a block gets a block its size")
        #expect(current === d.slab && asked == [3, 1, 20])
        #expect([a.array, b.array, c.array, d.array] == [[1, 2, 3], [4, 5, 6, 7, 8], [9], Array(0..<20)])
    }

    @Test func blocksGrowWithTheirBucketWithinBounds() {
        // A small bucket: exactly the document (what an allocation of its own would cost).
        #expect(ByteSlab.capacity(forBucketOf: 0, fitting: 1_200) == 1_200)
        #expect(ByteSlab.capacity(forBucketOf: 10, fitting: 1_200) == 1_200)
        #expect(ByteSlab.capacity(forBucketOf: 10, fitting: 0) == 640)
        // Then 64 bytes per record, up to the cap; a large document always fits.
        #expect(ByteSlab.capacity(forBucketOf: 1_000, fitting: 1_200) == 64_000)
        #expect(ByteSlab.capacity(forBucketOf: 10_000_000, fitting: 1_200) == ByteSlab.maxCapacity)
        #expect(ByteSlab.capacity(forBucketOf: 10, fitting: ByteSlab.largest) == ByteSlab.largest)
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

/// Byte strings kept for a long time (a `MemoryRecordStore` bucket's encoded documents), packed
/// one after another into shared blocks instead of one heap allocation each.
///
/// Why: a stored response lives for thousands of requests (until retention evicts it), and
/// kept as its own allocation it sits in the malloc heap between the short-lived buffers every
/// request allocates and frees. Measured on 2026-11-27 (perf, POST /v1/responses under wrk): with
/// records interleaved that way, glibc's `_int_malloc`, `_int_free`, `malloc_consolidate` and
/// `unlink_chunk` cost 5–7 µs more per request than with `store: false`, because freed request
/// buffers no longer merge back into free space and every large request walks the bins.
/// Packed, a record costs a copy into the bucket's current block, and evicting it releases a
/// reference; a block is freed when the last document in it is gone.
///
/// The same held for the journal, which keeps the newest 1,000 requests' bodies: kept as the
/// request's and the response's own arrays, every request freed two 1 KB-plus chunks a thousand
/// requests old (`Journal.Entry`'s deinit was 2.5 % of the server threads' time under wrk on
/// `POST /v1/responses`, glibc's malloc and free 10 % in all; perf, 2026-11-27). It now writes
/// whole entries as flat records into blocks of its own (see `Journal`).
///
/// A block is written only under its owner's lock and never rewritten: bytes once appended are
/// immutable, so readers holding a `SlabBytes` need no lock.
public final class ByteSlab: @unchecked Sendable {
    /// Blocks grow with their bucket, up to `maxCapacity`: a bucket of a handful of records
    /// (one API key's few stored responses) gets a block per document, exactly its size, as a
    /// document of its own would cost.
    public static let maxCapacity = 256 * 1024
    /// Documents larger than this get their own allocation.
    public static let largest = 16 * 1024

    public let base: UnsafeMutableRawPointer
    public let capacity: Int
    public private(set) var used = 0

    public init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(byteCount: capacity, alignment: 16)
    }
    deinit { base.deallocate() }

    /// Copies `bytes` to the end of the block; nil when they do not fit.
    public func append(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count <= capacity - used else { return nil }
        let at = used
        if let src = bytes.baseAddress, bytes.count > 0 { (base + at).copyMemory(from: src, byteCount: bytes.count) }
        used += bytes.count
        return at
    }

    /// The size of a new block for a bucket of `records` records whose next document is
    /// `size` bytes: 64 bytes per record the bucket holds (so a block pins at most about a
    /// sixteenth of its bucket when records go out of order, at a kilobyte a record), at least
    /// the document, otherwise at most `maxCapacity` (packed documents are at most `largest`).
    public static func capacity(forBucketOf records: Int, fitting size: Int) -> Int {
        max(size, min(maxCapacity, records * 64))
    }
}

/// One document's bytes inside a `ByteSlab` (which it keeps alive).
public struct SlabBytes: Sendable {
    public let slab: ByteSlab
    public let offset: Int32
    public let count: Int32

    public init(slab: ByteSlab, offset: Int32, count: Int32) {
        self.slab = slab
        self.offset = offset
        self.count = count
    }

    /// Copies `bytes` into `slab` (nil when they do not fit).
    private static func packing(_ bytes: UnsafeRawBufferPointer, into slab: ByteSlab) -> SlabBytes? {
        slab.append(bytes).map { SlabBytes(slab: slab, offset: Int32($0), count: Int32(bytes.count)) }
    }

    /// Copies `bytes` into the current block `slab`, or, when they do not fit (or there is none),
    /// into a new block of `capacity` bytes (at least their size), which becomes the current one.
    public static func packing(_ bytes: UnsafeRawBufferPointer, into slab: inout ByteSlab?, newBlock capacity: (Int) -> Int) -> SlabBytes {
        if let current = slab, let p = packing(bytes, into: current) { return p }
        let fresh = ByteSlab(capacity: max(bytes.count, capacity(bytes.count)))
        slab = fresh
        return packing(bytes, into: fresh)!
    }

    public var array: [UInt8] {
        Array(UnsafeRawBufferPointer(start: slab.base + Int(offset), count: Int(count)))
    }
}

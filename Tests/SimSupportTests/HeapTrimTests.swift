import Testing
import SimSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite struct HeapTrimTests {
    /// VmRSS of this process in KiB (Linux), from /proc/self/status.
    static func residentKiB() -> Int? {
        guard let f = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), f) != nil {
            let s = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if s.hasPrefix("VmRSS:") { return s.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } }
        }
        return nil
    }

    /// Freed memory pinned between live allocations stays resident (glibc trims only the top of
    /// the heap by itself); `releaseFreeMemory` gives those pages back. This is what makes the
    /// resident size fall after `POST /__sim/reset` drops a load test's stored responses.
    @Test func freedPagesBetweenLiveAllocationsAreReturned() throws {
        let start = try #require(Self.residentKiB(), "VmRSS not readable from /proc/self/status")
        let chunk = 512, count = 512 * 1024 // 256 MiB in small blocks, as stored records are
        var blocks: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(count)
        for _ in 0..<count {
            let p = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
            p.initializeMemory(as: UInt8.self, repeating: 0xA5, count: chunk) // make it resident
            blocks.append(p)
        }
        let loaded = try #require(Self.residentKiB())
        #expect(loaded - start > 200 * 1024, "the allocations should be resident (start \(start) KiB, loaded \(loaded) KiB)")
        // Free 63 of every 64 blocks; the 64th pins each 33 KiB stretch, so nothing coalesces
        // into the top of the heap and free() alone cannot shrink it.
        var kept: [UnsafeMutableRawPointer] = []
        for (i, p) in blocks.enumerated() { if i % 64 == 63 { kept.append(p) } else { p.deallocate() } }
        blocks = []
        let freed = try #require(Self.residentKiB())
        HeapTrim.releaseFreeMemory()
        let trimmed = try #require(Self.residentKiB())
        for p in kept { p.deallocate() }
        // Judged against the resident size before the frees, not after them: another test's
        // reset may run the same trim between the frees and the reading of `freed`.
        #expect(loaded - trimmed > 128 * 1024,
                "trim should return most of the 252 MiB freed (loaded \(loaded) KiB, after free \(freed) KiB, after trim \(trimmed) KiB)")
    }
}

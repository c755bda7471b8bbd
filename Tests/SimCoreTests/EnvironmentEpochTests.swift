import Testing
import SimCore
import SimSupport

@Suite struct EnvironmentEpochTests {
    @Test func restartedStoresCountEpochsAndNeverReuseIDs() throws {
        let records = MemoryRecordStore()
        #expect(try SimEnvironment.nextEpoch(records) == 0)
        #expect(try SimEnvironment.nextEpoch(records) == 1)
        let tenant = Tenant.forAPIKey("k")
        let first = SimEnvironment(clock: VirtualClock(), seed: 0, records: records, blobs: NoBlobs(), epoch: 0)
        let second = SimEnvironment(clock: VirtualClock(), seed: 0, records: records, blobs: NoBlobs(), epoch: 1)
        let fresh = SimEnvironment(clock: VirtualClock(), seed: 0, records: MemoryRecordStore(), blobs: NoBlobs())
        let a = (0..<20).map { _ in IDKind.file(first.ids(tenant)) }
        let b = (0..<20).map { _ in IDKind.file(second.ids(tenant)) }
        #expect(Set(a).isDisjoint(with: b))
        #expect(IDKind.file(fresh.ids(tenant)) == a[0], "epoch 0 is the same as an ephemeral server")
    }

    @Test func everyEpochHasItsOwnStream() {
        // Epochs that differ only in the lowest bit (2 and 3, ...) once shared a stream.
        let tenant = Tenant.forAPIKey("k")
        let firstIDs = (0..<16).map { e in
            IDKind.file(SimEnvironment(clock: VirtualClock(), seed: 5, records: MemoryRecordStore(), blobs: NoBlobs(),
                                       epoch: UInt64(e)).ids(tenant))
        }
        #expect(Set(firstIDs).count == 16)
    }

    @Test func theSavedClockIsWhereARestartStarts() throws {
        let records = MemoryRecordStore()
        #expect(try SimEnvironment.savedClock(records) == nil)
        let clock = VirtualClock()
        let env = SimEnvironment(clock: clock, seed: 0, records: records, blobs: NoBlobs())
        try clock.advance(by: 3600.25)
        try env.saveClock()
        #expect(try SimEnvironment.savedClock(records) == VirtualClock.defaultStart + 3600.25)
        // A scaled live clock never starts before the time saved, nor before the wall clock.
        let ahead = LiveClock(scale: 1, notBefore: 4_000_000_000).now()
        #expect(ahead >= 4_000_000_000 && ahead < 4_000_000_060)
        let behind = LiveClock(scale: 1, notBefore: 1000).now()
        #expect(behind > 1_700_000_000)
    }
}

private final class NoBlobs: BlobStore {
    func write(key: String, from source: BlobSource) throws -> (size: Int, md5: String) { (0, "") }
    func path(key: String) -> String? { nil }
    func read(key: String) throws -> [UInt8] { [] }
    func delete(key: String) {}
    func deleteAll() {}
    func deleteAll(prefix: String) {}
}

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
}

private final class NoBlobs: BlobStore {
    func write(key: String, from source: BlobSource) throws -> (size: Int, md5: String) { (0, "") }
    func path(key: String) -> String? { nil }
    func read(key: String) throws -> [UInt8] { [] }
    func delete(key: String) {}
    func deleteAll() {}
    func deleteAll(prefix: String) {}
}

import SimSupport

/// Every effect the domain uses, injected once: clock, seeded IDs, stores, logger, and the python
/// grader runner when there is one.
public final class SimEnvironment: Sendable {
    public let clock: SimClock
    public let seed: UInt64
    public let records: RecordStore
    public let blobs: BlobStore
    public let logger: Logger
    /// How many times this data directory was started before (0 for a fresh or ephemeral one).
    /// Mixed into ID streams so a restarted server never hands out an ID it already gave.
    public let epoch: UInt64
    private let generators = Locked<[String: IDGenerator]>([:])
    /// Moves whenever a tenant gains a fine-tuned model (see `ModelService.listBytes`). Belongs
    /// to the record store, so environments over the same stores share it.
    let ownModelsGeneration: MemoGeneration
    /// How much generated output is kept (stored responses and chat completions per tenant).
    public let retention: Retention
    /// Runs `python` graders (nil: they are not run).
    public let python: (any PythonGraderRunner)?

    public convenience init(clock: SimClock, seed: UInt64, records: RecordStore, blobs: BlobStore, logger: Logger = .silent, epoch: UInt64 = 0,
                            retention: Retention = Retention(), python: (any PythonGraderRunner)? = nil) {
        self.init(clock: clock, seed: seed, records: records, blobs: blobs, logger: logger, epoch: epoch,
                  ownModelsGeneration: MemoGeneration(), retention: retention, python: python)
    }

    init(clock: SimClock, seed: UInt64, records: RecordStore, blobs: BlobStore, logger: Logger, epoch: UInt64,
         ownModelsGeneration: MemoGeneration, retention: Retention, python: (any PythonGraderRunner)?) {
        self.retention = retention
        self.python = python
        self.ownModelsGeneration = ownModelsGeneration
        self.epoch = epoch
        self.clock = clock
        self.seed = seed
        self.records = records
        self.blobs = blobs
        self.logger = logger
    }

    /// The tenant's ID stream: same seed + same requests ⇒ same IDs.
    public func ids(_ tenant: Tenant) -> IDGenerator { ids(stream: tenant.id) }

    public func ids(stream: String) -> IDGenerator {
        generators.withLock { g in
            if let existing = g[stream] { return existing }
            // `mix` ignores its second argument's lowest bit (it ORs in 1), so the epoch goes in
            // shifted: epochs 2 and 3 must not share a stream.
            let made = IDGenerator(seed: epoch == 0 ? seed : StableHash.mix(seed, epoch << 1 | 1), stream: stream)
            g[stream] = made
            return made
        }
    }

    /// Forgets ID streams (all, or one tenant's) so a reset replays the same IDs as a fresh start.
    public func resetIDs(tenant: Tenant? = nil) {
        generators.withLock { g in
            if let t = tenant { g.removeValue(forKey: t.id) } else { g.removeAll() }
        }
    }

    public func now() -> Int64 { clock.unixSeconds() }
}

/// How many stored responses and stored chat completions a tenant keeps. The API keeps them for
/// 30 days; a simulator serving a load test would keep millions (about 2.8 KB each for a
/// response), so past the limit the oldest are forgotten first, as if expired: retrieving one,
/// or chaining from it with `previous_response_id`, answers as for an unknown id.
public struct Retention: Sendable, Equatable {
    /// Per tenant and kind (responses, chat completions); nil keeps everything.
    public var maxStoredPerTenant: Int?
    public static let defaultMaxStored = 10_000
    public init(maxStoredPerTenant: Int? = Retention.defaultMaxStored) {
        self.maxStoredPerTenant = maxStoredPerTenant.map { max(1, $0) }
    }
}

extension SimEnvironment {
    /// Stores `stored` (responses, chat completions and what belongs to them); then each
    /// tenant's oldest records past `retention` go, in every collection written.
    func putRetained(_ stored: [StoredRecord]) throws {
        try records.put(stored, keepingNewest: retention.maxStoredPerTenant)
    }
}

extension SimEnvironment {
    /// Counts a start of a persistent store and returns the previous count (the new epoch).
    public static func nextEpoch(_ records: RecordStore) throws -> UInt64 {
        let previous = try records.get(tenant: "_sim", collection: "meta", id: "boots")?.body["count"]?.intValue ?? 0
        try records.put(StoredRecord(tenant: "_sim", collection: "meta", id: "boots", createdAt: 0,
                                     body: .object([("count", .int(previous + 1))])))
        return UInt64(max(0, previous))
    }
}

extension SimEnvironment {
    /// The simulated time a data directory's previous run reached (nil: none saved). A restart
    /// starts its clock there, or later, so nothing stored is stamped in the clock's future: a
    /// completed batch or fine-tuning job read before its `completed_at` would go back to running.
    public static func savedClock(_ records: RecordStore) throws -> Double? {
        try records.get(tenant: "_sim", collection: "meta", id: "clock")?.body["now"]?.doubleValue
    }

    /// Saves the clock's time for `savedClock` (after each advance of a virtual clock, every
    /// second for a scaled live one, at shutdown and after a reset of everything).
    public func saveClock() throws {
        try records.put(StoredRecord(tenant: "_sim", collection: "meta", id: "clock", createdAt: 0,
                                     body: .object([("now", .double(clock.now()))])))
    }
}

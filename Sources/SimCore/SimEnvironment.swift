import SimSupport

/// Every effect the domain uses, injected once: clock, seeded IDs, stores, logger.
public final class SimEnvironment: Sendable {
    public let clock: SimClock
    public let seed: UInt64
    public let records: RecordStore
    public let blobs: BlobStore
    public let logger: Logger
    private let generators = Locked<[String: IDGenerator]>([:])

    public init(clock: SimClock, seed: UInt64, records: RecordStore, blobs: BlobStore, logger: Logger = .silent) {
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
            let made = IDGenerator(seed: seed, stream: stream)
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

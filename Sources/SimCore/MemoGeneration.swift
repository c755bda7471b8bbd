import Synchronization

/// A counter that moves whenever a remembered fact may have become false, so a per-tenant memo
/// ("as of stamp S, this tenant had no open job") can be checked with two atomic loads instead
/// of a store query. The stamp carries this object's own number in its high bits, so a tenant
/// object seen by two environments (tests) never mistakes one's stamp for the other's.
///
/// Use: read `stamp` *before* the query that establishes the fact; store it on the tenant only
/// if the fact held; writers call `advance()` *after* the write that can falsify it. A fact
/// established concurrently with such a write then carries an old stamp and is re-checked.
final class MemoGeneration: Sendable {
    private static let instances = Atomic<Int>(0)
    private let base: Int
    private let counter = Atomic<Int>(0)

    init() { base = (Self.instances.wrappingAdd(1, ordering: .relaxed).newValue & 0x7FFF_FFFF) << 32 }

    var stamp: Int { base | (counter.load(ordering: .acquiring) & 0xFFFF_FFFF) }

    func advance() { counter.wrappingAdd(1, ordering: .acquiringAndReleasing) }
}

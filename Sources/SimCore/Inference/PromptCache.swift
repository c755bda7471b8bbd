import SimSupport

/// Prompt caching as OpenAI reports it: per tenant and `prompt_cache_key`, a prompt of at least
/// 1,024 tokens that shares a prefix with a prompt seen within the retention window reports
/// `cached_tokens` = the largest multiple of 128 (at least 1,024) not above the shared prefix.
/// The first call reports 0. Retention is measured on the injected clock from the last use:
/// `inMemory` keeps entries 5 minutes after their last use (at most an hour), `extended`
/// (`prompt_cache_retention: "24h"`) a day. In memory only: a restart or reset empties it.
public final class PromptCache: Sendable {
    public enum Retention: Sendable, Equatable {
        case inMemory, extended
        /// Parses `prompt_cache_retention` ("in_memory" / "in-memory" / "24h"); nil for unknown values.
        public init?(wire: String) {
            switch wire {
            case "in_memory", "in-memory": self = .inMemory
            case "24h": self = .extended
            default: return nil
            }
        }
        var idleSeconds: Double { self == .extended ? 86_400 : 300 }
        var maxSeconds: Double { self == .extended ? 86_400 : 3_600 }
    }

    public static let minimumTokens = 1_024
    public static let increment = 128
    /// Prompts remembered per (tenant, key); the least recently used go first.
    static let entriesPerKey = 64

    /// A remembered prompt: one chained hash per whole 128-token block (block k covers tokens 0
    /// through 128k+127, so the leading equal blocks times 128 is the shared prefix rounded down
    /// to the 128 the API reports in), and one over all its tokens (the same prompt seen again).
    /// A 100,000-token prompt keeps 781 words, not 100,000: a long conversation's turns, each a
    /// prompt that repeats the one before, no longer hold its history 64 times over.
    private struct Entry {
        var blocks: [UInt64]
        var whole: UInt64
        var created: Double
        var lastUsed: Double
        var retention: Retention
        func alive(at now: Double) -> Bool {
            now - lastUsed <= retention.idleSeconds && now - created <= retention.maxSeconds
        }
    }
    private struct Bucket { var entries: [Entry] = [] }
    private let state = Locked<[String: [String: Bucket]]>([:])
    private let clock: SimClock

    public init(clock: SimClock) { self.clock = clock }

    /// `cached_tokens` for a prompt of `inputTokens` tokens whose token hashes are `hashes`, and
    /// remembers the prompt for later calls. A scenario's `cachedTokens`/`cacheHit` wins.
    public func lookup(tenant: Tenant, key: String?, hashes: [UInt64], inputTokens: Int, retention: Retention = .inMemory,
                       overrides: RequestOverrides = RequestOverrides()) -> Int {
        // Fewer hashes than the minimum can neither hit (a hit needs a 1,024-token shared prefix)
        // nor be remembered: skip the lock (dead entries are dropped by the next long prompt).
        if hashes.count < Self.minimumTokens { return Self.reported(shared: 0, inputTokens: inputTokens, overrides: overrides) }
        let now = clock.now()
        let (blocks, whole) = Self.blocks(hashes)
        let shared: Int = state.withLock { all in
            var tenantBuckets = all[tenant.id] ?? [:]
            var bucket = tenantBuckets[key ?? ""] ?? Bucket()
            bucket.entries.removeAll { !$0.alive(at: now) }
            var best = 0
            var bestIndex: Int?
            for (i, e) in bucket.entries.enumerated() {
                let p = Self.commonPrefix(e.blocks, blocks) * Self.increment
                if p > best { best = p; bestIndex = i }
            }
            if let i = bestIndex, best >= Self.minimumTokens { bucket.entries[i].lastUsed = now }
            if hashes.count >= Self.minimumTokens {
                if let same = bucket.entries.firstIndex(where: { $0.whole == whole && $0.blocks == blocks }) {
                    bucket.entries[same].lastUsed = now
                    if retention == .extended { bucket.entries[same].retention = .extended }
                } else {
                    bucket.entries.append(Entry(blocks: blocks, whole: whole, created: now, lastUsed: now, retention: retention))
                    if bucket.entries.count > Self.entriesPerKey {
                        if let oldest = bucket.entries.indices.min(by: { bucket.entries[$0].lastUsed < bucket.entries[$1].lastUsed }) {
                            bucket.entries.remove(at: oldest)
                        }
                    }
                }
            }
            tenantBuckets[key ?? ""] = bucket
            all[tenant.id] = tenantBuckets
            return best
        }
        return Self.reported(shared: shared, inputTokens: inputTokens, overrides: overrides)
    }

    /// `cached_tokens` for a shared prefix, unless a scenario decides.
    static func reported(shared: Int, inputTokens: Int, overrides: RequestOverrides) -> Int {
        if let forced = overrides.cachedTokens { return max(0, min(forced, inputTokens)) }
        if let hit = overrides.cacheHit {
            return hit ? (inputTokens / Self.increment) * Self.increment : 0
        }
        return cachedTokens(sharedPrefix: min(shared, inputTokens), inputTokens: inputTokens)
    }

    /// The reported figure for a shared prefix: 0 below 1,024, else rounded down to a multiple of 128.
    public static func cachedTokens(sharedPrefix: Int, inputTokens: Int) -> Int {
        guard inputTokens >= minimumTokens, sharedPrefix >= minimumTokens else { return 0 }
        return (sharedPrefix / increment) * increment
    }

    /// The chained hash at the end of each whole block of `increment` token hashes, and the one
    /// at the end of all of them.
    static func blocks(_ hashes: [UInt64]) -> (blocks: [UInt64], whole: UInt64) {
        var blocks: [UInt64] = []
        blocks.reserveCapacity(hashes.count / increment)
        var acc: UInt64 = 0x243F_6A88_85A3_08D3
        for (i, h) in hashes.enumerated() {
            var z = acc ^ h
            z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
            z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
            acc = (z ^ (z >> 31)) &+ 0x9e3779b97f4a7c15
            if (i + 1) % increment == 0 { blocks.append(acc) }
        }
        return (blocks, acc)
    }

    static func commonPrefix(_ a: [UInt64], _ b: [UInt64]) -> Int {
        let n = min(a.count, b.count)
        var i = 0
        while i < n, a[i] == b[i] { i += 1 }
        return i
    }

    /// Forgets one tenant's cached prompts.
    public func reset(tenant: Tenant) { state.withLock { _ = $0.removeValue(forKey: tenant.id) } }

    /// Forgets every cached prompt.
    public func resetAll() { state.withLock { $0.removeAll() } }
}

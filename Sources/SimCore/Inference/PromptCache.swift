import SimSupport

/// Prompt caching as OpenAI reports it: per tenant and `prompt_cache_key`, a prompt of at least
/// 1,024 tokens that shares a prefix with a prompt seen within the retention window reports
/// `cached_tokens` = the largest multiple of 128 (at least 1,024) not above the shared prefix.
/// The first call reports 0. Retention is measured on the injected clock from the last use:
/// `inMemory` keeps entries 5 minutes after their last use (at most an hour), `extended`
/// (`prompt_cache_retention: "24h"`) a day. In memory only: a restart or reset empties it.
/// An explicit breakpoint's prefix (gpt-5.6 and later) is read exactly: see `lookup`.
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
        /// Explicit breakpoints (`prompt_cache_breakpoint`): the token count at each and the
        /// chained hash of the tokens before it. A later prompt that starts with those tokens
        /// reads exactly that many (not rounded to 128).
        var marks: [Mark] = []
        func alive(at now: Double) -> Bool {
            now - lastUsed <= retention.idleSeconds && now - created <= retention.maxSeconds
        }
    }
    struct Mark: Equatable {
        var tokens: Int
        var hash: UInt64
    }
    private struct Bucket { var entries: [Entry] = [] }
    private let state = Locked<[String: [String: Bucket]]>([:])
    private let clock: SimClock

    public init(clock: SimClock) { self.clock = clock }

    /// `cached_tokens` for a prompt of `inputTokens` tokens whose token hashes are `hashes`, and
    /// remembers the prompt for later calls. A scenario's `cachedTokens`/`cacheHit` wins.
    ///
    /// `marks`: the token counts at the prompt's explicit breakpoints (`prompt_cache_breakpoint`,
    /// ascending); `implicit: false` (`prompt_cache_options.mode: explicit`) writes only those,
    /// not the prompt's own 128-token blocks. An earlier breakpoint this prompt starts with is
    /// read exactly (a block match rounds down to 128).
    public func lookup(tenant: Tenant, key: String?, hashes: [UInt64], inputTokens: Int, retention: Retention = .inMemory,
                       overrides: RequestOverrides = RequestOverrides(), marks: [Int] = [], implicit: Bool = true) -> Int {
        // Fewer hashes than the minimum can neither hit (a hit needs a 1,024-token shared prefix)
        // nor be remembered: skip the lock (dead entries are dropped by the next long prompt).
        if hashes.count < Self.minimumTokens { return Self.reported(shared: 0, inputTokens: inputTokens, overrides: overrides) }
        let now = clock.now()
        let (blocks, whole) = Self.blocks(hashes)
        // The chained hash after each token, only when breakpoints are in play (this prompt's or,
        // found under the lock, a remembered one's).
        var chain: [UInt64]?
        func chained() -> [UInt64] {
            if let chain { return chain }
            let c = Self.chain(hashes)
            chain = c
            return c
        }
        // This prompt's breakpoints that can be cached (1,024 tokens and more): the latest three
        // beside the implicit one, four without it.
        let written: [Mark] = marks.filter { $0 >= Self.minimumTokens && $0 <= hashes.count }.suffix(implicit ? 3 : 4)
            .map { Mark(tokens: $0, hash: chained()[$0 - 1]) }
        let shared: (blocks: Int, exact: Int) = state.withLock { all in
            var tenantBuckets = all[tenant.id] ?? [:]
            var bucket = tenantBuckets[key ?? ""] ?? Bucket()
            bucket.entries.removeAll { !$0.alive(at: now) }
            var best = 0, bestExact = 0
            var bestIndex: Int?
            for (i, e) in bucket.entries.enumerated() {
                let p = Self.commonPrefix(e.blocks, blocks) * Self.increment
                if p > best { best = p; if p >= Self.minimumTokens { bestIndex = i } }
                for m in e.marks where m.tokens > bestExact && m.tokens <= hashes.count && chained()[m.tokens - 1] == m.hash {
                    bestExact = m.tokens
                    bucket.entries[i].lastUsed = now
                }
            }
            if let i = bestIndex { bucket.entries[i].lastUsed = now }
            let own = implicit ? blocks : []
            if let same = bucket.entries.firstIndex(where: { $0.whole == whole && $0.blocks == own }) {
                bucket.entries[same].lastUsed = now
                if retention == .extended { bucket.entries[same].retention = .extended }
                for m in written where !bucket.entries[same].marks.contains(m) { bucket.entries[same].marks.append(m) }
            } else if implicit || !written.isEmpty {
                bucket.entries.append(Entry(blocks: own, whole: whole, created: now, lastUsed: now, retention: retention, marks: written))
                if bucket.entries.count > Self.entriesPerKey {
                    if let oldest = bucket.entries.indices.min(by: { bucket.entries[$0].lastUsed < bucket.entries[$1].lastUsed }) {
                        bucket.entries.remove(at: oldest)
                    }
                }
            }
            tenantBuckets[key ?? ""] = bucket
            all[tenant.id] = tenantBuckets
            return (best, bestExact)
        }
        let fromBlocks = Self.reported(shared: shared.blocks, inputTokens: inputTokens, overrides: overrides)
        if overrides.cachedTokens != nil || overrides.cacheHit != nil { return fromBlocks }
        return max(fromBlocks, shared.exact >= Self.minimumTokens ? min(shared.exact, inputTokens) : 0)
    }

    /// The chained hash after each token (the value `blocks` has at every block's end).
    static func chain(_ hashes: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(hashes.count)
        var acc: UInt64 = 0x243F_6A88_85A3_08D3
        for h in hashes {
            acc = step(acc, h)
            out.append(acc)
        }
        return out
    }

    @inline(__always) static func step(_ acc: UInt64, _ h: UInt64) -> UInt64 {
        var z = acc ^ h
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return (z ^ (z >> 31)) &+ 0x9e3779b97f4a7c15
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
            acc = step(acc, h)
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

/// `prompt_cache_options` of a Responses or Chat Completions request (`PromptCacheOptionsParam`):
/// `mode` `implicit` (default: the cache breakpoint is chosen automatically) or `explicit` (only
/// the request's `prompt_cache_breakpoint`s are written and read; none: no caching), `ttl`
/// `30m` (the one value). Honoured for the models that support it (gpt-5.6 and later).
public struct PromptCacheOptions: Sendable, Equatable {
    public var mode: String
    public var ttl: String

    public static func parse(_ value: JSON?, unknown: (String) -> APIError = APIError.unknownParameter) throws(APIError) -> PromptCacheOptions? {
        guard let value, !value.isNull else { return nil }
        guard case let .object(pairs) = value else { throw .invalidType("prompt_cache_options", expected: "an object", got: value) }
        var o = PromptCacheOptions(mode: "implicit", ttl: "30m")
        for (k, v) in pairs {
            let param = "prompt_cache_options.\(k)"
            guard k == "mode" || k == "ttl" else { throw unknown(param) }
            if v.isNull { continue }
            guard let s = v.stringValue else { throw .invalidType(param, expected: "a string", got: v) }
            let allowed = k == "mode" ? ["implicit", "explicit"] : ["30m"]
            guard allowed.contains(s) else { throw .invalidValue(param, s, supported: allowed) }
            if k == "mode" { o.mode = s } else { o.ttl = s }
        }
        return o
    }

    /// The options a response of a model that supports them reports (`PromptCacheOptions`).
    public var json: JSON { .object([("ttl", .string(ttl)), ("mode", .string(mode))]) }

    /// "For `gpt-5.5`, `gpt-5.5-pro`, and future models, only `24h` is supported": the 400 for
    /// `in_memory` there.
    public static func checkRetention(_ retention: String?, model: ModelInfo) throws(APIError) {
        guard model.onlyExtendedCacheRetention, let retention, retention != "24h" else { return }
        throw .invalidRequest("Unsupported value: 'prompt_cache_retention' does not support '\(retention)' with this model. Supported values are: '24h'.",
                              param: "prompt_cache_retention", code: "unsupported_value")
    }
}

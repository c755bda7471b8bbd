import Testing
import SimCore
import SimSupport

@Suite struct InferencePromptCacheTests {
    let clock = VirtualClock()
    var cache: PromptCache { PromptCache(clock: clock) }
    let tenant = Tenant.forAPIKey("sk-cache")

    static func prompt(_ n: Int, salt: UInt64 = 0) -> [UInt64] { (0..<n).map { UInt64($0) &+ salt &* 1_000_003 } }

    @Test func cachedTokensAreMultiplesOf128FromTheFirst1024() {
        #expect(PromptCache.cachedTokens(sharedPrefix: 1023, inputTokens: 5000) == 0)
        #expect(PromptCache.cachedTokens(sharedPrefix: 1024, inputTokens: 5000) == 1024)
        #expect(PromptCache.cachedTokens(sharedPrefix: 1151, inputTokens: 5000) == 1024)
        #expect(PromptCache.cachedTokens(sharedPrefix: 1152, inputTokens: 5000) == 1152)
        #expect(PromptCache.cachedTokens(sharedPrefix: 2000, inputTokens: 1000) == 0)
    }

    @Test func firstCallMissesAndARepeatedPrefixHits() {
        let c = cache
        let a = Self.prompt(1500)
        #expect(c.lookup(tenant: tenant, key: nil, hashes: a, inputTokens: 1500) == 0)
        var b = Array(a.prefix(1300))
        b += Self.prompt(300, salt: 9)
        #expect(c.lookup(tenant: tenant, key: nil, hashes: b, inputTokens: 1600) == 1280)
    }

    /// Prompts are remembered as 128-token blocks: the shared prefix counts in whole blocks,
    /// which is what the API reports (a multiple of 128), whatever the prompts' lengths and
    /// wherever in a block they part.
    @Test(arguments: [1023, 1024, 1100, 1151, 1152, 1279, 1280, 1281, 1999, 2048, 2500])
    func aSharedPrefixCountsInWholeBlocks(shared: Int) {
        let c = cache
        let a = Self.prompt(2600)
        _ = c.lookup(tenant: tenant, key: nil, hashes: a, inputTokens: 2600)
        for tail in [0, 1, 127, 300] {
            let b = Array(a.prefix(shared)) + Self.prompt(tail, salt: UInt64(7 + tail))
            let expected = PromptCache.cachedTokens(sharedPrefix: shared, inputTokens: b.count)
            _ = c.lookup(tenant: tenant, key: "k\(shared)-\(tail)", hashes: a, inputTokens: 2600)
            #expect(c.lookup(tenant: tenant, key: "k\(shared)-\(tail)", hashes: b, inputTokens: b.count) == expected,
                    "shared \(shared), tail \(tail)")
        }
        // The same prompt again is all cached (in whole blocks), and is one entry, not two.
        #expect(c.lookup(tenant: tenant, key: nil, hashes: a, inputTokens: 2600) == 2560)
    }

    /// Explicit breakpoints (`prompt_cache_breakpoint`): the prefix up to one is read exactly,
    /// not rounded to 128; `implicit: false` writes the breakpoints only (the prompt's own blocks
    /// are not remembered), and only the latest four (three beside the implicit one) of 1,024+.
    @Test func breakpointsAreReadExactlyAndExplicitModeWritesOnlyThem() {
        let c = cache
        let a = Self.prompt(3000)
        #expect(c.lookup(tenant: tenant, key: "bp", hashes: a, inputTokens: 3000, marks: [1500], implicit: false) == 0)
        // Without the breakpoint's whole prefix, nothing: explicit mode remembered no blocks.
        let shorter = Array(a.prefix(1400)) + Self.prompt(900, salt: 4)
        #expect(c.lookup(tenant: tenant, key: "bp", hashes: shorter, inputTokens: 2300, implicit: false) == 0)
        // Same first 1,500 tokens, then different: exactly 1,500, however the blocks fall.
        let b = Array(a.prefix(1500)) + Self.prompt(700, salt: 3)
        #expect(c.lookup(tenant: tenant, key: "bp", hashes: b, inputTokens: 2200, implicit: false) == 1500)
        #expect(c.lookup(tenant: tenant, key: "bp", hashes: b, inputTokens: 2200) == 1500)
        // In implicit mode the blocks are remembered too: the larger of the two readings.
        let d = Self.prompt(4000, salt: 11)
        _ = c.lookup(tenant: tenant, key: "both", hashes: d, inputTokens: 4000, marks: [1100])
        let e = Array(d.prefix(3000)) + Self.prompt(10, salt: 12)
        #expect(c.lookup(tenant: tenant, key: "both", hashes: e, inputTokens: 3010) == 2944)
        let f = Array(d.prefix(1100)) + Self.prompt(100, salt: 13)
        #expect(c.lookup(tenant: tenant, key: "both", hashes: f, inputTokens: 1200) == 1100)
        // Breakpoints under 1,024 tokens are not written; of the rest, the latest four in explicit mode.
        let g = Self.prompt(9000, salt: 21)
        _ = c.lookup(tenant: tenant, key: "many", hashes: g, inputTokens: 9000, marks: [500, 2000, 3000, 4000, 5000, 6000], implicit: false)
        #expect(c.lookup(tenant: tenant, key: "many", hashes: Array(g.prefix(2500)), inputTokens: 2500, implicit: false) == 0)
        #expect(c.lookup(tenant: tenant, key: "many", hashes: Array(g.prefix(3500)), inputTokens: 3500, implicit: false) == 3000)
        // A scenario's figure still wins.
        var o = RequestOverrides()
        o.cacheHit = false
        #expect(c.lookup(tenant: tenant, key: "bp", hashes: b, inputTokens: 2200, overrides: o) == 0)
    }

    @Test func shortPromptsAreNeverCached() {
        let c = cache
        let a = Self.prompt(1000)
        _ = c.lookup(tenant: tenant, key: nil, hashes: a, inputTokens: 1000)
        #expect(c.lookup(tenant: tenant, key: nil, hashes: a, inputTokens: 1000) == 0)
    }

    @Test func cacheIsPerTenantAndPerKey() {
        let c = cache
        let a = Self.prompt(2048)
        _ = c.lookup(tenant: tenant, key: "k1", hashes: a, inputTokens: 2048)
        #expect(c.lookup(tenant: Tenant.forAPIKey("sk-other"), key: "k1", hashes: a, inputTokens: 2048) == 0)
        #expect(c.lookup(tenant: tenant, key: "k2", hashes: a, inputTokens: 2048) == 0)
        #expect(c.lookup(tenant: tenant, key: "k1", hashes: a, inputTokens: 2048) == 2048)
    }

    @Test func entriesExpireOnTheClockUnlessExtended() throws {
        let c = cache
        let a = Self.prompt(1200)
        _ = c.lookup(tenant: tenant, key: nil, hashes: a, inputTokens: 1200)
        try clock.advance(by: 4 * 60)
        #expect(c.lookup(tenant: tenant, key: nil, hashes: a, inputTokens: 1200) == 1152)
        try clock.advance(by: 6 * 60)
        #expect(c.lookup(tenant: tenant, key: nil, hashes: a, inputTokens: 1200) == 0)
        let b = Self.prompt(1200, salt: 5)
        _ = c.lookup(tenant: tenant, key: nil, hashes: b, inputTokens: 1200, retention: .extended)
        try clock.advance(by: 20 * 3600)
        #expect(c.lookup(tenant: tenant, key: nil, hashes: b, inputTokens: 1200) == 1152)
    }

    @Test func resetForgetsATenant() {
        let c = cache
        let a = Self.prompt(1200)
        _ = c.lookup(tenant: tenant, key: nil, hashes: a, inputTokens: 1200)
        c.reset(tenant: tenant)
        #expect(c.lookup(tenant: tenant, key: nil, hashes: a, inputTokens: 1200) == 0)
        c.resetAll()
        #expect(c.lookup(tenant: tenant, key: nil, hashes: a, inputTokens: 1200) == 0)
    }

    @Test func scenarioOverridesWin() {
        let c = cache
        var o = RequestOverrides()
        o.cachedTokens = 512
        #expect(c.lookup(tenant: tenant, key: nil, hashes: Self.prompt(2000), inputTokens: 2000, overrides: o) == 512)
        o = RequestOverrides()
        o.cacheHit = true
        #expect(c.lookup(tenant: tenant, key: "x", hashes: Self.prompt(2000), inputTokens: 2000, overrides: o) == 1920)
        o.cacheHit = false
        #expect(c.lookup(tenant: tenant, key: "x", hashes: Self.prompt(2000), inputTokens: 2000, overrides: o) == 0)
    }
}

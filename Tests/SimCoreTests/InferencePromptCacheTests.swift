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

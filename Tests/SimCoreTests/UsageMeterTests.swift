import Dispatch
import Testing
import SimCore
import SimSupport
import SimPersistence

/// The usage meter keeps each server thread's counts apart (and the key a thread recorded last
/// pending, not yet added in); what it reports must be the sum of everything recorded, whichever
/// threads recorded it and in whatever order the keys came.
@Suite struct UsageMeterTests {
    static let everything = UsageMeter.Filter(kinds: Set(UsageMeter.Kind.allCases))

    static func total(_ meter: UsageMeter, _ tenant: Tenant, groupBy: Set<String> = []) -> [UsageMeter.Row] {
        meter.rows(organizationTenantID: tenant.organizationTenantID, filter: everything, start: 0, end: Int64.max / 2,
                   width: Int64.max / 4, groupBy: groupBy).values.flatMap { $0 }
    }

    @Test func countsFromManyThreadsAndAlternatingKeysAddUp() {
        let clock = VirtualClock()
        let meter = UsageMeter(clock: clock)
        let a = Tenant.forAPIKey("sk-usage-a"), b = Tenant.forAPIKey("sk-usage-b")
        let models = ["gpt-4o", "gpt-4.1-mini", "o3"]
        // 8 workers, each alternating models (so its pending key keeps changing) and tenants.
        DispatchQueue.concurrentPerform(iterations: 8) { w in
            for i in 0..<500 {
                let tenant = (i + w) % 5 == 0 ? b : a
                meter.record(tenant, .completions, model: models[(i / (1 + w % 3)) % models.count], input: 3, cached: 1, output: 2,
                             batch: i % 7 == 0)
            }
        }
        let rowsA = Self.total(meter, a), rowsB = Self.total(meter, b)
        let nA = rowsA.reduce(Int64(0)) { $0 + $1.counts.requests }, nB = rowsB.reduce(Int64(0)) { $0 + $1.counts.requests }
        #expect(nA + nB == 8 * 500)
        var expectedB = 0
        for w in 0..<8 { for i in 0..<500 where (i + w) % 5 == 0 { expectedB += 1 } }
        #expect(nB == Int64(expectedB))
        for rows in [rowsA, rowsB] {
            let n = rows.reduce(Int64(0)) { $0 + $1.counts.requests }
            #expect(rows.reduce(Int64(0)) { $0 + $1.counts.input } == 3 * n)
            #expect(rows.reduce(Int64(0)) { $0 + $1.counts.cached } == n)
            #expect(rows.reduce(Int64(0)) { $0 + $1.counts.output } == 2 * n)
        }
        // Grouped by model: the three models' requests, each summed over all threads.
        let byModel = Self.total(meter, a, groupBy: ["model"])
        #expect(Set(byModel.compactMap(\.model)) == Set(models))
        #expect(byModel.count == models.count)
        #expect(byModel.reduce(Int64(0)) { $0 + $1.counts.requests } == nA)
    }

    @Test func aRecordIsReportedAtOnceAndAResetForgetsOnlyItsOrganization() throws {
        let clock = VirtualClock()
        let meter = UsageMeter(clock: clock)
        let a = Tenant.forAPIKey("sk-usage-c"), b = Tenant.forAPIKey("sk-usage-d")
        meter.record(a, .embeddings, model: "text-embedding-3-small", input: 10, batch: false)
        // Still the recording thread's pending key: reported all the same.
        let first = Self.total(meter, a).map(\.counts)
        #expect(first.map(\.input) == [10] && first.map(\.requests) == [1] && first.map(\.output) == [0])
        meter.record(b, .moderations, model: "omni-moderation-latest", input: 4, batch: false)
        meter.record(a, .embeddings, model: "text-embedding-3-small", input: 5, batch: false)
        try clock.advance(by: 120)
        meter.record(a, .embeddings, model: "text-embedding-3-small", input: 1, batch: false)
        let minutes = meter.rows(organizationTenantID: a.organizationTenantID, filter: Self.everything, start: 0,
                                 end: Int64.max / 2, width: 60, groupBy: [])
        #expect(minutes.count == 2)
        #expect(minutes.values.flatMap { $0 }.map(\.counts.input).sorted() == [1, 15])
        meter.reset(organizationTenantID: a.organizationTenantID)
        #expect(Self.total(meter, a).isEmpty)
        #expect(Self.total(meter, b).map(\.counts.requests) == [1])
        meter.record(a, .embeddings, model: "text-embedding-3-small", input: 2, batch: false)
        meter.reset(organizationTenantID: nil)
        #expect(Self.total(meter, a).isEmpty && Self.total(meter, b).isEmpty)
    }

    /// The month's spend a spend limit is checked against is kept as counts come in; it must be
    /// what the costs endpoint's pricing of the month's buckets gives, by organization, project
    /// and calendar month, across threads, a restart (restored counts) and a reset.
    @Test func theMonthsSpendIsWhatTheBucketsCost() throws {
        let clock = VirtualClock()  // 2026-01-01T00:00:00Z
        let store = MemoryRecordStore()
        let meter = try UsageMeter(clock: clock, savingTo: store)
        let a = Tenant.forAPIKey("sk-spend-a"), b = Tenant.forAPIKey("sk-spend-b")
        let other = Tenant.forProject(root: a, project: "proj_other", defaultProject: a.projectID)
        let january = UsageService.monthStart(clock.unixSeconds())
        // Many minutes (each a bucket of its own), two models, two projects, from several threads.
        for minute in 0..<300 {
            DispatchQueue.concurrentPerform(iterations: 3) { w in
                let tenant = w == 2 ? other : a
                meter.record(tenant, .completions, model: minute % 2 == 0 ? "gpt-4o-mini" : "o3", input: 100 + w, cached: 10, output: 50,
                             batch: false)
            }
            meter.record(b, .embeddings, model: "text-embedding-3-large", input: 1_000, batch: false)
            try clock.advance(by: 60)
        }
        func priced(_ tenant: Tenant, project: String?) -> Double {
            var filter = Self.everything
            filter.projects = project.map { [$0] }
            return meter.rows(organizationTenantID: tenant.organizationTenantID, filter: filter, start: january,
                              end: clock.unixSeconds() + 60, width: 60, groupBy: ["model"]).values.joined()
                .reduce(0.0) { total, row in let c = Pricing.cost(row.counts, model: row.model ?? ""); return total + c.input + c.output }
        }
        func spent(_ tenant: Tenant, _ project: String? = nil, _ m: UsageMeter) -> Double {
            m.spentUSD(organizationTenantID: tenant.organizationTenantID, project: project, month: january)
        }
        let all = priced(a, project: nil), mine = priced(a, project: a.projectID), theirs = priced(a, project: "proj_other")
        #expect(all > 0 && mine > 0 && theirs > 0 && abs(mine + theirs - all) < 1e-9)
        #expect(abs(spent(a, nil, meter) - all) < 1e-9)
        #expect(abs(spent(a, a.projectID, meter) - mine) < 1e-9 && abs(spent(a, "proj_other", meter) - theirs) < 1e-9)
        #expect(abs(spent(b, nil, meter) - priced(b, project: nil)) < 1e-9 && spent(b, nil, meter) > 0)
        // February starts at nothing; January's spend stays January's.
        try clock.advance(by: 31 * 86_400)
        meter.record(a, .completions, model: "gpt-4o-mini", input: 10, output: 10, batch: false)
        let february = UsageService.monthStart(clock.unixSeconds())
        #expect(february > january)
        let feb = meter.spentUSD(organizationTenantID: a.organizationTenantID, project: nil, month: february)
        #expect(feb > 0 && feb < all / 100)
        #expect(abs(spent(a, nil, meter) - all) < 1e-9)
        // A restart restores the spend with the counts; a reset forgets it.
        try meter.flush()
        let restarted = try UsageMeter(clock: clock, savingTo: store)
        #expect(abs(spent(a, nil, restarted) - all) < 1e-9 && abs(spent(a, "proj_other", restarted) - theirs) < 1e-9)
        restarted.reset(organizationTenantID: a.organizationTenantID)
        #expect(spent(a, nil, restarted) == 0 && abs(spent(b, nil, restarted) - priced(b, project: nil)) < 1e-6)
    }

    /// A meter that saves: what it flushed is what the next meter over the same store starts
    /// from (a restart), counts added after a restart add up, and a reset takes the saved
    /// buckets too. Run against both stores: the server uses SQLite, tests mostly memory.
    @Test(arguments: ["memory", "sqlite"]) func savedCountsSurviveARestartAndAResetDropsThem(store kind: String) throws {
        let dir = try ScratchDirectory()
        func open() throws -> RecordStore {
            kind == "memory" ? sharedMemory : try SQLiteRecordStore(path: dir.path + "/usage.sqlite")
        }
        let sharedMemory = MemoryRecordStore()
        let clock = VirtualClock()
        let a = Tenant.forAPIKey("sk-usage-save-a"), b = Tenant.forAPIKey("sk-usage-save-b")
        do {
            let meter = try UsageMeter(clock: clock, savingTo: try open())
            meter.record(a, .completions, model: "gpt-4o-mini", input: 7, cached: 2, output: 3, batch: false)
            meter.record(a, .completions, model: "gpt-4o-mini", input: 7, cached: 0, output: 5, batch: false)
            meter.record(b, .moderations, model: "omni-moderation-latest", input: 4, batch: false)
            try clock.advance(by: 60)
            // Still pending on this thread when the flush runs: the flush folds it in.
            meter.record(a, .embeddings, model: "text-embedding-3-small", input: 9, batch: true)
            try meter.flush()
            // Not flushed: a kill -9 loses it.
            meter.record(a, .completions, model: "gpt-4o-mini", input: 1000, batch: false)
        }
        let second = try UsageMeter(clock: clock, savingTo: try open())
        var rowsA = Self.total(second, a, groupBy: ["model", "batch"])
        #expect(rowsA.count == 2)
        let chat = rowsA.first { $0.model == "gpt-4o-mini" }?.counts
        #expect(chat == UsageMeter.Counts(input: 14, cached: 2, output: 8, requests: 2))
        #expect(rowsA.first { $0.model == "text-embedding-3-small" }.map { ($0.counts.input, $0.batch) } ?? (0, nil) == (9, true))
        #expect(Self.total(second, b).map(\.counts.requests) == [1])

        // Counted after the restart, on top of the restored counts, and saved again.
        second.record(a, .completions, model: "gpt-4o-mini", input: 1, output: 1, batch: false)
        try second.flush()
        // A flush with nothing new writes nothing.
        let saved = try open().all(collection: UsageMeter.collection).count
        try second.flush()
        #expect(try open().all(collection: UsageMeter.collection).count == saved)
        let third = try UsageMeter(clock: clock, savingTo: try open())
        rowsA = Self.total(third, a, groupBy: ["model"])
        #expect(rowsA.first { $0.model == "gpt-4o-mini" }?.counts.requests == 3)
        #expect(rowsA.reduce(Int64(0)) { $0 + $1.counts.input } == 14 + 9 + 1)

        // A reset of one organization drops its saved buckets, not the other's; a later flush
        // does not write them back.
        third.reset(organizationTenantID: a.organizationTenantID)
        try third.flush()
        let fourth = try UsageMeter(clock: clock, savingTo: try open())
        #expect(Self.total(fourth, a).isEmpty)
        #expect(Self.total(fourth, b).map(\.counts.requests) == [1])
        fourth.reset(organizationTenantID: nil)
        #expect(try open().all(collection: UsageMeter.collection).isEmpty)
    }

    /// Counts recorded from many threads while flushes run: what the next meter restores is
    /// exactly what was recorded before the last flush.
    @Test func flushesWhileRecordingLoseNothing() throws {
        let store = MemoryRecordStore()
        let clock = VirtualClock()
        let meter = try UsageMeter(clock: clock, savingTo: store)
        let a = Tenant.forAPIKey("sk-usage-save-c")
        let models = ["gpt-4o", "gpt-4.1-mini", "o3"]
        DispatchQueue.concurrentPerform(iterations: 6) { w in
            for i in 0..<400 {
                if w == 0, i % 50 == 0 { try? meter.flush() }
                meter.record(a, .completions, model: models[(i + w) % models.count], input: 2, output: 1, batch: false)
            }
        }
        try meter.flush()
        let restored = try UsageMeter(clock: clock, savingTo: store)
        let rows = Self.total(restored, a, groupBy: ["model"])
        #expect(rows.reduce(Int64(0)) { $0 + $1.counts.requests } == 6 * 400)
        #expect(rows.reduce(Int64(0)) { $0 + $1.counts.input } == 2 * 6 * 400)
        #expect(Set(rows.compactMap(\.model)) == Set(models))
    }
}

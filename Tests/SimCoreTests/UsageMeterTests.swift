import Dispatch
import Testing
import SimCore
import SimSupport

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
}

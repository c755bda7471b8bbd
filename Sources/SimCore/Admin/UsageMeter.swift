import Synchronization
import SimSupport

/// What the organization usage and costs endpoints report: every answered model request
/// (completions: chat and responses; embeddings; moderations) counted per organization into
/// one-minute buckets on the simulator's clock, by project, API key, model and batch.
///
/// Kept in memory: a restart (even with `--data-dir`) starts the counts again, and a reset
/// clears them with the rest of the organization's state.
public final class UsageMeter: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case completions, embeddings, moderations }

    struct Key: Hashable, Sendable {
        let minute: Int64
        let kind: Kind
        let project: String
        let apiKey: String
        let model: String
        let batch: Bool
    }

    public struct Counts: Sendable, Equatable {
        public var input: Int64 = 0
        public var cached: Int64 = 0
        public var output: Int64 = 0
        public var requests: Int64 = 0

        mutating func add(input: Int, cached: Int, output: Int) {
            self.input += Int64(input)
            self.cached += Int64(cached)
            self.output += Int64(output)
            requests += 1
        }

        mutating func add(_ other: Counts) {
            input += other.input
            cached += other.cached
            output += other.output
            requests += other.requests
        }
    }

    /// One server thread's counts: organization root tenant id → counts, and the counts of the
    /// key it recorded last, not yet added in. A client's requests mostly repeat one key (same
    /// minute, project, key and model), so a record usually compares that key and adds, without
    /// hashing three strings into two dictionary levels (~550 fewer instructions per model
    /// request, callgrind on `sim-microbench`); and each thread takes its own lock, so the
    /// server's threads do not pass one lock's cache line back and forth on every model request.
    /// Reads fold the pending counts in and add up the threads' counts.
    private struct Shard {
        var byOrganization: [String: [Key: Counts]] = [:]
        /// Whose counts `pending` holds (nil: nothing pending).
        var pendingFor: (organization: String, key: Key)?
        var pending = Counts()

        mutating func fold() {
            guard let at = pendingFor else { return }
            let p = pending
            byOrganization[at.organization, default: [:]][at.key, default: Counts()].add(p)
            pendingFor = nil
            pending = Counts()
        }
    }
    private let shards = Sharded<Shard>(count: 16) { Shard() }
    let clock: SimClock

    public init(clock: SimClock) { self.clock = clock }

    public func record(_ tenant: Tenant, _ kind: Kind, model: String, input: Int, cached: Int = 0, output: Int = 0, batch: Bool) {
        let minute = clock.unixSeconds() / 60 * 60
        let key = Key(minute: minute, kind: kind, project: tenant.projectID, apiKey: tenant.apiKeyID ?? "", model: model, batch: batch)
        let organization = tenant.organizationTenantID
        shards.withLock { s in
            let same = s.pendingFor.map { $0.key == key && $0.organization == organization } ?? false
            if !same {
                s.fold()
                s.pendingFor = (organization, key)
            }
            s.pending.add(input: input, cached: cached, output: output)
        }
    }

    /// Forgets one organization's counts (or all).
    public func reset(organizationTenantID: String?) {
        shards.forEach { s in
            s.fold()
            if let id = organizationTenantID { s.byOrganization.removeValue(forKey: id) } else { s.byOrganization.removeAll() }
        }
    }

    /// Every thread's counts for one organization (a key may come once per thread).
    private func entries(_ organizationTenantID: String) -> [(Key, Counts)] {
        var out: [(Key, Counts)] = []
        shards.forEach { s in
            s.fold()
            if let mine = s.byOrganization[organizationTenantID] { out.append(contentsOf: mine.map { ($0.key, $0.value) }) }
        }
        return out
    }

    /// One bucket's results: a row per group (`group` lists the fields grouped by).
    public struct Row: Sendable {
        public var project: String?
        public var apiKey: String?
        public var model: String?
        public var batch: Bool?
        public var counts = Counts()
    }

    public struct Filter: Sendable {
        public var kinds: Set<Kind>
        public var projects: Set<String>?
        public var apiKeys: Set<String>?
        public var models: Set<String>?
        public var batch: Bool?
        /// Filters on fields the simulator does not track (users): when given, nothing matches.
        public var untracked = false
        public init(kinds: Set<Kind>, projects: Set<String>? = nil, models: Set<String>? = nil, batch: Bool? = nil) {
            self.kinds = kinds
            self.projects = projects
            self.models = models
            self.batch = batch
        }
    }

    /// Rows per bucket start for `[start, end)`, buckets `width` seconds wide.
    public func rows(organizationTenantID: String, filter: Filter, start: Int64, end: Int64, width: Int64,
                     groupBy: Set<String>) -> [Int64: [Row]] {
        guard !filter.untracked else { return [:] }
        let entries = entries(organizationTenantID)
        var grouped: [Int64: [String: Row]] = [:]
        for (k, c) in entries where k.minute >= start && k.minute < end && filter.kinds.contains(k.kind) {
            if let p = filter.projects, !p.contains(k.project) { continue }
            if let a = filter.apiKeys, !a.contains(k.apiKey) { continue }
            if let m = filter.models, !m.contains(k.model) { continue }
            if let b = filter.batch, b != k.batch { continue }
            let bucket = start + (k.minute - start) / width * width
            var row = Row()
            if groupBy.contains("project_id") { row.project = k.project }
            if groupBy.contains("api_key_id") { row.apiKey = k.apiKey.isEmpty ? nil : k.apiKey }
            if groupBy.contains("model") { row.model = k.model }
            if groupBy.contains("batch") { row.batch = k.batch }
            let id = "\(row.project ?? "")\u{1}\(row.apiKey ?? "")\u{1}\(row.model ?? "")\u{1}\(row.batch.map { $0 ? "1" : "0" } ?? "")"
            var r = grouped[bucket, default: [:]][id] ?? row
            r.counts.add(c)
            grouped[bucket, default: [:]][id] = r
        }
        // Rows in a stable order: by the grouped fields.
        return grouped.mapValues { rows in
            rows.sorted { a, b in
                (a.key) < (b.key)
            }.map(\.value)
        }
    }
}

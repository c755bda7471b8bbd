import Synchronization
import SimSupport

/// What the organization usage and costs endpoints report: every answered model request
/// (completions: chat and responses; embeddings; moderations) counted per organization into
/// one-minute buckets on the simulator's clock, by project, API key, model and batch.
///
/// Counted in memory. Given a record store (a server with `--data-dir`), the meter starts from
/// the counts saved there and `flush()` saves the buckets that changed since the last flush, one
/// record per bucket key in the organization's `usage_minutes` collection; the server flushes
/// every second and when it stops, so a restart keeps the counts (a `kill -9` loses at most the
/// last second's). A reset clears them, saved ones included, with the rest of the
/// organization's state.
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

        public init(input: Int64 = 0, cached: Int64 = 0, output: Int64 = 0, requests: Int64 = 0) {
            self.input = input
            self.cached = cached
            self.output = output
            self.requests = requests
        }

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
        /// Keys whose counts changed since the last flush, per organization (kept only when saving).
        var dirty: [String: Set<Key>] = [:]
        var tracksDirty = false
        /// What the counts folded in cost, per organization and calendar month (UTC): what a
        /// spend limit is compared with on every priced request.
        var spend: [String: [Int64: Spend]] = [:]
        /// Prices by model name (`Pricing.perMillion` compares strings).
        var prices: [String: Pricing.Price] = [:]

        mutating func fold() {
            guard let at = pendingFor else { return }
            let p = pending
            byOrganization[at.organization, default: [:]][at.key, default: Counts()].add(p)
            if tracksDirty { dirty[at.organization, default: []].insert(at.key) }
            addSpend(at.organization, at.key, p)
            pendingFor = nil
            pending = Counts()
        }

        mutating func addSpend(_ organization: String, _ key: Key, _ counts: Counts) {
            let price: Pricing.Price
            if let known = prices[key.model] {
                price = known
            } else {
                price = Pricing.perMillion(key.model)
                prices[key.model] = price
            }
            let (input, output) = Pricing.cost(counts, at: price)
            spend[organization, default: [:]][CivilDate.monthStart(key.minute), default: Spend()].add(input + output, project: key.project)
        }
    }

    /// One organization's spend in one month, in USD: in all and per project.
    struct Spend: Sendable {
        var total = 0.0
        var byProject: [String: Double] = [:]

        mutating func add(_ usd: Double, project: String) {
            total += usd
            byProject[project, default: 0] += usd
        }
    }
    private let shards: Sharded<Shard>
    let clock: SimClock
    /// Where the counts are saved (nil: memory only).
    private let store: RecordStore?
    /// Held while a flush gathers and writes, and while a reset clears: a flush never writes back
    /// counts a reset has just dropped.
    private let saving = Mutex(())

    /// The collection of the saved buckets (one record per organization and bucket key).
    public static let collection = "usage_minutes"

    /// A meter that counts in memory only.
    public init(clock: SimClock) {
        self.clock = clock
        store = nil
        shards = Sharded<Shard>(count: 16) { Shard() }
    }

    /// A meter that starts from the counts saved in `store` and saves to it on `flush()`.
    public init(clock: SimClock, savingTo store: RecordStore) throws {
        self.clock = clock
        self.store = store
        shards = Sharded<Shard>(count: 16) { var s = Shard(); s.tracksDirty = true; return s }
        var restored: [String: [Key: Counts]] = [:]
        for r in try store.all(collection: Self.collection) {
            guard let (key, counts) = Self.decode(r.body) else { continue }
            restored[r.tenant, default: [:]][key, default: Counts()].add(counts)
        }
        let loaded = restored
        // Reads add the shards up, so the saved counts may go into any one of them.
        shards.withLock { s in
            s.byOrganization = loaded
            for (organization, keys) in loaded {
                for (key, counts) in keys { s.addSpend(organization, key, counts) }
            }
        }
    }

    /// Saves the buckets that changed since the last flush (no-op for a memory-only meter).
    /// Call it off the request path: it writes to the store.
    public func flush() throws {
        guard let store else { return }
        try saving.withLock { _ in
            var dirty: [String: Set<Key>] = [:]
            shards.forEach { s in
                s.fold()
                for (organization, keys) in s.dirty { dirty[organization, default: []].formUnion(keys) }
                s.dirty = [:]
            }
            guard !dirty.isEmpty else { return }
            let changed = dirty
            var records: [StoredRecord] = []
            for (organization, keys) in changed {
                // A bucket's total over the threads' counts (a key may come once per thread).
                var totals: [Key: Counts] = [:]
                for (k, c) in entries(organization) where keys.contains(k) { totals[k, default: Counts()].add(c) }
                for (k, c) in totals {
                    records.append(StoredRecord(tenant: organization, collection: Self.collection, id: Self.recordID(k),
                                                createdAt: k.minute, body: Self.encode(k, c)))
                }
            }
            do {
                try store.put(records, keepingNewest: nil)
            } catch {
                // Not saved: the same keys are tried again on the next flush.
                shards.withLock { s in for (o, keys) in changed { s.dirty[o, default: []].formUnion(keys) } }
                throw error
            }
        }
    }

    static func recordID(_ k: Key) -> String {
        "\(k.minute)\u{1}\(k.kind.rawValue)\u{1}\(k.batch ? 1 : 0)\u{1}\(k.project)\u{1}\(k.apiKey)\u{1}\(k.model)"
    }

    static func encode(_ k: Key, _ c: Counts) -> JSON {
        .object([("minute", .int(k.minute)), ("kind", .string(k.kind.rawValue)), ("project", .string(k.project)),
                 ("api_key", .string(k.apiKey)), ("model", .string(k.model)), ("batch", .bool(k.batch)),
                 ("input", .int(c.input)), ("cached", .int(c.cached)), ("output", .int(c.output)), ("requests", .int(c.requests))])
    }

    static func decode(_ j: JSON) -> (Key, Counts)? {
        guard let minute = j["minute"]?.intValue, let kind = j["kind"]?.stringValue.flatMap(Kind.init(rawValue:)),
              let project = j["project"]?.stringValue, let apiKey = j["api_key"]?.stringValue, let model = j["model"]?.stringValue,
              let batch = j["batch"]?.boolValue else { return nil }
        let c = Counts(input: j["input"]?.intValue ?? 0, cached: j["cached"]?.intValue ?? 0, output: j["output"]?.intValue ?? 0,
                       requests: j["requests"]?.intValue ?? 0)
        return (Key(minute: minute, kind: kind, project: project, apiKey: apiKey, model: model, batch: batch), c)
    }

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
        saving.withLock { _ in
            shards.forEach { s in
                s.fold()
                if let id = organizationTenantID {
                    s.byOrganization.removeValue(forKey: id)
                    s.dirty.removeValue(forKey: id)
                    s.spend.removeValue(forKey: id)
                } else {
                    s.byOrganization.removeAll()
                    s.dirty.removeAll()
                    s.spend.removeAll()
                }
            }
            // The saved buckets go too (the caller's reset usually deleted them already; a flush
            // that ran in between may have written some back).
            guard let store, let saved = try? store.all(collection: Self.collection) else { return }
            for r in saved where organizationTenantID == nil || r.tenant == organizationTenantID {
                _ = try? store.delete(tenant: r.tenant, collection: r.collection, id: r.id)
            }
        }
    }

    /// What one organization (or one of its projects) spent in the month starting at `month`
    /// (Unix seconds of its first day, UTC), in USD: the threads' running totals added up.
    public func spentUSD(organizationTenantID: String, project: String?, month: Int64) -> Double {
        var total = 0.0
        shards.forEach { s in
            s.fold()
            guard let m = s.spend[organizationTenantID]?[month] else { return }
            total += project.map { m.byProject[$0] ?? 0 } ?? m.total
        }
        return total
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
        public var user: String?
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
        /// Users, matched through the user each API key belongs to (`rows`' `userOf`).
        public var users: Set<String>?
        /// For the usage of APIs the simulator does not serve: nothing matches.
        public var untracked = false
        public init(kinds: Set<Kind>, projects: Set<String>? = nil, models: Set<String>? = nil, batch: Bool? = nil) {
            self.kinds = kinds
            self.projects = projects
            self.models = models
            self.batch = batch
        }
    }

    /// Rows per bucket start for `[start, end)`, buckets `width` seconds wide. `userOf` names the
    /// user an API key id belongs to (nil: none, such as a service account's key); requests are
    /// counted by key, so grouping and filtering by user go through it.
    public func rows(organizationTenantID: String, filter: Filter, start: Int64, end: Int64, width: Int64,
                     groupBy: Set<String>, userOf: (String) -> String? = { _ in nil }) -> [Int64: [Row]] {
        guard !filter.untracked else { return [:] }
        let entries = entries(organizationTenantID)
        var grouped: [Int64: [String: Row]] = [:]
        var users: [String: String?] = [:]
        func user(_ key: String) -> String? {
            if let u = users[key] { return u }
            let u = key.isEmpty ? nil : userOf(key)
            users[key] = u
            return u
        }
        for (k, c) in entries where k.minute >= start && k.minute < end && filter.kinds.contains(k.kind) {
            if let p = filter.projects, !p.contains(k.project) { continue }
            if let a = filter.apiKeys, !a.contains(k.apiKey) { continue }
            if let m = filter.models, !m.contains(k.model) { continue }
            if let b = filter.batch, b != k.batch { continue }
            if let u = filter.users, !(user(k.apiKey).map(u.contains) ?? false) { continue }
            let bucket = start + (k.minute - start) / width * width
            var row = Row()
            if groupBy.contains("project_id") { row.project = k.project }
            if groupBy.contains("user_id") { row.user = user(k.apiKey) }
            if groupBy.contains("api_key_id") { row.apiKey = k.apiKey.isEmpty ? nil : k.apiKey }
            if groupBy.contains("model") { row.model = k.model }
            if groupBy.contains("batch") { row.batch = k.batch }
            let id = "\(row.project ?? "")\u{1}\(row.user ?? "")\u{1}\(row.apiKey ?? "")\u{1}\(row.model ?? "")\u{1}\(row.batch.map { $0 ? "1" : "0" } ?? "")"
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

import SimSupport

/// GET /v1/organization/usage/{completions,embeddings,moderations} and /v1/organization/costs:
/// pages of time buckets built from `UsageMeter`'s counts.
public struct UsageService: Sendable {
    let meter: UsageMeter
    let clock: SimClock

    public init(meter: UsageMeter, clock: SimClock) {
        self.meter = meter
        self.clock = clock
    }

    public struct Query: Sendable {
        public var start: Int64
        public var end: Int64?
        public var width: String
        public var limit: Int?
        public var page: String?
        public var groupBy: [String]
        public var filter: UsageMeter.Filter
        public init(start: Int64, end: Int64?, width: String, limit: Int?, page: String?, groupBy: [String], filter: UsageMeter.Filter) {
            self.start = start
            self.end = end
            self.width = width
            self.limit = limit
            self.page = page
            self.groupBy = groupBy
            self.filter = filter
        }
    }

    static let widths: [String: Int64] = ["1m": 60, "1h": 3_600, "1d": 86_400]
    /// Default and largest bucket counts per page, by width (the API's).
    static let limits: [String: (default: Int, max: Int)] = ["1m": (60, 1_440), "1h": (24, 168), "1d": (7, 31)]

    /// The page of buckets for `kind` (usage) or for costs (`kind` nil). `userOf` names the user
    /// an API key id belongs to (see `UsageMeter.rows`).
    public func page(tenant: Tenant, kind: UsageMeter.Kind?, _ q: Query, userOf: (String) -> String? = { _ in nil }) throws(APIError) -> JSON {
        guard let width = Self.widths[q.width], let bounds = Self.limits[q.width] else {
            throw .invalidValue("bucket_width", q.width, supported: kind == nil ? ["1d"] : ["1m", "1h", "1d"])
        }
        if kind == nil, q.width != "1d" { throw .invalidValue("bucket_width", q.width, supported: ["1d"]) }
        let limit = q.limit ?? bounds.default
        guard (1...bounds.max).contains(limit) else {
            throw .invalidRequest("Invalid 'limit': must be between 1 and \(bounds.max) for bucket_width \(q.width).", param: "limit")
        }
        guard q.start >= 0 else { throw .invalidRequest("Invalid 'start_time': must be a Unix time in seconds.", param: "start_time") }
        let end = q.end ?? (clock.unixSeconds() / width + 1) * width
        guard end > q.start else { throw .invalidRequest("'end_time' must be after 'start_time'.", param: "end_time") }
        // Buckets are aligned to the width (days and hours in UTC) from the one holding start_time.
        let first = q.start / width * width
        var from = first
        if let page = q.page {
            guard let p = Self.decodePage(page), p >= first, p < end, (p - first) % width == 0 else {
                throw .invalidRequest("Invalid 'page' cursor: '\(page)'.", param: "page")
            }
            from = p
        }
        let to = min(end, from + Int64(limit) * width)
        // Costs are priced per model, so their rows are always split by model first.
        let rows = meter.rows(organizationTenantID: tenant.organizationTenantID, filter: q.filter, start: from, end: to,
                              width: width, groupBy: Set(q.groupBy + (kind == nil ? ["model"] : [])), userOf: userOf)
        var buckets: [JSON] = []
        var t = from
        while t < to {
            let bucketRows = rows[t] ?? []
            let results: [JSON] = kind.map { k in bucketRows.map { Self.usageResult(k, $0) } }
                ?? Self.costResults(bucketRows, grouped: q.groupBy)
            buckets.append(.object([("object", "bucket"), ("start_time", .int(t)), ("end_time", .int(min(t + width, end))),
                                    ("results", .array(results))]))
            t += width
        }
        let hasMore = to < end
        return .object([("object", "page"), ("data", .array(buckets)), ("has_more", .bool(hasMore)),
                        ("next_page", hasMore ? .string(Self.encodePage(to)) : .null)])
    }

    static func usageResult(_ kind: UsageMeter.Kind, _ row: UsageMeter.Row) -> JSON {
        let c = row.counts
        var pairs: [(String, JSON)] = [("object", .string("organization.usage.\(kind.rawValue).result")),
                                       ("input_tokens", .int(c.input))]
        if kind == .completions {
            pairs += [("input_cached_tokens", .int(c.cached)), ("input_uncached_tokens", .int(c.input - c.cached)),
                      ("output_tokens", .int(c.output)), ("input_audio_tokens", 0), ("output_audio_tokens", 0)]
        }
        pairs += [("num_model_requests", .int(c.requests)), ("project_id", JSON(row.project)), ("user_id", JSON(row.user)),
                  ("api_key_id", JSON(row.apiKey)), ("model", JSON(row.model))]
        if kind == .completions { pairs += [("batch", row.batch.map { .bool($0) } ?? .null), ("service_tier", .null)] }
        return .object(pairs)
    }

    /// Costs group by project, API key and line item. Rows come split by model (prices differ):
    /// with line items each model's input and output are items of their own; without, the amounts
    /// of a project and key (or of everything) add up to one result.
    static func costResults(_ rows: [UsageMeter.Row], grouped: [String]) -> [JSON] {
        func result(_ value: Double, line: String?, project: String?, apiKey: String?, quantity: Double?) -> JSON {
            .object([("object", "organization.costs.result"),
                     ("amount", .object([("value", .double((value * 1e9).rounded() / 1e9)), ("currency", "usd")])),
                     ("line_item", JSON(line)), ("project_id", JSON(project)), ("api_key_id", JSON(apiKey)),
                     ("quantity", quantity.map { .double($0) } ?? .null), ("quantity_unit", quantity == nil ? .null : "tokens")])
        }
        var out: [JSON] = []
        var totals: [(project: String?, apiKey: String?, value: Double)] = []
        for row in rows {
            let c = row.counts
            let (inputCost, outputCost) = Pricing.cost(c, model: row.model ?? "")
            let uncached = Double(c.input - c.cached), cached = Double(c.cached), output = Double(c.output)
            if grouped.contains("line_item") {
                let model = row.model ?? "unknown"
                out.append(result(inputCost, line: "\(model), input", project: row.project, apiKey: row.apiKey, quantity: uncached + cached))
                if c.output > 0 {
                    out.append(result(outputCost, line: "\(model), output", project: row.project, apiKey: row.apiKey, quantity: output))
                }
            } else if let i = totals.firstIndex(where: { $0.project == row.project && $0.apiKey == row.apiKey }) {
                totals[i].value += inputCost + outputCost
            } else {
                totals.append((row.project, row.apiKey, inputCost + outputCost))
            }
        }
        return out + totals.map { result($0.value, line: nil, project: $0.project, apiKey: $0.apiKey, quantity: nil) }
    }

    /// What an organization (or one of its projects) has spent in the calendar month (UTC) that
    /// holds `unix` (seconds), in USD, priced as the costs endpoint prices it. Kept by the meter as
    /// counts come in: constant time however many buckets the month has (summing the month's
    /// buckets on every priced request under a spend limit cost ~5 ms after 8,000 minutes of use).
    public func spentUSD(organizationTenantID: String, project: String?, inMonthOf unix: Int64) -> Double {
        meter.spentUSD(organizationTenantID: organizationTenantID, project: project, month: CivilDate.monthStart(unix))
    }

    /// Midnight UTC of the first day of the month holding `unix` (seconds).
    public static func monthStart(_ unix: Int64) -> Int64 { CivilDate.monthStart(unix) }

    static func encodePage(_ t: Int64) -> String { "page_" + String(t, radix: 16) }
    static func decodePage(_ s: String) -> Int64? {
        guard s.hasPrefix("page_") else { return nil }
        return Int64(s.dropFirst(5), radix: 16)
    }
}

/// USD list prices per million tokens the costs endpoint charges (input, cached input, output).
/// Approximations of the published prices, by model family; unknown models cost nothing.
public enum Pricing {
    public struct Price: Sendable { public let input, cachedInput, output: Double }

    /// First match wins: longer prefixes of a family before shorter ones.
    static let table: [(prefix: String, price: Price)] = [
        ("gpt-5-pro", Price(input: 15.00, cachedInput: 15.00, output: 120.00)),
        ("o1-pro", Price(input: 150.00, cachedInput: 150.00, output: 600.00)),
        ("o3-pro", Price(input: 20.00, cachedInput: 20.00, output: 80.00)),
        ("o3-deep-research", Price(input: 10.00, cachedInput: 2.50, output: 40.00)),
        ("o4-mini-deep-research", Price(input: 2.00, cachedInput: 0.50, output: 8.00)),
        ("o1-mini", Price(input: 1.10, cachedInput: 0.55, output: 4.40)),
        ("o1-preview", Price(input: 15.00, cachedInput: 7.50, output: 60.00)),
        ("codex-mini", Price(input: 1.50, cachedInput: 0.375, output: 6.00)),
        ("computer-use-preview", Price(input: 3.00, cachedInput: 3.00, output: 12.00)),
        ("chatgpt-4o-latest", Price(input: 5.00, cachedInput: 5.00, output: 15.00)),
        ("gpt-4.1-nano", Price(input: 0.10, cachedInput: 0.025, output: 0.40)),
        ("gpt-4.1-mini", Price(input: 0.40, cachedInput: 0.10, output: 1.60)),
        ("gpt-4.1", Price(input: 2.00, cachedInput: 0.50, output: 8.00)),
        ("gpt-4o-mini", Price(input: 0.15, cachedInput: 0.075, output: 0.60)),
        ("gpt-4o", Price(input: 2.50, cachedInput: 1.25, output: 10.00)),
        ("gpt-5-nano", Price(input: 0.05, cachedInput: 0.005, output: 0.40)),
        ("gpt-5-mini", Price(input: 0.25, cachedInput: 0.025, output: 2.00)),
        ("gpt-5", Price(input: 1.25, cachedInput: 0.125, output: 10.00)),
        ("gpt-3.5-turbo-instruct", Price(input: 1.50, cachedInput: 1.50, output: 2.00)),
        ("gpt-3.5-turbo", Price(input: 0.50, cachedInput: 0.50, output: 1.50)),
        ("davinci-002", Price(input: 2.00, cachedInput: 2.00, output: 2.00)),
        ("babbage-002", Price(input: 0.40, cachedInput: 0.40, output: 0.40)),
        ("o4-mini", Price(input: 1.10, cachedInput: 0.275, output: 4.40)),
        ("o3-mini", Price(input: 1.10, cachedInput: 0.55, output: 4.40)),
        ("o3", Price(input: 2.00, cachedInput: 0.50, output: 8.00)),
        ("o1", Price(input: 15.00, cachedInput: 7.50, output: 60.00)),
        ("gpt-4-32k", Price(input: 60.00, cachedInput: 60.00, output: 120.00)),
        ("gpt-4-turbo", Price(input: 10.00, cachedInput: 10.00, output: 30.00)),
        ("gpt-4-1106", Price(input: 10.00, cachedInput: 10.00, output: 30.00)),
        ("gpt-4-0125", Price(input: 10.00, cachedInput: 10.00, output: 30.00)),
        ("gpt-4-vision", Price(input: 10.00, cachedInput: 10.00, output: 30.00)),
        ("gpt-4", Price(input: 30.00, cachedInput: 30.00, output: 60.00)),
        ("text-embedding-3-small", Price(input: 0.02, cachedInput: 0.02, output: 0)),
        ("text-embedding-3-large", Price(input: 0.13, cachedInput: 0.13, output: 0)),
        ("text-embedding-ada-002", Price(input: 0.10, cachedInput: 0.10, output: 0)),
    ]

    /// A fine-tuned model (`ft:BASE:…`) is priced as its base; the `-pro` models of GPT-5.x as gpt-5-pro,
    /// the other GPT-5.x models as gpt-5 (their size suffix kept: gpt-5.4-mini as gpt-5-mini); the
    /// GPT-6 models, whose prices are not known here, as GPT-5.x (gpt-6.1-sol as gpt-5).
    /// The input (cached input at its price) and output cost, in USD, of `counts` of `model`.
    public static func cost(_ counts: UsageMeter.Counts, model: String) -> (input: Double, output: Double) {
        cost(counts, at: perMillion(model))
    }

    /// The input and output cost, in USD, of `counts` at `price` (per million tokens).
    static func cost(_ counts: UsageMeter.Counts, at price: Price) -> (input: Double, output: Double) {
        let uncached = Double(counts.input - counts.cached), cached = Double(counts.cached)
        return ((uncached * price.input + cached * price.cachedInput) / 1_000_000, Double(counts.output) * price.output / 1_000_000)
    }

    public static func perMillion(_ model: String) -> Price {
        var m = ModelCatalog.baseName(model)
        if m.hasPrefix("gpt-5.") || m.hasPrefix("gpt-6") {
            let rest = m.dropFirst(5).drop { $0 != "-" }
            m = rest.hasPrefix("-pro") ? "gpt-5-pro" : Substring("gpt-5" + rest)
        }
        return table.first { m.hasPrefix($0.prefix) }?.price ?? Price(input: 0, cachedInput: 0, output: 0)
    }
}

import SimSupport

/// Project rate limits: one per model of the catalog, at the organization's limits until a
/// project lowers them. Lowered limits are stored per project (`org_rate_limits`, id
/// `project/rl_model`); the listing merges them over the defaults.
extension AdminService {
    static let rateLimits = "org_rate_limits"

    /// The fields a rate limit may carry, in the order the API answers them.
    public static let rateLimitFields = ["max_requests_per_1_minute", "max_tokens_per_1_minute", "max_images_per_1_minute",
                                  "max_audio_megabytes_per_1_minute", "max_requests_per_1_day", "batch_1_day_max_input_tokens"]

    /// The organization's limits for a model (a simulated usage tier; see docs/ADMIN.md): what a
    /// project starts with and the most it may be set to. Only the fields that apply to the
    /// model's family are present.
    static func organizationLimits(_ model: ModelInfo) -> [(String, Int64)] {
        switch model.family {
        case .chat, .reasoning, .completion:
            return [("max_requests_per_1_minute", 5_000), ("max_tokens_per_1_minute", 2_000_000),
                    ("batch_1_day_max_input_tokens", 20_000_000)]
        case .embedding:
            return [("max_requests_per_1_minute", 5_000), ("max_tokens_per_1_minute", 5_000_000),
                    ("batch_1_day_max_input_tokens", 20_000_000)]
        case .moderation:
            return [("max_requests_per_1_minute", 1_000), ("max_tokens_per_1_minute", 150_000),
                    ("max_requests_per_1_day", 1_000_000)]
        }
    }

    static func rateLimitID(_ model: String) -> String { "rl_" + model }

    static func rateLimitObject(_ model: ModelInfo, values: [(String, Int64)]) -> JSON {
        var pairs: [(String, JSON)] = [("object", "project.rate_limit"), ("id", .string(rateLimitID(model.id))), ("model", .string(model.id))]
        for (k, v) in values { pairs.append((k, .int(v))) }
        return .object(pairs)
    }

    /// The catalog models a project has limits for (listed ones, in catalog order).
    static var rateLimitedModels: [ModelInfo] { ModelCatalog.models.filter(\.listed) }

    /// - Remark: GET /v1/organization/projects/{project_id}/rate_limits
    public func listRateLimits(tenant: Tenant, project: String, after: String?, before: String?, limit: Int) throws(APIError) -> Page {
        let org = try org(tenant)
        _ = try loadProject(org, project)
        let all = try Self.rateLimitedModels.map { m throws(APIError) in try rateLimit(org, project, m) }
        // With `before`, `after` is not read.
        return try Self.page(all, after: before == nil ? after : nil, before: before, limit: limit)
    }

    /// Sets some of a model's limits for the project. Each must be a positive integer no higher
    /// than the organization's limit, and apply to the model.
    /// - Remark: POST /v1/organization/projects/{project_id}/rate_limits/{rate_limit_id}
    public func updateRateLimit(tenant: Tenant, project: String, id: String, changes: [(String, Int64)]) throws(APIError) -> JSON {
        let org = try org(tenant)
        try requireActive(try loadProject(org, project))
        guard id.hasPrefix("rl_"), let model = ModelCatalog.base(String(id.dropFirst(3))), model.listed else {
            throw .invalidRequest("No such rate limit: '\(id)'.", param: "rate_limit_id", code: "not_found", status: 404)
        }
        let ceiling = Self.organizationLimits(model)
        var values = try rateLimitValues(org, project, model)
        for (field, value) in changes {
            guard let top = ceiling.first(where: { $0.0 == field })?.1 else {
                throw .invalidRequest("'\(field)' does not apply to model \(model.id).", param: field)
            }
            guard value >= 1 else {
                throw .invalidRequest("Invalid '\(field)': integer below minimum value. Expected a value >= 1, but got \(value) instead.",
                                      param: field, code: "integer_below_min_value")
            }
            guard value <= top else {
                throw .invalidRequest("Invalid '\(field)': a project's limit cannot exceed the organization's (\(top) for \(model.id)).",
                                      param: field, code: "integer_above_max_value")
            }
            if let i = values.firstIndex(where: { $0.0 == field }) { values[i].1 = value }
        }
        let object = Self.rateLimitObject(model, values: values)
        try put(org.root.id, Self.rateLimits, project + "/" + id, env.now(), object)
        noteEnforcedLimits(organizationTenantID: org.root.id, project: project, model: model, values: values)
        return object
    }

    /// The project's limits for `model` (its stored values, else the organization's).
    func rateLimitValues(_ org: Org, _ project: String, _ model: ModelInfo) throws(APIError) -> [(String, Int64)] {
        let defaults = Self.organizationLimits(model)
        guard let r = try? env.records.get(tenant: org.root.id, collection: Self.rateLimits, id: project + "/" + Self.rateLimitID(model.id)) else {
            return defaults
        }
        return defaults.map { ($0.0, r.body[$0.0]?.intValue ?? $0.1) }
    }

    func rateLimit(_ org: Org, _ project: String, _ model: ModelInfo) throws(APIError) -> JSON {
        Self.rateLimitObject(model, values: try rateLimitValues(org, project, model))
    }
}

/// A project's limits for one model that requests are held to: the requests and tokens per
/// minute a project set below the organization's. The organization's own limits (a simulated
/// usage tier, thousands of requests a minute) are reported but not enforced, so load tests
/// against the simulator are never throttled by a limit nobody chose.
public struct EnforcedLimits: Sendable, Equatable {
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }
}

extension AdminService {
    /// True when some project has lowered a limit (one atomic load: the common answer is no).
    public var enforcesRateLimits: Bool { !enforced.isEmpty }

    /// The lowered limits of `project` for the model a request names, and the model they are
    /// for (a fine-tuned model counts against its base model's limits); nil when the project
    /// lowered none for it.
    public func enforcedLimits(organizationTenantID: String, project: String, model name: String) -> (model: String, limits: EnforcedLimits)? {
        guard let m = ModelCatalog.base(String(ModelCatalog.baseName(name))), m.listed,
              let limits = enforced[OrganizationKeyed<EnforcedLimits>.key(organizationTenantID, project, m.id)] else { return nil }
        return (m.id, limits)
    }

    /// Records (or drops) the enforced part of a project's limits for `model` after a change.
    func noteEnforcedLimits(organizationTenantID: String, project: String, model: ModelInfo, values: [(String, Int64)]) {
        let ceiling = Self.organizationLimits(model)
        func lowered(_ field: String) -> Int? {
            guard let v = values.first(where: { $0.0 == field })?.1, let top = ceiling.first(where: { $0.0 == field })?.1, v < top else {
                return nil
            }
            return Int(v)
        }
        let limits = EnforcedLimits(requestsPerMinute: lowered("max_requests_per_1_minute"),
                                    tokensPerMinute: lowered("max_tokens_per_1_minute"))
        enforced.set(OrganizationKeyed<EnforcedLimits>.key(organizationTenantID, project, model.id),
                     limits == EnforcedLimits() ? nil : limits)
    }

    /// The lowered limits saved by earlier runs (a data directory), at start.
    func loadEnforcedLimits() {
        guard let saved = try? env.records.all(collection: Self.rateLimits) else { return }
        for r in saved {
            // Ids are `project/rl_model`.
            guard let slash = r.id.firstIndex(of: "/") else { continue }
            let project = String(r.id[..<slash]), limitID = String(r.id[r.id.index(after: slash)...])
            guard limitID.hasPrefix("rl_"), let model = ModelCatalog.base(String(limitID.dropFirst(3))) else { continue }
            let values = Self.organizationLimits(model).map { ($0.0, r.body[$0.0]?.intValue ?? $0.1) }
            noteEnforcedLimits(organizationTenantID: r.tenant, project: project, model: model, values: values)
        }
    }
}

import SimCore
import SimHTTP
import SimScenarios
import SimSupport

/// A project's model permissions, hosted tool permissions (web search), hard spend limits (the
/// organization's and the project's) and lowered rate limits, enforced on live model requests.
/// `AdminService` keeps which models a project may use (`modelAllowed`) and which limits it
/// lowered (`enforcedLimits`); the budgets (requests and tokens per minute, refilling
/// continuously on the simulator clock) are the scenario engine's `RateBudgets`, and the refusal
/// and the `x-ratelimit-*` headers are worded as a scenario's `rate_limit` words them.
extension App {
    /// The live endpoints a project's permissions and limits apply to. Batch lines and eval
    /// samples do not come through `respond` and are not counted (the API keeps batch limits apart).
    static let rateLimitedPaths: Set<String> = ["/v1/chat/completions", "/v1/responses", "/v1/embeddings", "/v1/moderations", "/v1/completions"]

    /// A project's budget for one model: the limits it was made for, and its state.
    struct ProjectBudget: Sendable {
        var limit: RateLimit
        var budgets: RateBudgets
    }

    /// Whether any project has model permissions or lowered limits (atomic loads; usually no).
    var enforcesProjectPolicies: Bool {
        services.admin.enforcesRateLimits || services.admin.enforcesModelPermissions || services.admin.enforcesToolPermissions
            || services.admin.enforcesSpendLimits
    }

    /// Holds a live model request to its project's model permissions, then to its lowered limits
    /// for the model it names. Nil when neither applies; otherwise the refusal to answer with
    /// (403 for a model the project may not use, 429 over a limit), or nil and the
    /// `x-ratelimit-*` headers for the answer. The parsed body is handed on in `exchange`, so
    /// the handler does not parse it again.
    func checkProjectPolicies(_ exchange: inout Exchange) -> (refusal: HTTPResponse?, headers: [(String, String)])? {
        let request = exchange.request
        guard request.method == "POST", Self.rateLimitedPaths.contains(request.path),
              let body = ScenarioMiddleware.jsonBody(request), let model = body["model"]?.stringValue else { return nil }
        let tenant = exchange.tenant
        let organization = tenant.organizationTenantID
        exchange.request.preparsedJSON = body
        guard services.admin.modelAllowed(organizationTenantID: organization, project: tenant.projectID, model: model) else {
            // As the API answers it (the SDK raises PermissionDeniedError).
            let refusal = App.errorResponse(APIError(status: 403, type: "invalid_request_error", code: "model_not_found",
                                                     message: "Project `\(tenant.projectID)` does not have access to model `\(model)`"))
            return (refusal, [])
        }
        // Hosted tools the project turned off: web search (the Responses tool, or a search model).
        if services.admin.enforcesToolPermissions,
           !services.admin.toolAllowed(organizationTenantID: organization, project: tenant.projectID, tool: "web_search") {
            let searches = (body["tools"]?.arrayValue ?? []).contains { $0["type"]?.stringValue?.hasPrefix("web_search") == true }
                || ModelCatalog.base(model)?.searchesWeb == true
            if searches {
                let refusal = App.errorResponse(APIError(status: 403, type: "invalid_request_error", param: "tools",
                                                         message: "Project `\(tenant.projectID)` does not have access to the hosted tool `web_search`."))
                return (refusal, [])
            }
        }
        // Hard spend limits: once this calendar month's spend (UTC, on the simulator clock, priced as
        // the costs endpoint prices it) reaches the organization's or the project's threshold,
        // priced requests get the API's 429 insufficient_quota. The request that crosses the
        // threshold is answered; moderations cost nothing and are not refused.
        if services.admin.enforcesSpendLimits, request.path != "/v1/moderations", overSpendLimit(tenant) {
            return (ScenarioResponses.insufficientQuota(), [])
        }
        guard let enforced = services.admin.enforcedLimits(organizationTenantID: organization, project: tenant.projectID, model: model)
        else { return nil }
        let wanted = RateLimit(rpm: enforced.limits.requestsPerMinute, tpm: enforced.limits.tokensPerMinute)
        // Keyed by the model whose limits apply: a base model and its fine-tunes share one budget.
        let key = OrganizationKeyed<ProjectBudget>.key(organization, tenant.projectID, enforced.model)
        let tokens = ScenarioResponses.estimateTokens(body)
        let now = env.clock.now()
        let decision = projectBudgets.update(key) { entry -> RateDecision in
            // A changed limit starts a fresh budget.
            var budgets = entry.flatMap { $0.limit == wanted ? $0.budgets : nil } ?? RateBudgets(wanted)
            let d = budgets.charge(tokens: tokens, now: now)
            entry = ProjectBudget(limit: wanted, budgets: budgets)
            return d
        }
        let headers = ScenarioResponses.rateHeaders(decision)
        guard decision.allowed else {
            var refusal = ScenarioResponses.rateLimited(decision, exchange: exchange, body: body)
            for (k, v) in headers { refusal.setHeader(k, v) }
            return (refusal, headers)
        }
        return (nil, headers)
    }

    /// Whether this month's spend has reached the organization's or the project's hard limit.
    func overSpendLimit(_ tenant: Tenant) -> Bool {
        let organization = tenant.organizationTenantID
        let limits = services.admin.spendLimits(organizationTenantID: organization, project: tenant.projectID)
        guard limits.organization != nil || limits.project != nil else { return false }
        let usage = UsageService(meter: services.inference.usage, clock: env.clock)
        let now = env.clock.unixSeconds()
        if let cents = limits.organization, usage.spentUSD(organizationTenantID: organization, project: nil, inMonthOf: now) * 100 >= Double(cents) {
            return true
        }
        if let cents = limits.project,
           usage.spentUSD(organizationTenantID: organization, project: tenant.projectID, inMonthOf: now) * 100 >= Double(cents) {
            return true
        }
        return false
    }
}

import SimSupport

/// Organization and project settings: data retention, the hard spend limit, spend alerts, and a
/// project's model and hosted-tool permissions.
///
/// Settings are stored in `org_settings` under ids `data_retention`, `spend_limit` (the
/// organization's) and `proj_…/data_retention`, `proj_…/spend_limit`,
/// `proj_…/model_permissions`, `proj_…/hosted_tool_permissions` (a project's). Until set, a
/// read answers the default (see docs/ADMIN.md): retention `modified_abuse_monitoring` for the
/// organization and `organization_default` for a project, no spend limit (404), a deny list
/// with no models, every hosted tool enabled. Spend alerts are records of `org_spend_alerts`
/// (a project's carry `_project_id`). Of these, only a project's model permissions are enforced
/// (on its live model requests, see `modelAllowed`); the rest are stored and answered.
extension AdminService {
    static let settings = "org_settings"
    static let spendAlerts = "org_spend_alerts"

    public static let organizationRetentionTypes = ["zero_data_retention", "modified_abuse_monitoring",
                                                    "enhanced_zero_data_retention", "enhanced_modified_abuse_monitoring"]
    public static let projectRetentionTypes = ["organization_default", "none"] + organizationRetentionTypes
    public static let hostedTools = ["file_search", "web_search", "image_generation", "mcp", "code_interpreter"]
    public static let modelPermissionModes = ["allow_list", "deny_list"]

    /// The id of a setting of the organization (`project` nil) or of a project.
    static func settingID(_ project: String?, _ name: String) -> String { project.map { $0 + "/" + name } ?? name }

    func setting(_ org: Org, _ project: String?, _ name: String) -> JSON? {
        (try? env.records.get(tenant: org.root.id, collection: Self.settings, id: Self.settingID(project, name)))?.body
    }

    func putSetting(_ org: Org, _ project: String?, _ name: String, _ body: JSON) throws(APIError) {
        try put(org.root.id, Self.settings, Self.settingID(project, name), env.now(), body)
    }

    /// The organization, after checking the project exists (and, to change it, is not archived).
    func settingsScope(_ tenant: Tenant, _ project: String?, changing: Bool) throws(APIError) -> Org {
        let org = try org(tenant)
        if let project {
            let p = try loadProject(org, project)
            if changing { try requireActive(p) }
        }
        return org
    }

    // MARK: - Data retention

    /// - Remark: GET /v1/organization/data_retention, GET /v1/organization/projects/{project_id}/data_retention
    public func dataRetention(tenant: Tenant, project: String?) throws(APIError) -> JSON {
        let org = try settingsScope(tenant, project, changing: false)
        let type = setting(org, project, "data_retention")?["type"]?.stringValue
            ?? (project == nil ? "modified_abuse_monitoring" : "organization_default")
        return Self.retentionObject(project, type)
    }

    /// - Remark: POST /v1/organization/data_retention, POST /v1/organization/projects/{project_id}/data_retention
    public func updateDataRetention(tenant: Tenant, project: String?, type: String) throws(APIError) -> JSON {
        let allowed = project == nil ? Self.organizationRetentionTypes : Self.projectRetentionTypes
        guard allowed.contains(type) else { throw .invalidValue("retention_type", type, supported: allowed) }
        let org = try settingsScope(tenant, project, changing: true)
        try putSetting(org, project, "data_retention", .object([("type", .string(type))]))
        return Self.retentionObject(project, type)
    }

    static func retentionObject(_ project: String?, _ type: String) -> JSON {
        .object([("object", .string(project == nil ? "organization.data_retention" : "project.data_retention")), ("type", .string(type))])
    }

    // MARK: - Spend limit

    /// 404 when none is set.
    /// - Remark: GET /v1/organization/spend_limit, GET /v1/organization/projects/{project_id}/spend_limit
    public func spendLimit(tenant: Tenant, project: String?) throws(APIError) -> JSON {
        let org = try settingsScope(tenant, project, changing: false)
        guard let s = setting(org, project, "spend_limit") else { throw Self.noSpendLimit(project) }
        return s
    }

    /// Creates or replaces the hard limit (`threshold_amount` in cents, at least 1).
    /// - Remark: POST /v1/organization/spend_limit, POST /v1/organization/projects/{project_id}/spend_limit
    public func updateSpendLimit(tenant: Tenant, project: String?, threshold: Int64, currency: String, interval: String) throws(APIError) -> JSON {
        try Self.checkAmount(threshold, minimum: 1)
        try Self.checkCurrencyAndInterval(currency, interval)
        let org = try settingsScope(tenant, project, changing: true)
        let limit: JSON = .object([("object", .string(project == nil ? "organization.spend_limit" : "project.spend_limit")),
                                   ("threshold_amount", .int(threshold)), ("currency", .string(currency)), ("interval", .string(interval)),
                                   ("enforcement", .object([("status", "enforcing")]))])
        try putSetting(org, project, "spend_limit", limit)
        spendLimits.set(OrganizationKeyed<Int64>.key(org.root.id, project ?? ""), threshold)
        return limit
    }

    /// - Remark: DELETE /v1/organization/spend_limit, DELETE /v1/organization/projects/{project_id}/spend_limit
    public func deleteSpendLimit(tenant: Tenant, project: String?) throws(APIError) -> JSON {
        let org = try settingsScope(tenant, project, changing: true)
        guard setting(org, project, "spend_limit") != nil else { throw Self.noSpendLimit(project) }
        remove(org.root.id, Self.settings, Self.settingID(project, "spend_limit"))
        spendLimits.set(OrganizationKeyed<Int64>.key(org.root.id, project ?? ""), nil)
        return .object([("object", .string(project == nil ? "organization.spend_limit.deleted" : "project.spend_limit.deleted")),
                        ("deleted", true)])
    }

    /// True when some organization or project has a hard spend limit (one atomic load).
    public var enforcesSpendLimits: Bool { !spendLimits.isEmpty }

    /// The hard limits, in cents, over a request of `project`: its organization's and its own.
    public func spendLimits(organizationTenantID: String, project: String) -> (organization: Int64?, project: Int64?) {
        (spendLimits[OrganizationKeyed<Int64>.key(organizationTenantID, "")],
         spendLimits[OrganizationKeyed<Int64>.key(organizationTenantID, project)])
    }

    /// The limits saved by earlier runs (a data directory), at start.
    func loadSpendLimits() {
        guard let saved = try? env.records.all(collection: Self.settings) else { return }
        for r in saved {
            guard r.id == "spend_limit" || r.id.hasSuffix("/spend_limit"), let threshold = r.body["threshold_amount"]?.intValue else { continue }
            let project = r.id == "spend_limit" ? "" : String(r.id.dropLast("/spend_limit".count))
            spendLimits.set(OrganizationKeyed<Int64>.key(r.tenant, project), threshold)
        }
    }

    static func noSpendLimit(_ project: String?) -> APIError {
        .invalidRequest(project.map { "Project '\($0)' has no spend limit." } ?? "The organization has no spend limit.",
                        code: "not_found", status: 404)
    }

    static func checkAmount(_ amount: Int64, minimum: Int64) throws(APIError) {
        guard amount >= minimum else {
            throw .invalidRequest("Invalid 'threshold_amount': integer below minimum value. Expected a value >= \(minimum), but got \(amount) instead.",
                                  param: "threshold_amount", code: "integer_below_min_value")
        }
    }

    static func checkCurrencyAndInterval(_ currency: String, _ interval: String) throws(APIError) {
        guard currency == "USD" else { throw .invalidValue("currency", currency, supported: ["USD"]) }
        guard interval == "month" else { throw .invalidValue("interval", interval, supported: ["month"]) }
    }

    // MARK: - Spend alerts

    /// What a spend alert is created or replaced with.
    public struct SpendAlertInput: Sendable {
        public var threshold: Int64
        public var currency: String
        public var interval: String
        public var recipients: [String]
        public var subjectPrefix: String?

        public init(threshold: Int64, currency: String, interval: String, recipients: [String], subjectPrefix: String?) {
            (self.threshold, self.currency, self.interval, self.recipients, self.subjectPrefix) = (threshold, currency, interval, recipients, subjectPrefix)
        }
    }

    /// - Remark: POST /v1/organization/spend_alerts, POST /v1/organization/projects/{project_id}/spend_alerts
    public func createSpendAlert(tenant: Tenant, project: String?, _ input: SpendAlertInput) throws(APIError) -> JSON {
        try Self.checkAlert(input)
        let org = try settingsScope(tenant, project, changing: true)
        let id = env.ids(stream: org.root.id).make("alert_", length: 24)
        let alert = Self.alertObject(id, project, input)
        try put(org.root.id, Self.spendAlerts, id, env.now(), alert)
        return alert.withoutInternalMembers
    }

    /// Oldest first by default; `after` and `before` are alert ids of the list.
    /// - Remark: GET /v1/organization/spend_alerts, GET /v1/organization/projects/{project_id}/spend_alerts
    public func listSpendAlerts(tenant: Tenant, project: String?, after: String?, before: String?, limit: Int,
                                order: ListOrder) throws(APIError) -> Page {
        let org = try settingsScope(tenant, project, changing: false)
        var all = try records(org.root.id, Self.spendAlerts).map(\.body)
            .filter { $0["_project_id"]?.stringValue == project }.map(\.withoutInternalMembers)
        if order == .desc { all.reverse() }
        return try Self.page(all, after: after, before: before, limit: limit)
    }

    /// - Remark: GET /v1/organization/spend_alerts/{alert_id}, GET /v1/organization/projects/{project_id}/spend_alerts/{alert_id}
    public func retrieveSpendAlert(tenant: Tenant, project: String?, id: String) throws(APIError) -> JSON {
        let org = try settingsScope(tenant, project, changing: false)
        return try loadSpendAlert(org, project, id).withoutInternalMembers
    }

    /// Replaces the alert's threshold and notification settings.
    /// - Remark: POST /v1/organization/spend_alerts/{alert_id}, POST /v1/organization/projects/{project_id}/spend_alerts/{alert_id}
    public func updateSpendAlert(tenant: Tenant, project: String?, id: String, _ input: SpendAlertInput) throws(APIError) -> JSON {
        let org = try settingsScope(tenant, project, changing: true)
        _ = try loadSpendAlert(org, project, id)
        try Self.checkAlert(input)
        let createdAt = (try? env.records.get(tenant: org.root.id, collection: Self.spendAlerts, id: id))?.createdAt ?? env.now()
        let alert = Self.alertObject(id, project, input)
        try put(org.root.id, Self.spendAlerts, id, createdAt, alert)
        return alert.withoutInternalMembers
    }

    /// - Remark: DELETE /v1/organization/spend_alerts/{alert_id}, DELETE /v1/organization/projects/{project_id}/spend_alerts/{alert_id}
    public func deleteSpendAlert(tenant: Tenant, project: String?, id: String) throws(APIError) -> JSON {
        let org = try settingsScope(tenant, project, changing: true)
        _ = try loadSpendAlert(org, project, id)
        remove(org.root.id, Self.spendAlerts, id)
        return .object([("id", .string(id)), ("object", .string(project == nil ? "organization.spend_alert.deleted" : "project.spend_alert.deleted")),
                        ("deleted", true)])
    }

    func loadSpendAlert(_ org: Org, _ project: String?, _ id: String) throws(APIError) -> JSON {
        guard let r = try? env.records.get(tenant: org.root.id, collection: Self.spendAlerts, id: id),
              r.body["_project_id"]?.stringValue == project else {
            throw .invalidRequest("No such spend alert: '\(id)'.", param: "alert_id", code: "not_found", status: 404)
        }
        return r.body
    }

    static func alertObject(_ id: String, _ project: String?, _ input: SpendAlertInput) -> JSON {
        var pairs: [(String, JSON)] = [("id", .string(id)), ("object", .string(project == nil ? "organization.spend_alert" : "project.spend_alert")),
                                       ("threshold_amount", .int(input.threshold)), ("currency", .string(input.currency)),
                                       ("interval", .string(input.interval)),
                                       ("notification_channel", .object([("type", "email"), ("recipients", .array(input.recipients.map { .string($0) })),
                                                                         ("subject_prefix", JSON(input.subjectPrefix))]))]
        if let project { pairs.append(("_project_id", .string(project))) }
        return .object(pairs)
    }

    /// A threshold of at least 0 cents, USD per month, and 1 to 20 email recipients.
    static func checkAlert(_ input: SpendAlertInput) throws(APIError) {
        try checkAmount(input.threshold, minimum: 0)
        try checkCurrencyAndInterval(input.currency, input.interval)
        let param = "notification_channel.recipients"
        guard !input.recipients.isEmpty else {
            throw .invalidRequest("Invalid '\(param)': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                                  param: param, code: "empty_array")
        }
        guard input.recipients.count <= 20 else {
            throw .invalidRequest("Invalid '\(param)': array too long. Expected an array with maximum length 20, but got an array with length \(input.recipients.count) instead.",
                                  param: param, code: "array_above_max_length")
        }
        for (i, r) in input.recipients.enumerated() {
            let parts = r.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !r.contains(" ") else {
                throw .invalidRequest("Invalid '\(param)[\(i)]': '\(r)' is not an email address.", param: "\(param)[\(i)]", code: "invalid_value")
            }
        }
    }

    // MARK: - Model permissions

    /// A deny list with no models (every model allowed) until set.
    /// - Remark: GET /v1/organization/projects/{project_id}/model_permissions
    public func modelPermissions(tenant: Tenant, project: String) throws(APIError) -> JSON {
        let org = try settingsScope(tenant, project, changing: false)
        return setting(org, project, "model_permissions")
            ?? .object([("object", "project.model_permissions"), ("mode", "deny_list"), ("model_ids", .array([]))])
    }

    /// Model ids must be catalog models or fine-tunes of one (`ft:<model>:…`); duplicates are dropped.
    /// - Remark: POST /v1/organization/projects/{project_id}/model_permissions
    public func updateModelPermissions(tenant: Tenant, project: String, mode: String, modelIDs: [String]) throws(APIError) -> JSON {
        guard Self.modelPermissionModes.contains(mode) else { throw .invalidValue("mode", mode, supported: Self.modelPermissionModes) }
        var ids: [String] = []
        for (i, m) in modelIDs.enumerated() {
            guard ModelCatalog.base(String(ModelCatalog.baseName(m))) != nil else {
                throw .invalidRequest("Invalid 'model_ids[\(i)]': the model '\(m)' does not exist.", param: "model_ids[\(i)]", code: "model_not_found")
            }
            if !ids.contains(m) { ids.append(m) }
        }
        let org = try settingsScope(tenant, project, changing: true)
        let policy: JSON = .object([("object", "project.model_permissions"), ("mode", .string(mode)), ("model_ids", .array(ids.map { .string($0) }))])
        try putSetting(org, project, "model_permissions", policy)
        noteModelPolicy(organizationTenantID: org.root.id, project: project, ModelPolicy(allowList: mode == "allow_list", ids: Set(ids)))
        return policy
    }

    /// Back to the default (every model allowed).
    /// - Remark: DELETE /v1/organization/projects/{project_id}/model_permissions
    public func deleteModelPermissions(tenant: Tenant, project: String) throws(APIError) -> JSON {
        let org = try settingsScope(tenant, project, changing: true)
        remove(org.root.id, Self.settings, Self.settingID(project, "model_permissions"))
        noteModelPolicy(organizationTenantID: org.root.id, project: project, ModelPolicy(allowList: false, ids: []))
        return .object([("object", "project.model_permissions.deleted"), ("deleted", true)])
    }

    // MARK: - Hosted tool permissions

    /// Every tool enabled until changed.
    /// - Remark: GET /v1/organization/projects/{project_id}/hosted_tool_permissions
    public func hostedToolPermissions(tenant: Tenant, project: String) throws(APIError) -> JSON {
        let org = try settingsScope(tenant, project, changing: false)
        return Self.toolsObject(setting(org, project, "hosted_tool_permissions"))
    }

    /// Sets the tools named in `changes`; the others keep their state.
    /// - Remark: POST /v1/organization/projects/{project_id}/hosted_tool_permissions
    public func updateHostedToolPermissions(tenant: Tenant, project: String, changes: [(String, Bool)]) throws(APIError) -> JSON {
        for (tool, _) in changes where !Self.hostedTools.contains(tool) { throw .unknownParameter(tool) }
        let org = try settingsScope(tenant, project, changing: true)
        var state = Self.toolsObject(setting(org, project, "hosted_tool_permissions"))
        for (tool, enabled) in changes { state = state.setting(tool, .object([("enabled", .bool(enabled))])) }
        try putSetting(org, project, "hosted_tool_permissions", state)
        noteToolPermissions(organizationTenantID: org.root.id, project: project, state)
        return state
    }

    static func toolsObject(_ stored: JSON?) -> JSON {
        .object(hostedTools.map { t in (t, .object([("enabled", .bool(stored?[t]?["enabled"]?.boolValue ?? true))])) })
    }
}

/// A project's model permissions as enforced: an allow list or a deny list of model ids.
public struct ModelPolicy: Sendable, Equatable {
    public var allowList: Bool
    public var ids: Set<String>
    /// The default: a deny list with nothing on it.
    var isDefault: Bool { !allowList && ids.isEmpty }

    /// Whether a request may use the model `name`: a fine-tuned model (`ft:BASE:…`) is named by
    /// its own id or by its base model's.
    public func allows(_ name: String) -> Bool {
        allowList == (ids.contains(name) || ids.contains(String(ModelCatalog.baseName(name))))
    }
}

extension AdminService {
    /// True when some project's model permissions are not the default.
    public var enforcesModelPermissions: Bool { !modelPolicies.isEmpty }

    /// Whether `project` may use the model `name` (true when its permissions are the default).
    public func modelAllowed(organizationTenantID: String, project: String, model name: String) -> Bool {
        modelPolicies[OrganizationKeyed<ModelPolicy>.key(organizationTenantID, project)]?.allows(name) ?? true
    }

    func noteModelPolicy(organizationTenantID: String, project: String, _ policy: ModelPolicy) {
        modelPolicies.set(OrganizationKeyed<ModelPolicy>.key(organizationTenantID, project), policy.isDefault ? nil : policy)
    }

    /// True when some project turned a hosted tool off.
    public var enforcesToolPermissions: Bool { !disabledTools.isEmpty }

    /// Whether `project` may use the hosted tool `tool` (`web_search`, …; true until turned off).
    public func toolAllowed(organizationTenantID: String, project: String, tool: String) -> Bool {
        !(disabledTools[OrganizationKeyed<Set<String>>.key(organizationTenantID, project)]?.contains(tool) ?? false)
    }

    func noteToolPermissions(organizationTenantID: String, project: String, _ state: JSON) {
        let off = Set(Self.hostedTools.filter { state[$0]?["enabled"]?.boolValue == false })
        disabledTools.set(OrganizationKeyed<Set<String>>.key(organizationTenantID, project), off.isEmpty ? nil : off)
    }

    /// The hosted tool permissions saved by earlier runs (a data directory), at start.
    func loadToolPermissions() {
        guard let saved = try? env.records.all(collection: Self.settings) else { return }
        let suffix = "/hosted_tool_permissions"
        for r in saved where r.id.hasSuffix(suffix) {
            noteToolPermissions(organizationTenantID: r.tenant, project: String(r.id.dropLast(suffix.count)), r.body)
        }
    }

    /// The permissions saved by earlier runs (a data directory), at start.
    func loadModelPolicies() {
        guard let saved = try? env.records.all(collection: Self.settings) else { return }
        let suffix = "/model_permissions"
        for r in saved where r.id.hasSuffix(suffix) {
            let ids = Set((r.body["model_ids"]?.arrayValue ?? []).compactMap(\.stringValue))
            noteModelPolicy(organizationTenantID: r.tenant, project: String(r.id.dropLast(suffix.count)),
                            ModelPolicy(allowList: r.body["mode"]?.stringValue == "allow_list", ids: ids))
        }
    }

}

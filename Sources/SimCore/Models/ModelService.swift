import SimSupport

/// The Models API: the base catalog plus the tenant's own fine-tuned models.
public struct ModelService: Sendable {
    public static let collection = "models"
    let env: SimEnvironment
    public init(env: SimEnvironment) { self.env = env }

    static func json(id: String, created: Int64, ownedBy: String) -> JSON {
        .object([("id", .string(id)), ("object", "model"), ("created", .int(created)), ("owned_by", .string(ownedBy))])
    }

    /// The base catalog's list, encoded once.
    static let baseListBytes: [UInt8] = JSON.object([("object", "list"), ("data", .array(baseItems))]).encoded
    static let baseItems: [JSON] = ModelCatalog.models.filter(\.listed).map { json(id: $0.id, created: $0.created, ownedBy: $0.ownedBy) }

    /// The list as bytes: the prebuilt catalog (`shared`: the same buffer every time) unless
    /// the tenant has models of its own.
    /// - Remark: GET /v1/models
    /// A tenant stamped with the environment's current `ownModelsGeneration` is known to have
    /// none (two atomic loads instead of a store query).
    public func listBytes(tenant: Tenant) throws(APIError) -> (bytes: [UInt8], shared: Bool) {
        let stamp = env.ownModelsGeneration.stamp
        if tenant.noOwnModelsStamp.load(ordering: .acquiring) == stamp { return (Self.baseListBytes, true) }
        let own: RecordPage
        do { own = try env.records.list(tenant: tenant.id, collection: Self.collection, query: ListQuery(order: .asc, limit: 1)) } catch {
            throw .serverError("\(error)")
        }
        guard own.records.isEmpty else { return (try list(tenant: tenant).encoded, false) }
        tenant.noOwnModelsStamp.store(stamp, ordering: .releasing)
        return (Self.baseListBytes, true)
    }

    /// - Remark: GET /v1/models
    public func list(tenant: Tenant) throws(APIError) -> JSON {
        var data = Self.baseItems
        do {
            let own = try env.records.list(tenant: tenant.id, collection: Self.collection, query: ListQuery(order: .asc, limit: 100_000))
            data += own.records.map(\.body.publicFields)
        } catch { throw .serverError("\(error)") }
        return .object([("object", "list"), ("data", .array(data))])
    }

    /// - Remark: GET /v1/models/{model}
    public func retrieve(tenant: Tenant, id: String) throws(APIError) -> JSON {
        if let m = ModelCatalog.base(id) { return Self.json(id: m.id, created: m.created, ownedBy: m.ownedBy) }
        if let own = try tenantModel(tenant, id) { return own.body.publicFields }
        throw .modelNotFound(id)
    }

    /// Base models cannot be deleted; the tenant's fine-tuned models can.
    /// - Remark: DELETE /v1/models/{model}
    public func delete(tenant: Tenant, id: String) throws(APIError) -> JSON {
        if ModelCatalog.base(id) != nil {
            throw APIError(status: 403, type: "invalid_request_error", param: "model",
                           message: "You have insufficient permissions for this operation. Only fine-tuned models owned by your organization can be deleted; \(id) is a base model.")
        }
        guard try tenantModel(tenant, id) != nil else { throw .modelNotFound(id) }
        do { try env.records.delete(tenant: tenant.id, collection: Self.collection, id: id) } catch { throw .serverError("\(error)") }
        return .object([("id", .string(id)), ("object", "model"), ("deleted", true)])
    }

    /// Registers a fine-tuned model for the tenant (called by fine-tuning when a job succeeds).
    public func register(tenant: Tenant, id: String, created: Int64, base: String) throws(APIError) {
        let body = Self.json(id: id, created: created, ownedBy: tenant.organizationSlug).setting("_base", .string(base))
        do {
            try env.records.put(StoredRecord(tenant: tenant.id, collection: Self.collection, id: id, createdAt: created, body: body))
        } catch { throw .serverError("\(error)") }
        // After the write (see `MemoGeneration`): no tenant's "no models of its own" holds any more.
        env.ownModelsGeneration.advance()
    }

    /// A model the tenant may call: a base model or one of its own fine-tuned models.
    public func resolve(tenant: Tenant, id: String) throws(APIError) -> ModelInfo {
        if let m = ModelCatalog.base(id) { return m }
        if let own = try tenantModel(tenant, id), let baseID = own.body["_base"]?.stringValue, let base = ModelCatalog.base(baseID) {
            return base
        }
        throw .modelNotFound(id)
    }

    private func tenantModel(_ tenant: Tenant, _ id: String) throws(APIError) -> StoredRecord? {
        do { return try env.records.get(tenant: tenant.id, collection: Self.collection, id: id) } catch { throw .serverError("\(error)") }
    }
}

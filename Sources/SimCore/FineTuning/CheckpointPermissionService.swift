import SimSupport

/// Sharing a fine-tuned model or checkpoint with other projects (`checkpoint.permission`).
public struct CheckpointPermissionService: Sendable {
    public static let collection = "checkpoint_permissions"
    let env: SimEnvironment
    public init(env: SimEnvironment) { self.env = env }

    /// One permission per project; a project that already has one gets the existing permission back.
    /// - Remark: POST /v1/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions
    public func create(tenant: Tenant, checkpoint: String, projectIDs: [String]) throws(APIError) -> JSON {
        try requireCheckpoint(tenant, checkpoint)
        guard !projectIDs.isEmpty else {
            throw .invalidRequest("Invalid 'project_ids': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                                  param: "project_ids", code: "empty_array")
        }
        for (i, p) in projectIDs.enumerated() where p.isEmpty {
            throw .invalidRequest("Invalid 'project_ids[\(i)]': must be a non-empty project id.", param: "project_ids", code: "invalid_value")
        }
        let existing = try all(tenant, checkpoint: checkpoint, projectID: nil, order: .asc)
        var out: [JSON] = []
        for p in projectIDs {
            if let e = existing.first(where: { $0["project_id"]?.stringValue == p }) ?? out.first(where: { $0["project_id"]?.stringValue == p }) {
                if !out.contains(e) { out.append(e) }
                continue
            }
            let now = env.now()
            let id = env.ids(tenant).make("cp_", length: 24)
            let body = JSON.object([("object", "checkpoint.permission"), ("id", .string(id)), ("created_at", .int(now)),
                                    ("project_id", .string(p)), ("_checkpoint", .string(checkpoint))])
            do {
                try env.records.put(StoredRecord(tenant: tenant.id, collection: Self.collection, id: id, createdAt: now, body: body))
            } catch { throw .serverError("\(error)") }
            out.append(body)
        }
        let data = out.map(\.publicFields)
        return .object([("object", "list"), ("data", .array(data)), ("first_id", JSON(data.first?["id"]?.stringValue)),
                        ("last_id", JSON(data.last?["id"]?.stringValue)), ("has_more", false)])
    }

    /// - Remark: GET /v1/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions
    public func list(tenant: Tenant, checkpoint: String, projectID: String?, after: String?, limit: Int, order: ListOrder) throws(APIError) -> JSON {
        try requireCheckpoint(tenant, checkpoint)
        var filters = [RecordFilter(path: ["_checkpoint"], value: checkpoint)]
        if let p = projectID { filters.append(RecordFilter(path: ["project_id"], value: p)) }
        let page: RecordPage
        do {
            page = try env.records.list(tenant: tenant.id, collection: Self.collection,
                                        query: ListQuery(filters: filters, order: order, after: after, limit: limit))
        } catch { throw .serverError("\(error)") }
        let data = page.records.map(\.body.publicFields)
        return .object([("object", "list"), ("data", .array(data)), ("first_id", JSON(page.records.first?.id)),
                        ("last_id", JSON(page.records.last?.id)), ("has_more", .bool(page.hasMore))])
    }

    /// - Remark: DELETE /v1/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions/{permission_id}
    public func delete(tenant: Tenant, checkpoint: String, permissionID: String) throws(APIError) -> JSON {
        try requireCheckpoint(tenant, checkpoint)
        let record: StoredRecord?
        do { record = try env.records.get(tenant: tenant.id, collection: Self.collection, id: permissionID) } catch { throw .serverError("\(error)") }
        guard let r = record, r.body["_checkpoint"]?.stringValue == checkpoint else {
            throw .invalidRequest("No permission found with ID '\(permissionID)' for checkpoint \(checkpoint).", param: "permission_id", status: 404)
        }
        do { try env.records.delete(tenant: tenant.id, collection: Self.collection, id: permissionID) } catch { throw .serverError("\(error)") }
        return .object([("id", .string(permissionID)), ("object", "checkpoint.permission"), ("deleted", true)])
    }

    private func all(_ tenant: Tenant, checkpoint: String, projectID: String?, order: ListOrder) throws(APIError) -> [JSON] {
        do {
            return try env.records.list(tenant: tenant.id, collection: Self.collection,
                                        query: ListQuery(filters: [RecordFilter(path: ["_checkpoint"], value: checkpoint)], order: order,
                                                         limit: 100_000)).records.map(\.body)
        } catch { throw .serverError("\(error)") }
    }

    /// The name must be one of the tenant's fine-tuned models or checkpoints (and not deleted).
    private func requireCheckpoint(_ tenant: Tenant, _ name: String) throws(APIError) {
        let indexed = (try? env.records.get(tenant: tenant.id, collection: FineTuningService.modelIndexCollection, id: name)) ?? nil
        let model = (try? env.records.get(tenant: tenant.id, collection: ModelService.collection, id: name)) ?? nil
        guard indexed != nil, model != nil else {
            throw .invalidRequest("Fine-tuned model checkpoint \(name) not found.", param: "fine_tuned_model_checkpoint",
                                  code: "model_not_found", status: 404)
        }
    }
}

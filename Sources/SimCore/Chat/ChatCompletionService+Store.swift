import SimSupport

extension ChatCompletionService {
    func store(tenant: Tenant, completion: JSON, req: ChatCompletionRequest) throws(APIError) {
        guard let id = completion["id"]?.stringValue else { return }
        let messages: [JSON] = req.messages.enumerated().map { i, m in
            var pairs: [(String, JSON)] = [("id", .string("\(id)-\(i)")), ("role", .string(m.role))]
            pairs.append(("content", m.content.stringValue.map { .string($0) } ?? (m.contentParts == nil ? JSON(m.text.isEmpty ? nil : m.text) : .string(m.text))))
            pairs.append(("refusal", .null))
            if let calls = m.toolCalls { pairs.append(("tool_calls", calls)) }
            if let tc = m.toolCallID { pairs.append(("tool_call_id", .string(tc))) }
            pairs.append(("name", JSON(m.name)))
            pairs.append(("content_parts", m.contentParts ?? .null))
            return .object(pairs)
        }
        let body = completion.setting("_messages", .array(messages))
        do {
            try env.putRetained([StoredRecord(tenant: tenant.id, collection: Self.collection, id: id, createdAt: completion["created"]?.intValue ?? env.now(),
                                              body: body)])
        } catch { throw .serverError("\(error)") }
    }

    func record(_ tenant: Tenant, _ id: String) throws(APIError) -> StoredRecord {
        let r: StoredRecord?
        do { r = try env.records.get(tenant: tenant.id, collection: Self.collection, id: id) } catch { throw .serverError("\(error)") }
        guard let found = r else {
            throw .invalidRequest("Chat completion with id '\(id)' not found.", param: "completion_id", status: 404)
        }
        return found
    }

    /// - Remark: GET /v1/chat/completions/{completion_id}
    public func retrieve(tenant: Tenant, id: String) throws(APIError) -> JSON {
        try record(tenant, id).body.publicFields
    }

    /// Replaces the stored completion's metadata.
    /// - Remark: POST /v1/chat/completions/{completion_id}
    public func update(tenant: Tenant, id: String, body: JSON) throws(APIError) -> JSON {
        guard case .object = body else { throw .invalidRequest("The request body must be a JSON object.") }
        let r = BodyReader(body)
        for (k, _) in body.objectValue ?? [] where k != "metadata" { throw .unknownParameter(k) }
        guard body["metadata"] != nil else { throw .missingParameter("metadata") }
        let metadata = try r.metadata() ?? .object([])
        var rec = try record(tenant, id)
        rec.body = rec.body.setting("metadata", metadata)
        do { try env.records.put(rec) } catch { throw .serverError("\(error)") }
        return rec.body.publicFields
    }

    /// - Remark: DELETE /v1/chat/completions/{completion_id}
    public func delete(tenant: Tenant, id: String) throws(APIError) -> JSON {
        _ = try record(tenant, id)
        do { try env.records.delete(tenant: tenant.id, collection: Self.collection, id: id) } catch { throw .serverError("\(error)") }
        return .object([("object", "chat.completion.deleted"), ("id", .string(id)), ("deleted", true)])
    }

    /// Stored completions, filtered by model and metadata.
    /// - Remark: GET /v1/chat/completions
    public func list(tenant: Tenant, model: String?, metadata: [(String, String)], after: String?, limit: Int,
                     order: ListOrder) throws(APIError) -> (data: [JSON], hasMore: Bool) {
        var filters: [RecordFilter] = []
        if let model { filters.append(RecordFilter(path: ["model"], value: model)) }
        for (k, v) in metadata { filters.append(RecordFilter(path: ["metadata", k], value: v)) }
        let page: RecordPage
        do {
            page = try env.records.list(tenant: tenant.id, collection: Self.collection,
                                        query: ListQuery(filters: filters, order: order, after: after, limit: limit))
        } catch { throw .serverError("\(error)") }
        return (page.records.map(\.body.publicFields), page.hasMore)
    }

    /// The input messages of a stored completion.
    /// - Remark: GET /v1/chat/completions/{completion_id}/messages
    public func messages(tenant: Tenant, id: String, after: String?, limit: Int, order: ListOrder) throws(APIError) -> (data: [JSON], hasMore: Bool) {
        var all = try record(tenant, id).body["_messages"]?.arrayValue ?? []
        if order == .desc { all.reverse() }
        if let after {
            guard let i = all.firstIndex(where: { $0["id"]?.stringValue == after }) else { return ([], false) }
            all = Array(all[(i + 1)...])
        }
        return (Array(all.prefix(limit)), all.count > limit)
    }
}

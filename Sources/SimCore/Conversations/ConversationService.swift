import SimSupport

/// The Conversations API (`/v1/conversations`): a conversation is a record in `conversations`
/// (id, created_at, metadata); its items are records of their own, one collection per
/// conversation (`conversation_items/<id>`), keyed by item id and listed in the order they were
/// added. A response created with `conversation` reads those items as its history and adds its
/// input and output items when it completes: at once for a foreground response; for a
/// background one when the clock has reached its end (a marker in `conversation_pending/<id>`,
/// settled by the next read of the conversation). Item ids are unique within a conversation, as
/// the API requires ("Duplicate item found with id …"), so adding an item again is harmless.
public struct ConversationService: Sendable {
    public static let collection = "conversations"
    static func itemsCollection(_ id: String) -> String { "conversation_items/" + id }
    static func pendingCollection(_ id: String) -> String { "conversation_pending/" + id }
    /// At most this many items per create call (the spec's `maxItems`).
    static let maxItemsPerCall = 20
    /// Enough for every item of any conversation in one list call.
    private static let everything = Int.max / 2

    let env: SimEnvironment
    let files: FileService

    public init(env: SimEnvironment, files: FileService) {
        self.env = env
        self.files = files
    }

    static func notFound(_ id: String) -> APIError {
        .invalidRequest("Conversation with id '\(id)' not found.", status: 404)
    }

    static func itemNotFound(_ id: String) -> APIError {
        .invalidRequest("Item with id '\(id)' not found.", status: 404)
    }

    static func duplicate(_ id: String, param: String) -> APIError {
        .invalidRequest("Duplicate item found with id \(id). Remove duplicate items from your input and try again.", param: param)
    }

    /// - Remark: POST /v1/conversations
    public func create(tenant: Tenant, body: JSON) throws(APIError) -> JSON {
        let r = FieldReader(body)
        try r.rejectUnknown(["items", "metadata"])
        let metadata = try ResponseCreateParams.parseMetadata(r)
        let ids = env.ids(tenant)
        let raw = try r.array("items") ?? []
        try Self.checkCount(raw, param: "items")
        let items = try normalize(raw, param: "items", tenant: tenant, ids: ids, existing: [])
        let id = ids.hex("conv_", length: 48)
        let now = env.now()
        let conversation: JSON = .object([("id", .string(id)), ("object", "conversation"), ("created_at", .int(now)),
                                          ("metadata", metadata)])
        try put([StoredRecord(tenant: tenant.id, collection: Self.collection, id: id, createdAt: now, body: conversation)]
                + records(items, tenant: tenant, conversation: id, now: now))
        try retain(tenant: tenant)
        return conversation
    }

    /// `--max-stored`: past N conversations for a tenant the least recently used (created, or
    /// given items: `markUsed`) are forgotten, with their items; a conversation keeps its newest
    /// N items (the put that adds items trims its collection).
    private func retain(tenant: Tenant) throws(APIError) {
        guard let keep = env.retention.maxStoredPerTenant else { return }
        do {
            for dropped in try env.records.trim(tenant: tenant.id, collection: Self.collection, keepingNewest: keep) {
                try purge(tenant: tenant, id: dropped)
            }
        } catch { throw .serverError("Could not store the conversation: \(error)") }
    }

    /// Moves the conversation to the newest end of its collection, so that retention forgets
    /// the least recently used first (the order matters only to retention: the API lists no
    /// conversations). False when it is gone.
    private func markUsed(tenant: Tenant, id: String) throws(APIError) -> Bool {
        do {
            if env.retention.maxStoredPerTenant == nil { return try env.records.get(tenant: tenant.id, collection: Self.collection, id: id) != nil }
            return try env.records.touch(tenant: tenant.id, collection: Self.collection, id: id)
        } catch { throw .serverError("Could not store the conversation: \(error)") }
    }

    /// Deletes what belongs to a conversation that is gone: its items and background markers.
    private func purge(tenant: Tenant, id: String) throws {
        for c in [Self.itemsCollection(id), Self.pendingCollection(id)] {
            for r in try env.records.list(tenant: tenant.id, collection: c, query: ListQuery(order: .asc, limit: Self.everything)).records {
                try env.records.delete(tenant: tenant.id, collection: c, id: r.id)
            }
        }
    }

    /// - Remark: GET /v1/conversations/{conversation_id}
    public func retrieve(tenant: Tenant, id: String) throws(APIError) -> JSON {
        try stored(tenant, id).body
    }

    /// Replaces the metadata (the only field that can change).
    /// - Remark: POST /v1/conversations/{conversation_id}
    public func update(tenant: Tenant, id: String, body: JSON) throws(APIError) -> JSON {
        var record = try stored(tenant, id)
        let r = FieldReader(body)
        try r.rejectUnknown(["metadata"])
        // Required, and nullable (the spec's `Metadata`): null clears it.
        guard body.objectValue?.contains(where: { $0.0 == "metadata" }) == true else { throw .missingParameter("metadata") }
        let metadata = try ResponseCreateParams.parseMetadata(r)
        record.body = record.body.setting("metadata", metadata)
        try put([record])
        return record.body
    }

    /// Deletes the conversation; its items go with it (the API keeps them, but nothing can reach
    /// them once the conversation is gone).
    /// - Remark: DELETE /v1/conversations/{conversation_id}
    public func delete(tenant: Tenant, id: String) throws(APIError) -> JSON {
        _ = try stored(tenant, id)
        do {
            try env.records.delete(tenant: tenant.id, collection: Self.collection, id: id)
            try purge(tenant: tenant, id: id)
        } catch { throw .serverError("Could not delete the conversation: \(error)") }
        return .object([("id", .string(id)), ("object", "conversation.deleted"), ("deleted", true)])
    }

    /// - Remark: POST /v1/conversations/{conversation_id}/items
    public func createItems(tenant: Tenant, id: String, body: JSON) throws(APIError) -> JSON {
        _ = try stored(tenant, id)
        let r = FieldReader(body)
        try r.rejectUnknown(["items"])
        guard let raw = try r.array("items") else { throw .missingParameter("items") }
        try Self.checkCount(raw, param: "items")
        // Runs that completed before this call come first.
        try settle(tenant: tenant, id: id)
        let existing = try items(tenant: tenant, id: id)
        let items = try normalize(raw, param: "items", tenant: tenant, ids: env.ids(tenant), existing: existing)
        try put(records(items, tenant: tenant, conversation: id, now: env.now()), trimmed: true)
        _ = try markUsed(tenant: tenant, id: id)
        return Self.list(items, hasMore: false)
    }

    /// - Remark: GET /v1/conversations/{conversation_id}/items
    public func listItems(tenant: Tenant, id: String, limit: Int, order: ListOrder, after: String?) throws(APIError) -> JSON {
        _ = try stored(tenant, id)
        try settle(tenant: tenant, id: id)
        let c = Self.itemsCollection(id)
        if let after, try record(tenant, c, after) == nil { throw Self.itemNotFound(after) }
        let page: RecordPage
        do {
            page = try env.records.list(tenant: tenant.id, collection: c, query: ListQuery(order: order, after: after, limit: limit))
        } catch { throw .serverError("\(error)") }
        return Self.list(page.records.map(\.body), hasMore: page.hasMore)
    }

    /// - Remark: GET /v1/conversations/{conversation_id}/items/{item_id}
    public func item(tenant: Tenant, id: String, itemID: String) throws(APIError) -> JSON {
        _ = try stored(tenant, id)
        try settle(tenant: tenant, id: id)
        guard let r = try record(tenant, Self.itemsCollection(id), itemID) else { throw Self.itemNotFound(itemID) }
        return r.body
    }

    /// Answers the conversation, as the API does.
    /// - Remark: DELETE /v1/conversations/{conversation_id}/items/{item_id}
    public func deleteItem(tenant: Tenant, id: String, itemID: String) throws(APIError) -> JSON {
        let conversation = try stored(tenant, id).body
        try settle(tenant: tenant, id: id)
        let deleted: Bool
        do { deleted = try env.records.delete(tenant: tenant.id, collection: Self.itemsCollection(id), id: itemID) } catch {
            throw .serverError("\(error)")
        }
        guard deleted else { throw Self.itemNotFound(itemID) }
        return conversation
    }

    // MARK: - Used by the Responses API

    /// The conversation's items in order (after settling finished background responses): the
    /// history a response with `conversation` continues. 404 for an unknown conversation.
    func history(tenant: Tenant, id: String) throws(APIError) -> [JSON] {
        guard let items = try currentItems(tenant: tenant, id: id) else {
            throw .invalidRequest("Conversation with id '\(id)' not found.", param: "conversation", code: "not_found", status: 404)
        }
        return items
    }

    /// The conversation's items in order, after settling finished background responses; nil
    /// when it is gone. For a response that continued it, read back as that response's history.
    func currentItems(tenant: Tenant, id: String) throws(APIError) -> [JSON]? {
        guard try record(tenant, Self.collection, id) != nil else { return nil }
        try settle(tenant: tenant, id: id)
        return try items(tenant: tenant, id: id)
    }

    /// Adds a finished response's input and output items. A conversation deleted (or forgotten
    /// by `--max-stored`) while the response ran takes them with it: they are not left behind.
    func append(tenant: Tenant, id: String, items: [JSON]) throws(APIError) {
        try put(records(items, tenant: tenant, conversation: id, now: env.now()), trimmed: true)
        if try !markUsed(tenant: tenant, id: id) {
            do { try purge(tenant: tenant, id: id) } catch { throw .serverError("Could not store the conversation: \(error)") }
        }
    }

    /// Notes a background response whose items join the conversation when it completes.
    func appendWhenComplete(tenant: Tenant, id: String, responseID: String) throws(APIError) {
        try put([StoredRecord(tenant: tenant.id, collection: Self.pendingCollection(id), id: responseID, createdAt: env.now(),
                              body: .object([("response_id", .string(responseID))]))], trimmed: true)
    }

    /// 400 when an input item carries the id of an item already in the conversation, or of an
    /// earlier input item (item references excepted: they name an existing item on purpose).
    static func checkDuplicates(_ input: JSON?, history: [JSON]) throws(APIError) {
        guard let list = input?.arrayValue else { return }
        if let (_, id) = firstDuplicate(list, known: ids(of: history)) { throw duplicate(id, param: "input") }
    }

    /// The first element of `raw` (not an item reference) whose `id` is in `known` or on an
    /// earlier element, with its index.
    private static func firstDuplicate(_ raw: [JSON], known: Set<String>) -> (Int, String)? {
        var seen = known
        for (i, element) in raw.enumerated() where element["type"]?.stringValue != "item_reference" {
            guard let id = element["id"]?.stringValue else { continue }
            if !seen.insert(id).inserted { return (i, id) }
        }
        return nil
    }

    private static func ids(of items: [JSON]) -> Set<String> { Set(items.compactMap { $0["id"]?.stringValue }) }

    // MARK: - Internals

    private func stored(_ tenant: Tenant, _ id: String) throws(APIError) -> StoredRecord {
        guard let r = try record(tenant, Self.collection, id) else { throw Self.notFound(id) }
        return r
    }

    private func record(_ tenant: Tenant, _ collection: String, _ id: String) throws(APIError) -> StoredRecord? {
        do { return try env.records.get(tenant: tenant.id, collection: collection, id: id) } catch { throw .serverError("\(error)") }
    }

    private func items(tenant: Tenant, id: String) throws(APIError) -> [JSON] {
        do {
            return try env.records.list(tenant: tenant.id, collection: Self.itemsCollection(id),
                                        query: ListQuery(order: .asc, limit: Self.everything)).records.map(\.body)
        } catch { throw .serverError("\(error)") }
    }

    /// Stores records; `trimmed`: each collection written then keeps its newest `--max-stored`
    /// records (a conversation's items and background markers; conversations themselves are
    /// trimmed by `retain`, which also drops a forgotten conversation's items).
    private func put(_ records: [StoredRecord], trimmed: Bool = false) throws(APIError) {
        do { try env.records.put(records, keepingNewest: trimmed ? env.retention.maxStoredPerTenant : nil) } catch {
            throw .serverError("Could not store the conversation: \(error)")
        }
    }

    private func records(_ items: [JSON], tenant: Tenant, conversation: String, now: Int64) -> [StoredRecord] {
        items.compactMap { item in
            guard let itemID = item["id"]?.stringValue else { return nil }
            return StoredRecord(tenant: tenant.id, collection: Self.itemsCollection(conversation), id: itemID, createdAt: now, body: item)
        }
    }

    /// Input items in their stored shapes (the shapes a response's input items take), each with
    /// an id; ids already in the conversation or repeated are a 400.
    private func normalize(_ raw: [JSON], param: String, tenant: Tenant, ids: IDGenerator, existing: [JSON]) throws(APIError) -> [JSON] {
        let known = Self.ids(of: existing)
        if let (i, id) = Self.firstDuplicate(raw, known: known) { throw Self.duplicate(id, param: "\(param)[\(i)]") }
        let items = try ResponseInput(ids: ids, tenant: tenant, files: files, context: existing, param: param).normalize(.array(raw))
        // A reference to an item already in the conversation adds nothing.
        return items.filter { !known.contains($0["id"]?.stringValue ?? "") }
    }

    private static func checkCount(_ raw: [JSON], param: String) throws(APIError) {
        guard raw.count > maxItemsPerCall else { return }
        throw .invalidRequest("Invalid '\(param)': array too long. Expected an array with maximum length \(maxItemsPerCall), but got an array with length \(raw.count) instead.",
                              param: param, code: "array_above_max_length")
    }

    static func list(_ items: [JSON], hasMore: Bool) -> JSON {
        .object([
            ("object", "list"), ("data", .array(items)),
            ("first_id", .string(items.first?["id"]?.stringValue ?? "")), ("last_id", .string(items.last?["id"]?.stringValue ?? "")),
            ("has_more", .bool(hasMore)),
        ])
    }

    /// Adds the items of background responses that have finished since the last read; a
    /// cancelled, failed, deleted or dropped one adds nothing. Putting items is idempotent (the
    /// same ids, the same order), so two requests settling at once add them once.
    private func settle(tenant: Tenant, id: String) throws(APIError) {
        let pending: [StoredRecord]
        do {
            pending = try env.records.list(tenant: tenant.id, collection: Self.pendingCollection(id),
                                           query: ListQuery(order: .asc, limit: Self.everything)).records
        } catch { throw .serverError("\(error)") }
        guard !pending.isEmpty else { return }
        let now = env.now()
        // The conversation's item ids, read once for all the markers (an item already there is
        // not put again).
        var known: Set<String>?
        for marker in pending {
            if let response = try record(tenant, ResponseService.backgroundCollection, marker.id)?.body {
                switch ResponseLifecycle.phase(response, now: now) {
                case .queued, .inProgress: continue
                case .cancelled: break
                case .final:
                    let view = ResponseLifecycle.view(response, now: now)
                    if view["status"]?.stringValue != "failed" {
                        let input = response[ResponseService.inputItemsKey]?["items"]?.arrayValue ?? []
                        let output = view["output"]?.arrayValue ?? []
                        var ids: Set<String>
                        if let known { ids = known } else { ids = Self.ids(of: try items(tenant: tenant, id: id)) }
                        let added = (input + output).filter { ids.insert($0["id"]?.stringValue ?? "").inserted }
                        try append(tenant: tenant, id: id, items: added)
                        known = ids
                    }
                }
            }
            do { try env.records.delete(tenant: tenant.id, collection: Self.pendingCollection(id), id: marker.id) } catch {
                throw .serverError("\(error)")
            }
        }
    }
}

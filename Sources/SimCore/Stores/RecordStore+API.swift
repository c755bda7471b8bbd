import SimSupport

/// The record-store calls services make on a request's behalf, with a store failure turned into
/// the API's 500 (`server_error`).
extension RecordStore {
    /// Every record of a collection that matches `filters`, in insertion order.
    func allRecords(tenant: String, collection: String, filters: [RecordFilter] = []) throws(APIError) -> [StoredRecord] {
        do {
            return try list(tenant: tenant, collection: collection,
                            query: ListQuery(filters: filters, order: .asc, after: nil, limit: Int.max)).records
        } catch { throw .serverError("\(error)") }
    }

    func putRecord(tenant: String, collection: String, id: String, createdAt: Int64, body: JSON) throws(APIError) {
        do { _ = try put(StoredRecord(tenant: tenant, collection: collection, id: id, createdAt: createdAt, body: body)) } catch {
            throw .serverError("\(error)")
        }
    }

    /// Deletes a record if it is there.
    func removeRecord(tenant: String, collection: String, id: String) {
        _ = try? delete(tenant: tenant, collection: collection, id: id)
    }
}

extension JSON {
    /// The document without its internal (`_`-prefixed) members: what a stored record shows.
    var withoutInternalMembers: JSON {
        guard let pairs = objectValue else { return self }
        return .object(pairs.filter { !$0.0.hasPrefix("_") })
    }
}

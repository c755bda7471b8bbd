import SimSupport

/// One persisted aggregate (a file, an upload, a job ...) as a JSON document.
/// `seq` is assigned by the store on first insert and orders lists (creation order).
public struct StoredRecord: Sendable, Equatable {
    public var tenant: String
    public var collection: String
    public var id: String
    public var createdAt: Int64
    public var seq: Int64
    public var body: JSON

    public init(tenant: String, collection: String, id: String, createdAt: Int64, seq: Int64 = 0, body: JSON) {
        self.tenant = tenant
        self.collection = collection
        self.id = id
        self.createdAt = createdAt
        self.seq = seq
        self.body = body
    }
}

public enum ListOrder: String, Sendable { case asc, desc }

/// Keep records whose body has `value` (a string, compared as text; numbers and booleans are
/// compared in their JSON spelling) at `path` (object keys from the top).
public struct RecordFilter: Sendable, Equatable {
    public var path: [String]
    public var value: String
    public init(path: [String], value: String) { self.path = path; self.value = value }

    /// Whether `body` passes (the in-memory definition the SQLite store must agree with).
    public func matches(_ body: JSON) -> Bool {
        var cur: JSON? = body
        for key in path { cur = cur?[key] }
        switch cur {
        case let .string(s)?: return s == value
        case let .int(i)?: return String(i) == value
        case let .bool(b)?: return (b ? "true" : "false") == value
        case let .double(d)?: return String(d) == value
        default: return false
        }
    }
}

public struct ListQuery: Sendable {
    public var filters: [RecordFilter]
    public var order: ListOrder
    /// Cursor: start after the record with this id (in `order`). Unknown ids give an empty page.
    public var after: String?
    public var limit: Int
    public init(filters: [RecordFilter] = [], order: ListOrder = .desc, after: String? = nil, limit: Int = 20) {
        self.filters = filters
        self.order = order
        self.after = after
        self.limit = limit
    }
}

public struct RecordPage: Sendable {
    public var records: [StoredRecord]
    public var hasMore: Bool
    public init(records: [StoredRecord], hasMore: Bool) { self.records = records; self.hasMore = hasMore }
}

/// Persistence for every aggregate, one collection per kind. Implementations: in memory
/// (`MemoryRecordStore`) and SQLite (`SQLiteRecordStore` in SimPersistence); one contract suite
/// tests both. A call that returns has made its write durable (for durable stores).
public protocol RecordStore: Sendable {
    /// Inserts or replaces by (tenant, collection, id); a replaced record keeps its `seq`.
    /// Returns the stored record (with `seq` set).
    @discardableResult
    func put(_ record: StoredRecord) throws -> StoredRecord
    func get(tenant: String, collection: String, id: String) throws -> StoredRecord?
    /// True when something was deleted.
    @discardableResult
    func delete(tenant: String, collection: String, id: String) throws -> Bool
    func list(tenant: String, collection: String, query: ListQuery) throws -> RecordPage
    /// Every record of a collection across all tenants (for sweeps such as expiry); oldest first.
    func all(collection: String) throws -> [StoredRecord]
    func deleteTenant(_ tenant: String) throws
    func deleteAll() throws
}

/// Error from a store implementation (carries the backend's message).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

import SimSupport

/// One persisted aggregate (a file, an upload, a job ...) as a JSON document.
/// `seq` is assigned by the store on first insert and orders lists (creation order).
///
/// The document is held either as a `JSON` tree or as its encoded UTF-8 bytes (`JSONWriter`
/// output). Bytes are the compact form for documents that are written often and read rarely
/// (stored responses): a tree costs an allocation per string, array and object, bytes cost
/// one buffer. Both read the same way: `body` parses bytes on each access (read it once into a
/// local), `encodedBody` encodes a tree on each access.
public struct StoredRecord: Sendable {
    public var tenant: String
    public var collection: String
    public var id: String
    public var createdAt: Int64
    public var seq: Int64
    /// The document as held (internal: `MemoryRecordStore` keeps it without the record's keys).
    var document: Document

    enum Document: Sendable {
        case tree(JSON)
        case encoded([UInt8])
    }

    init(tenant: String, collection: String, id: String, createdAt: Int64, seq: Int64, document: Document) {
        self.tenant = tenant
        self.collection = collection
        self.id = id
        self.createdAt = createdAt
        self.seq = seq
        self.document = document
    }

    public init(tenant: String, collection: String, id: String, createdAt: Int64, seq: Int64 = 0, body: JSON) {
        self.init(tenant: tenant, collection: collection, id: id, createdAt: createdAt, seq: seq, document: .tree(body))
    }

    /// A record whose document is kept as `encodedBody`, which must be one JSON value as
    /// `JSONWriter` writes it (the caller's encoding is stored as is).
    public init(tenant: String, collection: String, id: String, createdAt: Int64, seq: Int64 = 0, encodedBody: [UInt8]) {
        self.init(tenant: tenant, collection: collection, id: id, createdAt: createdAt, seq: seq, document: .encoded(encodedBody))
    }

    /// The document as a tree (parsed from the bytes when the record holds bytes). Setting it
    /// stores a tree.
    public var body: JSON {
        get {
            switch document {
            case let .tree(json): return json
            // Encoded documents come from JSONWriter, so they parse; `null` only guards the impossible.
            case let .encoded(bytes): return (try? JSONParser.parse(bytes)) ?? .null
            }
        }
        set { document = .tree(newValue) }
    }

    /// The document as compact JSON bytes (what a durable store writes).
    public var encodedBody: [UInt8] {
        switch document {
        case let .tree(json): return JSONWriter.encode(json)
        case let .encoded(bytes): return bytes
        }
    }

    /// Whether the document is held as bytes.
    public var isEncoded: Bool {
        if case .encoded = document { return true }
        return false
    }
}

extension StoredRecord: Equatable {
    /// Records are equal when their keys, times and documents are (a tree equals its encoding).
    public static func == (a: StoredRecord, b: StoredRecord) -> Bool {
        guard a.tenant == b.tenant, a.collection == b.collection, a.id == b.id, a.createdAt == b.createdAt, a.seq == b.seq else {
            return false
        }
        if case let .encoded(x) = a.document, case let .encoded(y) = b.document, x == y { return true }
        return a.body == b.body
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
    /// Cursor: start after the record with this id (in `order`). The id of a record deleted
    /// since (one of its collection's last `DeletedCursors.defaultLimit` deletes, by default) continues
    /// from the place it had: the SDK pages with the last id it got, and a loop deleting what it
    /// lists deletes that one before asking for the next page. Unknown ids give an empty page.
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
    /// The `seq` a record deleted by `delete` had (nil: not among the collection's last
    /// deletes the store keeps, or never there), for lists that page outside `list`.
    func deletedSeq(tenant: String, collection: String, id: String) throws -> Int64?
    /// Moves the record to the newest end of its (tenant, collection): a new `seq`, so lists and
    /// `trim` see it as just written; its body and `createdAt` stay. One atomic step (it is never
    /// missing in between). False when there is no such record.
    @discardableResult
    func touch(tenant: String, collection: String, id: String) throws -> Bool
    /// Deletes the oldest records of (tenant, collection), in creation order, until at most
    /// `keepingNewest` remain; returns the deleted ids, oldest first. Cheap when nothing is over
    /// (a retention limit calls it after every insert).
    @discardableResult
    func trim(tenant: String, collection: String, keepingNewest: Int) throws -> [String]
    /// `put` of each record in order, then (unless `keepingNewest` is nil) `trim` of each
    /// (tenant, collection) they were written to. One call, so that a store can do it at once:
    /// the memory store under one lock; the default does the calls one by one.
    func put(_ records: [StoredRecord], keepingNewest: Int?) throws
    /// Every record of a collection across all tenants (for sweeps such as expiry); oldest first.
    func all(collection: String) throws -> [StoredRecord]
    func deleteTenant(_ tenant: String) throws
    func deleteAll() throws
}

/// How many deleted ids per (tenant, collection) still work as list cursors (see `ListQuery.after`).
public enum DeletedCursors {
    public static let defaultLimit = 10_000
}

/// Error from a store implementation (carries the backend's message).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension RecordStore {
    public func put(_ records: [StoredRecord], keepingNewest keep: Int?) throws {
        for r in records { try put(r) }
        guard let keep else { return }
        try StoredRecord.forEachBucket(of: records) { try trim(tenant: $0, collection: $1, keepingNewest: keep) }
    }
}

extension StoredRecord {
    /// Calls `body(tenant, collection)` once for each (tenant, collection) of `records`, in
    /// order of first appearance (the buckets `put(_:keepingNewest:)` trims).
    static func forEachBucket(of records: [StoredRecord], _ body: (String, String) throws -> Void) rethrows {
        for (i, r) in records.enumerated()
        where !records[..<i].contains(where: { $0.tenant == r.tenant && $0.collection == r.collection }) {
            try body(r.tenant, r.collection)
        }
    }
}

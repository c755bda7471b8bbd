/// Where blob bytes come from when they are stored.
public enum BlobSource: Sendable {
    case bytes([UInt8])
    /// A range of an existing file (a spooled request body), copied without loading it whole.
    case fileRange(path: String, offset: Int, length: Int)
    /// Several sources concatenated in order (upload parts).
    case concatenation([BlobSource])
}

/// File contents, kept on disk (never in database rows). Keys are opaque ids chosen by callers.
public protocol BlobStore: Sendable {
    /// Stores the bytes durably under `key` (atomically: readers never see half a blob) and
    /// returns the byte count and the lowercase hex MD5 of the content.
    @discardableResult
    func write(key: String, from source: BlobSource) throws -> (size: Int, md5: String)
    /// The path of a stored blob, for streaming it out.
    func path(key: String) -> String?
    func read(key: String) throws -> [UInt8]
    func delete(key: String)
    func deleteAll()
    /// Removes every blob whose key starts with `prefix` (one tenant's, for a reset).
    func deleteAll(prefix: String)
}

/// Blob keys: every blob of a tenant is under `BlobKey.tenantPrefix`, so a tenant reset needs no
/// knowledge of which areas store bytes.
public enum BlobKey {
    public static func tenantPrefix(_ tenant: Tenant) -> String { tenant.id + "-" }
    public static func scoped(_ tenant: Tenant, _ name: String) -> String { tenantPrefix(tenant) + name }
}

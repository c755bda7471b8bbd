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
}

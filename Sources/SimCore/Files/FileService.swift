import SimSupport

/// The Files API: create, list, retrieve, delete, content. Bytes live in the blob store.
public struct FileService: Sendable {
    public static let collection = "files"
    /// Purposes a client may upload with (`CreateFileRequest.purpose`).
    public static let uploadPurposes = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]
    public static let maxFileBytes: Int64 = 512 * 1024 * 1024
    public static let expirySecondsRange: ClosedRange<Int64> = 3600...2_592_000
    /// Batch input files expire after 30 days unless told otherwise.
    public static let batchDefaultExpiry: Int64 = 2_592_000

    let env: SimEnvironment
    public init(env: SimEnvironment) { self.env = env }

    /// Validates and stores a client upload.
    /// - Remark: POST /v1/files
    public func create(tenant: Tenant, filename: String, purpose: String, content: BlobSource, size: Int,
                       expiresAfterSeconds: Int64? = nil) throws(APIError) -> FileObject {
        guard Self.uploadPurposes.contains(purpose) else {
            throw .invalidValue("purpose", purpose, supported: Self.uploadPurposes)
        }
        if let s = expiresAfterSeconds, !Self.expirySecondsRange.contains(s) {
            throw .invalidRequest("Invalid 'expires_after.seconds': \(s). Expected a value between 3600 (1 hour) and 2592000 (30 days).",
                                  param: "expires_after.seconds", code: "invalid_value")
        }
        if Int64(size) > Self.maxFileBytes {
            throw .invalidRequest("File is too large: \(size) bytes. The maximum file size is 512 MB.", param: "file",
                                  code: "file_too_large", status: 413)
        }
        if size == 0 {
            throw .invalidRequest("The file is empty. Please upload a file with content.", param: "file")
        }
        if purpose == "fine-tune" || purpose == "batch", !filename.lowercased().hasSuffix(".jsonl") {
            throw .invalidRequest("Invalid file format for \(purpose == "batch" ? "Batch API" : "Fine-Tuning API"). Must be .jsonl",
                                  param: "file")
        }
        var expiry = expiresAfterSeconds
        if expiry == nil, purpose == "batch" { expiry = Self.batchDefaultExpiry }
        return try store(tenant: tenant, filename: filename, purpose: purpose, content: content, expiresAfterSeconds: expiry)
    }

    /// Stores a file the simulator itself produces (batch output, fine-tune results, completed uploads).
    public func store(tenant: Tenant, filename: String, purpose: String, content: BlobSource,
                      expiresAfterSeconds: Int64? = nil) throws(APIError) -> FileObject {
        let id = IDKind.file(env.ids(tenant))
        let now = env.now()
        let written: (size: Int, md5: String)
        do { written = try env.blobs.write(key: Self.blobKey(tenant, id), from: content) } catch {
            throw .serverError("Could not store the file: \(error)")
        }
        let file = FileObject(id: id, bytes: Int64(written.size), createdAt: now,
                              expiresAt: expiresAfterSeconds.map { now + $0 }, filename: filename, purpose: purpose,
                              md5: written.md5)
        do {
            try env.records.put(StoredRecord(tenant: tenant.id, collection: Self.collection, id: id, createdAt: now, encodedBody: file.storedEncoding))
        } catch {
            env.blobs.delete(key: Self.blobKey(tenant, id))
            throw .serverError("Could not store the file: \(error)")
        }
        return file
    }

    /// - Remark: GET /v1/files
    public func list(tenant: Tenant, purpose: String?, limit: Int, order: ListOrder, after: String?) throws(APIError) -> (files: [FileObject], hasMore: Bool) {
        let page = try listPage(tenant: tenant, purpose: purpose, limit: limit, order: order, after: after) { r in
            FileObject(stored: r.body).map { ($0, $0.expiresAt) }
        }
        return (page.items, page.hasMore)
    }

    /// The page `list` gives, as each file's wire bytes and id: cut from the stored bytes like
    /// `retrieveEncoded`, so a list of thousands of files parses none of them.
    public func listEncoded(tenant: Tenant, purpose: String?, limit: Int, order: ListOrder, after: String?) throws(APIError)
        -> (files: [[UInt8]], ids: [String], hasMore: Bool) {
        let page = try listPage(tenant: tenant, purpose: purpose, limit: limit, order: order, after: after) { r -> ((String, [UInt8]), Int64?)? in
            if case let .encoded(bytes) = r.document, let (wire, expiresAt) = FileObject.wire(fromStored: bytes) {
                return ((r.id, wire), expiresAt)
            }
            return FileObject(stored: r.body).map { ((r.id, $0.encodedJSON), $0.expiresAt) }
        }
        return (page.items.map(\.1), page.items.map(\.0), page.hasMore)
    }

    /// Pages through the records, dropping (and purging) expired files, until `limit` live ones.
    private func listPage<Item>(tenant: Tenant, purpose: String?, limit: Int, order: ListOrder, after: String?,
                                read: (StoredRecord) -> (Item, Int64?)?) throws(APIError) -> (items: [Item], hasMore: Bool) {
        let now = env.now()
        var out: [Item] = []
        var cursor = after
        var hasMore = false
        // Expired files are dropped lazily, so keep paging until the page is full of live ones.
        while true {
            let page: RecordPage
            do {
                page = try env.records.list(tenant: tenant.id, collection: Self.collection,
                                            query: ListQuery(filters: purpose.map { [RecordFilter(path: ["purpose"], value: $0)] } ?? [],
                                                             order: order, after: cursor, limit: limit + 1 - out.count))
            } catch { throw .serverError("\(error)") }
            for r in page.records {
                guard let (item, expiresAt) = read(r) else { continue }
                if let e = expiresAt, now >= e { purge(tenant: tenant, id: r.id); continue }
                if out.count == limit { hasMore = true; break }
                out.append(item)
            }
            cursor = page.records.last?.id
            if hasMore || !page.hasMore || cursor == nil { break }
        }
        return (out, hasMore)
    }

    /// A live file (an expired one is purged and a 404).
    public func retrieve(tenant: Tenant, id: String) throws(APIError) -> FileObject {
        guard let r = try record(tenant: tenant, id: id), let f = FileObject(stored: r.body) else { throw .notFound("File", id: id) }
        try checkExpiry(f.expiresAt, tenant: tenant, id: id)
        return f
    }

    /// The file object's wire bytes, the same as `retrieve(…).encodedJSON`: cut from the stored
    /// bytes when the record holds them as `FileObject.storedEncoding` writes them, so a
    /// retrieve does not build the object and encode it again.
    /// - Remark: GET /v1/files/{file_id}
    public func retrieveEncoded(tenant: Tenant, id: String) throws(APIError) -> [UInt8] {
        guard let r = try record(tenant: tenant, id: id) else { throw .notFound("File", id: id) }
        if case let .encoded(bytes) = r.document, let (wire, expiresAt) = FileObject.wire(fromStored: bytes) {
            try checkExpiry(expiresAt, tenant: tenant, id: id)
            return wire
        }
        guard let f = FileObject(stored: r.body) else { throw .notFound("File", id: id) }
        try checkExpiry(f.expiresAt, tenant: tenant, id: id)
        return f.encodedJSON
    }

    private func record(tenant: Tenant, id: String) throws(APIError) -> StoredRecord? {
        do { return try env.records.get(tenant: tenant.id, collection: Self.collection, id: id) } catch { throw .serverError("\(error)") }
    }

    /// An expired file is gone: purged on the read that finds it expired, and a 404.
    private func checkExpiry(_ expiresAt: Int64?, tenant: Tenant, id: String) throws(APIError) {
        guard let e = expiresAt, env.now() >= e else { return }
        purge(tenant: tenant, id: id)
        throw .notFound("File", id: id)
    }

    /// - Remark: DELETE /v1/files/{file_id}
    public func delete(tenant: Tenant, id: String) throws(APIError) -> JSON {
        _ = try retrieve(tenant: tenant, id: id)
        purge(tenant: tenant, id: id)
        return .object([("id", .string(id)), ("object", "file"), ("deleted", true)])
    }

    /// Where the content is on disk, for streaming it out.
    /// - Remark: GET /v1/files/{file_id}/content
    public func content(tenant: Tenant, id: String) throws(APIError) -> (file: FileObject, path: String) {
        let f = try retrieve(tenant: tenant, id: id)
        guard let path = env.blobs.path(key: Self.blobKey(tenant, id)) else {
            throw .serverError("The content of \(id) is missing from the blob store.")
        }
        return (f, path)
    }

    /// The content as bytes (small internal files: training data, batch input).
    public func contentBytes(tenant: Tenant, id: String) throws(APIError) -> [UInt8] {
        _ = try retrieve(tenant: tenant, id: id)
        do { return try env.blobs.read(key: Self.blobKey(tenant, id)) } catch { throw .serverError("\(error)") }
    }

    private func purge(tenant: Tenant, id: String) {
        _ = try? env.records.delete(tenant: tenant.id, collection: Self.collection, id: id)
        env.blobs.delete(key: Self.blobKey(tenant, id))
    }

    static func blobKey(_ tenant: Tenant, _ id: String) -> String { BlobKey.scoped(tenant, id) }
}

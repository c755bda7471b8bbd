import SimSupport

/// The Uploads API: create, add part, complete, cancel.
public struct UploadService: Sendable {
    public static let collection = "uploads"
    public static let partCollection = "upload_parts"
    public static let purposes = ["assistants", "batch", "fine-tune", "vision"]
    public static let maxBytes: Int64 = 8 * 1024 * 1024 * 1024
    public static let maxPartBytes = 64 * 1024 * 1024
    public static let lifetime: Int64 = 3600

    let env: SimEnvironment
    let files: FileService
    public init(env: SimEnvironment) { self.env = env; files = FileService(env: env) }

    /// - Remark: POST /v1/uploads
    public func create(tenant: Tenant, filename: String, purpose: String, bytes: Int64, mimeType: String,
                       expiresAfterSeconds: Int64?) throws(APIError) -> JSON {
        guard Self.purposes.contains(purpose) else { throw .invalidValue("purpose", purpose, supported: Self.purposes) }
        guard bytes >= 0 else { throw .invalidRequest("Invalid 'bytes': must be a non-negative integer.", param: "bytes", code: "invalid_value") }
        guard bytes <= Self.maxBytes else {
            throw .invalidRequest("Upload is too large: \(bytes) bytes. The maximum upload size is 8 GB.", param: "bytes", code: "invalid_value")
        }
        guard !filename.isEmpty else { throw .invalidRequest("Invalid 'filename': must not be empty.", param: "filename", code: "invalid_value") }
        guard !mimeType.isEmpty else { throw .invalidRequest("Invalid 'mime_type': must not be empty.", param: "mime_type", code: "invalid_value") }
        if purpose == "fine-tune" || purpose == "batch", !filename.lowercased().hasSuffix(".jsonl") {
            throw .invalidRequest("Invalid file format for \(purpose == "batch" ? "Batch API" : "Fine-Tuning API"). Must be .jsonl", param: "filename")
        }
        if let s = expiresAfterSeconds, !FileService.expirySecondsRange.contains(s) {
            throw .invalidRequest("Invalid 'expires_after.seconds': \(s). Expected a value between 3600 (1 hour) and 2592000 (30 days).",
                                  param: "expires_after.seconds", code: "invalid_value")
        }
        let now = env.now()
        let upload = UploadObject(id: IDKind.upload(env.ids(tenant)), createdAt: now, filename: filename, bytes: bytes,
                                  purpose: purpose, mimeType: mimeType, expiresAt: now + Self.lifetime,
                                  fileExpiresAfter: expiresAfterSeconds)
        try save(tenant, upload)
        return upload.json(at: now)
    }

    /// - Remark: POST /v1/uploads/{upload_id}/parts
    public func addPart(tenant: Tenant, uploadID: String, data: BlobSource, size: Int) throws(APIError) -> JSON {
        let upload = try load(tenant, uploadID)
        let now = env.now()
        try requirePending(upload, now: now, action: "add parts to")
        guard size <= Self.maxPartBytes else {
            throw .invalidRequest("Part is too large: \(size) bytes. Each part can be at most 64 MB.", param: "data", status: 413)
        }
        let partID = IDKind.part(env.ids(tenant))
        do {
            try env.blobs.write(key: BlobKey.scoped(tenant, partID), from: data)
            try env.records.put(StoredRecord(tenant: tenant.id, collection: Self.partCollection, id: partID, createdAt: now,
                                             body: .object([("upload_id", .string(uploadID)), ("bytes", .int(Int64(size)))])))
        } catch { throw .serverError("Could not store the part: \(error)") }
        return .object([("id", .string(partID)), ("object", "upload.part"), ("created_at", .int(now)), ("upload_id", .string(uploadID))])
    }

    /// - Remark: POST /v1/uploads/{upload_id}/complete
    public func complete(tenant: Tenant, uploadID: String, partIDs: [String], md5: String?) throws(APIError) -> JSON {
        var upload = try load(tenant, uploadID)
        let now = env.now()
        try requirePending(upload, now: now, action: "complete")
        guard Set(partIDs).count == partIDs.count else {
            throw .invalidRequest("Invalid 'part_ids': each part may appear only once.", param: "part_ids", code: "invalid_value")
        }
        var total: Int64 = 0
        var sources: [BlobSource] = []
        for pid in partIDs {
            let record: StoredRecord?
            do { record = try env.records.get(tenant: tenant.id, collection: Self.partCollection, id: pid) } catch { throw .serverError("\(error)") }
            guard let r = record, r.body["upload_id"]?.stringValue == uploadID else {
                throw .invalidRequest("Invalid 'part_ids': \(pid) is not a part of upload \(uploadID).", param: "part_ids", code: "invalid_value")
            }
            total += r.body["bytes"]?.intValue ?? 0
            guard let path = env.blobs.path(key: BlobKey.scoped(tenant, pid)) else { throw .serverError("Part \(pid) is missing its data.") }
            sources.append(.fileRange(path: path, offset: 0, length: Int(r.body["bytes"]?.intValue ?? 0)))
        }
        guard total == upload.bytes else {
            throw .invalidRequest("The number of bytes uploaded (\(total)) does not match the number of bytes specified when the upload was created (\(upload.bytes)).",
                                  param: "part_ids", code: "invalid_value")
        }
        var file = try files.store(tenant: tenant, filename: upload.filename, purpose: upload.purpose,
                                   content: .concatenation(sources), expiresAfterSeconds: upload.fileExpiresAfter)
        if let expected = md5?.lowercased(), !expected.isEmpty, expected != file.md5 {
            _ = try? files.delete(tenant: tenant, id: file.id)
            throw .invalidRequest("The MD5 checksum (\(expected)) does not match the uploaded data (\(file.md5)).", param: "md5", code: "invalid_value")
        }
        file.status = "processed"
        upload.storedStatus = "completed"
        upload.file = file
        try save(tenant, upload)
        for pid in partIDs { dropPart(tenant, pid) }
        return upload.json(at: now)
    }

    /// - Remark: POST /v1/uploads/{upload_id}/cancel
    public func cancel(tenant: Tenant, uploadID: String) throws(APIError) -> JSON {
        var upload = try load(tenant, uploadID)
        let now = env.now()
        try requirePending(upload, now: now, action: "cancel")
        upload.storedStatus = "cancelled"
        try save(tenant, upload)
        return upload.json(at: now)
    }

    private func requirePending(_ upload: UploadObject, now: Int64, action: String) throws(APIError) {
        let status = upload.status(at: now)
        guard status == "pending" else {
            throw .invalidRequest("Cannot \(action) upload \(upload.id): its status is \(status).", param: "upload_id")
        }
    }

    private func load(_ tenant: Tenant, _ id: String) throws(APIError) -> UploadObject {
        let record: StoredRecord?
        do { record = try env.records.get(tenant: tenant.id, collection: Self.collection, id: id) } catch { throw .serverError("\(error)") }
        guard let r = record, let u = UploadObject(stored: r.body) else { throw .notFound("Upload", id: id, param: "upload_id") }
        return u
    }

    private func save(_ tenant: Tenant, _ upload: UploadObject) throws(APIError) {
        do {
            try env.records.put(StoredRecord(tenant: tenant.id, collection: Self.collection, id: upload.id,
                                             createdAt: upload.createdAt, body: upload.stored))
        } catch { throw .serverError("Could not store the upload: \(error)") }
    }

    private func dropPart(_ tenant: Tenant, _ pid: String) {
        _ = try? env.records.delete(tenant: tenant.id, collection: Self.partCollection, id: pid)
        env.blobs.delete(key: BlobKey.scoped(tenant, pid))
    }
}

import SimSupport

/// An Upload (`Upload` in the spec): parts added over time, assembled into a File on completion.
public struct UploadObject: Sendable {
    public var id: String
    public var createdAt: Int64
    public var filename: String
    public var bytes: Int64
    public var purpose: String
    public var mimeType: String
    /// pending | completed | cancelled; `expired` is computed from the clock.
    public var storedStatus: String
    public var expiresAt: Int64
    public var fileExpiresAfter: Int64?
    public var file: FileObject?

    public func status(at now: Int64) -> String {
        storedStatus == "pending" && now >= expiresAt ? "expired" : storedStatus
    }

    public func json(at now: Int64) -> JSON {
        .object([("id", .string(id)), ("object", "upload"), ("bytes", .int(bytes)), ("created_at", .int(createdAt)),
                 ("filename", .string(filename)), ("purpose", .string(purpose)), ("status", .string(status(at: now))),
                 ("expires_at", .int(expiresAt)), ("file", file?.json ?? .null)])
    }

    var stored: JSON {
        .object([("id", .string(id)), ("created_at", .int(createdAt)), ("filename", .string(filename)), ("bytes", .int(bytes)),
                 ("purpose", .string(purpose)), ("mime_type", .string(mimeType)), ("status", .string(storedStatus)),
                 ("expires_at", .int(expiresAt)), ("file_expires_after", JSON(fileExpiresAfter)),
                 ("file", file?.stored ?? .null)])
    }

    init(id: String, createdAt: Int64, filename: String, bytes: Int64, purpose: String, mimeType: String,
         expiresAt: Int64, fileExpiresAfter: Int64?) {
        self.id = id
        self.createdAt = createdAt
        self.filename = filename
        self.bytes = bytes
        self.purpose = purpose
        self.mimeType = mimeType
        self.storedStatus = "pending"
        self.expiresAt = expiresAt
        self.fileExpiresAfter = fileExpiresAfter
    }

    init?(stored b: JSON) {
        guard let id = b["id"]?.stringValue, let created = b["created_at"]?.intValue, let filename = b["filename"]?.stringValue,
              let bytes = b["bytes"]?.intValue, let purpose = b["purpose"]?.stringValue,
              let status = b["status"]?.stringValue, let expires = b["expires_at"]?.intValue else { return nil }
        self.init(id: id, createdAt: created, filename: filename, bytes: bytes, purpose: purpose,
                  mimeType: b["mime_type"]?.stringValue ?? "", expiresAt: expires, fileExpiresAfter: b["file_expires_after"]?.intValue)
        storedStatus = status
        file = b["file"].flatMap { FileObject(stored: $0) }
    }
}

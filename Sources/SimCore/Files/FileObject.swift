import SimSupport

/// A stored file (`OpenAIFile` in the spec).
public struct FileObject: Sendable, Equatable {
    public var id: String
    public var bytes: Int64
    public var createdAt: Int64
    public var expiresAt: Int64?
    public var filename: String
    public var purpose: String
    public var status: String
    public var statusDetails: String?
    /// Lowercase hex MD5 of the content (internal; not part of the wire object).
    public var md5: String

    public init(id: String, bytes: Int64, createdAt: Int64, expiresAt: Int64?, filename: String, purpose: String,
                status: String = "processed", statusDetails: String? = nil, md5: String = "") {
        self.id = id
        self.bytes = bytes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.filename = filename
        self.purpose = purpose
        self.status = status
        self.statusDetails = statusDetails
        self.md5 = md5
    }

    /// The wire shape, in the API's field order.
    public var json: JSON {
        // Absent rather than null: the spec types these as plain integer/string.
        var pairs: [(String, JSON)] = [("object", "file"), ("id", .string(id)), ("purpose", .string(purpose)),
                                       ("filename", .string(filename)), ("bytes", .int(bytes)), ("created_at", .int(createdAt))]
        if let e = expiresAt { pairs.append(("expires_at", .int(e))) }
        pairs.append(("status", .string(status)))
        if let d = statusDetails { pairs.append(("status_details", .string(d))) }
        return .object(pairs)
    }

    /// The stored shape: the wire shape plus internal fields.
    var stored: JSON { json.setting("_md5", .string(md5)) }

    init?(stored body: JSON) {
        guard let id = body["id"]?.stringValue, let bytes = body["bytes"]?.intValue,
              let created = body["created_at"]?.intValue, let filename = body["filename"]?.stringValue,
              let purpose = body["purpose"]?.stringValue else { return nil }
        self.init(id: id, bytes: bytes, createdAt: created, expiresAt: body["expires_at"]?.intValue, filename: filename,
                  purpose: purpose, status: body["status"]?.stringValue ?? "processed",
                  statusDetails: body["status_details"]?.stringValue, md5: body["_md5"]?.stringValue ?? "")
    }

    public func isExpired(at now: Int64) -> Bool { expiresAt.map { now >= $0 } ?? false }
}

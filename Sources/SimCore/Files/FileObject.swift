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

    /// `json` encoded, written straight to bytes (the same bytes as `json.encoded`): retrieving
    /// a file is a hot path.
    public var encodedJSON: [UInt8] {
        var w = JSONWriter(capacity: 160 + filename.utf8.count)
        w.raw("{\"object\":\"file\",\"id\":"); w.writeString(id)
        w.raw(",\"purpose\":"); w.writeString(purpose)
        w.raw(",\"filename\":"); w.writeString(filename)
        w.raw(",\"bytes\":"); w.writeInt(bytes)
        w.raw(",\"created_at\":"); w.writeInt(createdAt)
        if let e = expiresAt { w.raw(",\"expires_at\":"); w.writeInt(e) }
        w.raw(",\"status\":"); w.writeString(status)
        if let d = statusDetails { w.raw(",\"status_details\":"); w.writeString(d) }
        w.raw("}")
        return w.bytes
    }

    /// The stored shape: the wire shape plus internal fields.
    var stored: JSON { json.setting("_md5", .string(md5)) }

    init?(stored body: JSON) {
        guard case let .object(pairs) = body else { return nil }
        // One pass over the members (a stored file is read on every retrieve).
        var id: String?, bytes: Int64?, created: Int64?, filename: String?, purpose: String?
        var expires: Int64?, status: String?, details: String?, md5: String?
        for (k, v) in pairs {
            // The length first: most keys are then told apart without comparing any string.
            switch k.utf8.count {
            case 2 where k == "id": id = v.stringValue
            case 5 where k == "bytes": bytes = v.intValue
            case 10 where k == "created_at": created = v.intValue
            case 10 where k == "expires_at": expires = v.intValue
            case 8 where k == "filename": filename = v.stringValue
            case 7 where k == "purpose": purpose = v.stringValue
            case 6 where k == "status": status = v.stringValue
            case 14 where k == "status_details": details = v.stringValue
            case 4 where k == "_md5": md5 = v.stringValue
            default: break
            }
        }
        guard let id, let bytes, let created, let filename, let purpose else { return nil }
        self.init(id: id, bytes: bytes, createdAt: created, expiresAt: expires, filename: filename,
                  purpose: purpose, status: status ?? "processed", statusDetails: details, md5: md5 ?? "")
    }

    public func isExpired(at now: Int64) -> Bool { expiresAt.map { now >= $0 } ?? false }
}

/// The body of `POST /v1/uploads` (`CreateUploadRequest`).
public struct CreateUploadRequest: Encodable, Sendable {
    public var filename: String
    public var purpose: String
    public var bytes: Int
    public var mimeType: String

    public init(filename: String, purpose: String, bytes: Int, mimeType: String) {
        self.filename = filename
        self.purpose = purpose
        self.bytes = bytes
        self.mimeType = mimeType
    }

    enum CodingKeys: String, CodingKey { case filename, purpose, bytes, mimeType = "mime_type" }
}

/// The body of `POST /v1/uploads/{upload_id}/complete` (`CompleteUploadRequest`).
public struct CompleteUploadRequest: Encodable, Sendable {
    public var partIDs: [String]
    public var md5: String?

    public init(partIDs: [String], md5: String? = nil) {
        self.partIDs = partIDs
        self.md5 = md5
    }

    enum CodingKeys: String, CodingKey { case md5, partIDs = "part_ids" }
}

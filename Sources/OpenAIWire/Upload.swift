/// A multi-part upload (`Upload` in the spec).
public struct Upload: Codable, Sendable, Hashable {
    /// Lifecycle of an upload.
    public enum Status: String, Codable, Sendable {
        case pending, completed, cancelled, expired
    }

    public let id: String
    public let object: String?
    public let createdAt: Int
    public let filename: String
    public let bytes: Int
    public let purpose: String
    public let status: Status
    public let expiresAt: Int
    /// The file made on completion; `null` until then.
    public let file: OpenAIFile?

    enum CodingKeys: String, CodingKey {
        case id, object, filename, bytes, purpose, status, file
        case createdAt = "created_at", expiresAt = "expires_at"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = c.contains(.object) ? try c.decodeConstant("upload", forKey: .object) : nil
        createdAt = try c.decode(Int.self, forKey: .createdAt)
        filename = try c.decode(String.self, forKey: .filename)
        bytes = try c.decode(Int.self, forKey: .bytes)
        purpose = try c.decode(String.self, forKey: .purpose)
        status = try c.decode(Status.self, forKey: .status)
        expiresAt = try c.decode(Int.self, forKey: .expiresAt)
        file = try c.decodeIfPresent(OpenAIFile.self, forKey: .file)
    }
}

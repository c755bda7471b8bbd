/// One part added to an upload (`UploadPart` in the spec).
public struct UploadPart: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let createdAt: Int
    public let uploadID: String

    enum CodingKeys: String, CodingKey {
        case id, object, createdAt = "created_at", uploadID = "upload_id"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("upload.part", forKey: .object)
        createdAt = try c.decode(Int.self, forKey: .createdAt)
        uploadID = try c.decode(String.self, forKey: .uploadID)
    }
}

/// A model the account can use (`Model` in the spec).
public struct Model: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let created: Int
    public let ownedBy: String

    enum CodingKeys: String, CodingKey {
        case id, object, created, ownedBy = "owned_by"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("model", forKey: .object)
        created = try c.decode(Int.self, forKey: .created)
        ownedBy = try c.decode(String.self, forKey: .ownedBy)
    }
}

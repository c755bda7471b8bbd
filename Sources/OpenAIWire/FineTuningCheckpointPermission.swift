/// Access granted to a project on a fine-tuned checkpoint (`FineTuningCheckpointPermission`).
public struct FineTuningCheckpointPermission: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let createdAt: Int
    public let projectID: String

    enum CodingKeys: String, CodingKey {
        case id, object, createdAt = "created_at", projectID = "project_id"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("checkpoint.permission", forKey: .object)
        createdAt = try c.decode(Int.self, forKey: .createdAt)
        projectID = try c.decode(String.self, forKey: .projectID)
    }
}

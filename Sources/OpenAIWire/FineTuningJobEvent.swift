/// One event in a fine-tuning job's log (`FineTuningJobEvent` in the spec).
public struct FineTuningJobEvent: Codable, Sendable, Hashable {
    /// Severity.
    public enum Level: String, Codable, Sendable { case info, warn, error }

    public let id: String
    public let object: String
    public let createdAt: Int
    public let level: Level
    public let message: String
    public let type: String?
    public let data: JSONValue?

    enum CodingKeys: String, CodingKey {
        case id, object, level, message, type, data, createdAt = "created_at"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("fine_tuning.job.event", forKey: .object)
        createdAt = try c.decode(Int.self, forKey: .createdAt)
        level = try c.decode(Level.self, forKey: .level)
        message = try c.decode(String.self, forKey: .message)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        data = try c.decodeIfPresent(JSONValue.self, forKey: .data)
    }
}

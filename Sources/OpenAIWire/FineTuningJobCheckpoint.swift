/// A checkpoint saved during a fine-tuning job (`FineTuningJobCheckpoint` in the spec).
public struct FineTuningJobCheckpoint: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let createdAt: Int
    public let fineTunedModelCheckpoint: String
    public let stepNumber: Int
    public let metrics: [String: Double]
    public let fineTuningJobID: String

    enum CodingKeys: String, CodingKey {
        case id, object, metrics, createdAt = "created_at", fineTunedModelCheckpoint = "fine_tuned_model_checkpoint"
        case stepNumber = "step_number", fineTuningJobID = "fine_tuning_job_id"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("fine_tuning.job.checkpoint", forKey: .object)
        createdAt = try c.decode(Int.self, forKey: .createdAt)
        fineTunedModelCheckpoint = try c.decode(String.self, forKey: .fineTunedModelCheckpoint)
        stepNumber = try c.decode(Int.self, forKey: .stepNumber)
        metrics = try c.decode([String: Double].self, forKey: .metrics)
        fineTuningJobID = try c.decode(String.self, forKey: .fineTuningJobID)
    }
}

/// The body of `POST /v1/fine_tuning/jobs` (`CreateFineTuningJobRequest`).
public struct CreateFineTuningJobRequest: Encodable, Sendable {
    public var model: String
    public var trainingFile: String
    public var validationFile: String?
    public var suffix: String?
    public var seed: Int?
    public var hyperparameters: FineTuningJob.Hyperparameters?
    public var method: JSONValue?
    public var metadata: [String: String]?

    public init(model: String, trainingFile: String, validationFile: String? = nil, suffix: String? = nil, seed: Int? = nil,
                hyperparameters: FineTuningJob.Hyperparameters? = nil, metadata: [String: String]? = nil) {
        self.model = model
        self.trainingFile = trainingFile
        self.validationFile = validationFile
        self.suffix = suffix
        self.seed = seed
        self.hyperparameters = hyperparameters
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case model, suffix, seed, hyperparameters, method, metadata
        case trainingFile = "training_file", validationFile = "validation_file"
    }
}

/// The body of `POST /v1/fine_tuning/checkpoints/{checkpoint}/permissions`.
public struct CreateFineTuningCheckpointPermissionRequest: Encodable, Sendable {
    public var projectIDs: [String]

    public init(projectIDs: [String]) { self.projectIDs = projectIDs }

    enum CodingKeys: String, CodingKey { case projectIDs = "project_ids" }
}

/// A fine-tuning job (`FineTuningJob` in the spec).
public struct FineTuningJob: Codable, Sendable, Hashable {
    /// Lifecycle of a job.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case validatingFiles = "validating_files", queued, running, succeeded, failed, cancelled

        /// No further transition happens from here.
        public var isTerminal: Bool { [.succeeded, .failed, .cancelled].contains(self) }
    }

    /// `hyperparameters`.
    public struct Hyperparameters: Codable, Sendable, Hashable {
        public let batchSize: AutoOr<Int>?
        public let learningRateMultiplier: AutoOr<Double>?
        public let nEpochs: AutoOr<Int>?

        public init(batchSize: AutoOr<Int>? = nil, learningRateMultiplier: AutoOr<Double>? = nil, nEpochs: AutoOr<Int>? = nil) {
            self.batchSize = batchSize
            self.learningRateMultiplier = learningRateMultiplier
            self.nEpochs = nEpochs
        }

        enum CodingKeys: String, CodingKey {
            case batchSize = "batch_size", learningRateMultiplier = "learning_rate_multiplier", nEpochs = "n_epochs"
        }
    }

    /// `error` of a failed job.
    public struct JobError: Codable, Sendable, Hashable {
        public let code: String
        public let message: String
        public let param: String?

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            code = try c.decode(String.self, forKey: .code)
            message = try c.decode(String.self, forKey: .message)
            param = try c.decodeNullable(String.self, forKey: .param)
        }
    }

    public let id: String
    public let object: String
    public let createdAt: Int
    public let error: JobError?
    public let fineTunedModel: String?
    public let finishedAt: Int?
    public let hyperparameters: Hyperparameters
    public let model: String
    public let organizationID: String
    public let resultFiles: [String]
    public let status: Status
    public let trainedTokens: Int?
    public let trainingFile: String
    public let validationFile: String?
    public let seed: Int
    public let estimatedFinish: Int?
    public let method: JSONValue?
    public let metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, object, error, hyperparameters, model, status, seed, method, metadata
        case createdAt = "created_at", fineTunedModel = "fine_tuned_model", finishedAt = "finished_at"
        case organizationID = "organization_id", resultFiles = "result_files", trainedTokens = "trained_tokens"
        case trainingFile = "training_file", validationFile = "validation_file", estimatedFinish = "estimated_finish"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("fine_tuning.job", forKey: .object)
        createdAt = try c.decode(Int.self, forKey: .createdAt)
        error = try c.decodeNullable(JobError.self, forKey: .error)
        fineTunedModel = try c.decodeNullable(String.self, forKey: .fineTunedModel)
        finishedAt = try c.decodeNullable(Int.self, forKey: .finishedAt)
        hyperparameters = try c.decode(Hyperparameters.self, forKey: .hyperparameters)
        model = try c.decode(String.self, forKey: .model)
        organizationID = try c.decode(String.self, forKey: .organizationID)
        resultFiles = try c.decode([String].self, forKey: .resultFiles)
        status = try c.decode(Status.self, forKey: .status)
        trainedTokens = try c.decodeNullable(Int.self, forKey: .trainedTokens)
        trainingFile = try c.decode(String.self, forKey: .trainingFile)
        validationFile = try c.decodeNullable(String.self, forKey: .validationFile)
        seed = try c.decode(Int.self, forKey: .seed)
        estimatedFinish = try c.decodeIfPresent(Int.self, forKey: .estimatedFinish)
        method = try c.decodeIfPresent(JSONValue.self, forKey: .method)
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata)
    }
}

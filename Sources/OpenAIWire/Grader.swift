/// `POST /fine_tuning/alpha/graders/run` request (`RunGraderRequest`): a grader (one of the
/// `Grader…` schemas, given as JSON), the dataset item it reads as `item`, and the model sample it
/// reads as `sample.output_text` (and `sample.output_json` when the sample is a JSON object).
public struct RunGraderRequest: Codable, Sendable, Hashable {
    public var grader: JSONValue
    public var item: JSONValue?
    public var modelSample: String

    public init(grader: JSONValue, item: JSONValue? = nil, modelSample: String) {
        self.grader = grader
        self.item = item
        self.modelSample = modelSample
    }

    enum CodingKeys: String, CodingKey { case grader, item, modelSample = "model_sample" }
}

/// What a grader run returns (`RunGraderResponse`).
public struct RunGraderResponse: Codable, Sendable, Hashable {
    public let reward: Double
    public let metadata: Metadata
    /// Each named sub-grader's reward (multi graders).
    public let subRewards: [String: JSONValue]
    /// Token usage of the model graders, by model.
    public let modelGraderTokenUsagePerModel: [String: JSONValue]

    public struct Metadata: Codable, Sendable, Hashable {
        public let name: String
        public let type: String
        /// Flags for the problems the grader met (`sample_parse_error`, `formula_parse_error`, …)
        /// and their details, as the API names them.
        public let errors: [String: JSONValue]
        public let executionTime: Double
        public let scores: [String: JSONValue]
        public let tokenUsage: Int?
        public let sampledModelName: String?

        enum CodingKeys: String, CodingKey {
            case name, type, errors, scores, executionTime = "execution_time", tokenUsage = "token_usage",
                 sampledModelName = "sampled_model_name"
        }

        /// The names of the error flags that are set.
        public var errorFlags: [String] { errors.filter { $0.value == .bool(true) }.map(\.key).sorted() }
    }

    enum CodingKeys: String, CodingKey {
        case reward, metadata, subRewards = "sub_rewards", modelGraderTokenUsagePerModel = "model_grader_token_usage_per_model"
    }
}

/// `POST /fine_tuning/alpha/graders/validate` request and answer: the grader, as checked.
public struct ValidateGraderRequest: Codable, Sendable, Hashable {
    public var grader: JSONValue
    public init(grader: JSONValue) { self.grader = grader }
}

public struct ValidateGraderResponse: Codable, Sendable, Hashable {
    public let grader: JSONValue?
}

/// An eval: a data source config and testing criteria (`Eval` in the spec). The config and the
/// criteria stay JSON: their shapes vary by type, and the client passes them through.
public struct Eval: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let name: String
    public let dataSourceConfig: JSONValue
    public let testingCriteria: [JSONValue]
    public let createdAt: Int
    public let metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, object, name, metadata
        case dataSourceConfig = "data_source_config", testingCriteria = "testing_criteria", createdAt = "created_at"
    }
}

/// `POST /v1/evals`.
public struct CreateEvalRequest: Codable, Sendable {
    public var name: String?
    public var metadata: [String: String]?
    public var dataSourceConfig: JSONValue
    public var testingCriteria: [JSONValue]

    public init(name: String? = nil, metadata: [String: String]? = nil, dataSourceConfig: JSONValue, testingCriteria: [JSONValue]) {
        self.name = name
        self.metadata = metadata
        self.dataSourceConfig = dataSourceConfig
        self.testingCriteria = testingCriteria
    }

    enum CodingKeys: String, CodingKey {
        case name, metadata, dataSourceConfig = "data_source_config", testingCriteria = "testing_criteria"
    }
}

/// `POST /v1/evals/{eval_id}`: name and metadata.
public struct UpdateEvalRequest: Codable, Sendable {
    public var name: String?
    public var metadata: [String: String]?
    public init(name: String? = nil, metadata: [String: String]? = nil) {
        self.name = name
        self.metadata = metadata
    }
}

/// `DELETE /v1/evals/{eval_id}`.
public struct EvalDeleted: Codable, Sendable, Hashable {
    public let object: String
    public let deleted: Bool
    public let evalID: String
    enum CodingKeys: String, CodingKey { case object, deleted, evalID = "eval_id" }
}

/// An error of an eval run or of one sample (`EvalApiError`).
public struct EvalAPIError: Codable, Sendable, Hashable {
    public let code: String
    public let message: String
}

/// A run of an eval (`EvalRun`).
public struct EvalRun: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case queued, inProgress = "in_progress", completed, canceled, failed
        /// No further transition happens from here.
        public var isTerminal: Bool { [.completed, .canceled, .failed].contains(self) }
    }

    public struct ResultCounts: Codable, Sendable, Hashable {
        public let total: Int
        public let errored: Int
        public let failed: Int
        public let passed: Int
    }

    public struct ModelUsage: Codable, Sendable, Hashable {
        public let modelName: String
        public let invocationCount: Int
        public let promptTokens: Int
        public let completionTokens: Int
        public let totalTokens: Int
        public let cachedTokens: Int
        enum CodingKeys: String, CodingKey {
            case modelName = "model_name", invocationCount = "invocation_count", promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens", totalTokens = "total_tokens", cachedTokens = "cached_tokens"
        }
    }

    public struct CriterionResult: Codable, Sendable, Hashable {
        public let testingCriteria: String
        public let passed: Int
        public let failed: Int
        enum CodingKeys: String, CodingKey { case passed, failed, testingCriteria = "testing_criteria" }
    }

    public let id: String
    public let object: String
    public let evalID: String
    public let status: Status
    public let model: String
    public let name: String
    public let createdAt: Int
    public let reportURL: String
    public let resultCounts: ResultCounts
    public let perModelUsage: [ModelUsage]
    public let perTestingCriteriaResults: [CriterionResult]
    public let dataSource: JSONValue
    public let metadata: [String: String]?
    public let error: EvalAPIError?

    enum CodingKeys: String, CodingKey {
        case id, object, status, model, name, metadata, error
        case evalID = "eval_id", createdAt = "created_at", reportURL = "report_url", resultCounts = "result_counts"
        case perModelUsage = "per_model_usage", perTestingCriteriaResults = "per_testing_criteria_results", dataSource = "data_source"
    }
}

/// `POST /v1/evals/{eval_id}/runs`. The data source stays JSON (`jsonl`, `completions`, `responses`).
public struct CreateEvalRunRequest: Codable, Sendable {
    public var name: String?
    public var metadata: [String: String]?
    public var dataSource: JSONValue

    public init(name: String? = nil, metadata: [String: String]? = nil, dataSource: JSONValue) {
        self.name = name
        self.metadata = metadata
        self.dataSource = dataSource
    }

    enum CodingKeys: String, CodingKey { case name, metadata, dataSource = "data_source" }
}

/// `DELETE /v1/evals/{eval_id}/runs/{run_id}`.
public struct EvalRunDeleted: Codable, Sendable, Hashable {
    public let object: String?
    public let deleted: Bool?
    public let runID: String?
    enum CodingKeys: String, CodingKey { case object, deleted, runID = "run_id" }
}

/// One graded item of a run (`EvalRunOutputItem`).
public struct EvalRunOutputItem: Codable, Sendable, Hashable {
    public struct Result: Codable, Sendable, Hashable {
        public let name: String
        public let type: String?
        public let score: Double
        public let passed: Bool
    }

    public struct Message: Codable, Sendable, Hashable {
        public let role: String
        public let content: String?
    }

    public struct Usage: Codable, Sendable, Hashable {
        public let totalTokens: Int
        public let completionTokens: Int
        public let promptTokens: Int
        public let cachedTokens: Int
        enum CodingKeys: String, CodingKey {
            case totalTokens = "total_tokens", completionTokens = "completion_tokens", promptTokens = "prompt_tokens", cachedTokens = "cached_tokens"
        }
    }

    public struct Sample: Codable, Sendable, Hashable {
        public let input: [Message]
        public let output: [Message]
        public let finishReason: String
        public let model: String
        public let usage: Usage
        public let error: EvalAPIError?
        public let temperature: Double
        public let maxCompletionTokens: Int
        public let topP: Double
        public let seed: Int
        enum CodingKeys: String, CodingKey {
            case input, output, model, usage, error, temperature, seed
            case finishReason = "finish_reason", maxCompletionTokens = "max_completion_tokens", topP = "top_p"
        }
    }

    public let id: String
    public let object: String
    public let runID: String
    public let evalID: String
    public let createdAt: Int
    public let status: String
    public let datasourceItemID: Int
    public let datasourceItem: JSONValue
    public let results: [Result]
    public let sample: Sample

    enum CodingKeys: String, CodingKey {
        case id, object, status, results, sample
        case runID = "run_id", evalID = "eval_id", createdAt = "created_at"
        case datasourceItemID = "datasource_item_id", datasourceItem = "datasource_item"
    }
}

public typealias ListEvalsResponse = CursorPage<Eval>
public typealias ListEvalRunsResponse = CursorPage<EvalRun>
public typealias ListEvalRunOutputItemsResponse = CursorPage<EvalRunOutputItem>

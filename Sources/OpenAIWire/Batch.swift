/// A batch of API requests run asynchronously (`Batch` in the spec).
public struct Batch: Codable, Sendable, Hashable {
    /// Lifecycle of a batch.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case validating, failed, inProgress = "in_progress", finalizing, completed, expired, cancelling, cancelled

        /// No further transition happens from here.
        public var isTerminal: Bool { [.failed, .completed, .expired, .cancelled].contains(self) }
    }

    /// `request_counts`.
    public struct RequestCounts: Codable, Sendable, Hashable {
        public let total: Int
        public let completed: Int
        public let failed: Int
    }

    /// One validation error (`BatchError`).
    public struct LineError: Codable, Sendable, Hashable {
        public let code: String?
        public let message: String?
        public let param: String?
        public let line: Int?
    }

    /// `errors`.
    public struct Errors: Codable, Sendable, Hashable {
        public let object: String?
        public let data: [LineError]?
    }

    public let id: String
    public let object: String
    public let endpoint: String
    public let model: String?
    public let errors: Errors?
    public let inputFileID: String
    public let completionWindow: String
    public let status: Status
    public let outputFileID: String?
    public let errorFileID: String?
    public let createdAt: Int
    public let inProgressAt: Int?
    public let expiresAt: Int?
    public let finalizingAt: Int?
    public let completedAt: Int?
    public let failedAt: Int?
    public let expiredAt: Int?
    public let cancellingAt: Int?
    public let cancelledAt: Int?
    public let requestCounts: RequestCounts?
    public let metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, object, endpoint, model, errors, status, metadata
        case inputFileID = "input_file_id", completionWindow = "completion_window"
        case outputFileID = "output_file_id", errorFileID = "error_file_id", createdAt = "created_at"
        case inProgressAt = "in_progress_at", expiresAt = "expires_at", finalizingAt = "finalizing_at"
        case completedAt = "completed_at", failedAt = "failed_at", expiredAt = "expired_at"
        case cancellingAt = "cancelling_at", cancelledAt = "cancelled_at", requestCounts = "request_counts"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("batch", forKey: .object)
        endpoint = try c.decode(String.self, forKey: .endpoint)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        errors = try c.decodeIfPresent(Errors.self, forKey: .errors)
        inputFileID = try c.decode(String.self, forKey: .inputFileID)
        completionWindow = try c.decode(String.self, forKey: .completionWindow)
        status = try c.decode(Status.self, forKey: .status)
        outputFileID = try c.decodeIfPresent(String.self, forKey: .outputFileID)
        errorFileID = try c.decodeIfPresent(String.self, forKey: .errorFileID)
        createdAt = try c.decode(Int.self, forKey: .createdAt)
        inProgressAt = try c.decodeIfPresent(Int.self, forKey: .inProgressAt)
        expiresAt = try c.decodeIfPresent(Int.self, forKey: .expiresAt)
        finalizingAt = try c.decodeIfPresent(Int.self, forKey: .finalizingAt)
        completedAt = try c.decodeIfPresent(Int.self, forKey: .completedAt)
        failedAt = try c.decodeIfPresent(Int.self, forKey: .failedAt)
        expiredAt = try c.decodeIfPresent(Int.self, forKey: .expiredAt)
        cancellingAt = try c.decodeIfPresent(Int.self, forKey: .cancellingAt)
        cancelledAt = try c.decodeIfPresent(Int.self, forKey: .cancelledAt)
        requestCounts = try c.decodeIfPresent(RequestCounts.self, forKey: .requestCounts)
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata)
    }
}

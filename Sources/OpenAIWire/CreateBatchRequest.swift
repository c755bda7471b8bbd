/// The body of `POST /v1/batches` (`CreateBatchRequest`).
public struct CreateBatchRequest: Encodable, Sendable {
    public var inputFileID: String
    public var endpoint: String
    public var completionWindow: String
    public var metadata: [String: String]?

    public init(inputFileID: String, endpoint: String, completionWindow: String = "24h", metadata: [String: String]? = nil) {
        self.inputFileID = inputFileID
        self.endpoint = endpoint
        self.completionWindow = completionWindow
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case endpoint, metadata, inputFileID = "input_file_id", completionWindow = "completion_window"
    }
}

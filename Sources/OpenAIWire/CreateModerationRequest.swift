/// The body of `POST /v1/moderations` (`CreateModerationRequest`), text inputs.
public struct CreateModerationRequest: Encodable, Sendable {
    public var input: CreateEmbeddingRequest.Input
    public var model: String?

    public init(input: CreateEmbeddingRequest.Input, model: String? = nil) {
        self.input = input
        self.model = model
    }
}

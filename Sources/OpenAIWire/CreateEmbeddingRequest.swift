/// The body of `POST /v1/embeddings` (`CreateEmbeddingRequest`).
public struct CreateEmbeddingRequest: Encodable, Sendable {
    /// `input`: one string or several.
    public enum Input: Encodable, Sendable {
        case text(String)
        case texts([String])

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case let .text(s): try c.encode(s)
            case let .texts(s): try c.encode(s)
            }
        }
    }

    public var model: String
    public var input: Input
    public var dimensions: Int?
    /// `float` (default) or `base64`; both decode to `[Double]`.
    public var encodingFormat: String?
    public var user: String?

    public init(model: String, input: Input, dimensions: Int? = nil, encodingFormat: String? = nil) {
        self.model = model
        self.input = input
        self.dimensions = dimensions
        self.encodingFormat = encodingFormat
    }

    enum CodingKeys: String, CodingKey { case model, input, dimensions, user, encodingFormat = "encoding_format" }
}

import FoundationEssentials

/// Embeddings of the inputs (`CreateEmbeddingResponse` in the spec).
public struct CreateEmbeddingResponse: Codable, Sendable, Hashable {
    /// One vector (`Embedding`); base64 vectors (encoding_format=base64) are decoded to floats.
    public struct Embedding: Codable, Sendable, Hashable {
        public let index: Int
        public let object: String
        public let embedding: [Double]

        enum CodingKeys: String, CodingKey { case index, object, embedding }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            index = try c.decode(Int.self, forKey: .index)
            object = try c.decodeConstant("embedding", forKey: .object)
            if let b64 = try? c.decode(String.self, forKey: .embedding) {
                guard let data = Data(base64Encoded: b64), data.count % 4 == 0 else {
                    throw DecodingError.dataCorruptedError(forKey: .embedding, in: c, debugDescription: "not base64 little-endian float32")
                }
                embedding = stride(from: 0, to: data.count, by: 4).map { i in
                    let bits = UInt32(data[data.startIndex + i]) | UInt32(data[data.startIndex + i + 1]) << 8
                        | UInt32(data[data.startIndex + i + 2]) << 16 | UInt32(data[data.startIndex + i + 3]) << 24
                    return Double(Float(bitPattern: bits))
                }
            } else {
                embedding = try c.decode([Double].self, forKey: .embedding)
            }
        }
    }

    /// `usage`.
    public struct Usage: Codable, Sendable, Hashable {
        public let promptTokens: Int
        public let totalTokens: Int
        enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens", totalTokens = "total_tokens" }
    }

    public let object: String
    public let model: String
    public let data: [Embedding]
    public let usage: Usage

    enum CodingKeys: String, CodingKey { case object, model, data, usage }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        object = try c.decodeConstant("list", forKey: .object)
        model = try c.decode(String.self, forKey: .model)
        data = try c.decode([Embedding].self, forKey: .data)
        usage = try c.decode(Usage.self, forKey: .usage)
    }
}

import OpenAIWire

/// `/embeddings`.
public struct Embeddings: Sendable {
    let client: OpenAIClient

    /// Embeds the inputs.
    /// - Remark: POST /v1/embeddings
    public func create(_ request: CreateEmbeddingRequest) async throws -> CreateEmbeddingResponse {
        try await client.json(.post("/embeddings", json: request))
    }
}

/// `/moderations`.
public struct Moderations: Sendable {
    let client: OpenAIClient

    /// Classifies the inputs.
    /// - Remark: POST /v1/moderations
    public func create(_ request: CreateModerationRequest) async throws -> CreateModerationResponse {
        try await client.json(.post("/moderations", json: request))
    }
}

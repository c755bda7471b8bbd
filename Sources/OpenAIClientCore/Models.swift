import OpenAIWire

/// `/models`.
public struct Models: Sendable {
    let client: OpenAIClient

    /// Every model available.
    /// - Remark: GET /v1/models
    public func list() async throws -> ListModelsResponse { try await client.json(.get("/models")) }

    /// One model.
    /// - Remark: GET /v1/models/{model}
    public func retrieve(_ id: String) async throws -> Model { try await client.json(.get("/models/\(seg(id))")) }

    /// Deletes a fine-tuned model.
    /// - Remark: DELETE /v1/models/{model}
    public func delete(_ id: String) async throws -> DeleteModelResponse { try await client.json(.delete("/models/\(seg(id))")) }
}

import OpenAIWire

/// `/batches`.
public struct Batches: Sendable {
    let client: OpenAIClient

    /// Creates a batch.
    /// - Remark: POST /v1/batches
    public func create(_ request: CreateBatchRequest) async throws -> Batch { try await client.json(.post("/batches", json: request)) }

    /// One batch.
    /// - Remark: GET /v1/batches/{batch_id}
    public func retrieve(_ id: String) async throws -> Batch { try await client.json(.get("/batches/\(seg(id))")) }

    /// Cancels a batch.
    /// - Remark: POST /v1/batches/{batch_id}/cancel
    public func cancel(_ id: String) async throws -> Batch { try await client.json(.post("/batches/\(seg(id))/cancel")) }

    /// One page of batches.
    /// - Remark: GET /v1/batches
    public func list(limit: Int? = nil, after: String? = nil) async throws -> ListBatchesResponse {
        try await client.json(.get("/batches", query: [("limit", limit.map(String.init)), ("after", after)]))
    }

    /// Every batch, page after page.
    /// - Remark: GET /v1/batches
    public func listAll(limit: Int? = nil) -> CursorPageSequence<Batch> {
        CursorPageSequence(after: nil, id: \.id) { after in try await list(limit: limit, after: after) }
    }
}

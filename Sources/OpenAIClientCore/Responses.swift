import OpenAIWire

/// `/responses`.
public struct Responses: Sendable {
    let client: OpenAIClient

    /// A whole response.
    /// - Remark: POST /v1/responses
    public func create(_ request: CreateResponse) async throws -> Response {
        var r = request
        r.stream = nil
        return try await client.json(.post("/responses", json: r))
    }

    /// The response as typed events (`stream: true`).
    /// - Remark: POST /v1/responses
    public func stream(_ request: CreateResponse) -> AsyncThrowingStream<ResponseStreamEvent, Error> {
        var r = request
        r.stream = true
        do {
            return client.stream(try .post("/responses", json: r), as: ResponseStreamEvent.self)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }

    /// A stored response.
    /// - Remark: GET /v1/responses/{response_id}
    public func retrieve(_ id: String) async throws -> Response { try await client.json(.get("/responses/\(seg(id))")) }

    /// Deletes a stored response.
    /// - Remark: DELETE /v1/responses/{response_id}
    public func delete(_ id: String) async throws -> ResponseDeleted { try await client.json(.delete("/responses/\(seg(id))")) }

    /// Cancels a background response.
    /// - Remark: POST /v1/responses/{response_id}/cancel
    public func cancel(_ id: String) async throws -> Response { try await client.json(.post("/responses/\(seg(id))/cancel")) }
}

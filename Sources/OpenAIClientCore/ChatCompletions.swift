import OpenAIWire

/// `/chat/completions`.
public struct ChatCompletions: Sendable {
    let client: OpenAIClient

    /// A whole completion.
    /// - Remark: POST /v1/chat/completions
    public func create(_ request: CreateChatCompletionRequest) async throws -> ChatCompletion {
        var r = request
        r.stream = nil
        r.streamOptions = nil
        return try await client.json(.post("/chat/completions", json: r))
    }

    /// The completion as chunks (`stream: true`), ending at `[DONE]`.
    /// - Remark: POST /v1/chat/completions
    public func stream(_ request: CreateChatCompletionRequest, includeUsage: Bool = false) -> AsyncThrowingStream<ChatCompletionChunk, Error> {
        var r = request
        r.stream = true
        if includeUsage { r.streamOptions = .init(includeUsage: true) }
        do {
            return client.stream(try .post("/chat/completions", json: r), as: ChatCompletionChunk.self)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }

    /// A stored completion.
    /// - Remark: GET /v1/chat/completions/{completion_id}
    public func retrieve(_ id: String) async throws -> ChatCompletion { try await client.json(.get("/chat/completions/\(seg(id))")) }

    /// Deletes a stored completion.
    /// - Remark: DELETE /v1/chat/completions/{completion_id}
    public func delete(_ id: String) async throws -> ChatCompletionDeleted { try await client.json(.delete("/chat/completions/\(seg(id))")) }
}

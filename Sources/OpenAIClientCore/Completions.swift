import OpenAIWire

/// `/completions` (the legacy Completions API).
public struct Completions: Sendable {
    let client: OpenAIClient

    /// A whole completion.
    /// - Remark: POST /v1/completions
    public func create(_ request: CreateCompletionRequest) async throws -> Completion {
        var r = request
        r.stream = nil
        r.streamOptions = nil
        return try await client.json(.post("/completions", json: r))
    }

    /// The completion as chunks (`stream: true`), ending at `[DONE]`; with `includeUsage` the
    /// last chunk has no choices and carries the usage.
    /// - Remark: POST /v1/completions
    public func stream(_ request: CreateCompletionRequest, includeUsage: Bool = false) -> AsyncThrowingStream<Completion, Error> {
        var r = request
        r.stream = true
        if includeUsage { r.streamOptions = .init(includeUsage: true) }
        do {
            return client.stream(try .post("/completions", json: r), as: Completion.self)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }
}

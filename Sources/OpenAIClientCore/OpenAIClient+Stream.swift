import FoundationEssentials
import OpenAIWire

extension OpenAIClient {
    /// Sends `endpoint` (retrying before the first byte only) and decodes its SSE body as `T`s;
    /// `[DONE]` ends the stream, an `{"error": ...}` payload throws `OpenAIError.stream`.
    func stream<T: Decodable & Sendable>(_ endpoint: Endpoint, as type: T.Type) -> AsyncThrowingStream<T, Error> {
        var e = endpoint
        e.accept = "text/event-stream"
        let (stream, continuation) = AsyncThrowingStream<T, Error>.makeStream()
        let task = Task {
            do {
                let (head, body) = try await perform(e)
                let requestID = head.header("x-request-id")
                var parser = SSEParser()
                var done = false
                func handle(_ events: [ServerSentEvent]) throws {
                    for sse in events where !done {
                        if sse.data.hasPrefix("[DONE]") { done = true; return }
                        let data = Data(sse.data.utf8)
                        if let failure = try? JSONDecoder().decode(ErrorResponse.self, from: data) {
                            throw OpenAIError.stream(message: failure.error.message, error: failure.error, requestID: requestID)
                        }
                        do {
                            continuation.yield(try WireJSON.decode(T.self, from: data))
                        } catch {
                            throw OpenAIError.decoding(error, requestID: requestID)
                        }
                    }
                }
                do {
                    for try await chunk in body {
                        try handle(parser.feed(chunk))
                        if done { break }
                    }
                    if !done { try handle(parser.finish()) }
                } catch let t as TransportError {
                    throw t.kind == .timeout ? OpenAIError.timeout(t.message) : OpenAIError.connection(t.message)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

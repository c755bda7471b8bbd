import FoundationEssentials
import OpenAIWire

extension OpenAIClient {
    /// Sends `endpoint` with retries; returns a 2xx head and its body stream, or throws `OpenAIError`.
    func perform(_ endpoint: Endpoint) async throws -> (TransportResponseHead, AsyncThrowingStream<Data, Error>) {
        var retriesTaken = 0
        while true {
            let request = try makeRequest(endpoint, retriesTaken: retriesTaken)
            let canRetry = retriesTaken < retry.maxRetries
            let head: TransportResponseHead
            let body: AsyncThrowingStream<Data, Error>
            do {
                (head, body) = try await transport.send(request)
            } catch let e as TransportError {
                if canRetry {
                    try await pause(retriesTaken: retriesTaken, head: nil)
                    retriesTaken += 1
                    continue
                }
                throw e.kind == .timeout ? OpenAIError.timeout(e.message) : OpenAIError.connection(e.message)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw OpenAIError.connection("\(error)")
            }
            guard head.status >= 400 else { return (head, body) }
            let data = (try? await collect(body)) ?? Data()
            if canRetry, retry.shouldRetry(head, now: configuration.now()) {
                try await pause(retriesTaken: retriesTaken, head: head)
                retriesTaken += 1
                continue
            }
            throw OpenAIError.status(APIStatusError(head: head, body: data))
        }
    }

    /// Sends `endpoint` and decodes the whole body strictly as `T`.
    func json<T: Decodable>(_ endpoint: Endpoint, as type: T.Type = T.self) async throws -> T {
        let (head, data) = try await raw(endpoint)
        do {
            return try WireJSON.decode(T.self, from: data)
        } catch {
            throw OpenAIError.decoding(error, requestID: head.header("x-request-id"))
        }
    }

    /// Sends `endpoint` and returns the head and the whole body.
    func raw(_ endpoint: Endpoint) async throws -> (TransportResponseHead, Data) {
        let (head, body) = try await perform(endpoint)
        do {
            return (head, try await collect(body))
        } catch let e as TransportError {
            throw e.kind == .timeout ? OpenAIError.timeout(e.message) : OpenAIError.connection(e.message)
        }
    }

    private func collect(_ body: AsyncThrowingStream<Data, Error>) async throws -> Data {
        var data = Data()
        for try await chunk in body { data.append(chunk) }
        return data
    }

    private func pause(retriesTaken: Int, head: TransportResponseHead?) async throws {
        let seconds = retry.delay(retriesTaken: retriesTaken, head: head, now: configuration.now(), random: configuration.random())
        try await configuration.sleep(seconds)
    }

    func makeRequest(_ e: Endpoint, retriesTaken: Int) throws -> TransportRequest {
        let base = configuration.baseURL.absoluteString.hasSuffix("/")
            ? String(configuration.baseURL.absoluteString.dropLast()) : configuration.baseURL.absoluteString
        guard var components = URLComponents(string: base + e.path) else {
            throw OpenAIError.invalidRequest("cannot build a URL from \(base) and \(e.path)")
        }
        if !e.query.isEmpty {
            components.percentEncodedQuery = e.query.map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&")
        }
        guard let url = components.url else { throw OpenAIError.invalidRequest("invalid URL \(base + e.path)") }
        var headers: [(String, String)] = [("Accept", e.accept), ("User-Agent", "OpenAIClient-Swift/0.1")]
        let key: String? = switch e.auth {
        case .apiKey: configuration.apiKey
        case .admin: configuration.adminKey
        case .adminOrAPIKey: configuration.adminKey ?? configuration.apiKey
        }
        if let key { headers.append(("Authorization", "Bearer \(key)")) }
        if let org = configuration.organization { headers.append(("OpenAI-Organization", org)) }
        if let project = configuration.project { headers.append(("OpenAI-Project", project)) }
        if let ct = e.contentType { headers.append(("Content-Type", ct)) }
        headers.append(("X-Stainless-Retry-Count", String(retriesTaken)))
        for (k, v) in configuration.defaultHeaders.sorted(by: { $0.key < $1.key }) {
            headers.removeAll { $0.0.lowercased() == k.lowercased() }
            headers.append((k, v))
        }
        return TransportRequest(method: e.method, url: url, headers: headers, body: e.body, timeout: configuration.timeout)
    }

    private func formEncode(_ s: String) -> String { percentEncode(s, keeping: "-._~") }
}

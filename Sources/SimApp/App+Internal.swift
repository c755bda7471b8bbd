import Dispatch
import SimCore
import SimHTTP
import SimSupport

extension App: InternalRequestExecutor {
    public func newRequestID() -> String { IDKind.request(requestIDs) }

    /// Runs one request through the same router and handlers as the live endpoint, for work the
    /// simulator does on a tenant's behalf (batch lines). No middleware, no journal entry, and
    /// no encode/parse round trip for JSON bodies. Handlers see services that draw IDs from the
    /// request's own environment. Streams and delayed replies are refused.
    public func executeInternal(_ r: InternalRequest) -> InternalResponse {
        var request = HTTPRequest(method: r.method, path: r.path)
        request.headers = [("content-type", "application/json")]
        request.preparsedJSON = r.body
        do throws(APIError) {
            guard let match = router.match(method: request.method, path: request.path) else {
                throw .invalidURL(method: request.method, path: request.path)
            }
            let services = r.environment === env ? services : Services(services, drawingIDsFrom: r.environment)
            let ctx = RouteContext(request: request, params: match.params, tenant: r.tenant, requestID: r.requestID,
                                   services: services, overrides: r.overrides)
            let result: RouteResult
            do { result = try match.handler(ctx) } catch let e as APIError { throw e } catch {
                throw .serverError("Unexpected error: \(error)")
            }
            switch result {
            case let .json(value, status): return InternalResponse(status: status, body: value, requestID: r.requestID)
            case let .response(response):
                if case let .bytes(b) = response.body, let v = try? JSONParser.parse(b) {
                    return InternalResponse(status: response.status, body: v, requestID: r.requestID, encodedBody: b)
                }
                throw APIError.invalidRequest("This request cannot be answered inside a batch (streaming is not supported).", param: "stream")
            case .reply:
                throw APIError.invalidRequest("This request cannot be answered inside a batch (streaming is not supported).", param: "stream")
            }
        } catch {
            return InternalResponse(status: error.status, body: error.body, requestID: r.requestID)
        }
    }

    /// `DispatchQueue.concurrentPerform`: the calling thread works too, and libdispatch sizes the
    /// width to the active CPUs.
    public func concurrentPerform(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}

extension Services {
    /// These services, except that the ones handlers draw IDs through (`env`, chat, responses)
    /// use `ids`, an environment with the same clock, seed and stores but ID streams of its own.
    /// Everything with shared state (prompt cache, generator chain, fine-tuning gate) is shared.
    init(_ base: Services, drawingIDsFrom ids: SimEnvironment) {
        env = ids
        files = base.files
        uploads = base.uploads
        models = base.models
        batches = base.batches
        fineTuning = base.fineTuning
        checkpointPermissions = base.checkpointPermissions
        fineTunedAnswers = base.fineTunedAnswers
        inference = base.inference
        responses = ResponseService(env: ids, inference: base.inference, models: base.models, files: base.files)
        chat = ChatCompletionService(env: ids, models: base.models, engine: base.inference)
    }
}

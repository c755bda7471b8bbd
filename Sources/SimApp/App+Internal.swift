import Dispatch
import SimCore
import SimHTTP
import SimSupport

extension App: InternalRequestExecutor {
    public func newRequestID() -> String { IDKind.request(requestIDs) }

    /// Resolves `method path` through the same router as the live endpoint, once, and returns
    /// what runs one request with that route's handler, for work the simulator does on a
    /// tenant's behalf (batch lines). No middleware, no journal entry, and no encode/parse round
    /// trip for JSON bodies. Handlers see services that draw IDs from the request's own
    /// environment. Streams and delayed replies are refused.
    public func internalEndpoint(method: String, path: String) -> InternalEndpoint {
        var template = HTTPRequest(method: method, path: path)
        template.headers = [("content-type", "application/json")]
        guard let match = router.match(method: template.method, path: template.path) else {
            let error = APIError.invalidURL(method: template.method, path: template.path)
            return { r in InternalResponse(status: error.status, body: error.body, requestID: r.requestID) }
        }
        return { [services, env, template, webhookEvents] r in
            var request = template
            request.preparsedJSON = r.body
            let ctx = RouteContext(request: request, params: match.params, tenant: r.tenant, requestID: r.requestID,
                                   services: r.environment === env ? services : Services(services, drawingIDsFrom: r.environment),
                                   overrides: r.overrides, webhooks: webhookEvents)
            do throws(APIError) {
                let result: RouteResult
                do { result = try match.handler(ctx) } catch let e as APIError { throw e } catch {
                    throw .serverError("Unexpected error: \(error)")
                }
                switch result {
                case let .json(value, status): return InternalResponse(status: status, body: value, requestID: r.requestID)
                case let .rendered(_, tree): return InternalResponse(status: 200, body: tree(), requestID: r.requestID)
                case let .response(response):
                    if case let .bytes(b) = response.body, let v = try? JSONParser.parse(b) {
                        return InternalResponse(status: response.status, body: v, requestID: r.requestID, encodedBody: b)
                    }
                    throw Self.notInBatch
                case .reply: throw Self.notInBatch
                }
            } catch {
                return InternalResponse(status: error.status, body: error.body, requestID: r.requestID)
            }
        }
    }

    private static var notInBatch: APIError {
        .invalidRequest("This request cannot be answered inside a batch (streaming is not supported).", param: "stream")
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

import SimCore
import SimHTTP
import SimSupport

extension App: InternalRequestExecutor {
    /// Runs one request through the same router and handlers as the live endpoint, for work the
    /// simulator does on a tenant's behalf (batch lines). No middleware, no journal entry, and
    /// no encode/parse round trip for JSON bodies. Streams and delayed replies are refused.
    public func executeInternal(method: String, path: String, body: JSON, tenant: Tenant,
                                overrides: RequestOverrides) -> InternalResponse {
        let requestID = IDKind.request(requestIDs)
        var request = HTTPRequest(method: method, path: path, headers: [("content-type", "application/json")])
        request.preparsedJSON = body
        let exchange = Exchange(request: request, tenant: tenant, requestID: requestID, overrides: overrides, notes: JournalNotes())
        do throws(APIError) {
            switch try routeResult(exchange) {
            case let .json(value, status): return InternalResponse(status: status, body: value, requestID: requestID)
            case let .response(r):
                if case let .bytes(b) = r.body, let v = try? JSONParser.parse(b) {
                    return InternalResponse(status: r.status, body: v, requestID: requestID)
                }
                throw APIError.invalidRequest("This request cannot be answered inside a batch (streaming is not supported).", param: "stream")
            case .reply:
                throw APIError.invalidRequest("This request cannot be answered inside a batch (streaming is not supported).", param: "stream")
            }
        } catch {
            return InternalResponse(status: error.status, body: error.body, requestID: requestID)
        }
    }
}

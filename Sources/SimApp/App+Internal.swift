import SimCore
import SimHTTP
import SimSupport

extension App {
    /// Runs one request through the same router and handlers as the live endpoint, for work the
    /// simulator does on a tenant's behalf (batch lines). No middleware, no journal entry.
    /// Replies that would arrive later (streams, delays) are not allowed here and answer 400.
    public func dispatchInternal(method: String, path: String, body: JSON, tenant: Tenant, requestID: String,
                                 overrides: RequestOverrides = RequestOverrides()) -> (status: Int, body: JSON) {
        let request = HTTPRequest(method: method, path: path, headers: [("content-type", "application/json")],
                                  body: .bytes(body.encoded))
        let exchange = Exchange(request: request, tenant: tenant, requestID: requestID, overrides: overrides, notes: JournalNotes())
        let response: HTTPResponse
        do throws(APIError) {
            switch try route(exchange) {
            case let .now(r): response = r
            case .later:
                throw APIError.invalidRequest("This request cannot be answered synchronously (streaming is not supported here).", param: "stream")
            }
        } catch {
            response = Self.errorResponse(error)
        }
        guard case let .bytes(bytes) = response.body else { return (response.status, .null) }
        return (response.status, (try? JSONParser.parse(bytes)) ?? .string(String(decoding: bytes, as: UTF8.self)))
    }

    /// A request id from the app's request stream (for internally executed requests).
    public func nextRequestID() -> String { IDKind.request(requestIDs) }
}

import SimSupport

/// The answer to a request the simulator made to itself.
public struct InternalResponse: Sendable {
    public let status: Int
    public let body: JSON
    public let requestID: String
    public init(status: Int, body: JSON, requestID: String) {
        self.status = status
        self.body = body
        self.requestID = requestID
    }
}

/// Runs a request through the live endpoint's handler (implemented by the app), so work done on
/// a tenant's behalf (batch lines) answers exactly as the endpoint would.
public protocol InternalRequestExecutor: AnyObject, Sendable {
    func executeInternal(method: String, path: String, body: JSON, tenant: Tenant, overrides: RequestOverrides) -> InternalResponse
}

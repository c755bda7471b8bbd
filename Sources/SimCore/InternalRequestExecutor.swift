import SimSupport

/// A request the simulator makes to itself (a batch line), to an endpoint resolved beforehand.
public struct InternalRequest: Sendable {
    public var body: JSON
    public var tenant: Tenant
    public var overrides: RequestOverrides
    /// The `req_…` id the answer reports (drawn by the caller, so it does not depend on the order
    /// in which concurrent requests run).
    public var requestID: String
    /// The environment the handler draws its IDs from (`chatcmpl-…`, `modr-…`): a batch line's
    /// own, so a line's IDs depend on the line and not on which other lines ran before it.
    public var environment: SimEnvironment

    public init(body: JSON, tenant: Tenant, overrides: RequestOverrides = RequestOverrides(), requestID: String,
                environment: SimEnvironment) {
        self.body = body
        self.tenant = tenant
        self.overrides = overrides
        self.requestID = requestID
        self.environment = environment
    }
}

/// The answer to a request the simulator made to itself.
public struct InternalResponse: Sendable {
    public let status: Int
    public let body: JSON
    public let requestID: String
    /// The body exactly as the handler encoded it, when it answered with bytes (`body` is then
    /// parsed from them); nil when the handler answered with a JSON value.
    public let encodedBody: [UInt8]?

    public init(status: Int, body: JSON, requestID: String, encodedBody: [UInt8]? = nil) {
        self.status = status
        self.body = body
        self.requestID = requestID
        self.encodedBody = encodedBody
    }
}

/// Runs one request through a live endpoint's handler and returns its answer.
public typealias InternalEndpoint = @Sendable (InternalRequest) -> InternalResponse

/// Runs requests through the live endpoint's handlers (implemented by the app), so work done on
/// a tenant's behalf (batch lines) answers exactly as the endpoint would. The app also owns the
/// threads: SimCore asks it to run independent jobs concurrently.
public protocol InternalRequestExecutor: AnyObject, Sendable {
    /// A fresh `req_…` id from the app's request-id stream.
    func newRequestID() -> String
    /// The live handler for `method path`, resolved once, to run any number of requests with
    /// (from any thread). An unknown endpoint answers every request with the API's 404.
    func internalEndpoint(method: String, path: String) -> InternalEndpoint
    /// Calls `body(i)` for every `i` in `0..<count`, spread over the machine's cores, and returns
    /// once all calls have returned. Calls for different `i` must not depend on each other.
    func concurrentPerform(_ count: Int, _ body: @Sendable (Int) -> Void)
}

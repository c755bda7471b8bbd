import SimHTTP
import SimRecording
import SimSupport

/// Records every request and its answer into a cassette. With an upstream (`serve --record NAME
/// --upstream URL`) it forwards the request there with the caller's own credentials and hands the
/// upstream's answer back as it arrives (streams event by event); without one (`serve
/// --record-journal NAME`) it records the simulator's own answers. Failures are recorded as what
/// they were: statuses as statuses, dropped connections and cut streams as faults.
public final class RecordMiddleware: Middleware {
    /// Set by an upstream transport on a fault response: what went wrong (never sent to the caller).
    public static let upstreamErrorHeader = "x-openai-sim-upstream-error"
    public let recorder: Recorder
    let upstream: HTTPResponder?

    public init(recorder: Recorder, upstream: HTTPResponder?) {
        self.recorder = recorder
        self.upstream = upstream
    }

    public func handle(_ exchange: Exchange, next: @escaping @Sendable (Exchange) -> HTTPReply) -> HTTPReply {
        let ticket = recorder.begin(exchange.request)
        exchange.notes.set("recorded", .int(Int64(ticket.seq)))
        let reply = upstream?.respond(to: exchange.request) ?? next(exchange)
        let ownID: String? = upstream == nil ? exchange.requestID : nil
        return reply.map { [recorder] r in RecordTee.capture(r, ticket: ticket, recorder: recorder, requestID: ownID) }
    }
}

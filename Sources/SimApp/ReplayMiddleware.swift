import SimCore
import SimHTTP
import SimRecording
import SimSupport

/// Answers from a cassette (`serve --replay FILE`): the recorded status, headers and body with the
/// recorded timing (scaled by `speed`; 0 answers at once), SSE events at their recorded offsets,
/// resets and cut streams as recorded. A request the cassette has no answer for gets a 404
/// `replay_miss` naming the nearest recorded requests and why they differ, or goes on to the
/// simulator with `MissPolicy.simulate`.
public final class ReplayMiddleware: Middleware {
    public enum MissPolicy: String, Sendable { case error, simulate }
    public let replayer: Replayer
    let clock: SimClock
    let speed: Double
    let missPolicy: MissPolicy

    /// `clock` times the recorded delays (pass a live clock: a virtual one would hold every answer until advanced).
    public init(replayer: Replayer, clock: SimClock, speed: Double = 1, miss: MissPolicy = .error) {
        self.replayer = replayer
        self.clock = clock
        self.speed = speed
        missPolicy = miss
    }

    public func handle(_ exchange: Exchange, next: @escaping @Sendable (Exchange) -> HTTPReply) -> HTTPReply {
        let (request, _) = RequestCapture.capture(exchange.request)
        switch replayer.take(request) {
        case let .hit(x, occurrence, count):
            exchange.notes.set("replay", .object([("matched", true), ("seq", .int(Int64(x.seq))),
                                                  ("occurrence", .int(Int64(occurrence))), ("of", .int(Int64(count)))]))
            return ReplayPlayback(replayer: replayer, clock: clock, speed: speed).reply(x.response)
        case let .miss(m):
            exchange.notes.set("replay", m.json)
            if missPolicy == .simulate && !m.referencesRecordedID { return next(exchange) }
            var r = App.errorResponse(APIError(status: 404, type: "invalid_request_error", code: "replay_miss", message: m.message))
            r.setHeader("x-should-retry", "false")
            return .now(r)
        }
    }
}

import SimHTTP
import SimRecording
import SimSupport

/// Plays one recorded response back on the clock: waits the recorded time to the headers, then
/// sends stream events at their recorded offsets, and ends the way the recording ended.
struct ReplayPlayback: Sendable {
    let replayer: Replayer
    let clock: SimClock
    let speed: Double

    func reply(_ rec: RecordedResponse) -> HTTPReply {
        let delay = scaled(rec.elapsedMs)
        if delay <= 0 { return .now(response(rec)) }
        let pending = PendingResponse()
        clock.schedule(after: delay) { [self] in pending.fulfill(response(rec)) }
        return .later(pending)
    }

    /// Recorded milliseconds → seconds to wait at this speed.
    func scaled(_ ms: Double) -> Double { speed <= 0 ? 0 : max(0, ms) / 1000 / speed }

    func response(_ rec: RecordedResponse) -> HTTPResponse {
        if rec.status == 0 { return HTTPResponse(status: 0, fault: rec.fault ?? .reset) }
        let headers = rec.headers.filter { $0.0 != "content-length" }
        var bytes: [UInt8] = []
        switch rec.body {
        case .none: break
        case let .json(j): bytes = j.encoded
        case let .text(t): bytes = Array(t.utf8)
        case let .file(sha, _): bytes = replayer.body(sha256: sha) ?? []
        case let .stream(events, cut):
            let stream = ResponseStream()
            play(events[...], after: rec.elapsedMs, cut: cut, into: stream)
            return HTTPResponse(status: rec.status, headers: headers, body: .stream(stream))
        }
        if rec.fault == .closeMidBody {
            // The recorded body is what arrived before the drop: send it all, then drop.
            let stream = ResponseStream()
            stream.write(bytes)
            stream.finish(fault: .closeMidBody)
            return HTTPResponse(status: rec.status, headers: headers, body: .stream(stream))
        }
        return HTTPResponse(status: rec.status, headers: headers, body: .bytes(bytes))
    }

    /// Writes events in order, each after the recorded gap since the previous one.
    private func play(_ events: ArraySlice<StreamEvent>, after previousMs: Double, cut: Bool, into stream: ResponseStream) {
        var rest = events
        var prev = previousMs
        while let e = rest.first {
            let wait = scaled(e.atMs - prev)
            if wait > 0 {
                clock.schedule(after: wait) { [self, rest] in
                    guard !stream.isCancelled, let first = rest.first else { return }
                    stream.write(first.wire)
                    play(rest.dropFirst(), after: first.atMs, cut: cut, into: stream)
                }
                return
            }
            stream.write(e.wire)
            prev = e.atMs
            rest = rest.dropFirst()
        }
        stream.finish(fault: cut ? .closeMidBody : nil)
    }
}

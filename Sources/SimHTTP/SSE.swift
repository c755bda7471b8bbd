import SimSupport

/// How an SSE body is paced and broken (from a scenario's stream overrides).
public struct SSEOptions: Sendable, Equatable {
    /// Send this many events, then stop: with `errorEvent` the error is sent and the body ends
    /// cleanly; without it the connection drops mid-body (`TransportFault.closeMidBody`).
    public var cutAfterEvents: Int?
    /// Simulated seconds before the first event, and between later events.
    public var firstEventDelay: Double
    public var eventDelay: Double
    /// The payload of an error event, written as the `data:` of one more event (with
    /// `event: error` when the writer uses named events). Sent after `cutAfterEvents` events
    /// (after the first event when no cut is given), and the body then ends.
    public var errorEvent: JSON?

    public init(cutAfterEvents: Int? = nil, firstEventDelay: Double = 0, eventDelay: Double = 0, errorEvent: JSON? = nil) {
        self.cutAfterEvents = cutAfterEvents
        self.firstEventDelay = firstEventDelay
        self.eventDelay = eventDelay
        self.errorEvent = errorEvent
    }

    var isPlain: Bool { cutAfterEvents == nil && firstEventDelay <= 0 && eventDelay <= 0 && errorEvent == nil }
}

/// Writes server-sent events into a `ResponseStream`: `data: {json}\n\n` or
/// `event: name\ndata: {json}\n\n`. Delays run on the injected clock (never a sleep); events
/// always leave in the order they were written.
public final class SSEWriter: Sendable {
    public let stream = ResponseStream()
    private let clock: SimClock
    private let options: SSEOptions
    private let namedEvents: Bool

    private struct State {
        var events: [[UInt8]?] = []   // nil: not released yet
        var queued: [[UInt8]] = []
        var sent = 0
        var finishRequested = false
        var closed = false
        var ended = false
    }
    private let state = Locked(State())

    /// `namedEvents`: whether error events carry `event: error` (Responses) or are data-only (Chat).
    public init(clock: SimClock, options: SSEOptions = SSEOptions(), namedEvents: Bool = false) {
        self.clock = clock
        self.options = options
        self.namedEvents = namedEvents
    }

    /// A 200 `text/event-stream` response whose body is this writer's stream.
    public func response(headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache")] + headers,
                     body: .stream(stream))
    }

    /// `data: {json}\n\n`
    public func data(_ value: JSON) {
        var b = Array("data: ".utf8)
        var w = JSONWriter(capacity: 256)
        w.write(value)
        b += w.bytes
        b += [10, 10]
        enqueue(b)
    }

    /// `event: name\ndata: {json}\n\n`
    public func event(_ name: String, _ value: JSON) {
        var b = Array("event: \(name)\ndata: ".utf8)
        var w = JSONWriter(capacity: 256)
        w.write(value)
        b += w.bytes
        b += [10, 10]
        enqueue(b)
    }

    /// `data: [DONE]\n\n` (Chat Completions' terminator).
    public func done() { enqueue(Array("data: [DONE]\n\n".utf8)) }

    /// Ends the body once every written event has been sent.
    public func finish() {
        let close: Bool = state.withLock { s in
            s.finishRequested = true
            return s.sent == s.events.count && !s.closed
        }
        if close { closeStream(cut: false) }
    }

    private func enqueue(_ bytes: [UInt8]) {
        if options.isPlain {
            stream.write(bytes)
            state.withLock { s in s.events.append(bytes); s.sent += 1 }
            return
        }
        let index: Int = state.withLock { s in
            s.events.append(nil)
            s.queued.append(bytes)
            return s.events.count - 1
        }
        let delay = options.firstEventDelay + Double(index) * options.eventDelay
        if delay <= 0 {
            release(index)
        } else {
            clock.schedule(after: delay) { [self] in release(index) }
        }
    }

    /// Marks event `index` due and sends every due event in order (stopping at a cut).
    private func release(_ index: Int) {
        var shouldClose = false
        var wasCut = false
        state.withLock { s in
            guard !s.closed, index < s.queued.count else { return }
            s.events[index] = s.queued[index]
            while s.sent < s.events.count, let bytes = s.events[s.sent] {
                if let limit = cutPoint, s.sent >= limit {
                    s.closed = true
                    wasCut = true
                    break
                }
                stream.write(bytes)
                s.sent += 1
            }
            if let limit = cutPoint, s.sent >= limit, !s.closed { s.closed = true; wasCut = true }
            if s.closed {
                shouldClose = true
            } else if s.finishRequested && s.sent == s.events.count {
                s.closed = true
                shouldClose = true
            }
        }
        if shouldClose { closeStream(cut: wasCut) }
    }

    private var cutPoint: Int? { options.cutAfterEvents ?? (options.errorEvent != nil ? 1 : nil) }

    private func closeStream(cut: Bool) {
        let first: Bool = state.withLock { s in
            s.closed = true
            if s.ended { return false }
            s.ended = true
            return true
        }
        guard first else { return }
        if cut, let err = options.errorEvent {
            var b = Array((namedEvents ? "event: error\ndata: " : "data: ").utf8)
            b += err.encoded
            b += [10, 10]
            stream.write(b)
            stream.finish()
        } else if cut {
            stream.finish(fault: .closeMidBody)
        } else {
            stream.finish()
        }
    }
}

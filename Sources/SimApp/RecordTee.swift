import SimHTTP
import SimRecording
import SimSupport

/// Records a response on its way to the caller: plain bodies at once, streams chunk by chunk
/// as they pass through (each SSE event with its offset), ending with how the stream ended.
enum RecordTee {
    static func capture(_ response: HTTPResponse, ticket: Recorder.Ticket, recorder: Recorder, requestID: String?) -> HTTPResponse {
        var r = response
        let upstreamError = r.header(RecordMiddleware.upstreamErrorHeader)
        r.headers.removeAll { $0.0.lowercased() == RecordMiddleware.upstreamErrorHeader }
        let elapsed = ticket.watch.milliseconds
        var headers = ResponseCapture.headers(r.headers)
        if let requestID, !headers.contains(where: { $0.0 == "x-request-id" }) { headers.append(("x-request-id", requestID)) }
        if r.status == 0 || [.reset, .emptyReply, .hang].contains(r.fault) {
            let fault = r.fault ?? .reset
            recorder.finish(ticket, response: RecordedResponse(status: 0, elapsedMs: elapsed, fault: fault, error: upstreamError))
            return r
        }
        let head = RecordedResponse(status: r.status, headers: headers, elapsedMs: elapsed, fault: r.fault)
        switch r.body {
        case let .bytes(b):
            // A close_mid_body fault sends half the body: record the half that was sent.
            let sent = r.fault == .closeMidBody ? Array(b.prefix(max(1, b.count / 2))) : b
            record(sent, head: head, contentType: r.header("content-type"), ticket: ticket, recorder: recorder)
        case let .file(path, offset, length):
            let b = (try? FileIO.read(path, offset: offset, length: length)) ?? []
            record(b, head: head, contentType: r.header("content-type"), ticket: ticket, recorder: recorder)
        case let .stream(inner):
            let outer = ResponseStream()
            let pump = RecordStreamPump(inner: inner, outer: outer, head: head, sse: ResponseCapture.isEventStream(r),
                                        ticket: ticket, recorder: recorder)
            pump.drain()
            r.body = .stream(outer)
        }
        return r
    }

    static func record(_ bytes: [UInt8], head: RecordedResponse, contentType: String?, ticket: Recorder.Ticket, recorder: Recorder) {
        var resp = head
        resp.body = ResponseCapture.body(bytes, contentType: contentType, download: head.header("content-disposition") != nil) {
            recorder.storeBody(&$0)
        }
        recorder.finish(ticket, response: resp)
    }
}

/// Moves a stream's chunks to the caller's stream, noting SSE events and their arrival times.
final class RecordStreamPump: Sendable {
    private struct State {
        var splitter = SSESplitter()
        var events: [StreamEvent] = []
        var bytes: [UInt8] = []
    }
    private let inner: ResponseStream
    private let outer: ResponseStream
    private let head: RecordedResponse
    private let sse: Bool
    private let ticket: Recorder.Ticket
    private let recorder: Recorder
    private let state = Locked(State())

    init(inner: ResponseStream, outer: ResponseStream, head: RecordedResponse, sse: Bool, ticket: Recorder.Ticket, recorder: Recorder) {
        self.inner = inner
        self.outer = outer
        self.head = head
        self.sse = sse
        self.ticket = ticket
        self.recorder = recorder
    }

    func drain() {
        while true {
            if outer.isCancelled {
                inner.cancel()
                end(cut: true)
                return
            }
            switch inner.next(max: 1 << 16, waker: { [self] in drain() }) {
            case let .data(d):
                let at = ticket.watch.milliseconds
                state.withLock { s in
                    if sse {
                        for block in s.splitter.feed(d) { s.events.append(StreamEvent.parse(block, atMs: at)) }
                    } else {
                        s.bytes += d
                    }
                }
                outer.write(d)
            case .wait:
                return
            case .end:
                // Written before the caller sees the end, so a caller that stops the server next finds it on disk.
                end(cut: false)
                outer.finish()
                return
            case let .fault(f):
                end(cut: true)
                outer.finish(fault: f)
                return
            }
        }
    }

    private func end(cut: Bool) {
        let at = ticket.watch.milliseconds
        let (events, bytes) = state.withLock { s -> ([StreamEvent], [UInt8]) in
            var ev = s.events
            if !s.splitter.tail.isEmpty { ev.append(StreamEvent(atMs: at, raw: String(decoding: s.splitter.tail, as: UTF8.self))) }
            return (ev, s.bytes)
        }
        var resp = head
        if sse {
            resp.body = .stream(events: events, cut: cut)
        } else {
            resp.body = ResponseCapture.body(bytes, contentType: head.header("content-type"),
                                             download: head.header("content-disposition") != nil) { recorder.storeBody(&$0) }
            if cut { resp.fault = .closeMidBody }
        }
        recorder.finish(ticket, response: resp)
    }
}

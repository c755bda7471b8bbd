import Testing
import SimHTTP
import SimSupport

@Suite struct ChatSSEWriterTests {
    /// Everything buffered now, and whether the stream ended (and how).
    static func drain(_ s: ResponseStream) -> (text: String, end: String?) {
        var out: [UInt8] = []
        while true {
            switch s.next(max: 1 << 20, waker: {}) {
            case let .data(d): out += d
            case .wait: return (String(decoding: out, as: UTF8.self), nil)
            case .end: return (String(decoding: out, as: UTF8.self), "end")
            case let .fault(f): return (String(decoding: out, as: UTF8.self), f.rawValue)
            }
        }
    }

    @Test func writesDataAndNamedEventsThenEnds() {
        let w = SSEWriter(clock: VirtualClock())
        w.data(["a": 1])
        w.event("response.created", ["b": 2])
        w.done()
        w.finish()
        let (text, end) = Self.drain(w.stream)
        #expect(text == "data: {\"a\":1}\n\nevent: response.created\ndata: {\"b\":2}\n\ndata: [DONE]\n\n")
        #expect(end == "end")
    }

    @Test func delaysWaitForTheClock() throws {
        let clock = VirtualClock()
        let w = SSEWriter(clock: clock, options: SSEOptions(firstEventDelay: 1, eventDelay: 0.5))
        w.data(["i": 0])
        w.data(["i": 1])
        w.finish()
        #expect(Self.drain(w.stream).text.isEmpty)
        try clock.advance(by: 1)
        #expect(Self.drain(w.stream) == ("data: {\"i\":0}\n\n", nil))
        try clock.advance(by: 0.5)
        #expect(Self.drain(w.stream) == ("data: {\"i\":1}\n\n", "end"))
    }

    @Test func cutDropsTheConnectionMidBody() {
        let w = SSEWriter(clock: VirtualClock(), options: SSEOptions(cutAfterEvents: 2))
        for i in 0..<5 { w.data(["i": .int(Int64(i))]) }
        w.finish()
        let (text, end) = Self.drain(w.stream)
        #expect(text == "data: {\"i\":0}\n\ndata: {\"i\":1}\n\n" && end == TransportFault.closeMidBody.rawValue)
    }

    @Test func errorEventEndsTheStreamCleanly() {
        let w = SSEWriter(clock: VirtualClock(), options: SSEOptions(cutAfterEvents: 1, errorEvent: ["error": ["message": "boom"]]),
                          namedEvents: true)
        w.data(["i": 0])
        w.data(["i": 1])
        w.finish()
        let (text, end) = Self.drain(w.stream)
        #expect(text == "data: {\"i\":0}\n\nevent: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n" && end == "end")
    }

    @Test func aShortStreamIsNotCut() {
        let w = SSEWriter(clock: VirtualClock(), options: SSEOptions(cutAfterEvents: 10))
        w.data(["i": 0])
        w.finish()
        #expect(Self.drain(w.stream) == ("data: {\"i\":0}\n\n", "end"))
    }
}

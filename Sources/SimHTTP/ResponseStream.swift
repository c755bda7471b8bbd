import SimSupport

/// A body written over time by a producer and drained by the server (or a test).
/// The consumer registers a wake-up to be told when more data (or the end) is available.
public final class ResponseStream: Sendable {
    private struct State {
        var chunks: [[UInt8]] = []
        var finished = false
        var fault: TransportFault?
        var waker: (@Sendable () -> Void)?
        var cancelled = false
    }
    private let state = Locked(State())
    public init() {}

    public enum Next: Sendable { case data([UInt8]), wait, end, fault(TransportFault) }

    public func write(_ bytes: [UInt8]) {
        let waker: (@Sendable () -> Void)? = state.withLock { s in
            guard !s.finished else { return nil }
            s.chunks.append(bytes)
            let w = s.waker; s.waker = nil; return w
        }
        waker?()
    }

    public func write(_ string: String) { write(Array(string.utf8)) }

    /// Ends the body normally, or with a fault (the connection is then dropped mid-body).
    public func finish(fault: TransportFault? = nil) {
        let waker: (@Sendable () -> Void)? = state.withLock { s in
            guard !s.finished else { return nil }
            s.finished = true; s.fault = fault
            let w = s.waker; s.waker = nil; return w
        }
        waker?()
    }

    /// True once the client has gone away; producers may stop early.
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    public func cancel() {
        state.withLock { $0.cancelled = true; $0.finished = true; $0.waker = nil }
    }

    /// Takes up to `max` bytes of buffered data, or reports why there is none.
    /// When it returns `.wait`, `waker` is called once more data or the end arrives.
    public func next(max: Int, waker: @escaping @Sendable () -> Void) -> Next {
        state.withLock { s in
            if !s.chunks.isEmpty {
                var first = s.chunks.removeFirst()
                if first.count > max {
                    let rest = Array(first[max...])
                    first = Array(first[..<max])
                    s.chunks.insert(rest, at: 0)
                }
                return .data(first)
            }
            if s.finished { return s.fault.map { .fault($0) } ?? .end }
            s.waker = waker
            return .wait
        }
    }

    /// Drains the whole stream (tests and in-process transports).
    public func collect() async -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let n: Next = await withCheckedContinuation { (c: CheckedContinuation<Next, Never>) in
                let once = Locked(false)
                let r = next(max: 1 << 20) {
                    let fire = once.withLock { f -> Bool in if f { return false }; f = true; return true }
                    if fire { c.resume(returning: .wait) }
                }
                if case .wait = r { return }
                once.withLock { $0 = true }
                c.resume(returning: r)
            }
            switch n {
            case let .data(d): out += d
            case .wait: continue
            case .end, .fault: return out
            }
        }
    }
}

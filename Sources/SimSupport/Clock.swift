import FoundationEssentials
import Dispatch
import Synchronization

/// The one source of time. `now` is simulated Unix time in seconds.
public protocol SimClock: AnyObject, Sendable {
    var mode: ClockMode { get }
    func now() -> Double
    /// Runs `action` once the simulated clock has moved `seconds` forward (never blocks the caller).
    func schedule(after seconds: Double, _ action: @escaping @Sendable () -> Void)
    /// Virtual clocks move forward by `seconds`; live clocks refuse.
    func advance(by seconds: Double) throws(ClockError)
}

public enum ClockMode: String, Sendable { case live, virtual }

public struct ClockError: Error, Sendable { public let message: String }

extension SimClock {
    /// Whole seconds, as the API's `created_at` fields use.
    public func unixSeconds() -> Int64 { Int64(now().rounded(.down)) }
}

/// Wall-clock time, optionally scaled: `scale` simulated seconds per real second.
public final class LiveClock: SimClock {
    public let mode = ClockMode.live
    private let startWall: Double
    private let startMono: UInt64
    private let scale: Double

    /// `notBefore`: the simulated time a previous run with the same data directory reached. A
    /// scaled clock runs ahead of the wall clock, and a restart must not move it back before
    /// what was already stamped with it; the clock starts at the later of the two.
    public init(scale: Double = 1, notBefore: Double? = nil) {
        self.scale = scale > 0 ? scale : 1
        startWall = max(Date().timeIntervalSince1970, notBefore ?? -Double.infinity)
        startMono = DispatchTime.now().uptimeNanoseconds
    }

    public func now() -> Double {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - startMono) / 1e9
        return startWall + elapsed * scale
    }

    public func schedule(after seconds: Double, _ action: @escaping @Sendable () -> Void) {
        let real = max(0, seconds / scale)
        DispatchQueue.global().asyncAfter(deadline: .now() + real, execute: action)
    }

    public func advance(by seconds: Double) throws(ClockError) {
        throw ClockError(message: "The clock is live; start the simulator with --clock virtual to advance it.")
    }
}

/// Time that moves only when told to (`POST /__sim/clock/advance`), for byte-identical runs.
public final class VirtualClock: SimClock {
    public let mode = ClockMode.virtual
    /// 2026-01-01T00:00:00Z: a fixed start so two runs agree on every timestamp.
    public static let defaultStart: Double = 1_767_225_600

    private struct Timer { let due: Double; let seq: Int; let action: @Sendable () -> Void }
    private struct State { var now: Double; var timers: [Timer] = []; var seq = 0 }
    private let state: Locked<State>
    /// `state.now`'s bits, stored under the lock whenever it moves: every request reads the time,
    /// and an atomic load leaves the cache line shared between the server's threads.
    private let nowBits: Atomic<UInt64>

    public init(start: Double = VirtualClock.defaultStart) {
        state = Locked(State(now: start))
        nowBits = Atomic(start.bitPattern)
    }

    public func now() -> Double { Double(bitPattern: nowBits.load(ordering: .acquiring)) }

    public func schedule(after seconds: Double, _ action: @escaping @Sendable () -> Void) {
        let fireNow: Bool = state.withLock { s in
            if seconds <= 0 { return true }
            s.seq += 1
            s.timers.append(Timer(due: s.now + seconds, seq: s.seq, action: action))
            return false
        }
        if fireNow { DispatchQueue.global().async(execute: action) }
    }

    public func advance(by seconds: Double) throws(ClockError) {
        guard seconds >= 0, seconds.isFinite else { throw ClockError(message: "seconds must be a non-negative number") }
        let due: [Timer] = state.withLock { s in
            s.now += seconds
            let now = s.now
            nowBits.store(now.bitPattern, ordering: .releasing)
            let ready = s.timers.filter { $0.due <= now }.sorted { ($0.due, $0.seq) < ($1.due, $1.seq) }
            s.timers.removeAll { $0.due <= now }
            return ready
        }
        for t in due { t.action() }
    }
}

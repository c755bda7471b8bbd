import Dispatch

/// Real elapsed time, for `openai-processing-ms` and logs (never for simulated time).
public struct Stopwatch: Sendable {
    private let start: UInt64
    public init() { start = DispatchTime.now().uptimeNanoseconds }
    public var milliseconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }
}

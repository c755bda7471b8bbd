import Synchronization

/// A reference-type box around `Mutex`, so shared mutable state can be captured and passed around.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex: Mutex<Value>
    public init(_ value: sending Value) { mutex = Mutex(value) }
    @discardableResult
    public func withLock<R>(_ body: (inout sending Value) throws -> sending R) rethrows -> sending R {
        try mutex.withLock(body)
    }
}

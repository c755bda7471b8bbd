import Synchronization

/// A reference-type box around `Mutex`, so shared mutable state can be captured and passed around.
/// Inlinable so that callers in other modules get a specialized lock (no generic metadata lookups
/// on the request path).
public final class Locked<Value>: @unchecked Sendable {
    @usableFromInline let mutex: Mutex<Value>
    @inlinable public init(_ value: sending Value) { mutex = Mutex(value) }
    @inlinable @discardableResult
    public func withLock<R>(_ body: (inout sending Value) throws -> sending R) rethrows -> sending R {
        try mutex.withLock(body)
    }
}

import Glibc
import Synchronization

/// A small number for the calling thread, assigned on its first call and never reused, so that
/// per-thread state can be picked without a shared lock (see `Sharded`).
public enum ThreadSlot {
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        precondition(pthread_key_create(&k, nil) == 0, "pthread_key_create failed")
        return k
    }()
    private static let counter = Atomic<Int>(0)

    public static var current: Int {
        if let p = pthread_getspecific(key) { return Int(bitPattern: p) }
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: n))
        return n
    }
}

/// Lock-protected state split into shards picked by the calling thread's `ThreadSlot`: the
/// server's threads each take a lock no other thread usually takes, so they neither wait for
/// each other nor pass the lock's cache line back and forth on every request. For state where
/// each thread can keep its own copy (caches of immutable values, counters summed on read).
public final class Sharded<Value>: @unchecked Sendable {
    /// Each shard is its own heap object with padding after the value, so two shards' locks and
    /// values never share a cache line.
    @usableFromInline final class Shard: @unchecked Sendable {
        @usableFromInline let mutex: Mutex<Value>
        private let pad: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
        @usableFromInline init(_ value: sending Value) { mutex = Mutex(value) }
    }
    @usableFromInline let shards: [Shard]
    @usableFromInline let mask: Int

    /// `count` is rounded up to a power of two.
    public init(count: Int = 16, _ make: () -> Value) {
        var n = 1
        while n < max(1, count) { n <<= 1 }
        mask = n - 1
        shards = (0..<n).map { _ in Shard(make()) }
    }

    /// The calling thread's shard.
    @inlinable
    public func withLock<R>(_ body: (inout sending Value) throws -> sending R) rethrows -> sending R {
        try shards[ThreadSlot.current & mask].mutex.withLock(body)
    }

    /// Every shard in turn (each under its own lock), e.g. to clear or to sum.
    public func forEach(_ body: (inout sending Value) -> Void) {
        for s in shards { s.mutex.withLock { body(&$0) } }
    }
}

import Synchronization
import SimSupport

/// Values kept per organization and something within it (a project, a project and a model):
/// the enforced project policies and their rate budgets. Keys start with the organization's root
/// tenant id, so an organization's reset drops its entries; how many there are is readable
/// without the lock, so a request tells "none anywhere" (the usual answer) from one atomic load.
public final class OrganizationKeyed<Value: Sendable>: Sendable {
    private let map = Locked<[String: Value]>([:])
    private let count = Atomic<Int>(0)

    public init() {}

    /// The key of `parts` within the organization whose root tenant id is `organization`.
    public static func key(_ organization: String, _ parts: String...) -> String {
        ([organization] + parts).joined(separator: "\u{1}")
    }

    public var isEmpty: Bool { count.load(ordering: .acquiring) == 0 }

    public subscript(key: String) -> Value? { map.withLock { $0[key] } }

    /// Changes the value of `key` in place (nil: none, or remove it) and returns what `body` returns.
    public func update<R: Sendable>(_ key: String, _ body: (inout Value?) -> R) -> R {
        let (result, n) = map.withLock { m -> (R, Int) in
            var value = m[key]
            let r = body(&value)
            m[key] = value
            return (r, m.count)
        }
        count.store(n, ordering: .releasing)
        return result
    }

    /// Sets (or, nil, removes) the value of `key`.
    public func set(_ key: String, _ value: Value?) { update(key) { $0 = value } }

    /// Drops one organization's entries, or everyone's (nil).
    public func forget(organization: String?) {
        let n = map.withLock { m -> Int in
            if let organization {
                let prefix = organization + "\u{1}"
                for k in m.keys where k.hasPrefix(prefix) { m.removeValue(forKey: k) }
            } else {
                m.removeAll()
            }
            return m.count
        }
        count.store(n, ordering: .releasing)
    }
}

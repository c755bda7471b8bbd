import Synchronization
import SimCore
import SimHTTP
import SimSupport

/// One authenticated request on its way to a route handler.
public struct Exchange: Sendable {
    public var request: HTTPRequest
    public let tenant: Tenant
    public let requestID: String
    /// Decisions for the handler (scenario output, cache, stream, job behaviour).
    public var overrides: RequestOverrides
    /// Annotations for the journal entry of this request (e.g. which scenario rule fired).
    public let notes: JournalNotes
}

/// Key/value notes attached to a journal entry, written by middleware from any thread.
public final class JournalNotes: Sendable {
    private let pairs = Mutex<[(String, JSON)]>([])
    public init() {}
    public func set(_ key: String, _ value: JSON) {
        pairs.withLock { p in
            if let i = p.firstIndex(where: { $0.0 == key }) { p[i].1 = value } else { p.append((key, value)) }
        }
    }
    public var json: JSON? {
        let p = pairs.withLock { $0 }
        return p.isEmpty ? nil : .object(p)
    }
}

/// A step between authentication and the router (scenarios, record/replay). Call `next` to go on,
/// return a reply of your own to answer instead, or wrap what `next` returns.
public protocol Middleware: Sendable {
    func handle(_ exchange: Exchange, next: @escaping @Sendable (Exchange) -> HTTPReply) -> HTTPReply
}

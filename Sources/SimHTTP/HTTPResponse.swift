import Glibc
import SimSupport

/// A transport-level misbehaviour the server carries out instead of (or part way through) a response.
public enum TransportFault: String, Sendable {
    /// Drop the connection before anything is sent.
    case reset
    /// Send headers and part of the body, then drop the connection.
    case closeMidBody = "close_mid_body"
    /// Close the connection without a single byte.
    case emptyReply = "empty_reply"
    /// Hold the connection open without answering until the client gives up (or shutdown).
    case hang
}

public enum ResponseBody: Sendable {
    case bytes([UInt8])
    /// A file on disk sent without loading it into memory.
    case file(path: String, offset: Int, length: Int)
    /// Chunks produced over time (SSE); the server pulls them as they arrive.
    case stream(ResponseStream)
}

/// One HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: ResponseBody
    public var fault: TransportFault?
    /// The body's bytes are a buffer kept for the life of the process (a prebuilt answer, such
    /// as the model catalog's list): whoever keeps the response (the request journal) holds
    /// that buffer instead of copying it.
    public var bodyIsShared = false

    public init(status: Int, headers: [(String, String)] = [], body: ResponseBody = .bytes([]), fault: TransportFault? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.fault = fault
    }

    public static func json(_ value: JSON, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: jsonHeaders(), body: .bytes(value.encoded))
    }

    /// `content-type: application/json`, with room for the five headers every answer gets on its
    /// way out (so adding them does not reallocate).
    public static func jsonHeaders() -> [(String, String)] {
        var h: [(String, String)] = []
        h.reserveCapacity(6)
        h.append(("content-type", "application/json"))
        return h
    }

    public func header(_ name: String) -> String? {
        for h in headers where HeaderName.equal(h.0, name) { return h.1 }
        return nil
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { HeaderName.equal($0.0, name) }
        headers.append((HeaderName.lowercased(name), value))
    }

    /// In-memory body bytes, or nil for file and stream bodies.
    public var bodyBytes: [UInt8]? { if case let .bytes(b) = body { return b }; return nil }
}

/// ASCII case-insensitive header-name helpers that do not allocate for the common
/// (already lower-case) names.
public enum HeaderName {
    public static func equal(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).allSatisfy { x, y in lower(x) == lower(y) }
    }

    public static func lowercased(_ s: String) -> String {
        hasUpperCase(s) ? s.lowercased() : s
    }

    /// Whether `s` has an ASCII upper-case letter (read in place).
    public static func hasUpperCase(_ s: String) -> Bool {
        s.anyUTF8 { $0 >= 65 && $0 <= 90 }
    }

    /// Whether `s` starts with `prefix` (given in lower case), ASCII case-insensitively.
    public static func hasPrefixIgnoringCase(_ s: String, _ prefix: String) -> Bool {
        // Read in place (a `var` copy for `withUTF8` costs a few hundred instructions a call).
        s.withUTF8Bytes { a in
            prefix.withUTF8Bytes { p in
                guard a.count >= p.count else { return false }
                // Usually spelled exactly as asked: one memcmp, then the byte-by-byte fold.
                if p.isEmpty || memcmp(a.baseAddress!, p.baseAddress!, p.count) == 0 { return true }
                for i in 0..<p.count where lower(a[i]) != p[i] { return false }
                return true
            }
        }
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }
}

/// An answer available now, or later (after a simulated delay or background work) without
/// holding a server thread.
public enum HTTPReply: Sendable {
    case now(HTTPResponse)
    case later(PendingResponse)

    /// Applies `transform` to the response whenever it becomes available.
    public func map(_ transform: @escaping @Sendable (HTTPResponse) -> HTTPResponse) -> HTTPReply {
        switch self {
        case let .now(r): return .now(transform(r))
        case let .later(p):
            let next = PendingResponse()
            p.whenReady { next.fulfill(transform($0)) }
            return .later(next)
        }
    }

    /// Calls `body` once with the response (immediately for `.now`).
    public func whenReady(_ body: @escaping @Sendable (HTTPResponse) -> Void) {
        switch self {
        case let .now(r): body(r)
        case let .later(p): p.whenReady(body)
        }
    }
}

/// A one-shot promise of a response.
public final class PendingResponse: Sendable {
    private struct State { var response: HTTPResponse?; var waiters: [@Sendable (HTTPResponse) -> Void] = [] }
    private let state = Locked(State())
    public init() {}

    public func fulfill(_ response: HTTPResponse) {
        let waiters: [@Sendable (HTTPResponse) -> Void] = state.withLock { s in
            guard s.response == nil else { return [] }
            s.response = response
            let w = s.waiters; s.waiters = []
            return w
        }
        for w in waiters { w(response) }
    }

    public func whenReady(_ body: @escaping @Sendable (HTTPResponse) -> Void) {
        let ready: HTTPResponse? = state.withLock { s in
            if let r = s.response { return r }
            s.waiters.append(body)
            return nil
        }
        if let r = ready { body(r) }
    }
}

/// Anything that turns a request into a reply: the app, a middleware chain, a test double.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) -> HTTPReply
}

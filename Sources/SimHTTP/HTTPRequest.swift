import SimSupport

/// Where a request body lives: small bodies in memory, large ones in a temporary file.
public enum RequestBody: Sendable {
    case empty
    case bytes([UInt8])
    /// A temporary file that the server deletes once the response is done.
    case file(path: String, size: Int)

    public var count: Int {
        switch self {
        case .empty: return 0
        case let .bytes(b): return b.count
        case let .file(_, size): return size
        }
    }
}

/// One HTTP request, independent of the server that received it.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Path without the query string, percent-decoding left to the router.
    public var path: String
    public var query: [(String, String)]
    /// Header names lower-cased, in arrival order.
    public var headers: [(String, String)]
    public var body: RequestBody
    /// Set by the server when the body was larger than its limit (the app answers 413).
    public var bodyTooLarge: Bool = false
    /// The body already decoded, for requests the simulator makes to itself (batch lines).
    public var preparsedJSON: JSON?

    public init(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
                body: RequestBody = .empty) {
        self.method = method.anyUTF8 { $0 >= 97 && $0 <= 122 } ? method.uppercased() : method
        self.path = path
        self.query = query
        // Names are stored lower-case; the server already delivers them so (no copy then).
        if headers.contains(where: { HeaderName.hasUpperCase($0.0) }) {
            self.headers = headers.map { h in (HeaderName.lowercased(h.0), h.1) }
        } else {
            self.headers = headers
        }
        self.body = body
    }

    /// For a server that already lower-cased the header names (no scan of them here).
    public init(method: String, path: String, query: [(String, String)], lowercasedHeaders: [(String, String)],
                body: RequestBody) {
        self.method = method.anyUTF8 { $0 >= 97 && $0 <= 122 } ? method.uppercased() : method
        self.path = path
        self.query = query
        self.headers = lowercasedHeaders
        self.body = body
    }

    /// Splits `target` ("/v1/files?limit=2") into path and decoded query pairs.
    public init(method: String, target: String, headers: [(String, String)] = [], body: RequestBody = .empty) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? "/"
        let query = parts.count > 1 ? HTTPRequest.parseQuery(String(parts[1])) : []
        self.init(method: method, path: path, query: query, headers: headers, body: body)
    }

    public func header(_ name: String) -> String? {
        // Callers mostly pass lower-case names: try them as given before lower-casing.
        for h in headers where h.0 == name { return h.1 }
        guard HeaderName.hasUpperCase(name) else { return nil }
        let n = HeaderName.lowercased(name)
        for h in headers where h.0 == n { return h.1 }
        return nil
    }

    public func queryValue(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
    /// Every value of a repeated query parameter, in order.
    public func queryValues(_ name: String) -> [String] { query.filter { $0.0 == name }.map(\.1) }

    public var contentType: String? { header("content-type") }

    /// The body as bytes (reads a spooled file; use only for bodies known to be small).
    public func bodyBytes() -> [UInt8] {
        switch body {
        case .empty: return []
        case let .bytes(b): return b
        case let .file(path, _): return (try? FileIO.readAll(path)) ?? []
        }
    }

    public static func parseQuery(_ q: String) -> [(String, String)] {
        q.split(separator: "&").compactMap { pair in
            guard !pair.isEmpty else { return nil }
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let k = percentDecode(String(kv[0]))
            let v = kv.count > 1 ? percentDecode(String(kv[1])) : ""
            return (k, v)
        }
    }

    public static func percentDecode(_ s: String) -> String {
        guard s.anyUTF8({ $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return s }
        var out: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "+") { out.append(0x20); continue }
            if c == UInt8(ascii: "%"), it.count >= 2,
               let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v); it = it.dropFirst(2); continue
            }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// Whether any UTF-8 byte satisfies `test`, read in place (the generic `utf8.contains` walks
    /// an iterator: hundreds of instructions for a 30-byte string).
    @inline(__always) func anyUTF8(_ test: (UInt8) -> Bool) -> Bool {
        withUTF8Bytes { $0.contains(where: test) }
    }
}

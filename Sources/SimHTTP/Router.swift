/// Path templates (`/v1/files/{file_id}`) to handlers, matched segment by segment.
public struct Router<Handler: Sendable>: Sendable {
    struct Route: Sendable {
        let method: String
        let segments: [Segment]
        let handler: Handler
        let template: String
        let literalCount: Int
    }
    enum Segment: Sendable, Equatable { case literal(String), param(String) }

    private var routes: [Route] = []
    public init() {}

    public mutating func add(_ method: String, _ template: String, _ handler: Handler) {
        let segs: [Segment] = template.split(separator: "/").map { s in
            s.hasPrefix("{") && s.hasSuffix("}") ? .param(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
        let template = "/" + segs.map { seg -> String in
            switch seg { case let .literal(l): return l; case let .param(p): return "{\(p)}" }
        }.joined(separator: "/")
        let literals = segs.filter { if case .literal = $0 { return true }; return false }.count
        let route = Route(method: method.uppercased(), segments: segs, handler: handler, template: template, literalCount: literals)
        routes.append(route)
        // Most specific first, so the first match wins.
        let key = Key(method: route.method, count: segs.count)
        var list = buckets[key] ?? []
        let at = list.firstIndex { $0.literalCount < literals } ?? list.count
        list.insert(route, at: at)
        buckets[key] = list
    }

    struct Key: Hashable, Sendable { let method: String; let count: Int }
    private var buckets: [Key: [Route]] = [:]

    public struct Match: Sendable {
        public let handler: Handler
        public let params: [String: String]
        public let template: String
    }

    /// The first route whose method and path match; literal segments are tried before parameters
    /// by registration order, so register `/files/{id}/content` and `/files/{id}` in any order.
    public func match(method: String, path: String) -> Match? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let candidates = buckets[Key(method: method, count: parts.count)] else { return nil }
        for r in candidates {
            var ok = true
            for i in 0..<parts.count {
                if case let .literal(l) = r.segments[i], l != parts[i] { ok = false; break }
            }
            guard ok else { continue }
            var params: [String: String] = [:]
            for i in 0..<parts.count {
                if case let .param(p) = r.segments[i] { params[p] = HTTPRequestPathDecode.decode(String(parts[i])) }
            }
            return Match(handler: r.handler, params: params, template: r.template)
        }
        return nil
    }
}

enum HTTPRequestPathDecode {
    static func decode(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        return s.removingPercentEncodingSafe
    }
}

extension String {
    var removingPercentEncodingSafe: String {
        var out: [UInt8] = []
        var it = Array(utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%"), it.count >= 2,
               let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v); it = it.dropFirst(2); continue
            }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

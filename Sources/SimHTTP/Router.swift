/// Path templates (`/v1/files/{file_id}`) to handlers, matched segment by segment.
public struct Router<Handler: Sendable>: Sendable {
    struct Route: Sendable {
        let method: String
        let segments: [Segment]
        let handler: Handler
    }
    enum Segment: Sendable, Equatable { case literal(String), param(String) }

    private var routes: [Route] = []
    public init() {}

    public mutating func add(_ method: String, _ template: String, _ handler: Handler) {
        let segs: [Segment] = template.split(separator: "/").map { s in
            s.hasPrefix("{") && s.hasSuffix("}") ? .param(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
        routes.append(Route(method: method.uppercased(), segments: segs, handler: handler))
    }

    public struct Match: Sendable {
        public let handler: Handler
        public let params: [String: String]
        public let template: String
    }

    /// The first route whose method and path match; literal segments are tried before parameters
    /// by registration order, so register `/files/{id}/content` and `/files/{id}` in any order.
    public func match(method: String, path: String) -> Match? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var best: (Route, [String: String], Int)?
        for r in routes where r.method == method && r.segments.count == parts.count {
            var params: [String: String] = [:]
            var literals = 0
            var ok = true
            for (seg, part) in zip(r.segments, parts) {
                switch seg {
                case let .literal(l): if l != part { ok = false } else { literals += 1 }
                case let .param(p): params[p] = HTTPRequestPathDecode.decode(part)
                }
                if !ok { break }
            }
            if ok, best == nil || literals > best!.2 { best = (r, params, literals) }
        }
        guard let (r, params, _) = best else { return nil }
        let template = "/" + r.segments.map { seg -> String in
            switch seg { case let .literal(l): return l; case let .param(p): return "{\(p)}" }
        }.joined(separator: "/")
        return Match(handler: r.handler, params: params, template: template)
    }
}

enum HTTPRequestPathDecode {
    static func decode(_ s: String) -> String {
        guard s.contains("%") else { return s }
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

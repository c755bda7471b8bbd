/// Path templates (`/v1/files/{file_id}`) to handlers. The matching lives in the non-generic
/// `RoutePatterns` (so callers in other modules pay no generic dispatch); this wrapper only keeps
/// the handlers.
public struct Router<Handler: Sendable>: Sendable {
    @usableFromInline var patterns = RoutePatterns()
    @usableFromInline var handlers: [Handler] = []
    public init() {}

    public mutating func add(_ method: String, _ template: String, _ handler: Handler) {
        patterns.add(method, template, index: handlers.count)
        handlers.append(handler)
    }

    public struct Match: Sendable {
        public let handler: Handler
        public let params: [String: String]
        public let template: String
        @inlinable init(handler: Handler, params: [String: String], template: String) {
            self.handler = handler
            self.params = params
            self.template = template
        }
    }

    /// The first route whose method and path match; literal segments are tried before parameters
    /// by registration order, so register `/files/{id}/content` and `/files/{id}` in any order.
    @inlinable public func match(method: String, path: String) -> Match? {
        guard let m = patterns.match(method: method, path: path) else { return nil }
        return Match(handler: handlers[m.index], params: m.params, template: m.template)
    }
}

/// Route templates matched segment by segment over the path's UTF-8 bytes (no splitting, no
/// allocation unless the route has parameters).
public struct RoutePatterns: Sendable {
    struct Route: Sendable {
        let segments: [Segment]
        let index: Int
        let template: String
        let literalCount: Int
        let hasParams: Bool
    }
    enum Segment: Sendable, Equatable { case literal([UInt8]), param(String) }

    /// Per method, routes bucketed by segment count, most specific first.
    private var methods: [(method: String, byCount: [[Route]])] = []
    public init() {}

    public mutating func add(_ method: String, _ template: String, index: Int) {
        let segs: [Segment] = template.split(separator: "/").map { s in
            s.hasPrefix("{") && s.hasSuffix("}") ? .param(String(s.dropFirst().dropLast())) : .literal(Array(s.utf8))
        }
        let template = "/" + segs.map { seg -> String in
            switch seg { case let .literal(l): return String(decoding: l, as: UTF8.self); case let .param(p): return "{\(p)}" }
        }.joined(separator: "/")
        let literals = segs.filter { if case .literal = $0 { return true }; return false }.count
        let route = Route(segments: segs, index: index, template: template, literalCount: literals,
                          hasParams: literals < segs.count)
        let m = method.uppercased()
        let mi = methods.firstIndex { $0.method == m } ?? { methods.append((m, [])); return methods.count - 1 }()
        while methods[mi].byCount.count <= segs.count { methods[mi].byCount.append([]) }
        // Most specific first, so the first match wins.
        let at = methods[mi].byCount[segs.count].firstIndex { $0.literalCount < literals } ?? methods[mi].byCount[segs.count].count
        methods[mi].byCount[segs.count].insert(route, at: at)
    }

    public struct Match: Sendable {
        public let index: Int
        public let params: [String: String]
        public let template: String
    }

    public func match(method: String, path: String) -> Match? {
        guard let table = methods.first(where: { $0.method == method })?.byCount else { return nil }
        var path = path
        return path.withUTF8 { bytes -> Match? in
            let slash = UInt8(ascii: "/")
            var count = 0
            var inSegment = false
            for b in bytes {
                if b == slash { inSegment = false } else if !inSegment { inSegment = true; count += 1 }
            }
            guard count > 0, count < table.count, !table[count].isEmpty else { return nil }
            return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: count) { segs -> Match? in
                var k = 0, i = 0
                while i < bytes.count {
                    if bytes[i] == slash { i += 1; continue }
                    var j = i
                    while j < bytes.count, bytes[j] != slash { j += 1 }
                    segs[k] = i..<j; k += 1
                    i = j
                }
                for r in table[count] {
                    var ok = true
                    for s in 0..<count {
                        if case let .literal(l) = r.segments[s], !UnsafeBufferPointer(rebasing: bytes[segs[s]]).elementsEqual(l) {
                            ok = false; break
                        }
                    }
                    guard ok else { continue }
                    var params: [String: String] = [:]
                    if r.hasParams {
                        for s in 0..<count {
                            if case let .param(p) = r.segments[s] {
                                params[p] = HTTPRequestPathDecode.decode(String(decoding: UnsafeBufferPointer(rebasing: bytes[segs[s]]), as: UTF8.self))
                            }
                        }
                    }
                    return Match(index: r.index, params: params, template: r.template)
                }
                return nil
            }
        }
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

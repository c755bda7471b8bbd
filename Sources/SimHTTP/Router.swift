import Glibc

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

    /// Builds the match tables for the routes added so far (see `RoutePatterns.prepare`). Call it
    /// once after the last `add`; a router used without it still matches, more slowly.
    public mutating func prepare() { patterns.prepare() }

    public struct Match: Sendable {
        public let handler: Handler
        public let params: RouteParams
        /// Which route matched (see `template(of:)`).
        public let route: Int
        @inlinable init(handler: Handler, params: RouteParams, route: Int) {
            self.handler = handler
            self.params = params
            self.route = route
        }
    }

    /// The template of the route that matched ("/v1/files/{file_id}"), looked up on demand so a
    /// match hands out no shared string.
    public func template(of match: Match) -> String { patterns.template(match.route) }

    /// The first route whose method and path match; literal segments are tried before parameters
    /// by registration order, so register `/files/{id}/content` and `/files/{id}` in any order.
    @inlinable public func match(method: String, path: String) -> Match? {
        guard let m = patterns.match(method: method, path: path) else { return nil }
        return Match(handler: handlers[m.index], params: m.params, route: m.info)
    }
}

/// Route templates matched segment by segment over the path's UTF-8 bytes (no splitting, no
/// allocation unless the route has parameters). The tables are flat arrays of plain values, so a
/// match reads them without reference counting: one byte pool holds every literal segment, and
/// each route's segments are (start, length) pairs into it (length -1: a parameter).
public struct RoutePatterns: Sendable {
    /// Plain values only (no strings or arrays), so walking the candidates touches no reference
    /// count: the server's two threads match against these tables at once, and a shared count
    /// would bounce between their cores on every request.
    struct Route: Sendable {
        /// This route's segments start at `segments[firstSegment]`; how many there are is the
        /// segment count of the bucket the route sits in.
        let firstSegment: Int
        let index: Int
        let literalCount: Int
        /// Into `templates` and `paramNames` (read only for the route that matched).
        let info: Int
        /// Its place in its bucket's order (most specific first, then registration order).
        var rank = 0
    }
    struct Segment: Sendable, Equatable {
        let start: Int32
        /// -1 for a parameter.
        let length: Int32
    }
    /// One method's routes with one segment count, most specific first, split by their second
    /// segment (the resource after "v1"): `routes[wildStart..<wildEnd]` are those whose second
    /// segment is a parameter (or that have one segment), `groups[groupStart..<groupEnd]` the
    /// others by the hash of that literal. A match tries only the wild routes and the one group
    /// its own second segment hashes to, merged back into the bucket's order, instead of every
    /// route of the bucket.
    struct Bucket: Sendable { var wildStart = 0, wildEnd = 0, groupStart = 0, groupEnd = 0 }
    /// `routes[start..<end]`: a bucket's routes whose second segment hashes to `key`, in order.
    struct Group: Sendable { let key: UInt64, start: Int, end: Int }

    private var pool: [UInt8] = []
    private var segments: [Segment] = []
    private var routes: [Route] = []
    /// `buckets[methodIndex * stride + segmentCount]`.
    private var buckets: [Bucket] = []
    private var groups: [Group] = []
    private var stride = 0
    private var methodNames: [String] = []
    private var templates: [String] = []
    private var paramNames: [[String]] = []
    /// As registered, to build the flat tables from.
    private var registered: [(method: String, route: Route)] = []
    /// Routes were added since the tables were last built.
    private var stale = false
    public init() {}

    /// Builds the match tables once after the last `add` (building them on every `add` cost the
    /// app's ~200 registrations ~58 million instructions, paid by every `App` a test or the server
    /// starts: callgrind on `sim-microbench`, 2026-11-28).
    public mutating func prepare() {
        guard stale else { return }
        rebuild()
        stale = false
    }

    public mutating func add(_ method: String, _ template: String, index: Int) {
        let parts = template.split(separator: "/")
        let first = segments.count
        var names: [String] = []
        var literals = 0
        var rebuilt: [String] = []
        for part in parts {
            if part.hasPrefix("{") && part.hasSuffix("}") {
                let name = String(part.dropFirst().dropLast())
                names.append(name)
                segments.append(Segment(start: 0, length: -1))
                rebuilt.append("{\(name)}")
            } else {
                segments.append(Segment(start: Int32(pool.count), length: Int32(part.utf8.count)))
                pool.append(contentsOf: part.utf8)
                literals += 1
                rebuilt.append(String(part))
            }
        }
        templates.append("/" + rebuilt.joined(separator: "/"))
        paramNames.append(names)
        let route = Route(firstSegment: first, index: index, literalCount: literals, info: templates.count - 1)
        let m = method.uppercased()
        if !methodNames.contains(m) { methodNames.append(m) }
        registered.append((m, route))
        stale = true
    }

    /// Buckets by (method, segment count); within one, more literal segments first, then
    /// registration order (the first match wins). The registered routes are dealt into their
    /// buckets in one pass.
    private mutating func rebuild() {
        stride = 1 + registered.map { segmentCount($0.route) }.max()!
        buckets = Array(repeating: Bucket(), count: methodNames.count * stride)
        routes = []
        groups = []
        var methodIndex: [String: Int] = [:]
        for (mi, m) in methodNames.enumerated() { methodIndex[m] = mi }
        // Each bucket's routes in registration order.
        var dealt = Array(repeating: [Route](), count: buckets.count)
        for r in registered { dealt[methodIndex[r.method]! * stride + segmentCount(r.route)].append(r.route) }
        for mi in methodNames.indices {
            for count in 0..<stride {
                let mine = dealt[mi * stride + count]
                // A stable sort: `sorted` is not guaranteed stable, so sort by (literals desc, order).
                var ordered = mine.enumerated().sorted { a, b in
                    a.element.literalCount != b.element.literalCount ? a.element.literalCount > b.element.literalCount : a.offset < b.offset
                }.map(\.element)
                for i in ordered.indices { ordered[i].rank = i }
                var bucket = Bucket(wildStart: routes.count)
                // Each route's key once; groups in the order their first route comes.
                var keys: [UInt64] = []
                var grouped: [UInt64: [Route]] = [:]
                for r in ordered {
                    guard let k = secondLiteral(r) else { routes.append(r); continue }
                    if grouped[k] == nil { keys.append(k) }
                    grouped[k, default: []].append(r)
                }
                bucket.wildEnd = routes.count
                bucket.groupStart = groups.count
                for k in keys {
                    let start = routes.count
                    routes.append(contentsOf: grouped[k]!)
                    groups.append(Group(key: k, start: start, end: routes.count))
                }
                bucket.groupEnd = groups.count
                buckets[mi * stride + count] = bucket
            }
        }
    }

    /// The hash of a route's second segment when it is a literal.
    private func secondLiteral(_ r: Route) -> UInt64? {
        guard segmentCount(r) >= 2 else { return nil }
        let seg = segments[r.firstSegment + 1]
        guard seg.length >= 0 else { return nil }
        return pool.withUnsafeBufferPointer { Self.segmentHash(UnsafeBufferPointer(rebasing: $0[Int(seg.start)..<Int(seg.start + seg.length)])) }
    }

    /// FNV-1a over a segment's bytes.
    @inline(__always)
    private static func segmentHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    private func segmentCount(_ r: Route) -> Int { paramNames[r.info].count + r.literalCount }

    public struct Match: Sendable {
        public let index: Int
        public let params: RouteParams
        public let info: Int
    }

    public func template(_ info: Int) -> String { templates[info] }

    public func match(method: String, path: String) -> Match? {
        if stale {
            // Not prepared since the last `add`: match against freshly built tables.
            var prepared = self
            prepared.prepare()
            return prepared.match(method: method, path: path)
        }
        guard let mi = methodNames.firstIndex(of: method) else { return nil }
        var path = path
        return path.withUTF8 { bytes -> Match? in
            // One pass: split into segments (empty ones skipped), giving up as soon as there are
            // more than any route has.
            let maxSegments = stride - 1
            guard maxSegments > 0 else { return nil }
            return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: maxSegments) { segs -> Match? in
                let slash = UInt8(ascii: "/")
                var count = 0, i = 0
                let n = bytes.count
                while i < n {
                    if bytes[i] == slash { i += 1; continue }
                    var j = i + 1
                    while j < n, bytes[j] != slash { j += 1 }
                    if count == maxSegments { return nil }
                    segs[count] = i..<j; count += 1
                    i = j
                }
                guard count > 0 else { return nil }
                let bucket = buckets[mi * stride + count]
                // The routes sharing this path's second segment (by hash; the literals are compared below).
                var keyed = 0..<0
                if count >= 2, bucket.groupStart < bucket.groupEnd {
                    let key = Self.segmentHash(UnsafeBufferPointer(rebasing: bytes[segs[1]]))
                    for g in bucket.groupStart..<bucket.groupEnd where groups[g].key == key {
                        keyed = groups[g].start..<groups[g].end
                        break
                    }
                }
                let wild = bucket.wildStart..<bucket.wildEnd
                guard !wild.isEmpty || !keyed.isEmpty else { return nil }
                let found: Route? = pool.withUnsafeBufferPointer { pool in
                    segments.withUnsafeBufferPointer { segments in
                        routes.withUnsafeBufferPointer { routes in
                            // Both lists are in bucket order: merged by rank, the first match is
                            // the one a scan of the whole bucket would find.
                            var i = wild.lowerBound, j = keyed.lowerBound
                            while i < wild.upperBound || j < keyed.upperBound {
                                let ri: Int
                                if j == keyed.upperBound || (i < wild.upperBound && routes[i].rank < routes[j].rank) {
                                    ri = i; i += 1
                                } else {
                                    ri = j; j += 1
                                }
                                if Self.literalsMatch(routes[ri], count, segs, bytes, pool, segments) { return routes[ri] }
                            }
                            return nil
                        }
                    }
                }
                guard let r = found else { return nil }
                var params = RouteParams()
                let names = paramNames[r.info]
                if !names.isEmpty {
                    params.pairs.reserveCapacity(names.count)
                    var n = 0
                    for s in 0..<count where segments[r.firstSegment + s].length < 0 {
                        params.pairs.append((names[n], HTTPRequestPathDecode.decode(UnsafeBufferPointer(rebasing: bytes[segs[s]]))))
                        n += 1
                    }
                }
                return Match(index: r.index, params: params, info: r.info)
            }
        }
    }

    @inline(__always)
    private static func literalsMatch(_ r: Route, _ count: Int, _ segs: UnsafeMutableBufferPointer<Range<Int>>, _ bytes: UnsafeBufferPointer<UInt8>,
                                      _ pool: UnsafeBufferPointer<UInt8>, _ segments: UnsafeBufferPointer<Segment>) -> Bool {
        for s in 0..<count {
            let seg = segments[r.firstSegment + s]
            if seg.length < 0 { continue }
            let have = segs[s]
            guard have.count == Int(seg.length) else { return false }
            // Literal segments are short ("v1", "files"): compared in place, not through memcmp.
            let a = bytes.baseAddress! + have.lowerBound, b = pool.baseAddress! + Int(seg.start)
            for k in 0..<have.count where a[k] != b[k] { return false }
        }
        return true
    }
}

enum HTTPRequestPathDecode {
    /// A path segment's bytes as a string, percent-escapes decoded.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let s = String(decoding: bytes, as: UTF8.self)
        return bytes.contains(UInt8(ascii: "%")) ? s.removingPercentEncodingSafe : s
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

/// A matched route's path parameters by name. A route has one or two, so they are kept as pairs
/// in template order (no hashing, one small allocation) rather than in a dictionary.
public struct RouteParams: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public var pairs: [(String, String)] = []

    public init() {}
    public init(dictionaryLiteral elements: (String, String)...) { pairs = elements }

    public subscript(name: String) -> String? {
        for (k, v) in pairs where k == name { return v }
        return nil
    }

    public var isEmpty: Bool { pairs.isEmpty }

    /// Equal when both have the same names with the same values (order does not matter).
    public static func == (a: RouteParams, b: RouteParams) -> Bool {
        a.pairs.count == b.pairs.count && a.pairs.allSatisfy { b[$0.0] == $0.1 }
    }
}

import SimSupport

/// Why a request differs from a recorded one, as short readable reasons, and a distance to rank
/// near misses by (method counts most, then path, query, body).
public struct RequestDiff: Sendable {
    public var reasons: [String] = []
    public var score = 0
    static let maxBodyReasons = 4

    public init(_ got: RecordedRequest, recorded: RecordedRequest, ignoreFields: [String]) {
        if got.method != recorded.method {
            reasons.append("method is \(got.method), recorded \(recorded.method)")
            score += 100
        }
        if got.path != recorded.path {
            let a = got.path.split(separator: "/"), b = recorded.path.split(separator: "/")
            let differing = a.count == b.count ? zip(a, b).filter { $0 != $1 }.count : max(a.count, b.count) + 1
            reasons.append("path is \(got.path), recorded \(recorded.path)")
            score += 20 * differing
        }
        let gq = Dictionary(got.query, uniquingKeysWith: { x, _ in x }), rq = Dictionary(recorded.query, uniquingKeysWith: { x, _ in x })
        for k in Set(gq.keys).union(rq.keys).sorted() where gq[k] != rq[k] {
            reasons.append("query \(k) is \(gq[k].map { "'\($0)'" } ?? "absent"), recorded \(rq[k].map { "'\($0)'" } ?? "absent")")
            score += 5
        }
        bodyDiff(got.body, recorded.body, ignoreFields: ignoreFields)
    }

    private mutating func bodyDiff(_ a: RequestShape, _ b: RequestShape, ignoreFields: [String]) {
        switch (a, b) {
        case (.none, .none): return
        case let (.json(x), .json(y)):
            var found: [String] = []
            Self.jsonDiff(CanonicalJSON.removing(ignoreFields, from: x), CanonicalJSON.removing(ignoreFields, from: y), at: "body", into: &found)
            score += found.count
            reasons += found.prefix(Self.maxBodyReasons)
            if found.count > Self.maxBodyReasons { reasons.append("and \(found.count - Self.maxBodyReasons) more body differences") }
        case let (.text(x), .text(y)) where x != y:
            reasons.append("body text differs"); score += 3
        case let (.binary(x, _), .binary(y, _)) where x != y:
            reasons.append("body sha256 \(x.prefix(12))…, recorded \(y.prefix(12))…"); score += 3
        case let (.multipart(x), .multipart(y)):
            for name in (x.map(\.name) + y.map(\.name)).uniqued() {
                let p = x.first { $0.name == name }, q = y.first { $0.name == name }
                if let p, let q {
                    if p.value != q.value { reasons.append("form field \(name) is \(Self.short(JSON(p.value))), recorded \(Self.short(JSON(q.value)))"); score += 2 }
                    if p.sha256 != q.sha256 {
                        reasons.append("file \(name) has sha256 \((p.sha256 ?? "-").prefix(12))…, recorded \((q.sha256 ?? "-").prefix(12))… (different content)")
                        score += 2
                    }
                } else {
                    reasons.append("form field \(name) is \(p == nil ? "absent here" : "not in the recording")"); score += 2
                }
            }
        default:
            if Self.kind(a) != Self.kind(b) || a != b {
                reasons.append("body is \(Self.kind(a)), recorded \(Self.kind(b))"); score += 10
            }
        }
    }

    static func kind(_ s: RequestShape) -> String {
        switch s {
        case .none: return "empty"
        case .json: return "JSON"
        case .text: return "text"
        case .binary: return "binary"
        case .multipart: return "multipart"
        }
    }

    static func jsonDiff(_ a: JSON, _ b: JSON, at path: String, into out: inout [String]) {
        if case let .object(x) = a, case let .object(y) = b {
            let keys = (x.map(\.0) + y.map(\.0)).uniqued()
            for k in keys {
                switch (a[k], b[k]) {
                case let (p?, q?): jsonDiff(p, q, at: "\(path).\(k)", into: &out)
                case let (p?, nil): out.append("\(path).\(k) is \(short(p)), absent in the recording")
                case let (nil, q?): out.append("\(path).\(k) is absent, recorded \(short(q))")
                default: break
                }
            }
            return
        }
        if case let .array(x) = a, case let .array(y) = b, x.count == y.count {
            for (i, (p, q)) in zip(x, y).enumerated() { jsonDiff(p, q, at: "\(path)[\(i)]", into: &out) }
            return
        }
        if CanonicalJSON.sorted(a) != CanonicalJSON.sorted(b) { out.append("\(path) is \(short(a)), recorded \(short(b))") }
    }

    static func short(_ v: JSON) -> String {
        let s = CanonicalJSON.string(v)
        return s.count > 60 ? String(s.prefix(57)) + "…" : s
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

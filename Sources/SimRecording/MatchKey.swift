import SimSupport

/// What a request must share with a recorded one to be answered by it: method, path, query
/// (order-free) and body in canonical form (JSON canonicalised, volatile fields removed;
/// multipart as its fields and content hashes).
public struct MatchKey: Hashable, Sendable, CustomStringConvertible {
    public let method: String
    public let path: String
    public let query: String
    public let body: String

    public init(_ r: RecordedRequest, ignoreFields: [String] = []) {
        method = r.method
        path = r.path
        query = r.query.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        body = Self.body(r.body, ignoreFields: ignoreFields)
    }

    static func body(_ b: RequestShape, ignoreFields: [String]) -> String {
        switch b {
        case .none: return ""
        case let .json(j): return "json:" + CanonicalJSON.string(CanonicalJSON.removing(ignoreFields, from: j))
        case let .text(t): return "text:" + t
        case let .binary(sha, _): return "sha256:" + sha
        case let .multipart(parts):
            let items: [JSON] = parts.map { p in
                var o: [(String, JSON)] = [("name", .string(p.name))]
                if let f = p.filename { o.append(("filename", .string(f))) }
                if let v = p.value { o.append(("value", .string(v))) }
                if let s = p.sha256 { o.append(("sha256", .string(s))) }
                return .object(o)
            }
            let kept = items.filter { item in !ignoreFields.contains(item["name"]?.stringValue ?? "") }
            return "multipart:" + CanonicalJSON.string(.array(kept))
        }
    }

    public var description: String { "\(method) \(path)\(query.isEmpty ? "" : "?" + query)" }
}

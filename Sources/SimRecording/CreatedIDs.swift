import SimSupport

/// The object IDs a recording created (the `id` of what a POST returned, and of the response a
/// stream announced), so later requests that reference them are recognised.
public struct CreatedIDs: Sendable {
    /// ID → seq of the interaction that created it.
    public private(set) var creators: [String: Int] = [:]

    public init(_ cassette: Cassette) {
        for i in cassette.interactions where i.request.method == "POST" && (200..<300).contains(i.response.status) {
            switch i.response.body {
            case let .json(j):
                if let id = j["id"]?.stringValue, creators[id] == nil { creators[id] = i.seq }
            case let .stream(events, _):
                for e in events {
                    if let id = e.data?["response"]?["id"]?.stringValue ?? e.data?["id"]?.stringValue, creators[id] == nil {
                        creators[id] = i.seq
                    }
                }
            default: break
            }
        }
    }

    /// ID-shaped tokens a request mentions: path segments, query values and top-level body strings.
    public static func mentioned(in r: RecordedRequest) -> [String] {
        var out: [String] = r.path.split(separator: "/").map(String.init).filter(looksLikeID)
        out += r.query.map(\.1).filter(looksLikeID)
        if case let .json(j) = r.body, let pairs = j.objectValue {
            for (_, v) in pairs { if let s = v.stringValue, looksLikeID(s) { out.append(s) } }
        }
        return out.uniqued()
    }

    /// `file-…`, `batch_…`, `ftjob-…`, `resp_…`: a short lower-case prefix, `-` or `_`, then 8+ id characters.
    public static func looksLikeID(_ s: String) -> Bool {
        guard let sep = s.firstIndex(where: { $0 == "-" || $0 == "_" }) else { return false }
        let prefix = s[..<sep], rest = s[s.index(after: sep)...]
        return (2...8).contains(prefix.count) && prefix.allSatisfy { $0.isLowercase && $0.isLetter }
            && rest.count >= 8 && rest.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }

    /// The prefix (`file-`) of an ID.
    static func prefix(_ id: String) -> String {
        guard let sep = id.firstIndex(where: { $0 == "-" || $0 == "_" }) else { return id }
        return String(id[...sep])
    }

    /// IDs the recording created with the same prefix as `id`.
    public func siblings(of id: String) -> [String] {
        let p = Self.prefix(id)
        return creators.filter { $0.key.hasPrefix(p) }.sorted { $0.value < $1.value }.map(\.key)
    }
}

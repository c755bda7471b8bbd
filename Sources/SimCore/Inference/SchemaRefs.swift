import SimSupport

/// `$ref` resolution and `allOf` merging for the JSON Schema subset the simulator supports.
enum SchemaRefs {
    /// Follows `$ref` (to `#`, `#/$defs/…`, `#/definitions/…` or any local JSON pointer); keys
    /// written beside the `$ref` are kept. Unresolvable refs give an empty schema (anything goes).
    static func resolve(_ schema: JSON, root: JSON) -> JSON {
        var cur = schema
        var hops = 0
        while let ref = cur["$ref"]?.stringValue, hops < 32 {
            hops += 1
            guard let target = lookup(ref, root: root) else { return .object([]) }
            var merged = target.objectValue ?? []
            for (k, v) in cur.objectValue ?? [] where k != "$ref" && !merged.contains(where: { $0.0 == k }) { merged.append((k, v)) }
            cur = .object(merged)
        }
        return cur
    }

    static func lookup(_ ref: String, root: JSON) -> JSON? {
        guard ref.hasPrefix("#") else { return nil }
        var cur = root
        for raw in ref.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let key = unescapePointer(raw)
            if let a = cur.arrayValue, let i = Int(key), i >= 0, i < a.count { cur = a[i]; continue }
            guard let next = cur[key] else { return nil }
            cur = next
        }
        return cur
    }

    /// JSON-pointer unescaping: `~1` is `/`, `~0` is `~`.
    static func unescapePointer(_ s: Substring) -> String {
        var out = ""
        var it = s.makeIterator()
        while let c = it.next() {
            if c == "~" {
                switch it.next() {
                case "1": out.append("/")
                case "0": out.append("~")
                case let other?: out.append("~"); out.append(other)
                case nil: out.append("~")
                }
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// One schema equivalent (for generation) to all of `schemas`: properties and required unioned.
    static func merge(_ schemas: [JSON], root: JSON) -> JSON {
        var pairs: [(String, JSON)] = []
        var props: [(String, JSON)] = []
        var required: [JSON] = []
        for s in schemas.map({ resolve($0, root: root) }) {
            for (k, v) in s.objectValue ?? [] {
                switch k {
                case "properties": for p in v.objectValue ?? [] where !props.contains(where: { $0.0 == p.0 }) { props.append(p) }
                case "required": for r in v.arrayValue ?? [] where !required.contains(r) { required.append(r) }
                default: if !pairs.contains(where: { $0.0 == k }) { pairs.append((k, v)) }
                }
            }
        }
        if !props.isEmpty { pairs.append(("properties", .object(props))) }
        if !required.isEmpty { pairs.append(("required", .array(required))) }
        return .object(pairs)
    }
}

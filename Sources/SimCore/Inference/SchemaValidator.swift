import SimSupport

/// Validates a JSON value against the JSON Schema subset `SchemaValueGenerator` writes
/// (type / type arrays, enum, const, properties, required, additionalProperties, items,
/// minItems/maxItems, minLength/maxLength, minimum/maximum and exclusive bounds, multipleOf,
/// anyOf/oneOf/allOf, `$ref`, formats date/date-time/email/uuid). Returns one message per
/// problem, each starting with the JSON path (`$.a[0].b`); empty means valid.
public enum SchemaValidator {
    public static func validate(_ value: JSON, against schema: JSON) -> [String] {
        var errors: [String] = []
        var budget = 50_000
        check(value, schema, root: schema, path: "$", depth: 0, budget: &budget, into: &errors)
        return errors
    }

    /// `budget` bounds the work on hostile schemas (nested anyOf is exponential); once spent,
    /// the rest of the value is not checked.
    static func check(_ v: JSON, _ schemaIn: JSON, root: JSON, path: String, depth: Int, budget: inout Int, into errors: inout [String]) {
        budget -= 1
        guard depth < 64, budget > 0 else { return }
        if case let .bool(b) = schemaIn {
            if !b { errors.append("\(path): no value is allowed here") }
            return
        }
        let s = SchemaRefs.resolve(schemaIn, root: root)
        guard case .object = s else { return }
        if let c = s["const"], c != v { errors.append("\(path): expected the constant \(c.encodedString)") }
        if let e = s["enum"]?.arrayValue, !e.contains(v) {
            errors.append("\(path): \(v.encodedString) is not one of \(JSON.array(e).encodedString)")
        }
        if let all = s["allOf"]?.arrayValue {
            for sub in all { check(v, sub, root: root, path: path, depth: depth + 1, budget: &budget, into: &errors) }
        }
        for k in ["anyOf", "oneOf"] {
            guard let options = s[k]?.arrayValue else { continue }
            var matches = 0
            for sub in options {
                var e: [String] = []
                check(v, sub, root: root, path: path, depth: depth + 1, budget: &budget, into: &e)
                if e.isEmpty { matches += 1 }
            }
            if matches == 0 || (k == "oneOf" && matches > 1) {
                errors.append("\(path): matches \(matches) of the \(k) alternatives")
            }
        }
        var types: [String] = []
        if let t = s["type"]?.stringValue { types = [t] } else if let ts = s["type"]?.arrayValue { types = ts.compactMap(\.stringValue) }
        if !types.isEmpty, !types.contains(where: { matchesType(v, $0) }) {
            errors.append("\(path): expected \(types.joined(separator: " or ")), got \(v.typeName)")
            return
        }
        switch v {
        case let .object(pairs): checkObject(pairs, s, root: root, path: path, depth: depth, budget: &budget, into: &errors)
        case let .array(items):
            if let m = s["minItems"]?.intValue, items.count < m { errors.append("\(path): expected at least \(m) items, got \(items.count)") }
            if let m = s["maxItems"]?.intValue, items.count > m { errors.append("\(path): expected at most \(m) items, got \(items.count)") }
            if let itemSchema = s["items"] {
                for (i, item) in items.enumerated() {
                    check(item, itemSchema, root: root, path: "\(path)[\(i)]", depth: depth + 1, budget: &budget, into: &errors)
                }
            }
        case let .string(str):
            let n = str.count
            if let m = s["minLength"]?.intValue, n < m { errors.append("\(path): expected at least \(m) characters") }
            if let m = s["maxLength"]?.intValue, n > m { errors.append("\(path): expected at most \(m) characters") }
            if let f = s["format"]?.stringValue, !matchesFormat(str, f) { errors.append("\(path): not a valid \(f)") }
        case .int, .double:
            let d = v.doubleValue ?? 0
            if let m = s["minimum"]?.doubleValue, d < m { errors.append("\(path): \(v.encodedString) is below the minimum \(m)") }
            if let m = s["maximum"]?.doubleValue, d > m { errors.append("\(path): \(v.encodedString) is above the maximum \(m)") }
            if let m = s["exclusiveMinimum"]?.doubleValue, d <= m { errors.append("\(path): \(v.encodedString) must be above \(m)") }
            if let m = s["exclusiveMaximum"]?.doubleValue, d >= m { errors.append("\(path): \(v.encodedString) must be below \(m)") }
            if let m = s["multipleOf"]?.doubleValue, m > 0 {
                let q = d / m
                if abs(q - q.rounded()) > 1e-9 { errors.append("\(path): \(v.encodedString) is not a multiple of \(m)") }
            }
        default: break
        }
    }

    private static func checkObject(_ pairs: [(String, JSON)], _ s: JSON, root: JSON, path: String, depth: Int,
                                    budget: inout Int, into errors: inout [String]) {
        let props = s["properties"]?.objectValue ?? []
        for r in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !pairs.contains(where: { $0.0 == r }) {
            errors.append("\(path): missing required property '\(r)'")
        }
        for (k, val) in pairs {
            let sub = "\(path).\(k)"
            if let p = props.first(where: { $0.0 == k }) {
                check(val, p.1, root: root, path: sub, depth: depth + 1, budget: &budget, into: &errors)
            } else if let extra = s["additionalProperties"] {
                if extra == .bool(false) {
                    errors.append("\(path): unexpected property '\(k)'")
                } else if case .object = extra {
                    check(val, extra, root: root, path: sub, depth: depth + 1, budget: &budget, into: &errors)
                }
            }
        }
    }

    static func matchesType(_ v: JSON, _ t: String) -> Bool {
        switch (t, v) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): return true
        case ("number", .int), ("number", .double): return true
        case ("integer", .int): return true
        case let ("integer", .double(d)): return d.isFinite && d.rounded() == d
        default: return false
        }
    }

    static func matchesFormat(_ s: String, _ f: String) -> Bool {
        let b = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= b.count && b[r].allSatisfy { $0 >= 48 && $0 <= 57 } }
        switch f {
        case "date": return b.count == 10 && digits(0..<4) && b[4] == 45 && digits(5..<7) && b[7] == 45 && digits(8..<10)
        case "date-time":
            return b.count >= 19 && digits(0..<4) && b[4] == 45 && digits(5..<7) && b[7] == 45 && digits(8..<10)
                && (b[10] == 84 || b[10] == 116 || b[10] == 32) && digits(11..<13) && b[13] == 58 && digits(14..<16)
        case "email":
            let parts = s.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
        case "uuid":
            let hex = b.enumerated().allSatisfy { i, c in
                [8, 13, 18, 23].contains(i) ? c == 45 : ((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))
            }
            return b.count == 36 && hex
        default: return true
        }
    }
}

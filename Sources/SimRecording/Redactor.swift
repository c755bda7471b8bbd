import SimSupport

/// Removes secrets before anything reaches the disk: credential headers (`Authorization`,
/// `OpenAI-Organization`, `OpenAI-Project`, cookies, API-key headers) and any `sk-…`/`sess-…`
/// shaped token inside any string (bodies, queries, error messages, admin key responses).
public enum Redactor {
    public static let placeholder = "[REDACTED]"
    /// Header names (lower-case) whose values are never written.
    public static let sensitiveHeaders: Set<String> = [
        "authorization", "proxy-authorization", "openai-organization", "openai-project", "cookie", "set-cookie",
        "x-api-key", "api-key",
    ]
    /// Token prefixes that mark a secret (`sk-proj-…`, `sk-admin-…`, `sess-…`).
    static let prefixes: [[UInt8]] = [Array("sk-".utf8), Array("sess-".utf8)]
    /// Shortest run after the prefix that counts as a key (so `sk-ab***wxyz`, the API's own masked form, stays).
    static let minimumRun = 8

    /// `s` with every secret-shaped token replaced; `count` says how many were.
    public static func redact(_ s: String) -> (String, Int) {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "-") }) else { return (s, 0) }
        let (bytes, n) = redact(bytes: Array(s.utf8))
        return n == 0 ? (s, 0) : (String(decoding: bytes, as: UTF8.self), n)
    }

    /// Byte-level redaction (also used for text bodies stored beside the cassette).
    public static func redact(bytes: [UInt8]) -> ([UInt8], Int) {
        var out: [UInt8] = []
        var count = 0
        var i = 0
        let n = bytes.count
        out.reserveCapacity(n)
        while i < n {
            if isTokenStart(bytes, i), let end = secretEnd(bytes, i) {
                out += Array(placeholder.utf8)
                count += 1
                i = end
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return count == 0 ? (bytes, 0) : (out, count)
    }

    /// True when `s` holds a secret-shaped token.
    public static func containsSecret(_ s: String) -> Bool { redact(s).1 > 0 }

    /// Redacts a whole JSON document: values of sensitive header-named keys, and every string.
    public static func redact(_ value: JSON) -> (JSON, Int) {
        var count = 0
        let out = walk(value, &count)
        return (out, count)
    }

    private static func walk(_ value: JSON, _ count: inout Int) -> JSON {
        switch value {
        case let .string(s):
            let (r, n) = redact(s)
            count += n
            return n == 0 ? value : .string(r)
        case let .array(items):
            return .array(items.map { walk($0, &count) })
        case let .object(pairs):
            return .object(pairs.map { k, v in
                if sensitiveHeaders.contains(k.lowercased()), v != .string(placeholder), !v.isNull {
                    count += 1
                    return (k, .string(placeholder))
                }
                return (k, walk(v, &count))
            })
        default:
            return value
        }
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }

    private static func isTokenStart(_ b: [UInt8], _ i: Int) -> Bool {
        let c = b[i]
        guard c == UInt8(ascii: "s") else { return false }
        return i == 0 || !isWordByte(b[i - 1])
    }

    /// The end index of a secret starting at `i`, or nil.
    private static func secretEnd(_ b: [UInt8], _ i: Int) -> Int? {
        for p in prefixes where i + p.count <= b.count && Array(b[i..<(i + p.count)]) == p {
            var j = i + p.count
            while j < b.count, isWordByte(b[j]) { j += 1 }
            if j - (i + p.count) >= minimumRun { return j }
        }
        return nil
    }
}

import SimSupport
import Glibc

/// A stored file (`OpenAIFile` in the spec).
public struct FileObject: Sendable, Equatable {
    public var id: String
    public var bytes: Int64
    public var createdAt: Int64
    public var expiresAt: Int64?
    public var filename: String
    public var purpose: String
    public var status: String
    public var statusDetails: String?
    /// Lowercase hex MD5 of the content (internal; not part of the wire object).
    public var md5: String

    public init(id: String, bytes: Int64, createdAt: Int64, expiresAt: Int64?, filename: String, purpose: String,
                status: String = "processed", statusDetails: String? = nil, md5: String = "") {
        self.id = id
        self.bytes = bytes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.filename = filename
        self.purpose = purpose
        self.status = status
        self.statusDetails = statusDetails
        self.md5 = md5
    }

    /// The wire shape, in the API's field order.
    public var json: JSON {
        // Absent rather than null: the spec types these as plain integer/string.
        var pairs: [(String, JSON)] = [("object", "file"), ("id", .string(id)), ("purpose", .string(purpose)),
                                       ("filename", .string(filename)), ("bytes", .int(bytes)), ("created_at", .int(createdAt))]
        if let e = expiresAt { pairs.append(("expires_at", .int(e))) }
        pairs.append(("status", .string(status)))
        if let d = statusDetails { pairs.append(("status_details", .string(d))) }
        return .object(pairs)
    }

    /// `json` encoded, written straight to bytes (the same bytes as `json.encoded`).
    public var encodedJSON: [UInt8] {
        var w = JSONWriter(capacity: 160 + filename.utf8.count)
        writeMembers(&w)
        w.raw("}")
        return w.bytes
    }

    /// The stored form: the wire bytes with the internal `_md5` member last (what
    /// `JSONWriter.encode(stored)` writes too), so a retrieve answers with the stored bytes up to
    /// that member (`wire(fromStored:)`) instead of building the object and encoding it again.
    var storedEncoding: [UInt8] {
        var w = JSONWriter(capacity: 200 + filename.utf8.count)
        writeMembers(&w)
        w.raw(",\"_md5\":"); w.writeString(md5)
        w.raw("}")
        return w.bytes
    }

    /// The wire members in the API's order, after the opening brace and without the closing one.
    private func writeMembers(_ w: inout JSONWriter) {
        w.raw("{\"object\":\"file\",\"id\":"); w.writeString(id)
        w.raw(",\"purpose\":"); w.writeString(purpose)
        w.raw(",\"filename\":"); w.writeString(filename)
        w.raw(",\"bytes\":"); w.writeInt(bytes)
        w.raw(",\"created_at\":"); w.writeInt(createdAt)
        if let e = expiresAt { w.raw(",\"expires_at\":"); w.writeInt(e) }
        w.raw(",\"status\":"); w.writeString(status)
        if let d = statusDetails { w.raw(",\"status_details\":"); w.writeString(d) }
    }

    /// The stored shape: the wire shape plus internal fields.
    var stored: JSON { json.setting("_md5", .string(md5)) }

    /// The wire bytes and the expiry of a file stored as `storedEncoding` lays it out (it starts
    /// as a file object and ends with `"_md5":""}` or `"_md5":"<32 hex digits>"}`); nil for any
    /// other document, which the caller parses instead. The members are found by their quoted names: a quote inside a
    /// string value is escaped, so `,"expires_at":` can only be the member itself.
    static func wire(fromStored stored: [UInt8]) -> (wire: [UInt8], expiresAt: Int64?)? {
        let prefix: StaticString = "{\"object\":\"file\",\"id\":\""
        let md5Member: StaticString = ",\"_md5\":\""
        let expiresMember: StaticString = ",\"expires_at\":"
        @inline(__always) func at(_ p: UnsafePointer<UInt8>, _ s: StaticString) -> Bool {
            memcmp(p, s.utf8Start, s.utf8CodeUnitCount) == 0
        }
        return stored.withUnsafeBufferPointer { buf -> (wire: [UInt8], expiresAt: Int64?)? in
            let n = buf.count
            guard n > prefix.utf8CodeUnitCount + md5Member.utf8CodeUnitCount + 2, let p = buf.baseAddress,
                  p[n - 1] == UInt8(ascii: "}"), p[n - 2] == UInt8(ascii: "\""), at(p, prefix) else { return nil }
            // The digest is empty or 32 hex digits (the blob store's MD5): `,"_md5":"` ends
            // just before it.
            let digits = p[n - 3] == UInt8(ascii: "\"") ? 0 : 32
            let end = n - 2 - digits - md5Member.utf8CodeUnitCount
            guard end > prefix.utf8CodeUnitCount, at(p + end, md5Member) else { return nil }
            // Backwards from the end: the expiry sits a few members before it.
            var expiresAt: Int64?
            let m = expiresMember.utf8CodeUnitCount
            var i = end - m - 1
            while i > prefix.utf8CodeUnitCount {
                if p[i] == 0x2C, p[i + 2] == 0x65, p[i + 3] == 0x78, at(p + i, expiresMember) {
                    var j = i + m, v: Int64 = 0, digits = 0
                    let negative = p[j] == UInt8(ascii: "-")
                    if negative { j += 1 }
                    while j < end, p[j] >= 0x30, p[j] <= 0x39, digits < 18 { v = v * 10 + Int64(p[j] - 0x30); j += 1; digits += 1 }
                    // Anything but a plain integer: let the parser decide.
                    guard digits > 0, j < end, p[j] == 0x2C || p[j] == 0x7D else { return nil }
                    expiresAt = negative ? -v : v
                    break
                }
                i -= 1
            }
            let wire = [UInt8](unsafeUninitializedCapacity: end + 1) { w, count in
                w.baseAddress!.update(from: p, count: end)
                w[end] = UInt8(ascii: "}")
                count = end + 1
            }
            return (wire, expiresAt)
        }
    }

    init?(stored body: JSON) {
        guard case let .object(pairs) = body else { return nil }
        // One pass over the members (a stored file is read on every retrieve).
        var id: String?, bytes: Int64?, created: Int64?, filename: String?, purpose: String?
        var expires: Int64?, status: String?, details: String?, md5: String?
        for (k, v) in pairs {
            // The length first: most keys are then told apart without comparing any string.
            switch k.utf8.count {
            case 2 where k == "id": id = v.stringValue
            case 5 where k == "bytes": bytes = v.intValue
            case 10 where k == "created_at": created = v.intValue
            case 10 where k == "expires_at": expires = v.intValue
            case 8 where k == "filename": filename = v.stringValue
            case 7 where k == "purpose": purpose = v.stringValue
            case 6 where k == "status": status = v.stringValue
            case 14 where k == "status_details": details = v.stringValue
            case 4 where k == "_md5": md5 = v.stringValue
            default: break
            }
        }
        guard let id, let bytes, let created, let filename, let purpose else { return nil }
        self.init(id: id, bytes: bytes, createdAt: created, expiresAt: expires, filename: filename,
                  purpose: purpose, status: status ?? "processed", statusDetails: details, md5: md5 ?? "")
    }
}

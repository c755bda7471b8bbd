import Digests
import SimSupport

/// Mutual-TLS certificates: uploaded to the organization (up to 50), then activated for the
/// organization and/or for projects. A record per certificate in `org_certificates` holds the
/// PEM it was uploaded with (`_content`), whether it is active for the organization (`_active`)
/// and the projects it is active in (`_projects`).
///
/// The upload is really parsed: the PEM body must be base64 of a DER X.509 certificate, whose
/// `validity` gives `certificate_details.valid_at` / `expires_at`. Nothing else (signature,
/// chain, key) is checked.
extension AdminService {
    static let certificates = "org_certificates"
    static let maxCertificates = 50
    static let maxToggle = 10

    /// The three shapes a certificate takes: `certificate` (create/get/modify, no `active`),
    /// `organization.certificate` and `organization.project.certificate` (lists and toggles).
    public enum CertificateScope: Sendable {
        case single, organization, project(String)
    }

    static func certificateView(_ body: JSON, _ scope: CertificateScope, content: Bool = false) -> JSON {
        var details = body["certificate_details"] ?? .object([])
        if content { details = details.setting("content", body["_content"] ?? "") }
        var pairs: [(String, JSON)] = [("object", "certificate"), ("id", body["id"] ?? ""), ("name", body["name"] ?? .null),
                                       ("created_at", body["created_at"] ?? 0), ("certificate_details", details)]
        switch scope {
        case .single: break
        case .organization:
            pairs[0].1 = "organization.certificate"
            pairs.append(("active", .bool(body["_active"]?.boolValue == true)))
        case .project(let p):
            pairs[0].1 = "organization.project.certificate"
            let on = body["_projects"]?.arrayValue?.contains(.string(p)) == true
            pairs.append(("active", .bool(on)))
        }
        return .object(pairs)
    }

    /// - Remark: POST /v1/organization/certificates
    public func uploadCertificate(tenant: Tenant, name: String?, pem: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        let validity = try Self.parseCertificate(pem)
        let now = env.now()
        if validity.notAfter <= now {
            throw .invalidRequest("Invalid certificate: it expired at \(validity.notAfter) (Unix time).", param: "certificate")
        }
        if try records(org.root.id, Self.certificates).count >= Self.maxCertificates {
            throw .invalidRequest("An organization can have at most \(Self.maxCertificates) certificates; delete one first.",
                                  param: "certificate")
        }
        let id = env.ids(stream: org.root.id).make("cert_", length: 24)
        let body: JSON = .object([("object", "certificate"), ("id", .string(id)), ("name", JSON(name)), ("created_at", .int(now)),
                                  ("certificate_details", .object([("valid_at", .int(validity.notBefore)),
                                                                   ("expires_at", .int(validity.notAfter))])),
                                  ("_content", .string(Self.normalizedPEM(pem))), ("_active", false), ("_projects", .array([]))])
        try put(org.root.id, Self.certificates, id, now, body)
        return Self.certificateView(body, .single)
    }

    /// The organization's certificates; for a project, each with whether it is active there.
    /// - Remark: GET /v1/organization/certificates, GET /v1/organization/projects/{project_id}/certificates
    public func listCertificates(tenant: Tenant, project: String?, after: String?, limit: Int, order: ListOrder) throws(APIError) -> Page {
        let org = try org(tenant)
        if let project { _ = try loadProject(org, project) }
        var all = try records(org.root.id, Self.certificates).map { Self.certificateView($0.body, project.map { .project($0) } ?? .organization) }
        if order == .desc { all.reverse() }
        return try Self.page(all, after: after, limit: limit)
    }

    /// - Remark: GET /v1/organization/certificates/{certificate_id}
    public func retrieveCertificate(tenant: Tenant, id: String, includeContent: Bool) throws(APIError) -> JSON {
        Self.certificateView(try loadCertificate(try org(tenant), id), .single, content: includeContent)
    }

    /// Only the name can change.
    /// - Remark: POST /v1/organization/certificates/{certificate_id}
    public func modifyCertificate(tenant: Tenant, id: String, name: String?) throws(APIError) -> JSON {
        let org = try org(tenant)
        var body = try loadCertificate(org, id)
        if let name {
            body = body.setting("name", .string(name))
            try put(org.root.id, Self.certificates, id, body["created_at"]?.intValue ?? 0, body)
        }
        return Self.certificateView(body, .single)
    }

    /// Refused while the certificate is active for the organization or a (live) project. Returns
    /// the deletion and the certificate as it was (for the audit log).
    /// - Remark: DELETE /v1/organization/certificates/{certificate_id}
    public func deleteCertificate(tenant: Tenant, id: String) throws(APIError) -> (deleted: JSON, certificate: JSON) {
        let org = try org(tenant)
        let body = try loadCertificate(org, id)
        if body["_active"]?.boolValue == true {
            throw .invalidRequest("Certificate '\(id)' is active for the organization; deactivate it before deleting it.",
                                  param: "certificate_id")
        }
        for p in body["_projects"]?.arrayValue ?? [] {
            guard let pid = p.stringValue, let project = try? loadProject(org, pid), project["status"]?.stringValue != "archived" else { continue }
            throw .invalidRequest("Certificate '\(id)' is active for project '\(pid)'; deactivate it there before deleting it.",
                                  param: "certificate_id")
        }
        remove(org.root.id, Self.certificates, id)
        return (.object([("object", "certificate.deleted"), ("id", .string(id))]), body)
    }

    /// Activates or deactivates up to 10 certificates at once, for the organization or a
    /// project: atomically (an unknown id changes nothing) and idempotently.
    /// - Remark: POST /v1/organization/certificates/{activate,deactivate},
    ///   POST /v1/organization/projects/{project_id}/certificates/{activate,deactivate}
    public func toggleCertificates(tenant: Tenant, project: String?, ids: [String], active: Bool) throws(APIError) -> JSON {
        let org = try org(tenant)
        if let project { try requireActive(try loadProject(org, project)) }
        guard !ids.isEmpty else {
            throw .invalidRequest("Invalid 'certificate_ids': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                                  param: "certificate_ids", code: "empty_array")
        }
        guard ids.count <= Self.maxToggle else {
            throw .invalidRequest("Invalid 'certificate_ids': array too long. Expected an array with maximum length \(Self.maxToggle), but got an array with length \(ids.count) instead.",
                                  param: "certificate_ids", code: "array_above_max_length")
        }
        var unique: [String] = []
        for id in ids where !unique.contains(id) { unique.append(id) }
        // Load them all first: one unknown id and nothing changes.
        var bodies: [JSON] = []
        for id in unique { bodies.append(try loadCertificate(org, id)) }
        let scope: CertificateScope = project.map { .project($0) } ?? .organization
        var out: [JSON] = []
        for var body in bodies {
            if let project {
                var ps = (body["_projects"]?.arrayValue ?? []).filter { $0.stringValue != project }
                if active { ps.append(.string(project)) }
                body = body.setting("_projects", .array(ps))
            } else {
                body = body.setting("_active", .bool(active))
            }
            try put(org.root.id, Self.certificates, body["id"]?.stringValue ?? "", body["created_at"]?.intValue ?? 0, body)
            out.append(Self.certificateView(body, scope))
        }
        let kind = project == nil ? "organization.certificate" : "organization.project.certificate"
        return .object([("object", .string(kind + (active ? ".activation" : ".deactivation"))), ("data", .array(out))])
    }

    func loadCertificate(_ org: Org, _ id: String) throws(APIError) -> JSON {
        guard let r = try? env.records.get(tenant: org.root.id, collection: Self.certificates, id: id) else {
            throw .invalidRequest("No such certificate: '\(id)'.", param: "certificate_id", code: "not_found", status: 404)
        }
        return r.body
    }

    // MARK: - PEM and DER

    /// `pem` without surrounding whitespace (line breaks included). A body pasted with escaped
    /// newlines (as in a shell-quoted JSON example) reads as if they were line breaks.
    static func normalizedPEM(_ pem: String) -> String {
        let scalars = pem.replacing("\\n", with: "\n").unicodeScalars
        let space: (Unicode.Scalar) -> Bool = { " \t\r\n".unicodeScalars.contains($0) }
        guard let first = scalars.firstIndex(where: { !space($0) }), let last = scalars.lastIndex(where: { !space($0) }) else { return "" }
        return String(scalars[first...last])
    }

    /// The validity period (Unix seconds) of the one X.509 certificate in `pem`; a 400 naming
    /// `certificate` when it is not PEM, not base64, or not a DER certificate.
    public static func parseCertificate(_ pem: String) throws(APIError) -> (notBefore: Int64, notAfter: Int64) {
        let begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----"
        let text = normalizedPEM(pem)
        func bad(_ why: String) -> APIError { .invalidRequest("Invalid certificate: \(why)", param: "certificate") }
        guard text.hasPrefix(begin), text.hasSuffix(end), text.count >= begin.count + end.count else {
            throw bad("expected PEM content that starts with '\(begin)' and ends with '\(end)'.")
        }
        let inner = String(text.dropFirst(begin.count).dropLast(end.count))
        if inner.contains("-----") { throw bad("expected exactly one PEM certificate block.") }
        let b64 = String(inner.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) })
        let padding = b64.reversed().prefix { $0 == "=" }.count
        guard !b64.isEmpty, b64.count % 4 == 0, padding <= 2, !b64.dropLast(padding).contains("="),
              let der = Base64.decode(b64) else {
            throw bad("the PEM body is not valid base64.")
        }
        guard let validity = DER.certificateValidity(der) else {
            throw bad("the PEM body is not a DER-encoded X.509 certificate.")
        }
        guard validity.0 <= validity.1 else { throw bad("its validity period ends before it starts.") }
        return validity
    }
}

/// Just enough DER to find an X.509 certificate's validity (RFC 5280 §4.1).
enum DER {
    struct Element { let tag: UInt8, start: Int, end: Int }

    struct Reader {
        let bytes: [UInt8]
        var pos: Int
        let end: Int

        init(_ bytes: [UInt8], _ start: Int, _ end: Int) { self.bytes = bytes; pos = start; self.end = end }
        init(_ bytes: [UInt8], _ e: Element) { self.init(bytes, e.start, e.end) }

        var atEnd: Bool { pos == end }

        /// The next tag-length-value (low tag numbers, definite lengths up to 4 bytes).
        mutating func next() -> Element? {
            guard end - pos >= 2 else { return nil }
            let tag = bytes[pos]
            var p = pos + 1
            var length = Int(bytes[p])
            p += 1
            if length & 0x80 != 0 {
                let n = length & 0x7F
                guard (1...4).contains(n), end - p >= n else { return nil }
                length = 0
                for _ in 0..<n { length = length << 8 | Int(bytes[p]); p += 1 }
            }
            guard length <= end - p else { return nil }
            pos = p + length
            return Element(tag: tag, start: p, end: p + length)
        }

        mutating func next(_ tag: UInt8) -> Element? {
            guard let e = next(), e.tag == tag else { return nil }
            return e
        }
    }

    static let sequence: UInt8 = 0x30

    /// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING };
    /// TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER, signature,
    /// issuer, validity SEQUENCE { notBefore, notAfter }, subject, subjectPublicKeyInfo, … }.
    static func certificateValidity(_ der: [UInt8]) -> (Int64, Int64)? {
        var top = Reader(der, 0, der.count)
        guard let cert = top.next(sequence), top.atEnd else { return nil }
        var c = Reader(der, cert)
        guard let tbs = c.next(sequence), c.next(sequence) != nil, c.next(0x03) != nil, c.atEnd else { return nil }
        var t = Reader(der, tbs)
        var first = t.next()
        if first?.tag == 0xA0 { first = t.next() }
        guard first?.tag == 0x02, t.next(sequence) != nil, t.next(sequence) != nil, let validity = t.next(sequence),
              t.next(sequence) != nil, t.next(sequence) != nil else { return nil }
        var v = Reader(der, validity)
        guard let nb = v.next(), let na = v.next(), v.atEnd,
              let notBefore = time(der, nb), let notAfter = time(der, na) else { return nil }
        return (notBefore, notAfter)
    }

    /// UTCTime `YYMMDDHHMMSSZ` (years 1950–2049) or GeneralizedTime `YYYYMMDDHHMMSSZ`, in Unix seconds.
    static func time(_ der: [UInt8], _ e: Element) -> Int64? {
        let s = Array(der[e.start..<e.end])
        let yearDigits: Int
        switch (e.tag, s.count) {
        case (0x17, 13): yearDigits = 2
        case (0x18, 15): yearDigits = 4
        default: return nil
        }
        guard s.last == UInt8(ascii: "Z") else { return nil }
        var fields: [Int64] = []
        var i = 0
        for width in [yearDigits, 2, 2, 2, 2, 2] {
            var v: Int64 = 0
            for _ in 0..<width {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(s[i]) else { return nil }
                v = v * 10 + Int64(s[i] - UInt8(ascii: "0"))
                i += 1
            }
            fields.append(v)
        }
        var year = fields[0]
        if yearDigits == 2 { year += year >= 50 ? 1900 : 2000 }
        let (month, day, hour, minute, second) = (fields[1], fields[2], fields[3], fields[4], fields[5])
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        return CivilDate.days(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second
    }
}

import Digests
import SimHTTP
import SimSupport

/// A body to keep beside the cassette, named by the SHA-256 of the bytes that were sent.
public struct SideBody: Sendable {
    public enum Source: Sendable {
        case bytes([UInt8])
        case fileRange(path: String, offset: Int, length: Int)
    }
    public let sha256: String
    public let source: Source
}

/// Turns a live request into its recorded form (redacted, multipart parts hashed), the same
/// way for the recorder and for the replayer's matching.
public enum RequestCapture {
    /// Request headers worth keeping; everything else (credentials, SDK telemetry, retry counts) is dropped.
    public static let keptHeaders: Set<String> = ["content-type", "accept", "openai-beta"]
    static let chunk = 1 << 20

    /// The recorded request, and the bodies (uploaded files, binary bodies) to store by hash.
    public static func capture(_ request: HTTPRequest) -> (RecordedRequest, [SideBody]) {
        var side: [SideBody] = []
        let headers: [(String, String)] = request.headers.compactMap { k, v in
            guard keptHeaders.contains(k) else { return nil }
            if k == "content-type", v.lowercased().hasPrefix("multipart/") { return (k, "multipart/form-data") }
            return (k, Redactor.redact(v).0)
        }
        let query = request.query.map { ($0.0, Redactor.redact($0.1).0) }
        let body = shape(request, side: &side)
        return (RecordedRequest(method: request.method, path: request.path, query: query, headers: headers, body: body), side)
    }

    static func shape(_ request: HTTPRequest, side: inout [SideBody]) -> RequestShape {
        if request.body.count == 0 { return .none }
        if let boundary = Multipart.boundary(contentType: request.contentType),
           let parts = try? Multipart.parse(body: request.body, boundary: boundary) {
            return .multipart(parts.map { digest($0, side: &side) })
        }
        let ct = request.contentType?.lowercased() ?? ""
        if request.body.count <= 8 * 1024 * 1024 {
            let bytes = request.bodyBytes()
            if ct.isEmpty || ct.hasPrefix("application/json") || ct.hasPrefix("text/") {
                if let j = try? JSONParser.parse(bytes) { return .json(Redactor.redact(j).0) }
            }
            if isText(bytes), bytes.count <= 256 * 1024 { return .text(Redactor.redact(String(decoding: bytes, as: UTF8.self)).0) }
            let sha = SHA256.hex(bytes)
            side.append(SideBody(sha256: sha, source: .bytes(bytes)))
            return .binary(sha256: sha, size: bytes.count)
        }
        guard case let .file(path, size) = request.body else { return .none }
        let sha = hash(.fileRange(path: path, offset: 0, length: size))
        side.append(SideBody(sha256: sha, source: .fileRange(path: path, offset: 0, length: size)))
        return .binary(sha256: sha, size: size)
    }

    static func digest(_ part: MultipartPart, side: inout [SideBody]) -> PartDigest {
        if part.filename == nil, part.size <= 64 * 1024, let b = try? part.bytes(), isText(b) {
            return PartDigest(name: part.name, contentType: part.contentType, value: Redactor.redact(String(decoding: b, as: UTF8.self)).0)
        }
        let source: SideBody.Source
        switch part.data {
        case let .bytes(b): source = .bytes(b)
        case let .fileRange(path, offset, length): source = .fileRange(path: path, offset: offset, length: length)
        }
        let sha = hash(source)
        side.append(SideBody(sha256: sha, source: source))
        return PartDigest(name: part.name, filename: part.filename, contentType: part.contentType, sha256: sha, size: part.size)
    }

    /// SHA-256 of a source, reading files a megabyte at a time.
    public static func hash(_ source: SideBody.Source) -> String {
        switch source {
        case let .bytes(b): return SHA256.hex(b)
        case let .fileRange(path, offset, length):
            var h = SHA256()
            var done = 0
            while done < length {
                let n = min(chunk, length - done)
                guard let b = try? FileIO.read(path, offset: offset + done, length: n), !b.isEmpty else { break }
                h.update(b)
                done += b.count
            }
            return h.finalizeHex()
        }
    }

    /// Valid UTF-8 without NUL bytes.
    public static func isText(_ b: [UInt8]) -> Bool {
        if b.contains(0) { return false }
        var it = b.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}

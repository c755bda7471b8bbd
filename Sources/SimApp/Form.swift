import SimCore
import SimHTTP

/// A multipart/form-data body with API-shaped errors.
struct Form {
    let parts: [MultipartPart]

    static func parse(_ req: HTTPRequest) throws(APIError) -> Form {
        guard let ct = req.contentType, ct.lowercased().hasPrefix("multipart/form-data") else {
            throw .invalidRequest("Invalid Content-Type header (\(req.contentType ?? "none")), expected multipart/form-data. (HINT: If you're using curl, you can pass -H 'Content-Type: multipart/form-data')")
        }
        guard let boundary = Multipart.boundary(contentType: ct) else {
            throw .invalidRequest("Invalid Content-Type header: multipart/form-data requires a boundary parameter.")
        }
        do { return Form(parts: try Multipart.parse(body: req.body, boundary: boundary)) } catch {
            throw .invalidRequest("Could not parse multipart form: \(error)")
        }
    }

    func part(_ name: String) -> MultipartPart? { parts.first { $0.name == name } }

    func text(_ name: String) throws(APIError) -> String? {
        guard let p = part(name) else { return nil }
        guard p.size <= 64 * 1024 else { throw .invalidRequest("The form field '\(name)' is too large.", param: name) }
        do { return try p.text() } catch { throw .serverError("\(error)") }
    }
}

extension MultipartPart {
    var blobSource: BlobSource {
        switch data {
        case let .bytes(b): return .bytes(b)
        case let .fileRange(path, offset, length): return .fileRange(path: path, offset: offset, length: length)
        }
    }
}

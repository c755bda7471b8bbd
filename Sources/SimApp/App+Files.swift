import SimCore
import SimHTTP
import SimSupport

extension App {
    static func registerFilesRoutes(_ r: inout Router<RouteHandler>) {
        r.add("POST", "/v1/files") { ctx in
            let form = try Form.parse(ctx.request)
            guard let file = form.part("file") else {
                if form.part("purpose") == nil { throw APIError.missingParameter("purpose") }
                throw APIError.missingParameter("file")
            }
            guard let purpose = try form.text("purpose") else { throw APIError.missingParameter("purpose") }
            var expires: Int64?
            if let anchor = try form.text("expires_after[anchor]"), anchor != "created_at" {
                throw APIError.invalidValue("expires_after.anchor", anchor, supported: ["created_at"])
            }
            if let s = try form.text("expires_after[seconds]") {
                guard let v = Int64(s) else {
                    throw APIError.invalidRequest("Invalid 'expires_after.seconds': expected an integer, got '\(s)'.",
                                          param: "expires_after.seconds", code: "invalid_type")
                }
                expires = v
            } else if try form.text("expires_after[anchor]") != nil {
                throw APIError.missingParameter("expires_after.seconds")
            }
            let f = try ctx.services.files.create(tenant: ctx.tenant, filename: file.filename ?? "file", purpose: purpose,
                                                  content: file.blobSource, size: file.size, expiresAfterSeconds: expires)
            return .json(f.json)
        }
        r.add("GET", "/v1/files") { ctx in
            let q = ctx.query
            let limit = try q.limit(default: 10_000, range: 1...10_000)
            let page = try ctx.services.files.listEncoded(tenant: ctx.tenant, purpose: q.string("purpose"), limit: limit,
                                                          order: try q.order(), after: q.string("after"))
            return .response(HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(),
                                          body: .bytes(cursorListBytes(page.files, ids: page.ids, hasMore: page.hasMore))))
        }
        r.add("GET", "/v1/files/{file_id}") { ctx in
            .response(HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(),
                                   body: .bytes(try ctx.services.files.retrieveEncoded(tenant: ctx.tenant, id: ctx.param("file_id")))))
        }
        r.add("DELETE", "/v1/files/{file_id}") { ctx in
            .json(try ctx.services.files.delete(tenant: ctx.tenant, id: ctx.param("file_id")))
        }
        r.add("GET", "/v1/files/{file_id}/content") { ctx in
            let (file, path) = try ctx.services.files.content(tenant: ctx.tenant, id: ctx.param("file_id"))
            let safeName = file.filename.filter { $0 != "\"" && $0 != "\r" && $0 != "\n" }
            return .response(HTTPResponse(status: 200, headers: [
                ("content-type", ContentTypes.forFilename(file.filename)),
                ("content-disposition", "attachment; filename=\"\(safeName)\""),
            ], body: .file(path: path, offset: 0, length: Int(file.bytes))))
        }
    }

}

/// `cursorList` for items already encoded: the same bytes `JSONWriter.encode(cursorList(…))`
/// writes, without a tree of every item.
func cursorListBytes(_ items: [[UInt8]], ids: [String], hasMore: Bool) -> [UInt8] {
    var w = JSONWriter(capacity: 96 + items.reduce(0) { $0 + $1.count + 1 })
    w.raw("{\"object\":\"list\",\"data\":[")
    for (i, item) in items.enumerated() {
        if i > 0 { w.bytes.append(UInt8(ascii: ",")) }
        w.bytes.append(contentsOf: item)
    }
    w.raw("],\"first_id\":"); w.writeString(ids.first ?? "")
    w.raw(",\"last_id\":"); w.writeString(ids.last ?? "")
    w.raw(",\"has_more\":"); if hasMore { w.raw("true") } else { w.raw("false") }
    w.raw("}")
    return w.bytes
}

/// `{"object":"list","data":[…],"first_id","last_id","has_more"}`.
func cursorList(_ data: [JSON], ids: [String], hasMore: Bool) -> JSON {
        // The spec types first_id/last_id as strings, so an empty page reports "" rather than null.
        .object([("object", "list"), ("data", .array(data)), ("first_id", .string(ids.first ?? "")),
                 ("last_id", .string(ids.last ?? "")), ("has_more", .bool(hasMore))])
}

/// Content types for file downloads, by extension.
enum ContentTypes {
    static func forFilename(_ name: String) -> String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "jsonl": return "application/jsonl"
        case "csv": return "text/csv"
        case "txt", "md": return "text/plain"
        case "pdf": return "application/pdf"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        default: return "application/octet-stream"
        }
    }
}

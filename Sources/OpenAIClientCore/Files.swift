import FoundationEssentials
import OpenAIWire

/// `/files`: upload, list, retrieve, delete, download.
public struct Files: Sendable {
    let client: OpenAIClient

    /// Uploads the file at `url`, streamed from disk.
    /// - Remark: POST /v1/files
    public func create(fileAt url: URL, purpose: String, filename: String? = nil,
                       contentType: String = "application/octet-stream") async throws -> OpenAIFile {
        var form = MultipartFormBody(random: client.configuration.random)
        form.add(name: "purpose", value: purpose)
        form.add(name: "file", filename: filename ?? url.lastPathComponent, contentType: contentType, source: .file(url))
        return try await client.multipart("/files", form)
    }

    /// Uploads `data` as a file named `filename`.
    /// - Remark: POST /v1/files
    public func create(data: Data, filename: String, purpose: String,
                       contentType: String = "application/octet-stream") async throws -> OpenAIFile {
        var form = MultipartFormBody(random: client.configuration.random)
        form.add(name: "purpose", value: purpose)
        form.add(name: "file", filename: filename, contentType: contentType, source: .data(data))
        return try await client.multipart("/files", form)
    }

    /// One page of files.
    /// - Remark: GET /v1/files
    public func list(purpose: String? = nil, limit: Int? = nil, order: String? = nil, after: String? = nil) async throws -> ListFilesResponse {
        try await client.json(.get("/files", query: [("purpose", purpose), ("limit", limit.map(String.init)),
                                                     ("order", order), ("after", after)]))
    }

    /// Every file, page after page.
    /// - Remark: GET /v1/files
    public func listAll(purpose: String? = nil, limit: Int? = nil, order: String? = nil) -> CursorPageSequence<OpenAIFile> {
        CursorPageSequence(after: nil, id: \.id) { after in
            try await list(purpose: purpose, limit: limit, order: order, after: after)
        }
    }

    /// One file's metadata.
    /// - Remark: GET /v1/files/{file_id}
    public func retrieve(_ id: String) async throws -> OpenAIFile {
        try await client.json(.get("/files/\(seg(id))"))
    }

    /// Deletes a file.
    /// - Remark: DELETE /v1/files/{file_id}
    public func delete(_ id: String) async throws -> DeleteFileResponse {
        try await client.json(.delete("/files/\(seg(id))"))
    }

    /// A file's bytes.
    /// - Remark: GET /v1/files/{file_id}/content
    public func content(_ id: String) async throws -> Data {
        var e = Endpoint.get("/files/\(seg(id))/content")
        e.accept = "application/binary"
        return try await client.raw(e).1
    }
}

extension OpenAIClient {
    /// POSTs a multipart form (removing its temporary file afterwards) and decodes `T`.
    func multipart<T: Decodable>(_ path: String, _ form: MultipartFormBody) async throws -> T {
        let (body, temp) = try form.transportBody()
        defer { if let temp { try? FileManager.default.removeItem(at: temp) } }
        return try await json(Endpoint(method: "POST", path: path, body: body, contentType: form.contentType))
    }
}

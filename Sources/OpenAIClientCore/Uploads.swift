import FoundationEssentials
import OpenAIWire

/// `/uploads`: large files in parts.
public struct Uploads: Sendable {
    let client: OpenAIClient

    /// Starts an upload.
    /// - Remark: POST /v1/uploads
    public func create(_ request: CreateUploadRequest) async throws -> Upload {
        try await client.json(.post("/uploads", json: request))
    }

    /// Adds one part (`source` bytes) to an upload.
    /// - Remark: POST /v1/uploads/{upload_id}/parts
    public func addPart(uploadID: String, source: MultipartFormBody.Source) async throws -> UploadPart {
        var form = MultipartFormBody(random: client.configuration.random)
        form.add(name: "data", filename: "part", contentType: "application/octet-stream", source: source)
        return try await client.multipart("/uploads/\(seg(uploadID))/parts", form)
    }

    /// Completes an upload with its parts in order.
    /// - Remark: POST /v1/uploads/{upload_id}/complete
    public func complete(uploadID: String, partIDs: [String], md5: String? = nil) async throws -> Upload {
        try await client.json(.post("/uploads/\(seg(uploadID))/complete", json: CompleteUploadRequest(partIDs: partIDs, md5: md5)))
    }

    /// Cancels an upload.
    /// - Remark: POST /v1/uploads/{upload_id}/cancel
    public func cancel(uploadID: String) async throws -> Upload {
        try await client.json(.post("/uploads/\(seg(uploadID))/cancel"))
    }

    /// Uploads the file at `url` in parts of `partSize` bytes (each streamed from disk) and completes it.
    /// - Remark: POST /v1/uploads, then .../parts per part, then .../complete
    public func upload(fileAt url: URL, purpose: String, mimeType: String, filename: String? = nil,
                       partSize: Int = 64 << 20) async throws -> Upload {
        guard let fileSize = LocalFile.size(url.path) else { throw OpenAIError.invalidRequest("cannot read \(url.path)") }
        let size = UInt64(fileSize)
        let upload = try await create(CreateUploadRequest(filename: filename ?? url.lastPathComponent, purpose: purpose,
                                                          bytes: Int(size), mimeType: mimeType))
        var ids: [String] = []
        var offset: UInt64 = 0
        let step = UInt64(max(1, partSize))
        repeat {
            let length = min(step, size - offset)
            ids.append(try await addPart(uploadID: upload.id, source: .file(url, offset: offset, length: length)).id)
            offset += length
        } while offset < size
        return try await complete(uploadID: upload.id, partIDs: ids)
    }
}

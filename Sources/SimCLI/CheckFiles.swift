import FoundationEssentials
import OpenAIClientCore
import OpenAIWire

/// Sample data shared by the areas.
enum CheckData {
    /// `n` chat-format fine-tuning examples as JSONL (the real API needs at least 10).
    static func trainingJSONL(_ n: Int = 10) -> Data {
        var out = ""
        for i in 0..<n {
            out += #"{"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Question \#(i)? ünïcødé ✓"},{"role":"assistant","content":"Answer \#(i)."}]}"# + "\n"
        }
        return Data(out.utf8)
    }

    /// `n` batch lines calling `/v1/chat/completions` with `model`.
    static func batchJSONL(_ n: Int, model: String) -> Data {
        var out = ""
        for i in 0..<n {
            out += #"{"custom_id":"check-\#(i)","method":"POST","url":"/v1/chat/completions","body":{"model":"\#(model)","messages":[{"role":"user","content":"Say hi \#(i)"}],"max_completion_tokens":16}}"# + "\n"
        }
        return Data(out.utf8)
    }
}

extension CheckSuite {
    func checkFiles() async throws {
        let a = "files"
        let content = CheckData.trainingJSONL(10)
        let url = try temporaryFile("check-files.jsonl", content)
        defer { removeTemporaryFile(url) }
        let file = try await step(a, "upload (multipart from disk)") {
            let f = try await client.files.create(fileAt: url, purpose: "fine-tune", contentType: "application/jsonl")
            try expectPrefix(f.id, "file-", "file")
            try expect(f.bytes == content.count, "bytes \(f.bytes) != uploaded \(content.count)")
            try expect(f.filename == "check-files.jsonl", "filename \(f.filename)")
            try expect(f.purpose == .fineTune, "purpose \(f.purpose.rawValue)")
            try expect(f.createdAt > 0, "created_at \(f.createdAt)")
            return f
        }
        try await step(a, "retrieve") {
            let f = try await client.files.retrieve(file.id)
            try expect(f.id == file.id && f.bytes == file.bytes && f.createdAt == file.createdAt, "retrieved \(f) differs from created \(file)")
        }
        try await step(a, "list (auto-paginated, limit 1)") {
            var ids: [String] = []
            for try await f in client.files.listAll(purpose: "fine-tune", limit: 1) {
                ids.append(f.id)
                if ids.count > 10_000 { break }
            }
            try expect(ids.contains(file.id), "uploaded file \(file.id) not listed (\(ids.count) listed)")
            try expect(Set(ids).count == ids.count, "pagination repeated ids")
        }
        try await step(a, "download content") {
            let body = try await client.files.content(file.id)
            try expect(body == content, "downloaded \(body.count) bytes differ from the \(content.count) uploaded")
        }
        try await step(a, "delete") {
            let d = try await client.files.delete(file.id)
            try expect(d.id == file.id && d.deleted && d.object == "file", "delete answered \(d)")
        }
        try await step(a, "retrieve after delete is 404") {
            _ = try await expectStatus(404) { try await client.files.retrieve(file.id) }
        }
    }

    func checkUploads() async throws {
        let a = "uploads"
        let partA = Data(repeating: 0x61, count: 6000) + Data("\r\n--boundary\r\n".utf8)
        let partB = Data((0..<5000).map { UInt8($0 % 256) })
        let total = partA + partB
        let upload = try await step(a, "create") {
            let u = try await client.uploads.create(CreateUploadRequest(filename: "check-upload.bin", purpose: "assistants",
                                                                         bytes: total.count, mimeType: "application/octet-stream"))
            try expectPrefix(u.id, "upload_", "upload")
            try expect(u.status == .pending, "status \(u.status.rawValue), expected pending")
            try expect(u.bytes == total.count && u.filename == "check-upload.bin", "upload \(u)")
            try expect(u.expiresAt > u.createdAt, "expires_at \(u.expiresAt) not after created_at \(u.createdAt)")
            return u
        }
        let parts = try await step(a, "add 2 parts") {
            var parts: [UploadPart] = []
            for p in [partA, partB] {
                let part = try await client.uploads.addPart(uploadID: upload.id, source: .data(p))
                try expectPrefix(part.id, "part_", "part")
                try expect(part.uploadID == upload.id, "part.upload_id \(part.uploadID) != \(upload.id)")
                parts.append(part)
            }
            return parts
        }
        let done = try await step(a, "complete") {
            let u = try await client.uploads.complete(uploadID: upload.id, partIDs: parts.map(\.id))
            try expect(u.status == .completed, "status \(u.status.rawValue), expected completed")
            guard let f = u.file else { throw CheckFailure("completed upload has no file") }
            try expectPrefix(f.id, "file-", "file")
            try expect(f.bytes == total.count, "file bytes \(f.bytes) != \(total.count)")
            return f
        }
        try await step(a, "content is the parts in order") {
            let body = try await client.files.content(done.id)
            try expect(body == total, "content (\(body.count) bytes) is not part A + part B (\(total.count) bytes)")
        }
        let url = try temporaryFile("check-upload-helper.bin", total)
        defer { removeTemporaryFile(url) }
        try await step(a, "chunked helper (3 parts from disk)") {
            let u = try await client.uploads.upload(fileAt: url, purpose: "assistants", mimeType: "application/octet-stream",
                                                    partSize: total.count / 3 + 1)
            try expect(u.status == .completed && u.file?.bytes == total.count, "helper upload ended \(u.status.rawValue), file \(String(describing: u.file))")
            if let f = u.file { _ = try await client.files.delete(f.id) }
        }
        try await step(a, "cancel a pending upload") {
            let u = try await client.uploads.create(CreateUploadRequest(filename: "c.txt", purpose: "assistants", bytes: 10, mimeType: "text/plain"))
            let c = try await client.uploads.cancel(uploadID: u.id)
            try expect(c.status == .cancelled, "status \(c.status.rawValue), expected cancelled")
        }
        _ = try? await client.files.delete(done.id)
    }

    func checkModels() async throws {
        let a = "models"
        let list = try await step(a, "list") {
            let l = try await client.models.list()
            try expect(!l.data.isEmpty, "no models listed")
            try expect(Set(l.data.map(\.id)).count == l.data.count, "duplicate model ids")
            return l
        }
        try await step(a, "retrieve \(options.model)") {
            let id = list.data.contains { $0.id == options.model } ? options.model : list.data[0].id
            let m = try await client.models.retrieve(id)
            try expect(m.id == id, "retrieved \(m.id), asked \(id)")
        }
        try await step(a, "unknown model is 404") {
            _ = try await expectStatus(404) { try await client.models.retrieve("no-such-model-check") }
        }
    }
}

import Foundation
import SimApp
import SimCore
import SimHTTP
import SimSupport

/// An in-process simulator for tests: the real app behind the transport seam, virtual clock,
/// memory stores. Requests go straight to the responder; no sockets.
public final class TestHarness: Sendable {
    public let app: App
    public let clock: VirtualClock
    public let env: SimEnvironment

    /// `webhookTransport` and `wallClock`: where webhook deliveries go and the real time they are
    /// signed and retried by (a second virtual clock makes both deterministic).
    public init(seed: UInt64 = 0, records: RecordStore = MemoryRecordStore(), blobs: BlobStore = MemoryBlobStore(),
                retention: Retention = Retention(), auth: AuthPolicy = .open, python: (any PythonGraderRunner)? = nil,
                webhookTransport: (any WebhookTransport)? = nil, wallClock: SimClock? = nil) {
        clock = VirtualClock()
        env = SimEnvironment(clock: clock, seed: seed, records: records, blobs: blobs, retention: retention, python: python)
        app = App(env: env, config: AppConfig(auth: auth), webhookTransport: webhookTransport, wallClock: wallClock)
    }

    /// A response with its body collected.
    public struct Result: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: [UInt8]
        public var json: JSON { (try? JSONParser.parse(body)) ?? .null }
        public var text: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    public func send(_ method: String, _ target: String, key: String? = "sk-test", json: JSON? = nil,
                     body: RequestBody? = nil, headers: [(String, String)] = []) async -> Result {
        var h = headers
        if let key { h.append(("authorization", "Bearer \(key)")) }
        var b = body ?? .empty
        if let json { b = .bytes(json.encoded); h.append(("content-type", "application/json")) }
        let req = HTTPRequest(method: method, target: target, headers: h, body: b)
        let response: HTTPResponse = await withCheckedContinuation { c in app.respond(to: req).whenReady { c.resume(returning: $0) } }
        let bytes: [UInt8]
        switch response.body {
        case let .bytes(b): bytes = b
        case let .file(path, offset, length): bytes = (try? FileIO.read(path, offset: offset, length: length)) ?? []
        case let .stream(s): bytes = await s.collect()
        }
        return Result(status: response.status, headers: response.headers, body: bytes)
    }

    /// POST a multipart form: `fields` as text parts, `files` as (field, filename, bytes).
    public func sendMultipart(_ target: String, key: String = "sk-test", fields: [(String, String)],
                              files: [(String, String, [UInt8])]) async -> Result {
        let boundary = "----simtest\(fields.count)\(files.count)boundary"
        let body = Self.multipartBody(boundary: boundary, fields: fields, files: files)
        return await send("POST", target, key: key, body: .bytes(body),
                          headers: [("content-type", "multipart/form-data; boundary=\(boundary)")])
    }

    public static func multipartBody(boundary: String, fields: [(String, String)], files: [(String, String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (k, v) in fields {
            out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8)
        }
        for (field, name, bytes) in files {
            out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            out += bytes
            out += Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    public func advance(seconds: Double) throws { try clock.advance(by: seconds) }
}

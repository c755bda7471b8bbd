import FoundationEssentials
import Glibc

/// A `multipart/form-data` body whose file parts are copied in chunks, never read whole.
public struct MultipartFormBody: Sendable {
    /// Where a part's bytes come from.
    public enum Source: Sendable {
        case data(Data)
        /// `length` bytes of the file from `offset` (nil: to the end).
        case file(URL, offset: UInt64 = 0, length: UInt64? = nil)
    }

    /// One form field.
    public struct Part: Sendable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var source: Source
    }

    public let boundary: String
    public private(set) var parts: [Part] = []

    /// A body with `boundary` (a random one when nil).
    public init(boundary: String? = nil, random: @Sendable () -> Double = OpenAIClient.Configuration.systemRandom) {
        self.boundary = boundary ?? ("----OpenAIClientBoundary" + (0..<24).map { _ in
            String(Int(random() * 16) & 15, radix: 16)
        }.joined())
    }

    /// `Content-Type` header value.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Adds a text field.
    public mutating func add(name: String, value: String) {
        parts.append(Part(name: name, filename: nil, contentType: nil, source: .data(Data(value.utf8))))
    }

    /// Adds a file field.
    public mutating func add(name: String, filename: String, contentType: String = "application/octet-stream", source: Source) {
        parts.append(Part(name: name, filename: filename, contentType: contentType, source: source))
    }

    private func header(_ p: Part) -> Data {
        func quoted(_ s: String) -> String {
            s.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
        }
        var h = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(quoted(p.name))\""
        if let f = p.filename { h += "; filename=\"\(quoted(f))\"" }
        h += "\r\n"
        if let ct = p.contentType { h += "Content-Type: \(ct)\r\n" }
        return Data((h + "\r\n").utf8)
    }

    /// Encodes in memory (small bodies without file parts).
    public func encodedData() throws -> Data {
        var out = Data()
        try write { out.append($0) }
        return out
    }

    /// Writes the body to a new temporary file, copying file parts 1 MiB at a time.
    public func writeTemporaryFile() throws -> URL {
        var template = Array((FileManager.default.temporaryDirectory.path + "/openai-client-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buf in buf.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw OpenAIError.invalidRequest("cannot create a temporary file for the multipart body") }
        let url = URL(fileURLWithPath: String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        do {
            defer { close(fd) }
            try write { try LocalFile.write($0, to: fd, path: url.path) }
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        return url
    }

    /// The body as a transport body: in memory when it holds no file, else a temporary file
    /// (returned so the caller can remove it when the request is over).
    func transportBody() throws -> (TransportRequest.Body, URL?) {
        let hasFile = parts.contains { if case .file = $0.source { return true }; return false }
        if !hasFile { return (.data(try encodedData()), nil) }
        let url = try writeTemporaryFile()
        return (.file(url), url)
    }

    private func write(_ sink: (Data) throws -> Void) throws {
        for p in parts {
            try sink(header(p))
            switch p.source {
            case let .data(d):
                try sink(d)
            case let .file(url, offset, length):
                try LocalFile.read(url.path, offset: offset, length: length ?? UInt64.max, chunk: 1 << 20, into: sink)
            }
            try sink(Data("\r\n".utf8))
        }
        try sink(Data("--\(boundary)--\r\n".utf8))
    }
}

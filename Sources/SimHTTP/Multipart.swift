import FoundationEssentials

/// One part of a multipart/form-data body. Large parts are not copied: they point into the
/// spooled request file.
public struct MultipartPart: Sendable {
    public enum Data: Sendable {
        case bytes([UInt8])
        case fileRange(path: String, offset: Int, length: Int)
    }
    public let name: String
    public let filename: String?
    public let contentType: String?
    public let data: Data

    public var size: Int {
        switch data {
        case let .bytes(b): return b.count
        case let .fileRange(_, _, length): return length
        }
    }

    /// The part's bytes, read into memory (use for small text fields).
    public func bytes() throws -> [UInt8] {
        switch data {
        case let .bytes(b): return b
        case let .fileRange(path, offset, length): return try FileIO.read(path, offset: offset, length: length)
        }
    }

    public func text() throws -> String { String(decoding: try bytes(), as: UTF8.self) }
}

public struct MultipartError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// A multipart/form-data parser that scans spooled bodies in windows, so a 500 MB upload is never
/// held in memory.
public enum Multipart {
    /// The boundary parameter of a `multipart/form-data` content type, or nil.
    public static func boundary(contentType: String?) -> String? {
        guard let ct = contentType, ct.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for param in ct.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingWhitespace().lowercased() == "boundary" else { continue }
            var v = kv[1].trimmingWhitespace()
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v.isEmpty ? nil : v
        }
        return nil
    }

    public static func parse(body: RequestBody, boundary: String) throws -> [MultipartPart] {
        let source: ByteSource
        switch body {
        case .empty: throw MultipartError(description: "The multipart body is empty.")
        case let .bytes(b): source = .memory(b)
        case let .file(path, size): source = .file(path, size)
        }
        let delimiter = Array(("--" + boundary).utf8)
        // Every occurrence of CRLF--boundary (plus the one at offset 0, which has no CRLF before it).
        var marks = try source.findAll(Array("\r\n".utf8) + delimiter)
        if try source.read(0, delimiter.count) == delimiter {
            marks.insert(-2, at: 0)
        }
        guard marks.count >= 2 else { throw MultipartError(description: "The multipart body has no closing boundary.") }
        var parts: [MultipartPart] = []
        for (idx, mark) in marks.enumerated() {
            let afterDelim = mark + 2 + delimiter.count
            let tail = try source.read(afterDelim, 2)
            if tail == Array("--".utf8) { break } // closing delimiter
            guard idx + 1 < marks.count else { throw MultipartError(description: "The multipart body has no closing boundary.") }
            // Skip transport padding up to CRLF.
            let lineHead = try source.read(afterDelim, 256)
            guard let crlf = indexOf(Array("\r\n".utf8), in: lineHead) else { throw MultipartError(description: "Malformed multipart boundary line.") }
            let headerStart = afterDelim + crlf + 2
            let headerWindow = try source.read(headerStart, min(16384, marks[idx + 1] - headerStart + 2))
            guard let headerEnd = indexOf(Array("\r\n\r\n".utf8), in: headerWindow) else {
                // A part with no headers at all starts with an empty line.
                throw MultipartError(description: "Malformed multipart part headers.")
            }
            let headerText = String(decoding: headerWindow[0..<headerEnd], as: UTF8.self)
            let dataStart = headerStart + headerEnd + 4
            let dataLength = marks[idx + 1] - dataStart
            guard dataLength >= 0 else { throw MultipartError(description: "Malformed multipart part.") }
            var name: String?, filename: String?, ctype: String?
            for line in headerText.components(separatedBy: "\r\n") {
                let kv = line.split(separator: ":", maxSplits: 1)
                guard kv.count == 2 else { continue }
                let key = kv[0].trimmingWhitespace().lowercased()
                let value = kv[1].trimmingWhitespace()
                if key == "content-disposition" {
                    name = dispositionParam(value, "name")
                    filename = dispositionParam(value, "filename")
                } else if key == "content-type" {
                    ctype = value
                }
            }
            guard let partName = name else { throw MultipartError(description: "A multipart part has no name.") }
            let data: MultipartPart.Data
            switch source {
            case let .memory(b): data = .bytes(Array(b[dataStart..<(dataStart + dataLength)]))
            case let .file(path, _):
                data = dataLength <= 64 * 1024 ? .bytes(try source.read(dataStart, dataLength))
                                               : .fileRange(path: path, offset: dataStart, length: dataLength)
                _ = path
            }
            parts.append(MultipartPart(name: partName, filename: filename, contentType: ctype, data: data))
        }
        return parts
    }

    static func dispositionParam(_ header: String, _ key: String) -> String? {
        // name="a"; filename="b.jsonl" — quoted values may contain ';'.
        var i = header.startIndex
        while let r = header[i...].firstRange(of: key + "=") {
            let before = r.lowerBound == header.startIndex ? " " : header[header.index(before: r.lowerBound)]
            i = r.upperBound
            guard before == " " || before == ";" || before == "\t" else { continue }
            if i < header.endIndex, header[i] == "\"" {
                var out = ""
                var j = header.index(after: i)
                while j < header.endIndex, header[j] != "\"" {
                    if header[j] == "\\", header.index(after: j) < header.endIndex { j = header.index(after: j) }
                    out.append(header[j]); j = header.index(after: j)
                }
                return out
            }
            let end = header[i...].firstIndex(of: ";") ?? header.endIndex
            return String(header[i..<end]).trimmingWhitespace()
        }
        return nil
    }

    static func indexOf(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard needle.count <= hay.count else { return nil }
        return hay.withUnsafeBytes { h in
            needle.withUnsafeBytes { n in
                ByteSearch.find(n, in: h)
            }
        }
    }
}

enum ByteSource {
    case memory([UInt8])
    case file(String, Int)

    var size: Int {
        switch self { case let .memory(b): return b.count; case let .file(_, s): return s }
    }

    func read(_ offset: Int, _ length: Int) throws -> [UInt8] {
        let len = max(0, min(length, size - offset))
        guard offset >= 0, len > 0 else { return [] }
        switch self {
        case let .memory(b): return Array(b[offset..<(offset + len)])
        case let .file(path, _): return try FileIO.read(path, offset: offset, length: len)
        }
    }

    func findAll(_ needle: [UInt8]) throws -> [Int] {
        var hits: [Int] = []
        let window = 1 << 20
        var pos = 0
        while pos < size {
            let chunk = try read(pos, window + needle.count - 1)
            var from = 0
            while from < chunk.count {
                let found: Int? = chunk.withUnsafeBytes { h in
                    needle.withUnsafeBytes { n in
                        ByteSearch.find(n, in: h, from: from)
                    }
                }
                guard let f = found, f < window else { break }
                hits.append(pos + f)
                from = f + needle.count
            }
            pos += window
        }
        return hits
    }
}

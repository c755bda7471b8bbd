import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file line by line in fixed-size chunks (never the whole file), reporting each line's
/// 1-based number and byte offset. Lines end at `\n`; a trailing `\r` is dropped.
public final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private var offset: Int
    private var number: Int
    private let chunk: Int

    /// Opens `path` positioned at `offset` (which must be a line start), counting from `lineNumber`.
    public init(path: String, offset: Int = 0, lineNumber: Int = 1, chunk: Int = 1 << 16) throws {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LineReaderError(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
        if offset > 0 { lseek(fd, off_t(offset), SEEK_SET) }
        self.offset = offset
        self.number = lineNumber
        self.chunk = chunk
    }

    deinit { close(fd) }

    public struct Line {
        public let number: Int
        /// Byte offset of the line's first byte.
        public let offset: Int
        public let bytes: ArraySlice<UInt8>
        /// Offset just past the line's newline: where the next line starts.
        public let nextOffset: Int
    }

    /// The next line, or nil at the end of the file. Lines longer than `maxLineBytes` throw.
    public func next(maxLineBytes: Int = 64 << 20) throws -> Line? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                var end = nl
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = Line(number: number, offset: offset, bytes: buffer[start..<end], nextOffset: offset + (nl - start) + 1)
                offset += nl - start + 1
                number += 1
                start = nl + 1
                return line
            }
            if eof {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == 0x0D { end -= 1 }
                let line = Line(number: number, offset: offset, bytes: buffer[start..<end], nextOffset: offset + (buffer.count - start))
                offset += buffer.count - start
                number += 1
                start = buffer.count
                return line
            }
            if buffer.count - start > maxLineBytes { throw LineReaderError(message: "line \(number) is longer than \(maxLineBytes) bytes") }
            if start > 0 { buffer.removeSubrange(0..<start); start = 0 }
            var tmp = [UInt8](repeating: 0, count: chunk)
            let n = tmp.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, chunk) }
            if n < 0 { throw LineReaderError(message: "read failed: \(String(cString: strerror(errno)))") }
            if n == 0 { eof = true } else { buffer.append(contentsOf: tmp[0..<n]) }
        }
    }
}

public struct LineReaderError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

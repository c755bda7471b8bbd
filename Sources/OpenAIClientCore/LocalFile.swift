import FoundationEssentials
import Glibc

/// The few file operations the client needs, on file descriptors (FoundationEssentials has no
/// FileHandle, and the client must not need full Foundation).
enum LocalFile {
    /// The size of the file at `path`, or nil when it cannot be read.
    static func size(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    /// Hands `length` bytes of `path` from `offset` (or up to its end) to `sink`, `chunk` bytes at a time.
    static func read(_ path: String, offset: UInt64, length: UInt64, chunk: Int, into sink: (Data) throws -> Void) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw OpenAIError.invalidRequest("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else { throw OpenAIError.invalidRequest("cannot seek in \(path)") }
        var remaining = length
        var buffer = [UInt8](repeating: 0, count: chunk)
        while remaining > 0 {
            let want = Int(min(remaining, UInt64(chunk)))
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, want) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw OpenAIError.invalidRequest("cannot read \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            try sink(Data(buffer[0..<n]))
            remaining -= UInt64(n)
        }
    }

    /// Writes all of `data` to `fd`.
    static func write(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw OpenAIError.invalidRequest("cannot write \(path): \(String(cString: strerror(errno)))") }
                off += n
            }
        }
    }
}

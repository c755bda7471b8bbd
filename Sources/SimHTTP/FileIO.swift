import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Small POSIX file helpers (no Foundation `Data` round trips for large files).
public enum FileIO {
    public struct IOError: Error, Sendable, CustomStringConvertible {
        public let path: String, errno: Int32, op: String
        public var description: String { "\(op) \(path): \(String(cString: strerror(errno)))" }
    }

    public static func readAll(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IOError(path: path, errno: errno, op: "open") }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw IOError(path: path, errno: errno, op: "read") }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// Reads `length` bytes at `offset`.
    public static func read(_ path: String, offset: Int, length: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IOError(path: path, errno: errno, op: "open") }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, length - done, off_t(offset + done)) }
            if n < 0 { throw IOError(path: path, errno: errno, op: "pread") }
            if n == 0 { break }
            done += n
        }
        return Array(out[0..<done])
    }

    public static func size(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    public static func remove(_ path: String) { unlink(path) }
}

/// Byte-string search (memchr for the first byte, then a compare): memmem is not visible to Swift here.
public enum ByteSearch {
    public static func find(_ needle: UnsafeRawBufferPointer, in hay: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        let n = needle.count
        guard n > 0, hay.count - from >= n, let base = hay.baseAddress, let nb = needle.baseAddress else { return nil }
        let first = Int32(needle[0])
        var i = from
        let last = hay.count - n
        while i <= last {
            guard let p = memchr(base + i, first, last - i + 1) else { return nil }
            let at = base.distance(to: UnsafeRawPointer(p))
            if memcmp(base + at, nb, n) == 0 { return at }
            i = at + 1
        }
        return nil
    }
}

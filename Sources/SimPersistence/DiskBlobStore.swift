import SimCore
import SimSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blobs as files in one directory. Writes stream through a temp file (1 MiB at a time, MD5 on the way) and are
/// published with `rename`, so readers never see half a blob. Errors are `StoreError`.
public final class DiskBlobStore: BlobStore {
    /// The directory holding the blobs.
    public let directory: String
    private static let chunkSize = 1 << 20
    private static let tempPrefix = ".tmp-"
    /// Numbers temp files; shared by every instance so two stores on one directory never collide.
    private static let tempCounter = Atomic<Int>(0)

    /// Uses `directory` (created with its parents if missing) and removes temp files other (killed) processes left.
    public init(directory: String) throws {
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        try Self.makeDirectories(self.directory)
        let mine = Self.tempPrefix + "\(getpid())-"
        for name in Self.entries(self.directory) where name.hasPrefix(Self.tempPrefix) && !name.hasPrefix(mine) {
            unlink(self.directory + "/" + name)
        }
    }

    /// The file name for `key`: bytes outside `[A-Za-z0-9_-.]` (and a leading ".") become `%XX`, so distinct keys
    /// never share a file and no key can escape the directory; very long keys are shortened with their MD5.
    static func fileName(for key: String) -> String {
        if key.isEmpty { return "%" }
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for (i, c) in key.utf8.enumerated() {
            let plain = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || (c == UInt8(ascii: ".") && i > 0)
            if plain { out.append(c) } else { out += [UInt8(ascii: "%"), hex[Int(c >> 4)], hex[Int(c & 0xF)]] }
        }
        if out.count > 200 {
            var md5 = MD5()
            md5.update(Array(key.utf8))
            out = Array(out[0..<160]) + Array("%L".utf8) + Array(md5.finalizeHex().utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func filePath(_ key: String) -> String { directory + "/" + Self.fileName(for: key) }

    /// Streams `source` into a temp file (hashing as it goes) and renames it over `key`; returns size and MD5.
    @discardableResult
    public func write(key: String, from source: BlobSource) throws -> (size: Int, md5: String) {
        let n = Self.tempCounter.add(1, ordering: .relaxed).newValue
        let temp = directory + "/" + Self.tempPrefix + "\(getpid())-\(n)"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.ioError("create", temp) }
        var md5 = MD5()
        var size = 0
        do {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
            defer { buffer.deallocate() }
            try copy(source, to: fd, path: temp, buffer: buffer, md5: &md5, size: &size)
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        let closed = close(fd)
        guard closed == 0 else {
            let e = Self.ioError("close", temp)
            unlink(temp)
            throw e
        }
        let dest = filePath(key)
        guard rename(temp, dest) == 0 else {
            let e = Self.ioError("rename", dest)
            unlink(temp)
            throw e
        }
        return (size, md5.finalizeHex())
    }

    private func copy(_ source: BlobSource, to fd: Int32, path: String, buffer: UnsafeMutableRawBufferPointer,
                      md5: inout MD5, size: inout Int) throws {
        switch source {
        case let .bytes(bytes):
            try bytes.withUnsafeBytes { try Self.writeAll(fd, $0, path: path) }
            md5.update(bytes)
            size += bytes.count
        case let .concatenation(parts):
            for part in parts { try copy(part, to: fd, path: path, buffer: buffer, md5: &md5, size: &size) }
        case let .fileRange(sourcePath, offset, length):
            guard offset >= 0, length >= 0 else {
                throw StoreError("Invalid file range (offset \(offset), length \(length)) of \(sourcePath)")
            }
            let src = open(sourcePath, O_RDONLY | O_CLOEXEC)
            guard src >= 0 else { throw Self.ioError("open", sourcePath) }
            defer { close(src) }
            var done = 0
            while done < length {
                let want = min(buffer.count, length - done)
                let got = pread(src, buffer.baseAddress, want, off_t(offset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw Self.ioError("read", sourcePath)
                }
                if got == 0 {
                    throw StoreError("\(sourcePath) ended after \(offset + done) bytes; expected \(offset + length)")
                }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
                try Self.writeAll(fd, chunk, path: path)
                md5.update(chunk)
                done += got
            }
            size += length
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = sysWrite(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("write", path)
            }
            done += n
        }
    }

    /// The blob file for `key`, or nil when nothing is stored under it.
    public func path(key: String) -> String? {
        let p = filePath(key)
        var st = stat()
        guard stat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return p
    }

    /// The whole blob (for small internal files); throws when `key` is unknown.
    public func read(key: String) throws -> [UInt8] {
        let p = filePath(key)
        let fd = open(p, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw StoreError("No blob stored under \(key)") }
            throw Self.ioError("open", p)
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var st = stat()
        if fstat(fd, &st) == 0 { out.reserveCapacity(Int(st.st_size)) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = sysRead(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.ioError("read", p)
            }
            if n == 0 { return out }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// Removes the blob if present.
    public func delete(key: String) { unlink(filePath(key)) }

    /// Removes every blob (temp files of writes in progress are left to their writers).
    public func deleteAll() {
        for name in Self.entries(directory) where !name.hasPrefix(".") { unlink(directory + "/" + name) }
    }

    /// Removes every blob whose key starts with `prefix` (compared in the encoded file-name form,
    /// which keeps a key's plain prefix as it is).
    public func deleteAll(prefix: String) {
        let encoded = Self.fileName(for: prefix)
        for name in Self.entries(directory) where !name.hasPrefix(".") && name.hasPrefix(encoded) { unlink(directory + "/" + name) }
    }

    private static func ioError(_ op: String, _ path: String) -> StoreError {
        StoreError("\(op) \(path): \(String(cString: strerror(errno)))")
    }

    private static func entries(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func makeDirectories(_ dir: String) throws {
        var st = stat()
        if stat(dir, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw StoreError("\(dir) exists and is not a directory") }
            return
        }
        let parent = dir.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty, parent != dir { try makeDirectories(parent) }
        guard mkdir(dir, 0o755) == 0 || errno == EEXIST else { throw ioError("mkdir", dir) }
    }
}

@inline(__always) private func sysWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, p, n)
    #else
    Darwin.write(fd, p, n)
    #endif
}

@inline(__always) private func sysRead(_ fd: Int32, _ p: UnsafeMutableRawPointer?, _ n: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, p, n)
    #else
    Darwin.read(fd, p, n)
    #endif
}

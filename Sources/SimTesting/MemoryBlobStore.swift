import Foundation
import SimCore
import SimHTTP
import SimSupport

/// Blobs in memory, for unit tests (the simulator itself always keeps blobs on disk).
/// `path(key:)` materialises a blob into a temporary file so streaming code paths still work.
public final class MemoryBlobStore: BlobStore {
    private let blobs = Locked<[String: [UInt8]]>([:])
    /// Where `path(key:)` materialises blobs: a subdirectory of one per-process directory, made
    /// on first use (most tests never ask for a path) and removed with the store, or at exit for
    /// stores still alive then (a test's app graph is often never freed).
    private let dir: String

    public init() {
        dir = Self.root + "/" + String(Self.counter.withLock { n in n += 1; return n })
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    private static let counter = Locked<Int>(0)
    private static let root: String = {
        let root = NSTemporaryDirectory() + "/sim-memblobs-" + String(getpid())
        atexit { try? FileManager.default.removeItem(atPath: MemoryBlobStore.root) }
        return root
    }()

    public func write(key: String, from source: BlobSource) throws -> (size: Int, md5: String) {
        let bytes = try Self.resolve(source)
        blobs.withLock { $0[key] = bytes }
        var h = MD5()
        h.update(bytes)
        return (bytes.count, h.finalizeHex())
    }

    static func resolve(_ source: BlobSource) throws -> [UInt8] {
        switch source {
        case let .bytes(b): return b
        case let .fileRange(path, offset, length): return try FileIO.read(path, offset: offset, length: length)
        case let .concatenation(parts): return try parts.flatMap { try resolve($0) }
        }
    }

    public func path(key: String) -> String? {
        guard let bytes = blobs.withLock({ $0[key] }) else { return nil }
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let p = dir + "/" + key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.reduce("") { $0 + String($1) }
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    public func read(key: String) throws -> [UInt8] {
        guard let b = blobs.withLock({ $0[key] }) else { throw StoreError("no blob \(key)") }
        return b
    }

    public func delete(key: String) { blobs.withLock { _ = $0.removeValue(forKey: key) } }
    public func deleteAll() { blobs.withLock { $0.removeAll() } }
    public func deleteAll(prefix: String) { blobs.withLock { b in b = b.filter { !$0.key.hasPrefix(prefix) } } }
}

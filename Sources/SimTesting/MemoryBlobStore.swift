import Foundation
import SimCore
import SimHTTP
import SimSupport

/// Blobs in memory, for unit tests (the simulator itself always keeps blobs on disk).
/// `path(key:)` materialises a blob into a temporary file so streaming code paths still work.
public final class MemoryBlobStore: BlobStore {
    private let blobs = Locked<[String: [UInt8]]>([:])
    private let dir: String

    public init() {
        dir = NSTemporaryDirectory() + "/sim-memblobs-" + String(UInt(bitPattern: ObjectIdentifier(NSObject()).hashValue), radix: 16)
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

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
        let p = dir + "/" + key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.reduce("") { $0 + String($1) }
        FileManager.default.createFile(atPath: p, contents: Data(bytes))
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

import Foundation
import Testing
import SimCore
import SimPersistence
import SimSupport

private func md5Hex(_ bytes: [UInt8]) -> String {
    var md5 = MD5()
    md5.update(bytes)
    return md5.finalizeHex()
}

/// Deterministic non-repeating test bytes.
private func pattern(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
    var s = seed
    return (0..<count).map { _ in
        s = s &* 1_664_525 &+ 1_013_904_223
        return UInt8(truncatingIfNeeded: s >> 24)
    }
}

private func writeFile(_ path: String, _ bytes: [UInt8]) {
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
}

@Suite struct BlobStoreTests {
    @Test func writingBytesStoresThemAndReportsSizeAndMD5() throws {
        let dir = try ScratchDirectory()
        let store = try DiskBlobStore(directory: dir.path + "/blobs/nested")
        let result = try store.write(key: "file-1", from: .bytes(Array("hello world".utf8)))
        #expect(result.size == 11)
        #expect(result.md5 == "5eb63bbbe01eeed093cb22bb8f5acdc3")
        #expect(try store.read(key: "file-1") == Array("hello world".utf8))
        let path = try #require(store.path(key: "file-1"))
        #expect(FileManager.default.contents(atPath: path) == Data("hello world".utf8))
    }

    @Test func deleteAllWithPrefixRemovesOnlyThatTenantsBlobs() throws {
        let dir = try ScratchDirectory()
        let store = try DiskBlobStore(directory: dir.path)
        for key in ["t_a-file-1", "t_a-part_2", "t_b-file-1", "t_aa-file-1"] { try store.write(key: key, from: .bytes([1])) }
        store.deleteAll(prefix: "t_a-")
        #expect(store.path(key: "t_a-file-1") == nil && store.path(key: "t_a-part_2") == nil)
        #expect(store.path(key: "t_b-file-1") != nil && store.path(key: "t_aa-file-1") != nil)
    }

    @Test func emptyContentIsStoredWithTheEmptyMD5() throws {
        let dir = try ScratchDirectory()
        let store = try DiskBlobStore(directory: dir.path)
        let result = try store.write(key: "empty", from: .bytes([]))
        #expect(result.size == 0 && result.md5 == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(try store.read(key: "empty") == [])
    }

    @Test func fileRangeCopiesExactlyTheRangeFromTheOffsetAcrossChunks() throws {
        let dir = try ScratchDirectory()
        let store = try DiskBlobStore(directory: dir.path + "/blobs")
        let source = pattern(3 * 1_048_576 + 777)
        writeFile(dir.path + "/spool", source)
        let offset = 12_345, length = 2 * 1_048_576 + 999
        let result = try store.write(key: "k", from: .fileRange(path: dir.path + "/spool", offset: offset, length: length))
        let expected = Array(source[offset..<offset + length])
        #expect(result.size == length)
        #expect(result.md5 == md5Hex(expected))
        #expect(try store.read(key: "k") == expected)
    }

    @Test func concatenationJoinsPartsInOrderWithOneMD5() throws {
        let dir = try ScratchDirectory()
        let store = try DiskBlobStore(directory: dir.path + "/blobs")
        let part2 = pattern(1_500_000, seed: 2)
        writeFile(dir.path + "/part2", part2)
        let source = BlobSource.concatenation([
            .bytes(Array("head-".utf8)),
            .fileRange(path: dir.path + "/part2", offset: 0, length: part2.count),
            .concatenation([.bytes([]), .fileRange(path: dir.path + "/part2", offset: 10, length: 5)]),
        ])
        let result = try store.write(key: "upload", from: source)
        let expected = Array("head-".utf8) + part2 + Array(part2[10..<15])
        #expect(result.size == expected.count)
        #expect(result.md5 == md5Hex(expected))
        #expect(try store.read(key: "upload") == expected)
    }

    @Test func rewritingAKeyReplacesItsContent() throws {
        let dir = try ScratchDirectory()
        let store = try DiskBlobStore(directory: dir.path)
        try store.write(key: "k", from: .bytes(Array("first version".utf8)))
        try store.write(key: "k", from: .bytes(Array("v2".utf8)))
        #expect(try store.read(key: "k") == Array("v2".utf8))
    }

    @Test func aRangePastTheEndOfTheSourceFailsAndLeavesNothingBehind() throws {
        let dir = try ScratchDirectory()
        let store = try DiskBlobStore(directory: dir.path + "/blobs")
        writeFile(dir.path + "/short", pattern(100))
        #expect(throws: StoreError.self) {
            try store.write(key: "k", from: .fileRange(path: dir.path + "/short", offset: 50, length: 51))
        }
        #expect(throws: StoreError.self) {
            try store.write(key: "k", from: .fileRange(path: dir.path + "/missing", offset: 0, length: 1))
        }
        #expect(throws: StoreError.self) {
            try store.write(key: "k", from: .fileRange(path: dir.path + "/short", offset: -1, length: 1))
        }
        #expect(store.path(key: "k") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/blobs") == [])
    }

    @Test func deleteRemovesOneBlobAndDeleteAllRemovesEvery() throws {
        let dir = try ScratchDirectory()
        let store = try DiskBlobStore(directory: dir.path)
        for key in ["a", "b", "c"] { try store.write(key: key, from: .bytes([1, 2, 3])) }
        store.delete(key: "a")
        store.delete(key: "never-existed")
        #expect(store.path(key: "a") == nil)
        #expect(store.path(key: "b") != nil)
        store.deleteAll()
        #expect(store.path(key: "b") == nil && store.path(key: "c") == nil)
    }

    @Test func anUnknownKeyHasNoPathAndCannotBeRead() throws {
        let dir = try ScratchDirectory()
        let store = try DiskBlobStore(directory: dir.path)
        #expect(store.path(key: "nope") == nil)
        #expect(throws: StoreError.self) { try store.read(key: "nope") }
    }

    @Test func hostileKeysStayInsideTheDirectoryAndNeverCollide() throws {
        let dir = try ScratchDirectory()
        let store = try DiskBlobStore(directory: dir.path + "/blobs")
        let keys = ["../escape", "a/b", "a%2Fb", ".", "..", "", "é", String(repeating: "x", count: 500),
                    String(repeating: "x", count: 501)]
        for (i, key) in keys.enumerated() { try store.write(key: key, from: .bytes([UInt8(i)])) }
        for (i, key) in keys.enumerated() {
            #expect(try store.read(key: key) == [UInt8(i)], "key \(key.prefix(20))")
            let path = try #require(store.path(key: key))
            #expect(path.hasPrefix(dir.path + "/blobs/") && !path.dropFirst(dir.path.count + 7).contains("/"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/escape"))
    }

    @Test func openingRemovesTempFilesLeftByAKilledProcess() throws {
        let dir = try ScratchDirectory()
        writeFile(dir.path + "/.tmp-999999999-1", [1, 2, 3])
        _ = try DiskBlobStore(directory: dir.path)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/.tmp-999999999-1"))
    }
}

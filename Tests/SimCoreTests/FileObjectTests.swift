import Testing
@testable import SimCore
import SimSupport
import SimTesting

@Suite struct FileObjectTests {
    static let samples: [FileObject] = [
        FileObject(id: "file-abc", bytes: 0, createdAt: 1_767_225_600, expiresAt: nil, filename: "a.jsonl", purpose: "batch"),
        FileObject(id: "file-xyz", bytes: 123_456_789, createdAt: 1_767_225_601, expiresAt: 1_769_817_601,
                   filename: "we\"ird \\ näme\n.txt", purpose: "assistants", status: "error",
                   statusDetails: "line 3: \"bad\"", md5: "0123456789abcdef0123456789abcdef"),
        FileObject(id: "file-neg", bytes: -1, createdAt: 0, expiresAt: 0, filename: "", purpose: "user_data"),
    ]

    @Test func encodedJSONIsTheTreeEncoded() {
        for f in Self.samples { #expect(f.encodedJSON == f.json.encoded, "\(f.id)") }
    }

    @Test func storedShapeReadsBackIncludingInternalFields() {
        for f in Self.samples { #expect(FileObject(stored: f.stored) == f, "\(f.id)") }
        #expect(FileObject(stored: .object([("id", "file-1"), ("bytes", 3)])) == nil)
        #expect(FileObject(stored: .array([])) == nil)
        // Defaults for the optional members.
        let minimal: JSON = .object([("id", "file-1"), ("bytes", 3), ("created_at", 5), ("filename", "f"), ("purpose", "evals")])
        #expect(FileObject(stored: minimal) == FileObject(id: "file-1", bytes: 3, createdAt: 5, expiresAt: nil, filename: "f",
                                                          purpose: "evals", status: "processed", statusDetails: nil, md5: ""))
    }
}

@Suite struct FileStoredEncodingTests {
    /// The wire bytes cut from the stored form are the object's own encoding, its expiry read
    /// back, for every sample (escaped quotes and names in the filename included).
    @Test func wireBytesAreCutFromTheStoredForm() throws {
        var samples = FileObjectTests.samples
        // A filename that spells the members the reader looks for.
        samples.append(FileObject(id: "file-tricky", bytes: 1, createdAt: 2, expiresAt: nil,
                                  filename: ",\"expires_at\":7,\"_md5\":\"\"}", purpose: "batch",
                                  md5: "ffffffffffffffffffffffffffffffff"))
        samples.append(FileObject(id: "file-neg-exp", bytes: 1, createdAt: 2, expiresAt: -5, filename: "x", purpose: "batch"))
        for f in samples {
            let got = try #require(FileObject.wire(fromStored: f.storedEncoding), "\(f.id)")
            #expect(got.wire == f.encodedJSON, "\(f.id)")
            #expect(got.expiresAt == f.expiresAt, "\(f.id)")
            // The stored form is the stored tree's encoding, so records written as a tree by an
            // earlier build read the same way.
            #expect(f.storedEncoding == JSONWriter.encode(f.stored), "\(f.id)")
            #expect(FileObject(stored: try JSONParser.parse(f.storedEncoding)) == f, "\(f.id)")
        }
    }

    /// Anything not laid out as `storedEncoding` writes it is left to the parser.
    @Test func otherDocumentsAreNotCut() {
        let f = FileObjectTests.samples[1]
        let other: [[UInt8]] = [
            f.encodedJSON,                                            // no _md5 member
            JSONWriter.encode(f.stored.setting("extra", 1)),          // a member after _md5
            Array("{\"id\":\"file-1\",\"object\":\"file\",\"_md5\":\"\"}".utf8), // another order
            Array("{\"object\":\"file\",\"id\":\"f\",\"expires_at\":1.5,\"_md5\":\"\"}".utf8), // not an integer
            Array("{\"object\":\"file\",\"id\":\"f\",\"expires_at\":99999999999999999999,\"_md5\":\"\"}".utf8),
            Array("{\"object\":\"file\",\"id\":\"f\",\"_md5\":\"ab\"}".utf8), // a digest of another length
            [], Array("{}".utf8),
        ]
        for bytes in other { #expect(FileObject.wire(fromStored: bytes) == nil, "\(String(decoding: bytes, as: UTF8.self))") }
    }

    /// The service answers with the same bytes either way: from a record stored as bytes (memory
    /// store) or as a tree (as the SQLite store reads it back), and a file past its expiry is a
    /// 404 and gone.
    @Test func retrieveEncodedMatchesRetrieve() throws {
        let clock = VirtualClock()
        let records = MemoryRecordStore()
        let env = SimEnvironment(clock: clock, seed: 0, records: records, blobs: MemoryBlobStore())
        let files = FileService(env: env)
        let tenant = Tenant.forAPIKey("sk-files")
        let kept = try files.create(tenant: tenant, filename: "a.jsonl", purpose: "batch", content: .bytes(Array("{}\n".utf8)), size: 3)
        let plain = try files.create(tenant: tenant, filename: "b \"q\".txt", purpose: "user_data", content: .bytes([1]), size: 1)
        for f in [kept, plain] {
            #expect(try files.retrieveEncoded(tenant: tenant, id: f.id) == files.retrieve(tenant: tenant, id: f.id).encodedJSON)
            #expect(try files.retrieveEncoded(tenant: tenant, id: f.id) == f.encodedJSON)
        }
        // Rewritten as a tree: the parsing path gives the same bytes.
        let r = try #require(try records.get(tenant: tenant.id, collection: FileService.collection, id: plain.id))
        _ = try records.put(StoredRecord(tenant: tenant.id, collection: FileService.collection, id: plain.id,
                                         createdAt: r.createdAt, body: r.body))
        #expect(try records.get(tenant: tenant.id, collection: FileService.collection, id: plain.id)?.isEncoded == false)
        #expect(try files.retrieveEncoded(tenant: tenant, id: plain.id) == plain.encodedJSON)
        // The list gives the same bytes, newest first, whichever way each record is held.
        let listed = try files.listEncoded(tenant: tenant, purpose: nil, limit: 10, order: .desc, after: nil)
        #expect(listed.ids == [plain.id, kept.id] && listed.hasMore == false)
        #expect(listed.files == [plain.encodedJSON, kept.encodedJSON])
        #expect(try files.list(tenant: tenant, purpose: nil, limit: 10, order: .desc, after: nil).files == [plain, kept])
        #expect(try files.listEncoded(tenant: tenant, purpose: "batch", limit: 10, order: .desc, after: nil).ids == [kept.id])
        #expect(try files.listEncoded(tenant: tenant, purpose: nil, limit: 1, order: .desc, after: nil).hasMore)
        // Batch files expire after 30 days.
        try clock.advance(by: Double(FileService.batchDefaultExpiry))
        #expect(throws: APIError.self) { try files.retrieveEncoded(tenant: tenant, id: kept.id) }
        #expect(try records.get(tenant: tenant.id, collection: FileService.collection, id: kept.id) == nil)
        _ = try files.create(tenant: tenant, filename: "c.jsonl", purpose: "batch", content: .bytes([1]), size: 1, expiresAfterSeconds: 3600)
        try clock.advance(by: 3600)
        // An expired file is dropped from the list (and purged) while the page fills from older ones.
        let after = try files.listEncoded(tenant: tenant, purpose: nil, limit: 10, order: .desc, after: nil)
        #expect(after.ids == [plain.id])
        #expect(try records.list(tenant: tenant.id, collection: FileService.collection, query: ListQuery()).records.map(\.id) == [plain.id])
        #expect(try files.retrieveEncoded(tenant: tenant, id: plain.id) == plain.encodedJSON)
        #expect(throws: APIError.self) { try files.retrieveEncoded(tenant: tenant, id: "file-nope") }
    }
}

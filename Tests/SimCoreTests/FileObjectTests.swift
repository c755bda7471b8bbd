import Testing
@testable import SimCore
import SimSupport

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

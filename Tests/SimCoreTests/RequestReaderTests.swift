import Testing
import SimSupport
@testable import SimCore

/// The request readers turn most absent keys away by their length before looking: that must
/// never turn away a key that is there.
@Suite struct RequestReaderTests {
    static func key(_ length: Int, _ c: Character = "k") -> String { String(repeating: c, count: length) }

    @Test func everyPresentKeyIsFoundWhateverItsLength() throws {
        // Lengths around the mask's 64 buckets (1 and 65 share one), non-ASCII keys by bytes.
        let lengths = [1, 2, 7, 15, 16, 63, 64, 65, 127, 128, 200]
        var pairs: [(String, JSON)] = lengths.map { (Self.key($0), .int(Int64($0))) }
        pairs.append(("é", .string("two bytes")))
        pairs.append(("nul", .null))
        let body = JSON.object(pairs)
        let reader = FieldReader(body)
        let chat = BodyReader(body)
        for n in lengths {
            #expect(reader.raw(Self.key(n))?.intValue == Int64(n), "FieldReader, length \(n)")
            #expect(chat.raw(Self.key(n))?.intValue == Int64(n), "BodyReader, length \(n)")
        }
        #expect(reader.raw("é")?.stringValue == "two bytes")
        #expect(chat.raw("é")?.stringValue == "two bytes")
        // Same length as a present key but another key; a length no key has; null is absent.
        for absent in [Self.key(7, "x"), Self.key(3), Self.key(66), "nul"] {
            #expect(reader.raw(absent) == nil, "\(absent.prefix(8))")
            #expect(chat.raw(absent) == nil, "\(absent.prefix(8))")
        }
        #expect(try reader.int("k", min: 0) == 1)
        #expect(throws: APIError.self) { try chat.string("kk") }
    }

    @Test func aReaderOverANonObjectFindsNothing() {
        for v: JSON in [.array([.string("k")]), .string("k"), .null, .int(1)] {
            #expect(FieldReader(v).raw("k") == nil)
            #expect(BodyReader(v).raw("k") == nil)
        }
    }
}

import Testing
@testable import SimSupport

@Suite struct JSONTests {
    /// Integers are read from the bytes when short (no String): the values must be the ones
    /// `Int64(String)` gives, at the edges of the short path and past it.
    @Test func integersParseToTheirValues() throws {
        var cases: [String] = ["0", "-0", "7", "-7", "10", "999999999999999999", "-99999999999999999",
                               "1000000000000000000", "-999999999999999999", "9223372036854775807", "-9223372036854775808"]
        var x: Int64 = 1
        for _ in 0..<18 { cases.append(String(x)); cases.append(String(-x)); cases.append(String(x * 7 + 3)); x *= 10 }
        for c in cases {
            let v = try JSONParser.parse(Array("[\(c)]".utf8))
            #expect(v == .array([.int(Int64(c)!)]), "\(c)")
        }
        #expect(try JSONParser.parse(Array("9223372036854775808".utf8)) == .double(9223372036854775808))
        #expect(try JSONParser.parse(Array(#"{"n":-12,"m":3.5}"#.utf8)) == .object([("n", .int(-12)), ("m", .double(3.5))]))
    }

    @Test func roundTripKeepsKeyOrderAndEscapes() throws {
        let text = #"{"b":1,"a":[true,false,null],"s":"x\"y\\z\n\u00e9\ud83d\ude00","d":1.5,"n":-42}"#
        let v = try JSONParser.parse(text)
        #expect(v["b"] == .int(1))
        #expect(v["s"]?.stringValue == "x\"y\\z\né😀")
        #expect(v["n"]?.intValue == -42)
        let out = v.encodedString
        #expect(out.hasPrefix(#"{"b":1,"a":[true,false,null],"s":"x\"y\\z\né😀","d":1.5,"n":-42}"#))
    }

    @Test func rejectsMalformedInputWithOffset() {
        for bad in ["{", "{\"a\":}", "[1,]", "tru", "\"abc", "01", "{\"a\" 1}", "1 2", ""] {
            #expect(throws: JSONParseError.self) { try JSONParser.parse(bad) }
        }
        do { _ = try JSONParser.parse("{\"a\":x}"); Issue.record("should throw") } catch { #expect(error.offset == 5) }
    }

    /// JSON text is UTF-8: malformed sequences are refused at their offset (they became
    /// replacement characters before), well-formed ones of every length pass.
    @Test func malformedUTF8IsRefused() throws {
        func doc(_ inner: [UInt8]) -> [UInt8] { Array(#"{"padding":"0123456789abcdef","s":""#.utf8) + inner + Array(#""}"#.utf8) }
        let at = Array(#"{"padding":"0123456789abcdef","s":""#.utf8).count
        let bad: [[UInt8]] = [[0xFF], [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
                              [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xC3]]
        for seq in bad {
            do {
                _ = try JSONParser.parse(doc(seq))
                Issue.record("\(seq) was accepted")
            } catch {
                #expect(error.offset == at && error.reason == "invalid UTF-8", "\(seq): \(error)")
            }
        }
        for text in ["é", "€", "😀", "日本語", "\u{10FFFF}", "\u{D7FF}", "\u{E000}"] {
            #expect(try JSONParser.parse(doc(Array(text.utf8)))["s"]?.stringValue == text)
        }
        // Past the eight-byte fast path, and at the very end.
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(("[\"" + String(repeating: "a", count: 40)).utf8) + [0xFF] + Array("\"]".utf8)) }
        let truncated: [UInt8] = [0x61, 0x62, 0xE2, 0x82]
        #expect(truncated.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0) } == 2)
    }

    @Test func nestedContainersAndRepeatedKeysKeepTheirOwnMembers() throws {
        // Containers are built on shared member stacks: each must get exactly its own members.
        let text = #"{"a":[1,{"a":2,"b":[3,[],4],"a":5},[6,[7]]],"b":{"c":[],"d":{}},"a":8,"e":[[1,2],[3]]}"#
        let v = try JSONParser.parse(text)
        #expect(v.encodedString == #"{"a":8,"b":{"c":[],"d":{}},"e":[[1,2],[3]]}"#)
        let inner = try JSONParser.parse(#"[1,{"a":2,"b":[3,[],4],"a":5},[6,[7]]]"#)
        #expect(inner.encodedString == #"[1,{"a":5,"b":[3,[],4]},[6,[7]]]"#)
        #expect(inner.arrayValue?.count == 3)
        // Keys spelled differently but equal once decoded are the same key.
        #expect(try JSONParser.parse(#"{"ab":1,"x":2,"a\u0062":3,"\u0061b":4}"#).encodedString == #"{"ab":4,"x":2}"#)
        // A failure deep inside leaves nothing behind for the next parse.
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a":[1,{"b":[2,}]}"#) }
        #expect(try JSONParser.parse(#"{"x":[1]}"#).encodedString == #"{"x":[1]}"#)
    }

    @Test func containersLargerThanTheStacksFirstBlockKeepEveryMember() throws {
        // Members are moved off the parser's stacks into each container; past 16 (the first
        // block) the stacks grow while outer members are still on them.
        let long = String(repeating: "y", count: 40) // heap-allocated strings, not small ones
        let items = (0..<50).map { #"["\#(long)\#($0)",{"k\#($0)":"\#(long)"}]"# }.joined(separator: ",")
        let members = (0..<40).map { #""key\#($0)\#(long)":"\#(long)\#($0)""# }.joined(separator: ",")
        let text = #"{"first":"\#(long)",\#(members),"items":[\#(items)],"last":true}"#
        let v = try JSONParser.parse(text)
        #expect(v.encodedString == text)
        #expect(v["items"]?.arrayValue?.count == 50)
        #expect(v["items"]?.arrayValue?[49].arrayValue?[0].stringValue == "\(long)49")
        #expect(v["key39\(long)"]?.stringValue == "\(long)39")
        // The same, cut off deep inside: an error, and the next parse is whole.
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(text.dropLast(40))) }
        #expect(try JSONParser.parse(text) == v)
    }

    @Test func deepNestingIsRefusedNotCrashing() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func integersAndDoublesEncode() {
        #expect(JSON.int(0).encodedString == "0")
        #expect(JSON.int(Int64.min).encodedString == "-9223372036854775808")
        #expect(JSON.double(2).encodedString == "2.0")
        #expect(JSON.double(.nan).encodedString == "null")
        #expect(JSON.string("\u{01}").encodedString == "\"\\u0001\"")
    }

    @Test func structuralEqualityIgnoresKeyOrder() {
        let a: JSON = ["x": 1, "y": "z"]
        let b: JSON = ["y": "z", "x": 1]
        #expect(a == b)
    }
}

@Suite struct DeterminismTests {
    @Test func sameSeedSameIDs() {
        let a = IDGenerator(seed: 7, stream: "tenant-a"), b = IDGenerator(seed: 7, stream: "tenant-a")
        let c = IDGenerator(seed: 7, stream: "tenant-b")
        let ia = (0..<5).map { _ in IDKind.file(a) }
        #expect(ia == (0..<5).map { _ in IDKind.file(b) })
        #expect(ia != (0..<5).map { _ in IDKind.file(c) })
        #expect(ia[0].hasPrefix("file-") && ia[0].count == 27)
        let r = IDKind.request(a)
        #expect(r.hasPrefix("req_") && r.count == 36 && r.dropFirst(4).allSatisfy { $0.isHexDigit })
    }

    /// `hex` writes each random word's nibbles low first, 16 digits per word, for any length.
    @Test func hexIDsAreTheStreamsNibblesLowFirst() {
        let g = IDGenerator(seed: 7, stream: "tenant-a")
        var rng = SeededRandom(seed: StableHash.mix(7, StableHash.fnv1a("tenant-a")))
        for length in [0, 1, 2, 15, 16, 17, 31, 32, 33, 48, 49] {
            var expected = "p_"
            var word: UInt64 = 0
            for i in 0..<length {
                if i % 16 == 0 { word = rng.next() }
                expected += String(word & 0xF, radix: 16)
                word >>= 4
            }
            #expect(g.hex("p_", length: length) == expected, "length \(length)")
        }
    }

    @Test func virtualClockMovesOnlyWhenAdvancedAndFiresTimersInOrder() throws {
        let clock = VirtualClock(start: 1000)
        let fired = Locked<[Int]>([])
        clock.schedule(after: 5) { fired.withLock { $0.append(2) } }
        clock.schedule(after: 1) { fired.withLock { $0.append(1) } }
        #expect(clock.now() == 1000)
        try clock.advance(by: 2)
        #expect(fired.withLock { $0 } == [1])
        try clock.advance(by: 3)
        #expect(fired.withLock { $0 } == [1, 2])
        #expect(clock.now() == 1005)
        #expect(throws: ClockError.self) { try clock.advance(by: -1) }
    }

    @Test func liveClockRefusesAdvance() {
        #expect(throws: ClockError.self) { try LiveClock().advance(by: 1) }
    }
}

/// The writer's and parser's eight-bytes-at-a-time scanning against a byte-by-byte reference.
@Suite struct JSONStringScanTests {
    static func reference(_ s: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for c in s.utf8 {
            switch c {
            case 0x22: out += Array("\\\"".utf8)
            case 0x5C: out += Array("\\\\".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x08: out += Array("\\b".utf8)
            case 0x0C: out += Array("\\f".utf8)
            case ..<0x20: out += Array("\\u00".utf8) + Array(String(c, radix: 16).leftPadded.utf8)
            default: out.append(c)
            }
        }
        return out + [0x22]
    }

    @Test func stringsWithSpecialBytesAtEveryOffsetRoundTrip() throws {
        let atoms = ["a", "bcdefgh", "\"", "\\", "\n", "\u{1}", "\u{1f}", " ", "~", "\u{7f}", "é", "日本", "😀", "\t", "/", "\u{20}!"]
        var rng = SeededRandom(seed: 0x15)
        for _ in 0..<2000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 40) { s += atoms[Int(rng.next() % UInt64(atoms.count))] }
            let encoded = JSON.string(s).encoded
            #expect(encoded == Self.reference(s), "\(s.debugDescription)")
            #expect(try JSONParser.parse(encoded) == .string(s))
        }
    }

    @Test func rawControlCharactersAndUnterminatedStringsAreRejectedAtAnyOffset() {
        for pad in 0..<20 {
            let body = String(repeating: "x", count: pad)
            #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(("\"" + body + "\u{1}\"").utf8)) }
            #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(("\"" + body).utf8)) }
            #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(("\"" + body + "\\").utf8)) }
        }
    }
}

private extension String {
    var leftPadded: String { count < 2 ? "0" + self : self }
}

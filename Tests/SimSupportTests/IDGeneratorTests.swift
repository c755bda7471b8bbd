import Testing
import SimSupport

@Suite struct IDGeneratorTests {
    /// The digits `hex` must produce: one random word per 16 digits, lowest nibble first (the
    /// plain loop the eight-at-a-time writer replaced; request IDs of recordings depend on it).
    static func referenceHex(_ prefix: String, length: Int, seed: UInt64, stream: String, draws: Int) -> [String] {
        var r = SeededRandom(seed: StableHash.mix(seed, StableHash.fnv1a(stream)))
        return (0..<draws).map { _ in
            var s = prefix
            var word: UInt64 = 0
            for i in 0..<length {
                if i % 16 == 0 { word = r.next() }
                s.append(Array("0123456789abcdef")[Int(word & 0xF)])
                word >>= 4
            }
            return s
        }
    }

    @Test func hexMatchesThePerDigitDefinition() {
        #expect(IDGenerator(seed: 1, stream: "s").hex("", length: 0) == "")
        #expect(IDGenerator(seed: 1, stream: "s").hex("", length: 5).utf8.count == 5)
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65, 100] {
            let g = IDGenerator(seed: 42, stream: "requests")
            let got = (0..<20).map { _ in g.hex("req_", length: length) }
            #expect(got == Self.referenceHex("req_", length: length, seed: 42, stream: "requests", draws: 20), "length \(length)")
        }
    }

    @Test func requestIDsKeepTheirShape() {
        let g = IDGenerator(seed: 0, stream: "requests")
        let id = IDKind.request(g)
        #expect(id.hasPrefix("req_") && id.utf8.count == 36)
        #expect(id.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) })
        // Every digit value occurs over a few hundred IDs (the letters path is exercised).
        let digits = Set((0..<300).flatMap { _ in IDKind.request(g).dropFirst(4) })
        #expect(digits.count == 16)
    }
}

import Testing
import SimSupport

@Suite struct StableHashTests {
    @Test func fnv1aKnownValues() {
        #expect(StableHash.fnv1a("") == 0xcbf29ce484222325)
        #expect(StableHash.fnv1a("a") == 0xaf63dc4c8601ec8c)
        #expect(StableHash.fnv1a("foobar") == 0x85944171f73967e8)
    }

    @Test func stringAndByteFormsAgree() {
        for s in ["", "x", "org-abc", "héllo wörld", "日本語のテキスト", String(repeating: "ab", count: 500)] {
            #expect(StableHash.fnv1a(s) == StableHash.fnv1a(bytes: Array(s.utf8)))
            #expect(StableHash.fnv1a(s, seed: 7) == StableHash.fnv1a(bytes: Array(s.utf8), seed: 7))
            // A bridged/sliced string takes the same path.
            let sub = Substring(s + "tail").dropLast(4)
            #expect(StableHash.fnv1a(String(sub)) == StableHash.fnv1a(s))
        }
    }
}

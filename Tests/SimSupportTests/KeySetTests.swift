import Testing
import SimSupport

@Suite struct KeySetTests {
    @Test func answersLikeSetForMembersAndStrangers() {
        // Enough members to fill several probe chains; strangers that share lengths, prefixes and
        // bytes with members, the empty string, non-ASCII and long keys.
        var members = (0..<100).map { "param_\($0)" }
        members += ["model", "messages", "é", "日本", String(repeating: "x", count: 300), "", "model"]
        let keys = KeySet(members)
        let reference = Set(members)
        var probes = members
        probes += (0..<400).map { "param_\($0)" } + ["Model", "model ", "mode", "messagez", "e", "日", String(repeating: "x", count: 299)]
        for p in probes { #expect(keys.contains(p) == reference.contains(p), "\(p.prefix(20))") }
        #expect(keys.members.count == reference.count)
        #expect(keys.members.first == "param_0" && keys.members.last == "")
    }

    @Test func anEmptySetHasNothing() {
        let keys = KeySet([])
        #expect(!keys.contains("") && !keys.contains("model"))
    }
}

import Testing
import SimCore
import SimPersistence
import SimSupport
import SimTesting

@Suite struct ConversationPersistenceTests {
    /// Conversations and their items survive a restart with --data-dir.
    @Test func conversationsPersistInSQLite() async throws {
        let scratch = try ScratchDirectory()
        let dir = scratch.path
        var convID = ""
        do {
            let store = try SQLiteRecordStore(path: dir + "/db.sqlite")
            let sim = TestHarness(records: store)
            convID = await sim.send("POST", "/v1/conversations", json: ["items": [["role": "user", "content": "kept"]]]).json["id"]?.stringValue ?? ""
            _ = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "next", "conversation": .string(convID)])
        }
        let sim2 = TestHarness(records: try SQLiteRecordStore(path: dir + "/db.sqlite"))
        let items = await sim2.send("GET", "/v1/conversations/\(convID)/items?order=asc").json["data"]?.arrayValue ?? []
        #expect(items.map { $0["role"]?.stringValue ?? "" } == ["user", "user", "assistant"])
        #expect(items.first?["content"]?.arrayValue?.first?["text"] == "kept")
    }
}

import Testing
import SimApp
@testable import SimCore
import SimHTTP
import SimSupport
import SimTesting

@Suite struct ConversationsRoutesTests {
    let sim = TestHarness()

    func ids(_ list: JSON) -> [String] { list["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [] }

    /// The item ids of the conversation a request continuing `id` would see (its history, its
    /// input and its output), as the service reads it back from the store.
    func conversationThrough(_ id: String, key: String = "sk-test") throws -> [String] {
        try sim.app.services.responses.previousConversation(tenant: Tenant.forAPIKey(key), id: id).items.compactMap { $0["id"]?.stringValue }
    }

    @Test func createRetrieveUpdateAndDelete() async {
        let c = await sim.send("POST", "/v1/conversations", json: [
            "metadata": ["topic": "demo"],
            "items": [["type": "message", "role": "user", "content": "Hello!"]],
        ])
        #expect(c.status == 200)
        let id = c.json["id"]?.stringValue ?? ""
        #expect(id.hasPrefix("conv_") && id.count == 5 + 48)
        #expect(c.json["object"] == "conversation" && c.json["metadata"] == ["topic": "demo"] && c.json["created_at"]?.intValue != nil)
        #expect(await sim.send("GET", "/v1/conversations/\(id)").json == c.json)

        let u = await sim.send("POST", "/v1/conversations/\(id)", json: ["metadata": ["topic": "other", "n": "2"]])
        #expect(u.status == 200 && u.json["metadata"] == ["topic": "other", "n": "2"] && u.json["created_at"] == c.json["created_at"])
        #expect(await sim.send("GET", "/v1/conversations/\(id)").json["metadata"]?["n"] == "2")
        // Metadata is nullable: null clears it.
        let cleared = await sim.send("POST", "/v1/conversations/\(id)", json: ["metadata": .null])
        #expect(cleared.status == 200 && cleared.json["metadata"] == [:])

        let items = await sim.send("GET", "/v1/conversations/\(id)/items")
        #expect(items.json["object"] == "list" && ids(items.json).count == 1)
        #expect(items.json["data"]?.arrayValue?.first?["content"]?.arrayValue?.first == ["type": "input_text", "text": "Hello!"])

        let d = await sim.send("DELETE", "/v1/conversations/\(id)")
        #expect(d.json == ["id": .string(id), "object": "conversation.deleted", "deleted": true])
        let gone = await sim.send("GET", "/v1/conversations/\(id)")
        #expect(gone.status == 404 && gone.json["error"]?["message"] == .string("Conversation with id '\(id)' not found."))
        #expect(await sim.send("GET", "/v1/conversations/\(id)/items").status == 404)
        #expect(await sim.send("DELETE", "/v1/conversations/\(id)").status == 404)
    }

    /// `--max-stored` forgets the least recently used conversations: one in use (a response
    /// continues it, or items are added) outlives idle ones created after it.
    @Test func retentionKeepsTheConversationsInUse() async throws {
        let sim = TestHarness(retention: Retention(maxStoredPerTenant: 2))
        func conversation() async throws -> String {
            try #require(await sim.send("POST", "/v1/conversations", json: [:]).json["id"]?.stringValue)
        }
        let active = try await conversation()
        let idle = try await conversation()
        // A turn in the first conversation makes it the most recently used.
        #expect(await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "hi", "conversation": .string(active)]).status == 200)
        let third = try await conversation()
        #expect(await sim.send("GET", "/v1/conversations/\(idle)").status == 404, "the idle one went")
        #expect(await sim.send("GET", "/v1/conversations/\(active)").status == 200)
        #expect(ids(await sim.send("GET", "/v1/conversations/\(active)/items").json).count == 2, "its turn's input and output")
        // Adding items counts as use too.
        #expect(await sim.send("POST", "/v1/conversations/\(active)/items", json: ["items": [["role": "user", "content": "more"]]]).status == 200)
        _ = try await conversation()
        #expect(await sim.send("GET", "/v1/conversations/\(third)").status == 404)
        #expect(await sim.send("GET", "/v1/conversations/\(active)").status == 200)
    }

    /// `--max-stored`: the oldest conversations go past the limit, their items with them (not
    /// left behind in the store); a conversation keeps its newest items; other keys are not counted.
    @Test func retentionForgetsTheOldestConversationsAndTheirItems() async throws {
        let sim = TestHarness(retention: Retention(maxStoredPerTenant: 2))
        var convs: [String] = []
        for i in 0..<3 {
            let c = await sim.send("POST", "/v1/conversations", json: ["items": [["role": "user", "content": .string("turn \(i)")]]])
            convs.append(try #require(c.json["id"]?.stringValue))
        }
        let other = await sim.send("POST", "/v1/conversations", key: "sk-other", json: [:]).json["id"]?.stringValue ?? ""
        let tenant = Tenant.forAPIKey("sk-test").id
        let first = convs[0]
        #expect(await sim.send("GET", "/v1/conversations/\(first)").status == 404)
        #expect(await sim.send("GET", "/v1/conversations/\(first)/items").status == 404)
        let orphans = try sim.env.records.list(tenant: tenant, collection: "conversation_items/" + first, query: ListQuery(limit: 100))
        #expect(orphans.records.isEmpty, "a forgotten conversation's items are deleted with it")
        for id in convs.suffix(2) { #expect(await sim.send("GET", "/v1/conversations/\(id)").status == 200) }
        #expect(await sim.send("GET", "/v1/conversations/\(other)", key: "sk-other").status == 200)
        let responded = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "more", "conversation": .string(first)])
        #expect(responded.status == 404 && responded.json["error"]?["param"] == "conversation")

        // Items: the newest two of four stay, in order.
        let last = convs[2]
        let added = await sim.send("POST", "/v1/conversations/\(last)/items", json: [
            "items": [["role": "user", "content": "a"], ["role": "user", "content": "b"], ["role": "user", "content": "c"]],
        ])
        #expect(added.status == 200 && ids(added.json).count == 3)
        let kept = await sim.send("GET", "/v1/conversations/\(last)/items?order=asc")
        #expect(ids(kept.json) == Array(ids(added.json).suffix(2)))

        // A response that finishes after its conversation went (deleted, or forgotten meanwhile)
        // leaves no items behind.
        let gone = convs[1]
        #expect(await sim.send("DELETE", "/v1/conversations/\(gone)").status == 200)
        try sim.app.services.responses.conversations.append(tenant: Tenant.forAPIKey("sk-test"), id: gone,
                                                            items: [["id": "msg_late", "type": "message", "role": "assistant", "content": []]])
        #expect(try sim.env.records.list(tenant: tenant, collection: "conversation_items/" + gone, query: ListQuery(limit: 10)).records.isEmpty)
    }

    @Test func badRequestsNameTheirParameter() async {
        let tooMany = JSON.array((0..<21).map { _ in ["role": "user", "content": "x"] })
        let r1 = await sim.send("POST", "/v1/conversations", json: ["items": tooMany])
        #expect(r1.status == 400 && r1.json["error"]?["param"] == "items" && r1.json["error"]?["code"] == "array_above_max_length")
        let r2 = await sim.send("POST", "/v1/conversations", json: ["items": [["type": "message", "role": "robot", "content": "x"]]])
        #expect(r2.status == 400 && r2.json["error"]?["param"] == "items[0].role")
        let r3 = await sim.send("POST", "/v1/conversations", json: ["title": "x"])
        #expect(r3.status == 400 && r3.json["error"]?["param"] == "title")
        let id = await sim.send("POST", "/v1/conversations", json: [:]).json["id"]?.stringValue ?? ""
        let r4 = await sim.send("POST", "/v1/conversations/\(id)", json: [:])
        #expect(r4.status == 400 && r4.json["error"]?["param"] == "metadata")
        let r5 = await sim.send("POST", "/v1/conversations/\(id)/items", json: [:])
        #expect(r5.status == 400 && r5.json["error"]?["param"] == "items")
        let r6 = await sim.send("GET", "/v1/conversations/\(id)/items?limit=101")
        #expect(r6.status == 400 && r6.json["error"]?["param"] == "limit")
        let r7 = await sim.send("GET", "/v1/conversations/\(id)/items?include=nope")
        #expect(r7.status == 400 && r7.json["error"]?["param"] == "include")
        let r8 = await sim.send("GET", "/v1/conversations/\(id)/items/msg_nope")
        #expect(r8.status == 404 && r8.json["error"]?["message"] == "Item with id 'msg_nope' not found.")
        let r9 = await sim.send("POST", "/v1/conversations/\(id)", json: ["metadata": .object((0..<17).map { ("k\($0)", "v") })])
        #expect(r9.status == 400 && r9.json["error"]?["code"] == "object_above_max_properties")
        // A tool output's content parts are checked like a message's, and stored in their shapes.
        let untyped = await sim.send("POST", "/v1/conversations/\(id)/items", json: ["items": [
            ["type": "function_call_output", "call_id": "c1", "output": [["file_url": "https://example.com/a.pdf"]]]]])
        #expect(untyped.status == 400 && untyped.json["error"]?["param"] == "items[0].output[0].type")
        let parts = await sim.send("POST", "/v1/conversations/\(id)/items", json: ["items": [
            ["type": "function_call_output", "call_id": "c1", "output": [["type": "input_text", "text": "ok", "extra": "dropped"]]]]])
        #expect(parts.status == 200 && parts.json["data"]?.arrayValue?.first?["output"] == [["type": "input_text", "text": "ok"]])
    }

    @Test func itemsAreListedInOrderWithCursorsAndCanBeDeleted() async {
        let id = await sim.send("POST", "/v1/conversations", json: [:]).json["id"]?.stringValue ?? ""
        var added: [String] = []
        for batch in 0..<3 {
            let items = JSON.array((0..<4).map { i in ["role": "user", "content": .string("item \(batch)-\(i)")] })
            let r = await sim.send("POST", "/v1/conversations/\(id)/items", json: ["items": items])
            #expect(r.status == 200 && ids(r.json).count == 4 && r.json["has_more"] == false)
            #expect(r.json["first_id"]?.stringValue == ids(r.json).first && r.json["last_id"]?.stringValue == ids(r.json).last)
            added += ids(r.json)
        }
        // Default: newest first, 20 at a time.
        #expect(ids(await sim.send("GET", "/v1/conversations/\(id)/items").json) == added.reversed())
        // Ascending pages of 5 through `after`.
        var seen: [String] = []
        var after: String?
        while true {
            let page = await sim.send("GET", "/v1/conversations/\(id)/items?order=asc&limit=5" + (after.map { "&after=\($0)" } ?? ""))
            seen += ids(page.json)
            guard page.json["has_more"] == true else { break }
            after = page.json["last_id"]?.stringValue
        }
        #expect(seen == added)
        let unknownCursor = await sim.send("GET", "/v1/conversations/\(id)/items?after=msg_unknown")
        #expect(unknownCursor.status == 404)

        let one = await sim.send("GET", "/v1/conversations/\(id)/items/\(added[5])")
        #expect(one.json["content"]?.arrayValue?.first?["text"] == "item 1-1")
        let del = await sim.send("DELETE", "/v1/conversations/\(id)/items/\(added[5])")
        #expect(del.status == 200 && del.json["object"] == "conversation" && del.json["id"] == .string(id))
        #expect(await sim.send("GET", "/v1/conversations/\(id)/items/\(added[5])").status == 404)
        #expect(await sim.send("DELETE", "/v1/conversations/\(id)/items/\(added[5])").status == 404)
        #expect(ids(await sim.send("GET", "/v1/conversations/\(id)/items?order=asc").json) == added.filter { $0 != added[5] })
    }

    @Test func aResponseContinuesTheConversationAndJoinsIt() async {
        let c = await sim.send("POST", "/v1/conversations", json: ["items": [["role": "user", "content": "My name is Ada."]]])
        let id = c.json["id"]?.stringValue ?? ""
        let r1 = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "What is my name?", "conversation": .string(id)])
        #expect(r1.status == 200 && r1.json["conversation"] == ["id": .string(id)])
        // The earlier item counts as input: more input tokens than the same question alone.
        let alone = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "What is my name?"])
        #expect((r1.json["usage"]?["input_tokens"]?.intValue ?? 0) > (alone.json["usage"]?["input_tokens"]?.intValue ?? 0))
        #expect(alone.json["conversation"] == nil)

        let listed = await sim.send("GET", "/v1/conversations/\(id)/items?order=asc")
        let data = listed.json["data"]?.arrayValue ?? []
        #expect(data.count == 3)
        #expect(data.map { $0["role"]?.stringValue ?? "" } == ["user", "user", "assistant"])
        #expect(data[2]["id"] == r1.json["output"]?.arrayValue?.first?["id"] && data[2]["content"] == r1.json["output"]?.arrayValue?.first?["content"])
        // The response's own input items are this turn's only.
        #expect(ids(await sim.send("GET", "/v1/responses/\(r1.json["id"]?.stringValue ?? "")/input_items").json) == [data[1]["id"]?.stringValue ?? ""])

        // A second turn with the object form sees all three.
        let r2 = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "And again?", "conversation": ["id": .string(id)]])
        #expect(r2.status == 200 && (r2.json["usage"]?["input_tokens"]?.intValue ?? 0) > (r1.json["usage"]?["input_tokens"]?.intValue ?? 0))
        #expect(ids(await sim.send("GET", "/v1/conversations/\(id)/items").json).count == 5)

        // input_tokens reads the conversation too.
        let count = await sim.send("POST", "/v1/responses/input_tokens", json: ["model": "gpt-4.1-mini", "input": "x", "conversation": .string(id)])
        let bare = await sim.send("POST", "/v1/responses/input_tokens", json: ["model": "gpt-4.1-mini", "input": "x"])
        #expect((count.json["input_tokens"]?.intValue ?? 0) > (bare.json["input_tokens"]?.intValue ?? 0))
    }

    /// A response in a conversation stores a reference to the conversation's items, not a copy
    /// (a long conversation would otherwise store its history once per turn); chaining from such
    /// a response with `previous_response_id` reads them back, also after items are deleted.
    @Test func responsesReferTheirConversationInsteadOfCopyingIt() async throws {
        let c = await sim.send("POST", "/v1/conversations", json: ["items": [["role": "user", "content": "My name is Ada."]]])
        let id = try #require(c.json["id"]?.stringValue)
        let r1 = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "What is my name?", "conversation": .string(id)])
        let r2 = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "And again?", "conversation": .string(id)])
        let r2ID = try #require(r2.json["id"]?.stringValue)
        let items = ids(await sim.send("GET", "/v1/conversations/\(id)/items?order=asc").json)
        #expect(items.count == 5)
        let tenant = Tenant.forAPIKey("sk-test").id
        let stored = try #require(try sim.env.records.get(tenant: tenant, collection: ResponseService.collection, id: r2ID))
        let doc = stored.body["_input_items"]
        #expect(doc?["history"] == [])
        #expect(doc?["conversation"] == ["id": .string(id), "through": .string(items[2]), "count": 3])
        #expect(doc?["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [items[3]])

        // Chaining from r2 sees the whole conversation through r2's output: the same count as
        // continuing the conversation itself.
        func tokens(_ extra: JSON) async -> Int64? {
            var body: [(String, JSON)] = [("model", "gpt-4.1-mini"), ("input", "x")]
            body.append(contentsOf: extra.objectValue ?? [])
            let r = await sim.send("POST", "/v1/responses/input_tokens", json: .object(body))
            return r.json["input_tokens"]?.intValue
        }
        let viaConversation = await tokens(["conversation": .string(id)])
        let viaChain = await tokens(["previous_response_id": .string(r2ID)])
        #expect(viaConversation != nil && viaConversation == viaChain)
        // Chaining from r1 (not the last turn) sees the conversation only through r1's output.
        let chained = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "Once more?",
                                                                      "previous_response_id": r1.json["id"] ?? .null])
        let chainedTurn = try conversationThrough(chained.json["id"]?.stringValue ?? "")
        #expect(chainedTurn.count == 5 && Array(chainedTurn.prefix(3)) == Array(items.prefix(3)))

        // r2's last history item deleted: its history is what came before its own input.
        _ = await sim.send("DELETE", "/v1/conversations/\(id)/items/\(items[2])")
        let after = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "Still?",
                                                                    "previous_response_id": .string(r2ID)])
        let afterTurn = try conversationThrough(after.json["id"]?.stringValue ?? "")
        #expect(Array(afterTurn.prefix(4)) == [items[0], items[1], items[3], items[4]] && afterTurn.count == 6)
    }

    @Test func conversationErrorsOnResponses() async {
        let unknown = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "x", "conversation": "conv_nope"])
        #expect(unknown.status == 404 && unknown.json["error"]?["param"] == "conversation")
        let id = await sim.send("POST", "/v1/conversations", json: [:]).json["id"]?.stringValue ?? ""
        let prev = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "x"]).json["id"]!
        let both = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "x", "conversation": .string(id),
                                                                   "previous_response_id": prev])
        #expect(both.status == 400 && both.json["error"]?["code"] == "mutually_exclusive_parameters")
        // Another key's conversation is unknown.
        let other = await sim.send("POST", "/v1/responses", key: "sk-other", json: ["model": "gpt-4.1-mini", "input": "x", "conversation": .string(id)])
        #expect(other.status == 404)
        #expect(await sim.send("GET", "/v1/conversations/\(id)", key: "sk-other").status == 404)
    }

    /// An item id already in the conversation, or twice in one input, is the API's 400.
    @Test func duplicateItemIdsAreRefused() async {
        let c = await sim.send("POST", "/v1/conversations", json: ["items": [["role": "user", "content": "hi"]]])
        let id = c.json["id"]?.stringValue ?? ""
        let itemID = ids(await sim.send("GET", "/v1/conversations/\(id)/items").json).first ?? ""
        let again = await sim.send("POST", "/v1/responses", json: [
            "model": "gpt-4.1-mini", "conversation": .string(id),
            "input": [["type": "message", "id": .string(itemID), "role": "user", "content": "hi"]],
        ])
        #expect(again.status == 400 && again.json["error"]?["param"] == "input")
        #expect(again.json["error"]?["message"] == .string("Duplicate item found with id \(itemID). Remove duplicate items from your input and try again."))
        let twice = await sim.send("POST", "/v1/responses", json: [
            "model": "gpt-4.1-mini",
            "input": [["type": "message", "id": "msg_1", "role": "user", "content": "a"], ["type": "message", "id": "msg_1", "role": "user", "content": "b"]],
        ])
        #expect(twice.status == 400 && twice.json["error"]?["param"] == "input")
        let add = await sim.send("POST", "/v1/conversations/\(id)/items", json: ["items": [["type": "message", "id": .string(itemID), "role": "user", "content": "x"]]])
        #expect(add.status == 400 && add.json["error"]?["param"] == "items[0]")
        // A reference to an item of the conversation is not a duplicate, and adds nothing.
        let ref = await sim.send("POST", "/v1/conversations/\(id)/items", json: ["items": [["type": "item_reference", "id": .string(itemID)]]])
        #expect(ref.status == 200 && ids(ref.json).isEmpty)
        #expect(ids(await sim.send("GET", "/v1/conversations/\(id)/items").json).count == 1)
    }

    /// A background response joins its conversation when it completes on the clock; a
    /// cancelled one never does.
    @Test func backgroundResponsesJoinWhenTheyComplete() async throws {
        let id = await sim.send("POST", "/v1/conversations", json: [:]).json["id"]?.stringValue ?? ""
        let r = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "Write a note.", "conversation": .string(id),
                                                                "background": true])
        #expect(r.json["status"] == "queued" && r.json["conversation"] == ["id": .string(id)])
        #expect(ids(await sim.send("GET", "/v1/conversations/\(id)/items").json).isEmpty)
        let cancelled = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4.1-mini", "input": "Another.", "conversation": .string(id),
                                                                        "background": true])
        _ = await sim.send("POST", "/v1/responses/\(cancelled.json["id"]?.stringValue ?? "")/cancel")
        try sim.advance(seconds: 600)
        // Items added after the run completed come after its items, whichever read comes first.
        _ = await sim.send("POST", "/v1/conversations/\(id)/items", json: ["items": [["role": "user", "content": "Later."]]])
        let all = await sim.send("GET", "/v1/conversations/\(id)/items?order=asc").json["data"]?.arrayValue ?? []
        #expect(all.map { $0["role"]?.stringValue ?? "" } == ["user", "assistant", "user"])
        let items = Array(all.prefix(2))
        #expect(items.first?["content"]?.arrayValue?.first?["text"] == "Write a note.")
        let done = await sim.send("GET", "/v1/responses/\(r.json["id"]?.stringValue ?? "")")
        #expect(items.last?["id"] == done.json["output"]?.arrayValue?.first?["id"])
        // Read again: still three (settling happens once).
        #expect(ids(await sim.send("GET", "/v1/conversations/\(id)/items").json).count == 3)
    }
}

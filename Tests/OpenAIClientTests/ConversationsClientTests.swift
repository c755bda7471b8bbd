import Foundation
import OpenAIClient
import OpenAIWire
import SimTesting
import Testing

/// `client.conversations` against the in-process simulator, plus the requests it sends and the
/// strictness of its wire types against scripted replies.
@Suite struct ConversationsClientTests {
    static func client(_ sim: TestHarness) -> OpenAIClient { ClientAgainstSimulatorTests.client(sim) }

    /// Every item of `listAll` in `order`, `limit` per page.
    static func all(_ client: OpenAIClient, _ id: String, limit: Int, order: String?) async throws -> [ConversationItem] {
        var items: [ConversationItem] = []
        for try await item in client.conversations.items.listAll(conversationID: id, limit: limit, order: order) { items.append(item) }
        return items
    }

    @Test func conversationAndItemsLifecycle() async throws {
        let sim = TestHarness()
        let client = Self.client(sim)
        let conversations = client.conversations
        let created = try await conversations.create(.init(items: [.user("Hello!")], metadata: ["topic": "demo"]))
        #expect(created.id.hasPrefix("conv_") && created.object == "conversation" && created.metadata == ["topic": "demo"])
        #expect(created.createdAt == Int(sim.clock.unixSeconds()))
        #expect(try await conversations.retrieve(created.id) == created)

        let updated = try await conversations.update(created.id, metadata: ["topic": "other", "n": "2"])
        #expect(updated.id == created.id && updated.createdAt == created.createdAt && updated.metadata == ["topic": "other", "n": "2"])
        #expect(try await conversations.retrieve(created.id).metadata == ["topic": "other", "n": "2"])

        // The initial item, stored as a user message with an input_text part.
        let initial = try await conversations.items.list(conversationID: created.id)
        #expect(initial.data.count == 1 && !initial.hasMore)
        let hello = try #require(initial.data.first)
        #expect(hello.type == "message" && hello.role == "user" && hello.status == "completed" && hello.id.hasPrefix("msg_"))
        #expect(hello.content?.map(\.type) == ["input_text"] && hello.text == "Hello!")
        #expect(initial.firstID == hello.id && initial.lastID == hello.id)

        // Added items come back as stored, in the order sent.
        let added = try await conversations.items.create(conversationID: created.id, [
            .user("one"), .assistant("two"), .developer("three"), .user("four"),
            .functionCallOutput(callID: "call_1", output: "{\"ok\":true}"),
        ])
        #expect(!added.hasMore && added.data.count == 5)
        #expect(added.data.map(\.text) == ["one", "two", "three", "four", ""])
        #expect(added.data.map(\.role) == ["user", "assistant", "developer", "user", nil])
        let call = try #require(added.data.last)
        #expect(call.type == "function_call_output" && call.callID == "call_1" && call.output == "{\"ok\":true}")
        #expect(added.firstID == added.data.first?.id && added.lastID == call.id)
        let ids = [hello.id] + added.data.map(\.id)
        #expect(Set(ids).count == 6)

        // Pages of 2 in both orders, page by page and auto-paginated.
        let first = try await conversations.items.list(conversationID: created.id, limit: 2, order: "asc")
        #expect(first.data.map(\.id) == Array(ids[0..<2]) && first.hasMore && first.lastID == ids[1])
        let second = try await conversations.items.list(conversationID: created.id, limit: 2, after: first.lastID, order: "asc")
        #expect(second.data.map(\.id) == Array(ids[2..<4]) && second.hasMore)
        let last = try await conversations.items.list(conversationID: created.id, limit: 2, after: ids[3], order: "asc")
        #expect(last.data.map(\.id) == Array(ids[4..<6]) && !last.hasMore)
        #expect(try await Self.all(client, created.id, limit: 2, order: "asc").map(\.id) == ids)
        #expect(try await Self.all(client, created.id, limit: 4, order: "desc").map(\.id) == ids.reversed())
        #expect(try await Self.all(client, created.id, limit: 5, order: nil).map(\.id) == ids.reversed())  // desc by default
        #expect(try await Self.all(client, created.id, limit: 100, order: "asc") == [hello] + added.data)

        // `include` reaches the server as include[] (an unknown value is its 400).
        let withLogprobs = try await conversations.items.list(conversationID: created.id, limit: 1, include: ["message.output_text.logprobs"])
        #expect(withLogprobs.data.map(\.id) == [ids[5]])
        await expectAPIError(400, param: "include") {
            _ = try await conversations.items.list(conversationID: created.id, include: ["nope"])
        }
        await expectAPIError(400, param: "include") {
            _ = try await conversations.items.create(conversationID: created.id, [.user("x")], include: ["nope"])
        }

        // One item, then deleting it (the answer is the conversation).
        let two = try await conversations.items.retrieve(conversationID: created.id, itemID: ids[2])
        #expect(two == added.data[1] && two.text == "two")
        let after = try await conversations.items.delete(conversationID: created.id, itemID: ids[2])
        #expect(after == updated)
        #expect(try await Self.all(client, created.id, limit: 100, order: "asc").map(\.id) == ids.filter { $0 != ids[2] })
        await expectAPIError(404, param: nil) {
            _ = try await conversations.items.retrieve(conversationID: created.id, itemID: ids[2])
        }
        await expectAPIError(404, param: nil) {
            _ = try await conversations.items.delete(conversationID: created.id, itemID: ids[2])
        }
    }

    @Test func responsesJoinAConversation() async throws {
        let client = Self.client(TestHarness())
        let conversation = try await client.conversations.create(.init(items: [.system("Answer briefly.")]))

        var request = CreateResponse(model: "gpt-4o-mini", input: .text("What is the capital of France?"))
        request.conversation = .id(conversation.id)
        let first = try await client.responses.create(request)
        #expect(first.status == .completed && first.conversation?.id == conversation.id && !first.outputText.isEmpty)
        let firstItems = try await Self.all(client, conversation.id, limit: 2, order: "asc")
        #expect(firstItems.map(\.role) == ["system", "user", "assistant"])
        #expect(firstItems.map(\.text) == ["Answer briefly.", "What is the capital of France?", first.outputText])
        let answer = try #require(first.output.last)
        #expect(firstItems.last?.id == answer.id && firstItems.last?.content == answer.content)

        // The `{"id": …}` form, with an input item list; the stored response says so too.
        var followUp = CreateResponse(model: "gpt-4o-mini", input: .items([.user("And of Italy?")]))
        followUp.conversation = .object(id: conversation.id)
        let second = try await client.responses.create(followUp)
        #expect(second.conversation?.id == conversation.id)
        #expect(try await client.responses.retrieve(second.id).conversation?.id == conversation.id)
        let newest = try await client.conversations.items.list(conversationID: conversation.id, limit: 2)
        #expect(newest.data.map(\.role) == ["assistant", "user"] && newest.hasMore)
        #expect(newest.data.map(\.text) == [second.outputText, "And of Italy?"] && newest.data.first?.id == second.output.last?.id)
        #expect(try await Self.all(client, conversation.id, limit: 2, order: "asc").count == 5)

        // Without `conversation` a response belongs to none; an unknown one is the API's 404.
        #expect(try await client.responses.create(.init(model: "gpt-4o-mini", input: .text("Hi"))).conversation == nil)
        var unknown = CreateResponse(model: "gpt-4o-mini", input: .text("Hi"))
        unknown.conversation = .id("conv_missing")
        await expectAPIError(404, param: "conversation", code: "not_found") { _ = try await client.responses.create(unknown) }
    }

    @Test func aDeletedConversationIsNotFound() async throws {
        let client = Self.client(TestHarness())
        let conversation = try await client.conversations.create()
        #expect(conversation.metadata == [:])
        let deleted = try await client.conversations.delete(conversation.id)
        #expect(deleted.id == conversation.id && deleted.object == "conversation.deleted" && deleted.deleted)
        do {
            _ = try await client.conversations.retrieve(conversation.id)
            Issue.record("expected 404")
        } catch let OpenAIError.status(e) {
            #expect(e.status == 404 && e.type == "invalid_request_error" && e.message == "Conversation with id '\(conversation.id)' not found.")
        }
        await expectAPIError(404, param: nil) { _ = try await client.conversations.items.list(conversationID: conversation.id) }
        await expectAPIError(404, param: nil) { _ = try await client.conversations.delete(conversation.id) }
    }

    // MARK: - Requests and strict decoding, against scripted replies

    static let conversationJSON = #"{"id":"conv_1","object":"conversation","created_at":1,"metadata":{"a":"b"}}"#
    static let itemJSON = #"{"type":"message","id":"msg_1","status":"completed","role":"user","content":[{"type":"input_image","image_url":"https://x/y.png","detail":"auto"}]}"#

    @Test func requestsCarryTheirPathsQueriesAndBodies() async throws {
        let list = InProcessTransport.Reply.json(200, #"{"object":"list","data":[\#(Self.itemJSON)],"first_id":"msg_1","last_id":"msg_1","has_more":false}"#)
        let (client, rec) = scriptedClient([.success(.json(200, Self.conversationJSON)), .success(list), .success(list)])
        _ = try await client.conversations.create(.init(items: [.user("hi"), .reference("msg_0")], metadata: ["a": "b"]))
        _ = try await client.conversations.items.create(conversationID: "conv/1", [.user("x")], include: ["a", "b"])
        _ = try await client.conversations.items.list(conversationID: "conv_1", limit: 3, after: "msg 9", order: "asc", include: ["c"])
        let requests = rec.requests
        #expect(requests.map(\.request.method) == ["POST", "POST", "GET"])
        #expect(requests.map { $0.request.url.absoluteString } == [
            "http://api.test/v1/conversations",
            "http://api.test/v1/conversations/conv%2F1/items?include%5B%5D=a&include%5B%5D=b",
            "http://api.test/v1/conversations/conv_1/items?limit=3&after=msg%209&order=asc&include%5B%5D=c",
        ])
        #expect(requests.map { String(decoding: $0.body, as: UTF8.self) } == [
            #"{"items":[{"content":"hi","role":"user"},{"id":"msg_0","type":"item_reference"}],"metadata":{"a":"b"}}"#,
            #"{"items":[{"content":"x","role":"user"}]}"#, "",
        ])

        var r = CreateResponse(model: "m", input: .text("x"))
        r.conversation = .id("conv_1")
        #expect(String(decoding: try WireJSON.encoder().encode(r), as: UTF8.self) == #"{"conversation":"conv_1","input":"x","model":"m"}"#)
        r.conversation = .object(id: "conv_1")
        r.input = .items([.functionCallOutput(callID: "c", output: "4")])
        #expect(String(decoding: try WireJSON.encoder().encode(r), as: UTF8.self)
            == #"{"conversation":{"id":"conv_1"},"input":[{"call_id":"c","output":"4","type":"function_call_output"}],"model":"m"}"#)
    }

    @Test func wireTypesDecodeStrictlyAndItemsKeepTheirWholeJSON() throws {
        let item = try WireJSON.decode(ConversationItem.self, from: Data(Self.itemJSON.utf8))
        #expect(item.content?.first?.type == "input_image" && item.text == "")
        #expect(item.json["content"]?.arrayValue?.first?["image_url"] == "https://x/y.png")
        #expect(try WireJSON.decode(JSONValue.self, from: WireJSON.encoder().encode(item)) == item.json)
        #expect(try WireJSON.decode(Conversation.self, from: Data(Self.conversationJSON.utf8)).metadata == ["a": "b"])

        let cases: [(String, String, any Decodable.Type)] = [
            (Self.itemJSON.replacingOccurrences(of: #""status":"completed","#, with: ""), ".status", ConversationItem.self),
            (Self.itemJSON.replacingOccurrences(of: #""id":"msg_1","#, with: ""), ".id", ConversationItem.self),
            (#"{"type":"message","id":"m","status":"completed","role":"assistant","content":[{"type":"output_text","text":"x"}]}"#,
             ".content[0].annotations", ConversationItem.self),
            (Self.conversationJSON.replacingOccurrences(of: #""object":"conversation""#, with: #""object":"thread""#), ".object", Conversation.self),
            (Self.conversationJSON.replacingOccurrences(of: #","metadata":{"a":"b"}"#, with: ""), ".metadata", Conversation.self),
            (#"{"id":"conv_1","object":"conversation","deleted":true}"#, ".object", ConversationDeleted.self),
        ]
        for (json, path, type) in cases {
            do {
                _ = try WireJSON.decode(type, from: Data(json.utf8))
                Issue.record("decoded \(path) of \(type)")
            } catch {
                #expect(error.path == path, "\(error)")
            }
        }
    }
}

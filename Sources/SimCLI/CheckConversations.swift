import OpenAIClientCore
import OpenAIWire

extension CheckSuite {
    /// Conversations: create with an item, add items, page through them, a response that
    /// continues the conversation and joins it, delete an item and the conversation.
    func checkConversations() async throws {
        let a = "conversations"
        let conv = try await step(a, "create") {
            let c = try await client.conversations.create(CreateConversationRequest(items: [.user("My name is Ada.")],
                                                                                      metadata: ["check": "1"]))
            try expectPrefix(c.id, "conv_", "conversation")
            try expect(c.metadata?["check"] == "1", "metadata not echoed: \(String(describing: c.metadata))")
            return c
        }
        try await step(a, "update") {
            let c = try await client.conversations.update(conv.id, metadata: ["check": "2"])
            try expect(c.metadata?["check"] == "2" && c.createdAt == conv.createdAt, "update answered \(c)")
            let again = try await client.conversations.retrieve(conv.id)
            try expect(again.metadata?["check"] == "2", "retrieve after update: \(again)")
        }
        try await step(a, "items") {
            let added = try await client.conversations.items.create(conversationID: conv.id, [.user("First."), .user("Second.")])
            try expect(added.data.count == 2, "added \(added.data.count) items, expected 2")
            var pages: [String] = []
            var after: String?
            repeat {
                let page = try await client.conversations.items.list(conversationID: conv.id, limit: 2, after: after, order: "asc")
                pages += page.data.map(\.id)
                after = page.hasMore ? page.data.last?.id : nil
            } while after != nil
            try expect(pages.count == 3 && Array(pages.suffix(2)) == added.data.map(\.id), "items in order: \(pages)")
            let newest = try await client.conversations.items.list(conversationID: conv.id, limit: 1)
            try expect(newest.data.first?.id == added.data.last?.id, "default order is not newest first")
        }
        try await step(a, "response joins") {
            var request = CreateResponse(model: options.model, input: .text("What is my name?"), maxOutputTokens: 256)
            request.conversation = .id(conv.id)
            let r = try await client.responses.create(request)
            try expect(r.conversation?.id == conv.id, "response.conversation \(String(describing: r.conversation))")
            let items = try await client.conversations.items.list(conversationID: conv.id, limit: 2)
            let ids = items.data.map(\.id)
            try expect(ids.first == r.output.last?.id && items.data.first?.role == "assistant",
                       "the answer is not the conversation's newest item: \(ids)")
            try expect(items.data.last?.text == "What is my name?", "the question is not before the answer")
        }
        try await step(a, "delete item") {
            let first = try await client.conversations.items.list(conversationID: conv.id, limit: 1, order: "asc")
            guard let id = first.data.first?.id else { throw CheckFailure("no items") }
            let c = try await client.conversations.items.delete(conversationID: conv.id, itemID: id)
            try expect(c.id == conv.id, "item delete answered \(c)")
            try await expectStatus(404) { _ = try await client.conversations.items.retrieve(conversationID: conv.id, itemID: id) }
        }
        try await step(a, "delete") {
            let d = try await client.conversations.delete(conv.id)
            try expect(d.id == conv.id && d.deleted, "delete answered \(d)")
            try await expectStatus(404) { _ = try await client.conversations.retrieve(conv.id) }
        }
    }
}

import OpenAIWire

/// `/conversations`: conversations and their items. A response joins one with
/// `CreateResponse.conversation`.
public struct Conversations: Sendable {
    let client: OpenAIClient

    /// `/conversations/{conversation_id}/items`.
    public var items: ConversationItems { ConversationItems(client: client) }

    /// Creates a conversation, with up to 20 initial items.
    /// - Remark: POST /v1/conversations
    public func create(_ request: CreateConversationRequest = CreateConversationRequest()) async throws -> Conversation {
        try await client.json(.post("/conversations", json: request))
    }

    /// One conversation.
    /// - Remark: GET /v1/conversations/{conversation_id}
    public func retrieve(_ id: String) async throws -> Conversation { try await client.json(.get("/conversations/\(seg(id))")) }

    /// Replaces a conversation's metadata (the only field that changes).
    /// - Remark: POST /v1/conversations/{conversation_id}
    public func update(_ id: String, metadata: [String: String]) async throws -> Conversation {
        try await client.json(.post("/conversations/\(seg(id))", json: UpdateConversationRequest(metadata: metadata)))
    }

    /// Deletes a conversation.
    /// - Remark: DELETE /v1/conversations/{conversation_id}
    public func delete(_ id: String) async throws -> ConversationDeleted { try await client.json(.delete("/conversations/\(seg(id))")) }
}

/// `/conversations/{conversation_id}/items`. `include` takes the values of `CreateResponse`'s
/// (`message.output_text.logprobs`, `reasoning.encrypted_content`, …), sent as `include[]`.
public struct ConversationItems: Sendable {
    let client: OpenAIClient

    static func path(_ conversationID: String, _ rest: String = "") -> String { "/conversations/\(seg(conversationID))/items" + rest }

    /// Adds up to 20 items after the conversation's others; answers them as stored (with their ids).
    /// - Remark: POST /v1/conversations/{conversation_id}/items
    public func create(conversationID: String, _ items: [InputItem], include: [String] = []) async throws -> ConversationItemList {
        var e = try Endpoint.post(Self.path(conversationID), json: CreateConversationItemsRequest(items: items))
        e.query = include.map { ("include[]", $0) }
        return try await client.json(e)
    }

    /// One page of a conversation's items (`order`: asc or desc, the default: newest first).
    /// - Remark: GET /v1/conversations/{conversation_id}/items
    public func list(conversationID: String, limit: Int? = nil, after: String? = nil, order: String? = nil,
                     include: [String] = []) async throws -> ConversationItemList {
        let query: [(String, String?)] = [("limit", limit.map(String.init)), ("after", after), ("order", order)]
        return try await client.json(.get(Self.path(conversationID), query: query + include.map { ("include[]", $0) }))
    }

    /// Every item of a conversation, page after page.
    /// - Remark: GET /v1/conversations/{conversation_id}/items
    public func listAll(conversationID: String, limit: Int? = nil, order: String? = nil,
                        include: [String] = []) -> CursorPageSequence<ConversationItem> {
        CursorPageSequence(after: nil, id: \.id) { after in
            try await list(conversationID: conversationID, limit: limit, after: after, order: order, include: include)
        }
    }

    /// One item.
    /// - Remark: GET /v1/conversations/{conversation_id}/items/{item_id}
    public func retrieve(conversationID: String, itemID: String, include: [String] = []) async throws -> ConversationItem {
        try await client.json(.get(Self.path(conversationID, "/\(seg(itemID))"), query: include.map { ("include[]", $0) }))
    }

    /// Deletes an item; answers the conversation.
    /// - Remark: DELETE /v1/conversations/{conversation_id}/items/{item_id}
    public func delete(conversationID: String, itemID: String) async throws -> Conversation {
        try await client.json(.delete(Self.path(conversationID, "/\(seg(itemID))")))
    }
}

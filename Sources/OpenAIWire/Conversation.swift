/// A conversation of the Conversations API (`ConversationResource`): its items are listed apart,
/// through `/conversations/{conversation_id}/items`.
public struct Conversation: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let createdAt: Int
    public let metadata: [String: String]?

    enum CodingKeys: String, CodingKey { case id, object, metadata, createdAt = "created_at" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("conversation", forKey: .object)
        createdAt = try c.decode(Int.self, forKey: .createdAt)
        metadata = try c.decodeNullable([String: String].self, forKey: .metadata)
    }
}

/// `DELETE /v1/conversations/{conversation_id}` (`DeletedConversationResource`).
public struct ConversationDeleted: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let deleted: Bool

    enum CodingKeys: String, CodingKey { case id, object, deleted }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("conversation.deleted", forKey: .object)
        deleted = try c.decode(Bool.self, forKey: .deleted)
    }
}

/// `POST /v1/conversations` (`CreateConversationBody`): up to 20 initial items, and metadata.
public struct CreateConversationRequest: Encodable, Sendable {
    public var items: [InputItem]?
    public var metadata: [String: String]?

    public init(items: [InputItem]? = nil, metadata: [String: String]? = nil) {
        self.items = items
        self.metadata = metadata
    }
}

/// `POST /v1/conversations/{conversation_id}` (`UpdateConversationBody`): the metadata replaces the old.
public struct UpdateConversationRequest: Encodable, Sendable {
    public var metadata: [String: String]

    public init(metadata: [String: String]) { self.metadata = metadata }
}

/// `POST /v1/conversations/{conversation_id}/items`: up to 20 items to add, in order.
public struct CreateConversationItemsRequest: Encodable, Sendable {
    public var items: [InputItem]

    public init(items: [InputItem]) { self.items = items }
}

/// One item of a conversation (`ConversationItem`): the same union as `Response.output`'s items
/// (`ResponseOutputItem`) plus what an input holds (user, system and developer messages, tool
/// outputs). The fields shared with `ResponseOutputItem` are typed as there, content parts as
/// `ResponseOutputContent` (an `input_text` part has its `text` too); `output` is a tool output
/// (a string or content parts) and `json` is the whole item as received, for the fields of item
/// types not typed here (an image part's `image_url`, a reasoning item's `summary`, …).
///
/// `id` is required: every item of a conversation has one (items are addressed and paginated by
/// it), although the spec's custom tool call shapes leave it optional.
public struct ConversationItem: Codable, Sendable, Hashable {
    public let type: String
    public let id: String
    public let status: String?
    public let role: String?
    public let content: [ResponseOutputContent]?
    public let name: String?
    public let arguments: String?
    public let callID: String?
    /// A custom tool call's free-form input.
    public let input: String?
    /// A tool call output's `output`: a string, or a list of content parts.
    public let output: JSONValue?
    /// A web search call's action.
    public let action: JSONValue?
    /// The whole item, as received (and as it encodes).
    public let json: JSONValue

    enum CodingKeys: String, CodingKey { case type, id, status, role, content, name, arguments, input, output, action, callID = "call_id" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        id = try c.decode(String.self, forKey: .id)
        role = try c.decodeIfPresent(String.self, forKey: .role)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        arguments = try c.decodeIfPresent(String.self, forKey: .arguments)
        callID = try c.decodeIfPresent(String.self, forKey: .callID)
        input = try c.decodeIfPresent(String.self, forKey: .input)
        output = try c.decodeIfPresent(JSONValue.self, forKey: .output)
        action = try c.decodeIfPresent(JSONValue.self, forKey: .action)
        if type == "message" {  // Message: id, status, role, content are required
            status = try c.decode(String.self, forKey: .status)
            _ = try c.decode(String.self, forKey: .role)
            content = try c.decode([ResponseOutputContent].self, forKey: .content)
        } else {
            status = try c.decodeIfPresent(String.self, forKey: .status)
            content = try c.decodeIfPresent([ResponseOutputContent].self, forKey: .content)
        }
        json = try JSONValue(from: decoder)
    }

    public func encode(to encoder: Encoder) throws { try json.encode(to: encoder) }

    /// The concatenated text of the content parts (`input_text`, `output_text`, `text`, …).
    public var text: String { (content ?? []).compactMap(\.text).joined() }
}

/// `ConversationItemList`: a page of items (cursor: an item id).
public typealias ConversationItemList = CursorPage<ConversationItem>

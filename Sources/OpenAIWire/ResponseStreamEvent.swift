/// One server-sent event of a streamed response (`ResponseStreamEvent` in the spec).
public enum ResponseStreamEvent: Decodable, Sendable, Hashable {
    /// response.created / queued / in_progress / completed / failed / incomplete: a whole `Response`.
    case response(type: String, sequenceNumber: Int, response: Response)
    /// response.output_item.added / done.
    case outputItem(type: String, sequenceNumber: Int, outputIndex: Int, item: ResponseOutputItem)
    /// response.content_part.added / done.
    case contentPart(type: String, sequenceNumber: Int, itemID: String, outputIndex: Int, contentIndex: Int, part: ResponseOutputContent)
    /// response.output_text.delta.
    case outputTextDelta(sequenceNumber: Int, itemID: String, outputIndex: Int, contentIndex: Int, delta: String)
    /// response.output_text.done.
    case outputTextDone(sequenceNumber: Int, itemID: String, outputIndex: Int, contentIndex: Int, text: String)
    /// `error`: the stream failed.
    case error(sequenceNumber: Int, code: String?, message: String, param: String?)
    /// Any other event type, kept raw.
    case other(type: String, sequenceNumber: Int, raw: JSONValue)

    enum CodingKeys: String, CodingKey {
        case type, response, item, part, delta, text, code, message, param
        case sequenceNumber = "sequence_number", outputIndex = "output_index", contentIndex = "content_index", itemID = "item_id"
        case logprobs
    }

    /// Event types that carry a whole `Response`.
    public static let responseEventTypes: Set<String> = [
        "response.created", "response.queued", "response.in_progress", "response.completed",
        "response.failed", "response.incomplete",
    ]

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        let seq = try c.decode(Int.self, forKey: .sequenceNumber)
        switch type {
        case _ where Self.responseEventTypes.contains(type):
            self = .response(type: type, sequenceNumber: seq, response: try c.decode(Response.self, forKey: .response))
        case "response.output_item.added", "response.output_item.done":
            self = .outputItem(type: type, sequenceNumber: seq, outputIndex: try c.decode(Int.self, forKey: .outputIndex),
                               item: try c.decode(ResponseOutputItem.self, forKey: .item))
        case "response.content_part.added", "response.content_part.done":
            self = .contentPart(type: type, sequenceNumber: seq, itemID: try c.decode(String.self, forKey: .itemID),
                                outputIndex: try c.decode(Int.self, forKey: .outputIndex),
                                contentIndex: try c.decode(Int.self, forKey: .contentIndex),
                                part: try c.decode(ResponseOutputContent.self, forKey: .part))
        case "response.output_text.delta":
            _ = try c.decode([JSONValue].self, forKey: .logprobs)
            self = .outputTextDelta(sequenceNumber: seq, itemID: try c.decode(String.self, forKey: .itemID),
                                    outputIndex: try c.decode(Int.self, forKey: .outputIndex),
                                    contentIndex: try c.decode(Int.self, forKey: .contentIndex),
                                    delta: try c.decode(String.self, forKey: .delta))
        case "response.output_text.done":
            _ = try c.decode([JSONValue].self, forKey: .logprobs)
            self = .outputTextDone(sequenceNumber: seq, itemID: try c.decode(String.self, forKey: .itemID),
                                   outputIndex: try c.decode(Int.self, forKey: .outputIndex),
                                   contentIndex: try c.decode(Int.self, forKey: .contentIndex),
                                   text: try c.decode(String.self, forKey: .text))
        case "error":
            self = .error(sequenceNumber: seq, code: try c.decodeNullable(String.self, forKey: .code),
                          message: try c.decode(String.self, forKey: .message),
                          param: try c.decodeNullable(String.self, forKey: .param))
        default:
            self = .other(type: type, sequenceNumber: seq, raw: try JSONValue(from: decoder))
        }
    }

    /// The event's `type`.
    public var type: String {
        switch self {
        case let .response(t, _, _), let .outputItem(t, _, _, _), let .contentPart(t, _, _, _, _, _), let .other(t, _, _): t
        case .outputTextDelta: "response.output_text.delta"
        case .outputTextDone: "response.output_text.done"
        case .error: "error"
        }
    }

    /// The event's `sequence_number`.
    public var sequenceNumber: Int {
        switch self {
        case let .response(_, s, _), let .outputItem(_, s, _, _), let .contentPart(_, s, _, _, _, _),
             let .outputTextDelta(s, _, _, _, _), let .outputTextDone(s, _, _, _, _), let .error(s, _, _, _),
             let .other(_, s, _): s
        }
    }
}

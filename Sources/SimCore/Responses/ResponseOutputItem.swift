import SimSupport

/// One item of a Response's `output`. The assistant message (what almost every response
/// carries) is kept as its parts and written straight to bytes; reasoning items and function
/// calls are kept as trees. `json` and `write` always agree (`write` writes what
/// `JSONWriter.write(json)` would).
enum ResponseOutputItem {
    /// `{"id","type":"message","status","content":[{"type":"output_text","annotations","logprobs","text"}],"role":"assistant"}`
    /// (annotations: a web search's `url_citation`s).
    case message(id: String, status: String, text: String, logprobs: [JSON], annotations: [JSON] = [])
    case tree(JSON)

    var json: JSON {
        switch self {
        case let .message(id, status, text, logprobs, annotations):
            return .object([
                ("id", .string(id)), ("type", "message"), ("status", .string(status)),
                ("content", .array([.object([("type", "output_text"), ("annotations", .array(annotations)), ("logprobs", .array(logprobs)),
                                             ("text", .string(text))])])),
                ("role", "assistant"),
            ])
        case let .tree(json):
            return json
        }
    }

    func write(_ w: inout JSONWriter) {
        switch self {
        case let .message(id, status, text, logprobs, annotations):
            w.raw(#"{"id":"#); w.writeString(id)
            w.raw(#","type":"message","status":"#); w.writeString(status)
            w.raw(#","content":[{"type":"output_text","annotations":"#)
            if annotations.isEmpty { w.raw("[]") } else { w.write(.array(annotations)) }
            w.raw(#","logprobs":"#)
            if logprobs.isEmpty { w.raw("[]") } else { w.write(.array(logprobs)) }
            w.raw(#","text":"#); w.writeString(text)
            w.raw(#"}],"role":"assistant"}"#)
        case let .tree(json):
            w.write(json)
        }
    }

    /// `JSONWriter.write(.array(items.map(\.json)))`, without the trees.
    static func write(_ items: [ResponseOutputItem], _ w: inout JSONWriter) {
        w.bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { w.bytes.append(UInt8(ascii: ",")) }
            item.write(&w)
        }
        w.bytes.append(UInt8(ascii: "]"))
    }
}

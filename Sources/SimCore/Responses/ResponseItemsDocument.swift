import SimSupport

/// The stored input-items document of a response, `{"history":[…],"items":[…]}`: the
/// conversation before the request, then the request's own items. A response in a conversation
/// (`conversation`) stores no copy of the conversation's items: `"history":[]` and, after the
/// items, `"conversation":{"id":…,"through":…,"count":…}` (the conversation, the id of its last
/// item when the response was created, null when it had none, and how many it had), from which
/// `ResponseService.previousConversation` reads them back. A response that continues another
/// (`previous_response_id`) stores the whole history and `"chain":{"depth":…}` (how many links
/// the chain has through it); the response it continues, if it too stored its history, is then
/// rewritten to `"history":[]` and `"chain":{"next":…,"count":…,"depth":…}`: its history is the
/// first `count` items of the newer response's (`ResponseService.previousConversation` follows
/// `next` to the one that holds it). So a chain holds one copy of its history, at its newest
/// turn, and every link points to a newer record, which `--max-stored` forgets after it.
/// (`"chain":{"previous":…,"depth":…}`, a link to the older turn, was written by earlier
/// versions and is still read.) The document is written on every
/// stored create and read rarely, so it is written without its outer tree, and message items
/// in the shapes `ResponseInput` and `ResponseOutputItem` make (the common case) are written
/// with their keys as literal runs. Any other shape is written by `JSONWriter.write`: the bytes
/// are always what `JSONWriter.encode` gives for the document's tree.
enum ResponseItemsDocument {
    static func encode(history: [JSON], items: [JSON]) -> [UInt8] {
        var w = JSONWriter(capacity: capacity(history: history, items: items))
        write(history: history, items: items, to: &w)
        return w.bytes
    }

    /// A response's place in a `previous_response_id` chain.
    struct ChainLink {
        /// The older response it continues, when its history is stored there (earlier versions).
        var previous: String?
        /// The newer response that holds its history, and how many of that history's items are
        /// this response's.
        var next: String?
        var count: Int?
        /// Links through this response (1 for the first response that continues another).
        var depth: Int

        var json: JSON {
            var pairs: [(String, JSON)] = []
            if let previous { pairs.append(("previous", .string(previous))) }
            if let next { pairs.append(("next", .string(next))) }
            if let count { pairs.append(("count", .int(Int64(count)))) }
            pairs.append(("depth", .int(Int64(depth))))
            return .object(pairs)
        }

        init(previous: String? = nil, next: String? = nil, count: Int? = nil, depth: Int) {
            self.previous = previous
            self.next = next
            self.count = count
            self.depth = depth
        }

        init?(_ json: JSON?) {
            guard let json, let depth = json["depth"]?.intValue else { return nil }
            previous = json["previous"]?.stringValue
            next = json["next"]?.stringValue
            count = json["count"]?.intValue.map(Int.init)
            self.depth = Int(depth)
        }
    }

    /// Where a response's history lives when it is a conversation's items.
    struct ConversationRef {
        var id: String
        /// The conversation's last item when the response was created (nil: it had none).
        var through: String?
        var count: Int

        var json: JSON { .object([("id", .string(id)), ("through", through.map(JSON.string) ?? .null), ("count", .int(Int64(count)))]) }

        init(id: String, history: [JSON]) {
            self.id = id
            through = history.last?["id"]?.stringValue
            count = history.count
        }

        init?(_ json: JSON?) {
            guard let json, let id = json["id"]?.stringValue, let count = json["count"]?.intValue else { return nil }
            self.id = id
            through = json["through"]?.stringValue
            self.count = Int(count)
        }

        /// The history out of the conversation's current items: through the remembered last
        /// item; when that item has since been deleted, the items before the response's own
        /// first item (`ownFirst`, which joined the conversation right after them), else the
        /// first `count`.
        func history(in items: [JSON], ownFirst: String?) -> [JSON] {
            guard let through else { return [] }
            if let i = items.firstIndex(where: { $0["id"]?.stringValue == through }) { return Array(items[...i]) }
            if let ownFirst, let k = items.firstIndex(where: { $0["id"]?.stringValue == ownFirst }) { return Array(items[..<k]) }
            return Array(items.prefix(count))
        }
    }

    /// Bytes the document will about take (a writer sized with it rarely grows).
    static func capacity(history: [JSON], items: [JSON]) -> Int { 25 + estimate(history) + estimate(items) }

    /// Appends the document to `w` (a stored response writes it after the response's own bytes).
    static func write(history: [JSON], items: [JSON], conversation: ConversationRef? = nil, chain: ChainLink? = nil,
                      to w: inout JSONWriter) {
        // A conversation's first turn (the common case) has no history.
        if history.isEmpty {
            w.raw(#"{"history":[],"items":"#)
        } else {
            w.raw(#"{"history":"#)
            writeItems(history, &w)
            w.raw(#","items":"#)
        }
        writeItems(items, &w)
        if let conversation {
            w.raw(#","conversation":"#)
            w.write(conversation.json)
        }
        if let chain {
            w.raw(#","chain":"#)
            w.write(chain.json)
        }
        w.bytes.append(UInt8(ascii: "}"))
    }

    static func writeItems(_ items: [JSON], _ w: inout JSONWriter) {
        w.bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { w.bytes.append(UInt8(ascii: ",")) }
            writeItem(item, &w)
        }
        w.bytes.append(UInt8(ascii: "]"))
    }

    /// `w.write(item)`; an input message (`id`, `type`, `role`, `content`, `status`) with its
    /// keys written as literals.
    static func writeItem(_ item: JSON, _ w: inout JSONWriter) {
        guard case let .object(p) = item, p.count == 5, p[0].0 == "id", p[1].0 == "type", p[2].0 == "role", p[3].0 == "content",
              p[4].0 == "status", case let .string(id) = p[0].1, case let .string(type) = p[1].1, type == "message",
              case let .string(role) = p[2].1, case let .array(parts) = p[3].1, case let .string(status) = p[4].1 else {
            w.write(item)
            return
        }
        w.raw(#"{"id":"#); w.writeString(id)
        // The usual role and status are written as part of the literals around them.
        if role == "user" {
            w.raw(#","type":"message","role":"user","content":["#)
        } else {
            w.raw(#","type":"message","role":"#); w.writeString(role)
            w.raw(#","content":["#)
        }
        for (i, part) in parts.enumerated() {
            if i > 0 { w.bytes.append(UInt8(ascii: ",")) }
            writePart(part, &w)
        }
        if status == "completed" {
            w.raw(#"],"status":"completed"}"#)
        } else {
            w.raw(#"],"status":"#); w.writeString(status)
            w.bytes.append(UInt8(ascii: "}"))
        }
    }

    /// `w.write(part)`; `{"type":"input_text","text":…}` with its keys written as literals.
    static func writePart(_ part: JSON, _ w: inout JSONWriter) {
        guard case let .object(p) = part, p.count == 2, p[0].0 == "type", p[1].0 == "text", case let .string(type) = p[0].1,
              type == "input_text", case let .string(text) = p[1].1 else {
            w.write(part)
            return
        }
        w.raw(#"{"type":"input_text","text":"#); w.writeString(text)
        w.bytes.append(UInt8(ascii: "}"))
    }

    /// About the encoded size of `items` (message items: their fixed part with a 52-byte id, and
    /// their texts unescaped; other items a guess), so that the buffer is allocated once and,
    /// for plain text, leaves the store less than its 64 spare bytes to trim (no copy).
    private static func estimate(_ items: [JSON]) -> Int {
        var n = 0
        for item in items {
            guard case let .object(p) = item, p.count == 5, case let .array(parts) = p[3].1 else { n += 256; continue }
            n += 140
            for part in parts {
                if case let .object(q) = part, q.count == 2, case let .string(text) = q[1].1 { n += 32 + text.utf8.count } else { n += 128 }
            }
        }
        return n
    }
}

import SimSupport

/// The server-sent events of a streamed response, built from the finished Response so the
/// stream and the stored object always agree: `response.created`, (`response.queued`),
/// `response.in_progress`, per output item its added/delta/done events, then
/// `response.completed` / `response.incomplete` / `response.failed`. `sequence_number` counts
/// from 0.
public enum ResponseEvents {
    /// One event: its SSE name (the `type`) and payload.
    public struct Event: Sendable {
        public let type: String
        public let data: JSON
    }

    /// Every event for `response`; `background` adds the queued phase.
    public static func build(_ response: JSON, background: Bool) -> [Event] {
        var b = Builder()
        let start = ResponseObject.pending(response, status: background ? "queued" : "in_progress")
        b.add("response.created", [("response", start)])
        if background { b.add("response.queued", [("response", start)]) }
        b.add("response.in_progress", [("response", ResponseObject.pending(response, status: "in_progress"))])
        for (i, item) in (response["output"]?.arrayValue ?? []).enumerated() {
            switch item["type"]?.stringValue ?? "" {
            case "message": b.message(item, index: i)
            case "function_call": b.functionCall(item, index: i)
            case "reasoning": b.reasoning(item, index: i)
            case "web_search_call": b.webSearchCall(item, index: i)
            case "custom_tool_call": b.customToolCall(item, index: i)
            default:
                b.add("response.output_item.added", [("output_index", .int(Int64(i))), ("item", item)])
                b.add("response.output_item.done", [("output_index", .int(Int64(i))), ("item", item)])
            }
        }
        switch response["status"]?.stringValue {
        case "incomplete"?: b.add("response.incomplete", [("response", response)])
        case "failed"?: b.add("response.failed", [("response", response)])
        default: b.add("response.completed", [("response", response)])
        }
        return b.events
    }

    /// Response error codes a `response.failed` may carry (`ResponseErrorCode`).
    static let errorCodes: Set<String> = ["server_error", "rate_limit_exceeded", "invalid_prompt", "invalid_image"]

    /// A stream that breaks after `keep` events: those events, an `error` event and
    /// `response.failed` (the error's `code`/`message` come from `error`, a scenario's payload).
    public static func failing(_ events: [Event], keep: Int, error: JSON, response: JSON)
        -> (events: [Event], code: String, message: String) {
        let head = Array(events.prefix(max(0, keep)))
        let e = ErrorPayload(error)
        let code = e.given.flatMap { errorCodes.contains($0) ? $0 : nil } ?? "server_error"
        var b = Builder()
        b.seq = Int64(head.count)
        b.add("error", e.fields)
        b.add("response.failed", [("response", ResponseObject.failed(response, code: code, message: e.message))])
        return (head + b.events, code, e.message)
    }

    /// A scenario's `error_event` as the Responses stream's `error` event with `sequence`, for
    /// streams that only break (a background run goes on; nothing is marked failed).
    public static func errorEvent(_ error: JSON, sequence: Int64) -> JSON {
        var b = Builder()
        b.seq = sequence
        b.add("error", ErrorPayload(error).fields)
        return b.events[0].data
    }

    /// A scenario's error payload (its fields flat or under `error`) as the `error` event's fields.
    private struct ErrorPayload {
        let given: String?
        let message: String
        let fields: [(String, JSON)]
        init(_ error: JSON) {
            given = error["code"]?.stringValue ?? error["error"]?["code"]?.stringValue
            message = error["message"]?.stringValue ?? error["error"]?["message"]?.stringValue
                ?? "The server had an error while processing your request. Sorry about that!"
            fields = [("code", .string(given ?? "server_error")), ("message", .string(message)), ("param", error["param"] ?? .null)]
        }
    }

    /// The events after `startingAfter` (the `starting_after` query of a stream resume).
    public static func after(_ events: [Event], _ startingAfter: Int64?) -> [Event] {
        guard let s = startingAfter else { return events }
        return events.filter { ($0.data["sequence_number"]?.intValue ?? 0) > s }
    }

    /// Text split into deltas of one estimated token each.
    static func deltas(_ text: String) -> [String] {
        let pieces = TokenEstimator.pieces(text)
        return pieces.isEmpty ? [] : pieces
    }

    struct Builder {
        var events: [Event] = []
        var seq: Int64 = 0

        mutating func add(_ type: String, _ fields: [(String, JSON)]) {
            events.append(Event(type: type, data: .object([("type", .string(type))] + fields + [("sequence_number", .int(seq))])))
            seq += 1
        }

        mutating func message(_ item: JSON, index i: Int) {
            let id = JSON(item["id"]?.stringValue)
            let oi = JSON.int(Int64(i))
            b_added(item.setting("status", "in_progress").setting("content", .array([])), index: i)
            for (ci, part) in (item["content"]?.arrayValue ?? []).enumerated() {
                let ciJ = JSON.int(Int64(ci))
                if part["type"]?.stringValue == "output_text" {
                    let text = part["text"]?.stringValue ?? ""
                    let logprobs = part["logprobs"]?.arrayValue ?? []
                    let annotations = part["annotations"]?.arrayValue ?? []
                    let empty = part.setting("text", "").setting("logprobs", .array([])).setting("annotations", .array([]))
                    add("response.content_part.added", [("item_id", id), ("output_index", oi), ("content_index", ciJ), ("part", empty)])
                    let pieces = ResponseEvents.deltas(text)
                    // Logprobs come one per estimated token, so each delta carries its own.
                    let perDelta = logprobs.count == pieces.count
                    for (k, d) in pieces.enumerated() {
                        add("response.output_text.delta", [("item_id", id), ("output_index", oi), ("content_index", ciJ),
                                                           ("delta", .string(d)), ("logprobs", .array(perDelta ? [logprobs[k]] : []))])
                    }
                    for (ai, a) in annotations.enumerated() {
                        add("response.output_text.annotation.added", [("item_id", id), ("output_index", oi), ("content_index", ciJ),
                                                                     ("annotation_index", .int(Int64(ai))), ("annotation", a)])
                    }
                    add("response.output_text.done", [("item_id", id), ("output_index", oi), ("content_index", ciJ),
                                                      ("text", .string(text)), ("logprobs", .array(logprobs))])
                } else {
                    add("response.content_part.added", [("item_id", id), ("output_index", oi), ("content_index", ciJ), ("part", part)])
                }
                add("response.content_part.done", [("item_id", id), ("output_index", oi), ("content_index", ciJ), ("part", part)])
            }
            add("response.output_item.done", [("output_index", oi), ("item", item)])
        }

        mutating func functionCall(_ item: JSON, index i: Int) {
            toolCall(item, index: i, field: "arguments", events: "response.function_call_arguments", doneName: true)
        }

        mutating func customToolCall(_ item: JSON, index i: Int) {
            toolCall(item, index: i, field: "input", events: "response.custom_tool_call_input", doneName: false)
        }

        /// A call item streamed as its `field` (a function's arguments, a custom tool's input):
        /// added with it empty, `events.delta` pieces, `events.done` (with the name for functions), done.
        private mutating func toolCall(_ item: JSON, index i: Int, field: String, events: String, doneName: Bool) {
            let id = JSON(item["id"]?.stringValue)
            let oi = JSON.int(Int64(i))
            let value = item[field]?.stringValue ?? ""
            b_added(item.setting("status", "in_progress").setting(field, ""), index: i)
            for d in ResponseEvents.deltas(value) {
                add("\(events).delta", [("item_id", id), ("output_index", oi), ("delta", .string(d))])
            }
            add("\(events).done", [("item_id", id)] + (doneName ? [("name", item["name"] ?? "")] : []) + [("output_index", oi),
                                                                                                       (field, .string(value))])
            add("response.output_item.done", [("output_index", oi), ("item", item)])
        }

        /// added (in progress, the action's type only), in_progress, searching, completed, done.
        mutating func webSearchCall(_ item: JSON, index i: Int) {
            let id = JSON(item["id"]?.stringValue)
            let oi = JSON.int(Int64(i))
            b_added(item.setting("status", "in_progress").setting("action", .object([("type", item["action"]?["type"] ?? "search")])), index: i)
            for phase in ["in_progress", "searching", "completed"] {
                add("response.web_search_call.\(phase)", [("output_index", oi), ("item_id", id)])
            }
            add("response.output_item.done", [("output_index", oi), ("item", item)])
        }

        mutating func reasoning(_ item: JSON, index i: Int) {
            let id = JSON(item["id"]?.stringValue)
            let oi = JSON.int(Int64(i))
            b_added(item.setting("summary", .array([])), index: i)
            for (si, part) in (item["summary"]?.arrayValue ?? []).enumerated() {
                let siJ = JSON.int(Int64(si))
                let text = part["text"]?.stringValue ?? ""
                add("response.reasoning_summary_part.added", [("item_id", id), ("output_index", oi), ("summary_index", siJ),
                                                              ("part", .object([("type", "summary_text"), ("text", "")]))])
                for d in ResponseEvents.deltas(text) {
                    add("response.reasoning_summary_text.delta", [("item_id", id), ("output_index", oi), ("summary_index", siJ),
                                                                  ("delta", .string(d))])
                }
                add("response.reasoning_summary_text.done", [("item_id", id), ("output_index", oi), ("summary_index", siJ),
                                                             ("text", .string(text))])
                add("response.reasoning_summary_part.done", [("item_id", id), ("output_index", oi), ("summary_index", siJ),
                                                             ("part", .object([("type", "summary_text"), ("text", .string(text))]))])
            }
            add("response.output_item.done", [("output_index", oi), ("item", item)])
        }

        private mutating func b_added(_ item: JSON, index i: Int) {
            add("response.output_item.added", [("output_index", .int(Int64(i))), ("item", item)])
        }
    }
}

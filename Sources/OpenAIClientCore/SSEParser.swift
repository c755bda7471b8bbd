import FoundationEssentials

/// One server-sent event.
public struct ServerSentEvent: Sendable, Hashable {
    public var event: String?
    public var data: String
    public var id: String?
    public var retry: Int?
}

/// An incremental `text/event-stream` decoder (WHATWG rules): lines may end in LF, CR or CRLF,
/// chunks may split anywhere (even inside CRLF or a UTF-8 sequence), `:` lines are comments,
/// several `data:` lines join with LF, and an event is dispatched at a blank line.
public struct SSEParser: Sendable {
    private var buffer: [UInt8] = []
    private var lastWasCR = false
    private var event: String?
    private var data: [String] = []
    private var id: String?
    private var retry: Int?
    private var sawField = false

    public init() {}

    /// Feeds a chunk; returns the events it completes.
    public mutating func feed(_ chunk: Data) -> [ServerSentEvent] {
        var out: [ServerSentEvent] = []
        for byte in chunk {
            if lastWasCR {
                lastWasCR = false
                if byte == 0x0A { continue }  // the LF of a CRLF split after its CR
            }
            switch byte {
            case 0x0D:
                lastWasCR = true
                if let e = line() { out.append(e) }
            case 0x0A:
                if let e = line() { out.append(e) }
            default:
                buffer.append(byte)
            }
        }
        return out
    }

    /// Ends the stream: a last line without its newline still counts; an unterminated event is dropped
    /// (as in the spec), except that `finish` dispatches it when it has data, like the SDKs do.
    public mutating func finish() -> [ServerSentEvent] {
        var out: [ServerSentEvent] = []
        if !buffer.isEmpty, let e = line() { out.append(e) }
        if let e = dispatch() { out.append(e) }
        return out
    }

    private mutating func line() -> ServerSentEvent? {
        let raw = buffer
        buffer.removeAll(keepingCapacity: true)
        if raw.isEmpty { return dispatch() }
        if raw.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: raw, as: UTF8.self)
        let name: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            name = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            name = Substring(text)
            value = ""
        }
        switch name {
        case "event": event = String(value); sawField = true
        case "data": data.append(String(value)); sawField = true
        case "id": if !value.contains("\0") { id = String(value); sawField = true }
        case "retry": if let n = Int(value) { retry = n; sawField = true }
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            event = nil
            data = []
            retry = nil
            sawField = false
        }
        guard sawField else { return nil }
        return ServerSentEvent(event: event, data: data.joined(separator: "\n"), id: id, retry: retry)
    }
}

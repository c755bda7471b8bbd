import SimHTTP
import SimSupport

/// A recording: the exchanges of one session, in the order the requests arrived.
/// Stored as versioned JSON (`recordings/NAME.json`); see docs/RECORDINGS.md.
public struct Cassette: Sendable {
    public static let currentVersion = 1
    public var version = Cassette.currentVersion
    public var name: String
    /// `proxy` (recorded against an upstream) or `journal` (the simulator's own traffic).
    public var source: String
    public var upstream: String?
    /// Dotted body paths left out of match keys (volatile fields such as `metadata.trace_id`).
    public var ignoreFields: [String]
    public var interactions: [Interaction]

    public init(name: String, source: String, upstream: String? = nil, ignoreFields: [String] = [], interactions: [Interaction] = []) {
        self.name = name
        self.source = source
        self.upstream = upstream
        self.ignoreFields = ignoreFields
        self.interactions = interactions
    }
}

/// One request and what came back.
public struct Interaction: Sendable {
    /// 1-based arrival order.
    public var seq: Int
    /// Milliseconds from the start of the recording to the request's arrival.
    public var startedMs: Double
    public var request: RecordedRequest
    public var response: RecordedResponse

    public init(seq: Int, startedMs: Double, request: RecordedRequest, response: RecordedResponse) {
        self.seq = seq
        self.startedMs = startedMs
        self.request = request
        self.response = response
    }
}

/// The recorded request: enough to match a later request against it.
public struct RecordedRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    /// Allow-listed headers only (never credentials).
    public var headers: [(String, String)]
    public var body: RequestShape

    public init(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = [], body: RequestShape = .none) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    public var line: String {
        let q = query.isEmpty ? "" : "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        return "\(method) \(path)\(q)"
    }
}

/// A request body as matching sees it.
public enum RequestShape: Sendable, Equatable {
    case none
    case json(JSON)
    /// A text body that is not JSON (kept inline).
    case text(String)
    /// Any other body, by content hash (stored in `NAME.bodies/`).
    case binary(sha256: String, size: Int)
    case multipart([PartDigest])
}

/// One multipart field: text fields inline, files by content hash.
public struct PartDigest: Sendable, Equatable {
    public var name: String
    public var filename: String?
    public var contentType: String?
    /// The value of a text field (no filename).
    public var value: String?
    public var sha256: String?
    public var size: Int

    public init(name: String, filename: String? = nil, contentType: String? = nil, value: String? = nil, sha256: String? = nil, size: Int = 0) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.value = value
        self.sha256 = sha256
        self.size = size
    }
}

/// The recorded answer, including the ways it went wrong.
public struct RecordedResponse: Sendable {
    /// 0 when no HTTP response arrived (`fault` says what happened).
    public var status: Int
    public var headers: [(String, String)]
    /// Milliseconds from the request to the response headers (or the failure).
    public var elapsedMs: Double
    public var body: ResponseContent
    public var fault: TransportFault?
    /// What the transport reported, for a fault (`connection reset by peer`, …).
    public var error: String?

    public init(status: Int, headers: [(String, String)] = [], elapsedMs: Double = 0, body: ResponseContent = .none,
                fault: TransportFault? = nil, error: String? = nil) {
        self.status = status
        self.headers = headers
        self.elapsedMs = elapsedMs
        self.body = body
        self.fault = fault
        self.error = error
    }

    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.first { $0.0.lowercased() == n }?.1
    }
}

/// A response body as recorded.
public enum ResponseContent: Sendable {
    case none
    case json(JSON)
    case text(String)
    /// A binary download, by content hash (stored in `NAME.bodies/`).
    case file(sha256: String, size: Int)
    /// Server-sent events with their offsets; `cut` when the stream stopped without ending.
    case stream(events: [StreamEvent], cut: Bool)
}

/// One server-sent event and when it arrived.
public struct StreamEvent: Sendable, Equatable {
    /// Milliseconds from the request to the event's arrival.
    public var atMs: Double
    public var event: String?
    /// The `data:` payload when it is JSON.
    public var data: JSON?
    /// The `data:` payload when it is not JSON (`[DONE]`).
    public var text: String?
    /// Anything that is not a plain `event:`/`data:` pair, verbatim.
    public var raw: String?

    public init(atMs: Double, event: String? = nil, data: JSON? = nil, text: String? = nil, raw: String? = nil) {
        self.atMs = atMs
        self.event = event
        self.data = data
        self.text = text
        self.raw = raw
    }

    /// The event as it goes on the wire (`event: x\ndata: {…}\n\n`).
    public var wire: [UInt8] {
        if let raw { return Array(raw.utf8) }
        var out: [UInt8] = []
        if let event { out += Array("event: \(event)\n".utf8) }
        out += Array("data: ".utf8)
        if let data { out += data.encoded } else { out += Array((text ?? "").utf8) }
        out += [10, 10]
        return out
    }

    /// Parses one complete event block (without the blank line that ends it).
    public static func parse(_ block: [UInt8], atMs: Double) -> StreamEvent {
        let text = String(decoding: block, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        var name: String?
        var data: String?
        var plain = true
        for l in lines {
            if l.hasPrefix("event:"), name == nil {
                name = String(l.dropFirst(6)).trimmingLeadingSpace
            } else if l.hasPrefix("data:"), data == nil {
                data = String(l.dropFirst(5)).trimmingLeadingSpace
            } else {
                plain = false
            }
        }
        guard plain, let data else { return StreamEvent(atMs: atMs, raw: text + "\n\n") }
        let parsed = try? JSONParser.parse(data)
        // Keep JSON only when re-encoding gives the same bytes back (so replay is byte-exact).
        if let parsed, parsed.encodedString == data { return StreamEvent(atMs: atMs, event: name, data: parsed) }
        if parsed == nil { return StreamEvent(atMs: atMs, event: name, text: data) }
        return StreamEvent(atMs: atMs, raw: text + "\n\n")
    }
}

extension String {
    var trimmingLeadingSpace: String { hasPrefix(" ") ? String(dropFirst()) : self }
}

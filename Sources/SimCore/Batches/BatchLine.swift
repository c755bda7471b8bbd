import SimSupport

/// One input line of a batch on its way from the input file to an output (or error) line.
struct BatchLine: Sendable {
    /// Position among the batch's non-blank lines, from 0.
    let index: Int
    var raw: [UInt8]
    // Set by `parse`.
    var customID = ""
    var body: JSON = .null
    var independent = false
    // Drawn in line order by the service.
    var lineID = ""
    var requestID = ""
    var injectedFailure = false
    // Set by `run`.
    var status = 0
    /// The answer's token usage (zero unless it succeeded).
    var usage = BatchRecord.Usage()
    /// The output line, encoded, with its newline.
    var entry: [UInt8] = []

    init(index: Int, raw: [UInt8]) {
        self.index = index
        self.raw = raw
    }

    /// What every line of one execution shares.
    struct Context: Sendable {
        let tenant: Tenant
        let endpoint: String
        let env: SimEnvironment
        let batchSalt: UInt64
        let handler: InternalEndpoint
    }

    static func isBlank(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    mutating func parse(endpoint: String) {
        let value = (try? JSONParser.parse(raw)) ?? .null
        customID = value["custom_id"]?.stringValue ?? ""
        body = value["body"] ?? .null
        independent = Self.independent(endpoint: endpoint, body: body, lineBytes: raw.count)
        raw = []
    }

    /// Whether the line's answer (and everything it leaves behind) is the same whichever lines
    /// run before it or at the same time, so it may run concurrently with its neighbours:
    /// - embeddings and moderations: always (their handlers keep no state);
    /// - chat completions: unless the completion is stored (`store: true` adds a record, whose
    ///   list position would follow the run order) or the prompt could reach the prompt cache
    ///   (which answers by what earlier prompts left). The cache only takes prompts of 1,024+
    ///   tokens; a text-only prompt (no tools, schema or images, which are counted apart from
    ///   the line's characters) is counted from the line's strings plus a few framing tokens
    ///   per message, and an estimated token covers at least one character, so a line shorter
    ///   than 1,024 bytes cannot reach it;
    /// - responses: never (stored by default, and a response can read earlier ones).
    static func independent(endpoint: String, body: JSON, lineBytes: Int) -> Bool {
        switch endpoint {
        case "/v1/embeddings", "/v1/moderations": return true
        case "/v1/chat/completions":
            guard lineBytes < PromptCache.minimumTokens else { return false }
            if let store = body["store"], store != .bool(false), !store.isNull { return false }
            for key in ["tools", "functions", "response_format"] where body[key] != nil { return false }
            for message in body["messages"]?.arrayValue ?? [] {
                for part in message["content"]?.arrayValue ?? [] where part["type"]?.stringValue != "text" { return false }
            }
            return true
        default: return false
        }
    }

    /// Runs the line's request (or fails it, when a scenario said so) and encodes its output line.
    mutating func run(_ c: Context) {
        let response: InternalResponse
        if injectedFailure {
            response = InternalResponse(status: 500, body: APIError.serverError().body, requestID: requestID)
        } else {
            response = c.handler(InternalRequest(body: body, tenant: c.tenant, requestID: requestID,
                                                 environment: c.env.withIDSalt(Self.salt(batch: c.batchSalt, line: index))))
        }
        body = .null
        status = response.status
        if status == 200 {
            usage.add(response.body["usage"])
            assert(!independent || c.endpoint != "/v1/chat/completions" || usage.input < Int64(PromptCache.minimumTokens),
                   "a line run as independent had a prompt long enough for the prompt cache")
        }
        entry = Self.encode(id: lineID, customID: customID, response: response)
    }

    /// `{"id":…,"custom_id":…,"response":{"status_code":…,"request_id":…,"body":…},"error":null}`
    /// and a newline; the body is copied as the handler encoded it when it answered with bytes.
    static func encode(id: String, customID: String, response: InternalResponse) -> [UInt8] {
        var w = JSONWriter(capacity: (response.encodedBody?.count ?? 1024) + 256)
        w.raw(#"{"id":"#)
        w.writeString(id)
        w.raw(#","custom_id":"#)
        w.writeString(customID)
        w.raw(#","response":{"status_code":"#)
        w.writeInt(Int64(response.status))
        w.raw(#","request_id":"#)
        w.writeString(response.requestID)
        w.raw(#","body":"#)
        if let encoded = response.encodedBody { w.bytes.append(contentsOf: encoded) } else { w.write(response.body) }
        w.raw(#"},"error":null}"#)
        w.bytes.append(0x0A)
        return w.bytes
    }

    /// A batch's salt for its lines' ID streams, from the data directory's epoch and the batch id.
    static func salt(epoch: UInt64, batchID: String) -> UInt64 {
        // `StableHash.mix` ignores the lowest bit of its second argument: shift values into it.
        StableHash.fnv1a(batchID, seed: StableHash.mix(0xba7c_4115_0000_0001, epoch << 1 | 1))
    }

    /// Line `line`'s salt within a batch (never 0: an unsalted environment uses the server's streams).
    static func salt(batch: UInt64, line: Int) -> UInt64 {
        let s = StableHash.mix(batch, UInt64(line) << 1 | 1)
        return s == 0 ? 1 : s
    }
}

extension SimEnvironment {
    /// The same clock, seed and stores, with ID streams of its own: every stream is seeded from
    /// (seed, `salt`, stream name) instead of (seed, epoch, stream name). `salt` is passed as the
    /// epoch and mixed into the seed the way an epoch is (the caller mixes the real epoch into
    /// `salt`, so a restarted data directory still never repeats an ID).
    func withIDSalt(_ salt: UInt64) -> SimEnvironment {
        SimEnvironment(clock: clock, seed: seed, records: records, blobs: blobs, logger: logger, epoch: salt,
                       ownModelsGeneration: ownModelsGeneration, retention: retention, python: python)
    }
}

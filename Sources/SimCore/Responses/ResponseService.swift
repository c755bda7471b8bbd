import SimSupport

/// The Responses API: create (foreground, streamed or background), retrieve, delete, cancel,
/// input items, input token counts and compaction. A stored response is one record in
/// `responses`: the response object, plus its input items (and the conversation before them)
/// under the internal key `_input_items` (never on the wire: views drop `_` keys). Background
/// responses live in `responses.background`, so that retention (`--max-stored`, the newest N
/// per bucket) never drops a running background response to make room for foreground traffic.
///
/// One record, not a second one in an items collection: every stored create wrote and trimmed
/// two records, and a record is the store's unit of work (a bucket lookup, an index insert and
/// eviction, a lock-held copy). Stores written before this (`--data-dir`) keep their items in
/// `response_input_items`; reads fall back to it, and deleting a response deletes both.
public struct ResponseService: Sendable {
    public static let collection = "responses"
    /// The internal key of a stored response's input-items document.
    static let inputItemsKey = "_input_items"
    /// Where input items were stored before they moved into the response record (read only).
    static let legacyInputItemsCollection = "response_input_items"
    public static let backgroundCollection = "responses.background"
    /// Deleted responses, kept only for the other turns of their chains to read through.
    static let deletedCollection = "responses.deleted"
    static let legacyBackgroundInputItemsCollection = "response_input_items.background"
    /// The background bucket of `collection` or `legacyInputItemsCollection`.
    static func background(_ collection: String) -> String {
        collection == Self.collection ? backgroundCollection : legacyBackgroundInputItemsCollection
    }

    let env: SimEnvironment
    let inference: InferenceEngine
    let models: ModelService
    let files: FileService
    let conversations: ConversationService

    public init(env: SimEnvironment, inference: InferenceEngine, models: ModelService, files: FileService) {
        self.env = env
        self.inference = inference
        self.models = models
        self.files = files
        conversations = ConversationService(env: env, files: files)
    }

    /// A created response: the object as the caller sees it now (encoded; empty when streamed),
    /// and its stream events when asked for. A streamed background response has no events here:
    /// `followsRun` is its id, and its stream is the stored response replayed on the clock.
    public struct Created: Sendable {
        public let encoded: [UInt8]
        public let events: [ResponseEvents.Event]?
        public let stored: Bool
        public var followsRun: String? = nil
        /// The id of a response that runs in the background (it ends later, on the clock).
        public var background: String? = nil
    }

    /// Everything a request resolves to before the model runs.
    struct Prepared {
        var model: ModelInfo
        /// Conversation items from earlier turns, then this request's items.
        var history: [JSON]
        var items: [JSON]
        var conversation: ResponseConversation
        /// Links of the `previous_response_id` chain through the response this one continues (0: none).
        var chainDepth: Int
        /// The response this one continues, when it stores its history itself: once this one is
        /// stored (with the whole history), that one is rewritten to point here.
        var continued: StoredRecord? = nil
    }

    /// - Remark: POST /v1/responses
    public func create(tenant: Tenant, body: JSON, overrides: RequestOverrides = RequestOverrides()) throws(APIError) -> Created {
        let p = try ResponseCreateParams.parse(body)
        let moderator = try p.moderation?.resolved(tenant: tenant, models: models)
        let ids = env.ids(tenant)
        // Taken apart, and the conversation read in place, not copied (each copy of these
        // structs retains and releases every string and array in them).
        let (ready, id) = try prepare(tenant: tenant, params: p, ids: ids, reserveID: true)
        let inputTokens = ready.conversation.inputTokens
        // gpt-5.5 and later keep cached prefixes 24 hours (the only retention they support).
        let retention = ready.model.onlyExtendedCacheRetention ? .extended
            : p.promptCacheRetention.flatMap(PromptCache.Retention.init(wire:)) ?? .inMemory
        // `prompt_cache_options` on the models that support them: `explicit` without a breakpoint does not cache.
        let cacheOptions = ready.model.supportsPromptCacheOptions ? (p.promptCacheOptions ?? PromptCacheOptions(mode: "implicit", ttl: "30m")) : nil
        let long = ready.conversation.promptTextBytes >= PromptCache.minimumTokens
        // Explicit breakpoints: the token count of the prompt up to each.
        var marks: [Int] = []
        if cacheOptions != nil, long, !ready.conversation.breakpointOffsets.isEmpty {
            marks = TokenEstimator.prefixCounts(ready.conversation.promptText, byteOffsets: ready.conversation.breakpointOffsets)
        }
        let implicit = cacheOptions?.mode != "explicit"
        // A token is at least one byte: shorter prompts cannot reach the cache's 1,024 tokens.
        let hashes = !long || (!implicit && marks.isEmpty) ? [] : TokenEstimator.tokenHashes(ready.conversation.promptText)
        let cached = inference.cache.lookup(tenant: tenant, key: p.promptCacheKey, hashes: hashes,
                                            inputTokens: inputTokens, retention: retention, overrides: overrides, marks: marks, implicit: implicit)
        let allowedTools = ResponseTools.allowed(p.tools, choiceEcho: p.toolChoiceJSON)
        let search = Self.searchPlan(p, functionTools: allowedTools, lastUserMessage: ready.conversation.lastUserMessage)
        let request = GenerationRequest(
            model: p.model, modelInfo: ready.model, tenant: tenant, seed: inference.seed(requestSeed: nil),
            prompt: ready.conversation.flatPrompt, lastUserMessage: ready.conversation.lastUserMessage, inputTokens: inputTokens,
            maxOutputTokens: p.maxOutputTokens, format: p.text.format,
            tools: allowedTools, toolChoice: search == .forced ? .none : p.toolChoice, parallelToolCalls: p.parallelToolCalls, toolOutputs: ready.conversation.toolOutputs,
            reasoningEffort: ready.model.family == .reasoning ? (p.reasoningEffort ?? "medium") : nil, overrides: overrides,
            lastUserMessageTokens: ready.conversation.lastUserMessageTokens)
        // The seed is read before the request moves into the generator (its last use).
        let contentSeed = request.contentSeed
        let out = inference.generator.generate(consume request)
        var built = ResponseOutputBuilder(ids: ids, seed: contentSeed)
            .build(out, model: ready.model, params: p, topicText: ready.conversation.lastUserMessage,
                   search: search == .no ? nil : p.webSearch)
        var generatedTokens = (output: out.totalOutputTokens + built.extraOutputTokens, reasoning: out.reasoningTokens)
        let moderation = moderator.map { Self.moderate($0, input: ready.items, built: &built, generated: &generatedTokens) }

        let now = env.now()
        let runsInBackground = p.background
        var completedAt = now
        var timing: [(String, JSON)] = []
        if runsInBackground {
            let queuedUntil = now + ResponseLifecycle.queueSeconds
            completedAt = queuedUntil + ResponseLifecycle.runSeconds(outputTokens: generatedTokens.output)
            timing = [(ResponseLifecycle.queuedUntilKey, .int(queuedUntil)), (ResponseLifecycle.completesAtKey, .int(completedAt))]
        }
        let outputTokens = generatedTokens.output
        let usage = ResponseObject.Usage(input: inputTokens, cached: cached, output: outputTokens, reasoning: generatedTokens.reasoning)
        inference.usage.record(tenant, .completions, model: ready.model.id, input: inputTokens, cached: cached,
                               output: outputTokens, batch: inference.isBatch(env))
        let (stream, store, background, conversationID, previousID) = (p.stream, p.store, p.background, p.conversation, p.previousResponseID)
        // `p` moves into the object (the last use): a copy would retain every field.
        let finished = ResponseObject.Finished(id: id, createdAt: now, completedAt: completedAt, status: built.status,
                                               incompleteReason: built.incompleteReason, params: consume p, model: ready.model,
                                               output: built.items, usage: usage, moderation: moderation,
                                               promptCacheOptions: cacheOptions?.json, internalFields: timing)
        // A foreground reply is encoded once: those bytes are also the stored record's start.
        // Streams and background views need the object as a tree, and store its encoding.
        let tree: JSON? = stream || runsInBackground ? .some(finished.tree) : .none
        let reply = tree == nil ? finished.encoded : []
        if store {
            // Stored encoded: compact, and read only by retrieve, input_items and previous_response_id.
            // A conversation's items are not copied into each of its responses (a long
            // conversation would store its history once per turn): a reference to them is; a
            // chain's history only at its newest turn.
            let history = conversationID == nil ? ready.history : []
            let chain = previousID == nil ? nil : ResponseItemsDocument.ChainLink(depth: ready.chainDepth + 1)
            let record = Self.storedDocument(tree.map(\.encoded) ?? reply, history: history, items: ready.items,
                                             conversation: conversationID.map { .init(id: $0, history: ready.history) }, chain: chain)
            let collection = runsInBackground ? Self.backgroundCollection : Self.collection
            var records = [StoredRecord(tenant: tenant.id, collection: collection, id: id, createdAt: now, encodedBody: record)]
            // The turn continued now keeps a link here instead of its copy of the history. Only
            // within one bucket: retention forgets a bucket's records oldest first, so the newer
            // record a link points to outlives it (the background bucket is retained apart).
            // Written after this turn and before the bucket is trimmed, in the same call: the
            // link never points to a record not yet stored, and a continued turn the trim pushes
            // out is not brought back.
            if let continued = ready.continued, continued.collection == collection, let link = Self.asLink(continued, next: id) {
                records.append(link)
            }
            do { try env.putRetained(records) } catch { throw .serverError("Could not store the response: \(error)") }
        }
        if let conversationID {
            // The turn joins its conversation: now, or when a background run completes.
            if runsInBackground {
                try conversations.appendWhenComplete(tenant: tenant, id: conversationID, responseID: id)
            } else {
                try conversations.append(tenant: tenant, id: conversationID, items: ready.items + built.items.map(\.json))
            }
        }
        guard let tree else { return Created(encoded: reply, events: nil, stored: store) }
        // A background stream follows the stored run; a foreground stream's tree is the final response.
        let backgroundID = runsInBackground ? id : nil
        if stream && runsInBackground { return Created(encoded: [], events: nil, stored: store, followsRun: id, background: backgroundID) }
        if stream { return Created(encoded: [], events: ResponseEvents.build(tree, background: background), stored: store) }
        return Created(encoded: ResponseLifecycle.view(tree, now: now).encoded, events: nil, stored: store, background: backgroundID)
    }

    /// Moderated completions: classifies this request's input items and the output's message
    /// text, and applies a `block` policy (a flagged input: no output and nothing generated; a
    /// flagged output: its messages withheld). Returns the response's `moderation`.
    static func moderate(_ m: ModeratedCompletion, input: [JSON], built: inout ResponseOutputBuilder.Result,
                         generated: inout (output: Int, reasoning: Int)) -> JSON {
        var texts: [String] = [], images: [String] = []
        for item in input {
            if let s = item["output"]?.stringValue { texts.append(s) }  // a tool call's output
            guard let parts = item["content"]?.arrayValue else { continue }
            for part in parts {
                if let t = part["text"]?.stringValue { texts.append(t) }
                if let u = part["image_url"]?.stringValue { images.append(u) }
            }
        }
        let inputResult = m.classify(texts: texts, images: images)
        let outputResult: ModerationResult
        if m.blocksInput && inputResult.flagged {
            built.items = []
            built.status = "incomplete"
            built.incompleteReason = "content_filter"
            generated = (0, 0)
            outputResult = m.classify(texts: [], images: [])
        } else {
            var outputTexts: [String] = []
            for item in built.items { if case let .message(_, _, text, _, _) = item { outputTexts.append(text) } }
            outputResult = m.classify(texts: outputTexts, images: [])
            if m.blocksOutput && outputResult.flagged {
                built.items.removeAll { if case .message = $0 { return true }; return false }
                built.status = "incomplete"
                built.incompleteReason = "content_filter"
            }
        }
        return .object([("input", m.body(inputResult)), ("output", m.body(outputResult))])
    }

    /// Whether a response searches the web: `forced` (a web search `tool_choice`, or `required`
    /// with no function tool to call), `ifNoCall` (`auto`, and the request asks about something
    /// current: searched unless the generator calls a function), or `no`.
    enum SearchPlan { case no, forced, ifNoCall }

    static func searchPlan(_ p: ResponseCreateParams, functionTools: [FunctionTool], lastUserMessage: String) -> SearchPlan {
        guard let w = p.webSearch else { return .no }
        let choice = p.toolChoiceJSON
        if let t = choice["type"]?.stringValue, WebSearchTool.types.contains(t) { return .forced }
        if choice["type"]?.stringValue == "allowed_tools" {
            let listed = (choice["tools"]?.arrayValue ?? []).contains { $0["type"]?.stringValue == w.type }
            guard listed else { return .no }
            if choice["mode"]?.stringValue == "required", functionTools.isEmpty { return .forced }
            return WebSearchTool.calledFor(lastUserMessage) ? .ifNoCall : .no
        }
        switch p.toolChoice {
        case .none, .function: return .no
        case .required: return functionTools.isEmpty ? .forced : .no
        case .auto: return WebSearchTool.calledFor(lastUserMessage) ? .ifNoCall : .no
        }
    }

    /// Validates the request against the model and the conversation, and flattens the prompt.
    func prepare(tenant: Tenant, params p: ResponseCreateParams, ids: IDGenerator, reserveID: Bool) throws(APIError)
        -> (value: Prepared, reservedID: String) {
        let model = try models.resolve(tenant: tenant, id: p.model)
        guard model.family == .chat || model.family == .reasoning else {
            throw .invalidRequest("The model `\(p.model)` does not support the Responses API.", param: "model", code: "model_not_supported")
        }
        try checkModelParameters(p, model: model)
        try PromptCacheOptions.checkRetention(p.promptCacheRetention, model: model)
        if let prompt = p.promptID {
            throw .invalidRequest("Prompt with id '\(prompt)' not found.", param: "prompt.id", code: "not_found", status: 404)
        }
        if let max = p.maxOutputTokens, max > model.maxOutputTokens {
            throw .invalidRequest("Invalid 'max_output_tokens': integer above maximum value. Expected a value <= \(model.maxOutputTokens), but got \(max) instead.",
                                  param: "max_output_tokens", code: "integer_above_max_value")
        }
        // Earlier turns: the conversation's items, or the chain before `previous_response_id`.
        // Input ids must be new to a conversation (not checked against a previous response's chain).
        let history: [JSON]
        var chainDepth = 0
        var continued: StoredRecord?
        if let c = p.conversation {
            history = try conversations.history(tenant: tenant, id: c)
        } else {
            (history, chainDepth, continued) = try previousConversation(tenant: tenant, id: p.previousResponseID)
        }
        try ConversationService.checkDuplicates(p.input, history: p.conversation == nil ? [] : history)
        let id = reserveID ? ResponseIDs.response(ids) : ""
        let items = try ResponseInput(ids: ids, tenant: tenant, files: files, context: history).normalize(p.input)
        // Without history (most requests) the items are the conversation: no concatenated copy.
        var all = history.isEmpty ? items : history + items
        try ResponseConversation.checkToolPairing(all)
        if case .jsonObject = p.text.format {
            let texts = [p.instructions ?? ""] + all.map { $0.encodedString }
            if !texts.contains(where: { $0.lowercased().contains("json") }) {
                throw .invalidRequest("Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.",
                                      param: "input", code: "invalid_value")
            }
        }
        var conv = conversation(p, all, tenant: tenant)
        if conv.inputTokens > model.contextWindow {
            guard p.truncation == "auto" else { throw Self.contextExceeded }
            // truncation=auto drops the oldest items until the input fits the window.
            while conv.inputTokens > model.contextWindow, all.count > 1 {
                all.removeFirst()
                conv = conversation(p, all, tenant: tenant)
            }
            if conv.inputTokens > model.contextWindow { throw Self.contextExceeded }
        }
        return (Prepared(model: model, history: history, items: items, conversation: conv, chainDepth: chainDepth, continued: continued), id)
    }

    static let contextExceeded = APIError.invalidRequest(
        "Your input exceeds the context window of this model. Please adjust your input and try again.", param: "input",
        code: "context_length_exceeded")

    func conversation(_ p: ResponseCreateParams, _ items: [JSON], tenant: Tenant) -> ResponseConversation {
        ResponseConversation(instructions: p.instructions, items: items, tools: p.toolsJSON) { id in fileText(tenant, id) }
    }

    /// An uploaded file's text for the prompt (files over 1 MB count by their first megabyte).
    func fileText(_ tenant: Tenant, _ id: String) -> String? {
        guard let f = try? files.retrieve(tenant: tenant, id: id) else { return nil }
        if f.bytes > 1 << 20 { return "[file \(f.filename): \(f.bytes) bytes]" }
        guard let bytes = try? files.contentBytes(tenant: tenant, id: id) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Sampling and reasoning parameters the model family does not take.
    func checkModelParameters(_ p: ResponseCreateParams, model: ModelInfo) throws(APIError) {
        if model.family == .reasoning {
            for (name, value) in [("temperature", p.temperature), ("top_p", p.topP)] {
                if let v = value, v != 1 {
                    throw .invalidRequest("Unsupported value: '\(name)' does not support \(FieldReader.plain(v)) with this model. Only the default (1) value is supported.",
                                          param: name, code: "unsupported_value")
                }
            }
        } else if p.reasoningEffort != nil {
            throw FieldReader.unsupportedParameter("reasoning.effort", model: p.model)
        } else if p.reasoningSummary != nil {
            throw FieldReader.unsupportedParameter("reasoning.summary", model: p.model)
        }
    }

    /// The conversation up to and including `id`'s output (earlier turns, its input, its output),
    /// how many chain links it has through `id`, and `id`'s record when it holds its history
    /// itself (a non-empty copy: the one a new turn continuing it lets go of). A response that
    /// links to a newer one (`next`) takes its history from there (following `next` to the one
    /// that holds it); one written by an earlier version that links to the turn before it
    /// (`previous`) walks back to the nearest that stored its history.
    func previousConversation(tenant: Tenant, id: String?) throws(APIError) -> (items: [JSON], depth: Int, holder: StoredRecord?) {
        guard let id else { return ([], 0, nil) }
        let notFound = APIError.invalidRequest("Previous response with id '\(id)' not found.", param: "previous_response_id",
                                               code: "previous_response_not_found")
        guard let first = try record(tenant, Self.collection, id) else { throw notFound }
        var body = first.body
        let now = env.now()
        if ResponseLifecycle.isActive(body, now: now) {
            throw .invalidRequest("Previous response with id '\(id)' is still in progress. Wait for it to complete before continuing the conversation.",
                                  param: "previous_response_id", code: "previous_response_in_progress")
        }
        var recordID = id
        var depth: Int?
        // Each turn's input and output, newest first; then the history they continue.
        var turns: [[JSON]] = []
        var history: [JSON] = []
        // Set once a link to a newer response was followed: how much of its history is ours.
        var prefix: Int?
        var holder: StoredRecord?
        var steps = 0
        while true {
            // Links only point one way in time; the count only stops a damaged store.
            steps += 1
            guard steps <= 100_000 else { throw notFound }
            let doc = try inputItemsDocument(tenant, recordID, stored: body)
            let link = ResponseItemsDocument.ChainLink(doc?["chain"])
            if depth == nil { depth = link?.depth ?? 0 }
            if prefix == nil {
                let items = doc?["items"]?.arrayValue ?? []
                let output = ResponseLifecycle.view(body, now: now)["output"]?.arrayValue ?? []
                turns.append(items + output)
            }
            if let next = link?.next {
                // A forgotten newer record (deleted ones are kept for this) leaves the history
                // unknown: as for a forgotten response.
                if prefix == nil { prefix = link?.count ?? 0 }
                guard let newer = try chainRecord(tenant, next)?.body else { throw notFound }
                (recordID, body) = (next, newer)
                continue
            }
            if let previous = link?.previous {
                guard prefix == nil, let earlier = try chainRecord(tenant, previous)?.body else { throw notFound }
                (recordID, body) = (previous, earlier)
                continue
            }
            if let prefix {
                let all = doc?["history"]?.arrayValue ?? []
                guard all.count >= prefix else { throw notFound }
                history = Array(all.prefix(prefix))
            } else if let ref = ResponseItemsDocument.ConversationRef(doc?["conversation"]) {
                // The conversation's items as they are now (a deleted conversation has none).
                history = ref.history(in: try conversations.currentItems(tenant: tenant, id: ref.id) ?? [],
                                      ownFirst: (turns.last?.first)?["id"]?.stringValue)
            } else {
                history = doc?["history"]?.arrayValue ?? []
                if turns.count == 1, !history.isEmpty, doc?["conversation"] == nil {
                    // With the tree already parsed (a record holding bytes parses them on every read).
                    holder = StoredRecord(tenant: first.tenant, collection: first.collection, id: first.id,
                                          createdAt: first.createdAt, body: body)
                }
            }
            break
        }
        for turn in turns.reversed() { history += turn }
        return (history, depth ?? 0, holder)
    }

    /// `r`, which stored its history, rewritten to point to the newer response `next` that now
    /// holds it (its history is the first items of `next`'s); put, it keeps its place in its
    /// bucket, and so in retention.
    static func asLink(_ r: StoredRecord, next: String) -> StoredRecord? {
        let stored = r.body
        guard case let .object(pairs) = stored, let doc = stored[inputItemsKey], let history = doc["history"]?.arrayValue else { return nil }
        let depth = ResponseItemsDocument.ChainLink(doc["chain"])?.depth ?? 0
        let link = ResponseItemsDocument.ChainLink(next: next, count: history.count, depth: depth)
        let rewritten: JSON = .object([("history", .array([])), ("items", doc["items"] ?? .array([])), ("chain", link.json)])
        let body = JSON.object(pairs.map { $0.0 == inputItemsKey ? ($0.0, rewritten) : $0 })
        return StoredRecord(tenant: r.tenant, collection: r.collection, id: r.id, createdAt: r.createdAt, encodedBody: body.encoded)
    }

    /// A response a chain reads through: stored, or deleted since (kept for its chain).
    func chainRecord(_ tenant: Tenant, _ id: String) throws(APIError) -> StoredRecord? {
        if let r = try record(tenant, Self.collection, id) { return r }
        do { return try env.records.get(tenant: tenant.id, collection: Self.deletedCollection, id: id) } catch { throw .serverError("\(error)") }
    }

    /// A stored response (`collection`) or its legacy input items (`legacyInputItemsCollection`),
    /// from the foreground bucket or, when not there, the background one.
    func record(_ tenant: Tenant, _ collection: String, _ id: String) throws(APIError) -> StoredRecord? {
        do {
            if let r = try env.records.get(tenant: tenant.id, collection: collection, id: id) { return r }
            return try env.records.get(tenant: tenant.id, collection: Self.background(collection), id: id)
        } catch { throw .serverError("\(error)") }
    }

    /// A stored response's document: the response object's encoding with the input-items
    /// document added as its last key (`{…,"_input_items":{"history":[…],"items":[…]}}`), written
    /// into one buffer after a copy of the reply's bytes (not parsed or re-encoded).
    public static func storedDocument(_ response: [UInt8], history: [JSON], items: [JSON]) -> [UInt8] {
        storedDocument(response, history: history, items: items, conversation: nil, chain: nil)
    }

    static func storedDocument(_ response: [UInt8], history: [JSON], items: [JSON],
                               conversation: ResponseItemsDocument.ConversationRef?, chain: ResponseItemsDocument.ChainLink?) -> [UInt8] {
        precondition(response.count >= 2 && response.last == UInt8(ascii: "}"), "a response is a JSON object")
        let key = #","_input_items":"#.utf8
        var w = JSONWriter(capacity: response.count + key.count + ResponseItemsDocument.capacity(history: history, items: items) + 1)
        // An empty object (never a response, but stay valid JSON) takes the key without a comma.
        w.bytes.append(contentsOf: response.dropLast())
        w.bytes.append(contentsOf: response.count == 2 ? key.dropFirst() : key[...])
        ResponseItemsDocument.write(history: history, items: items, conversation: conversation, chain: chain, to: &w)
        w.bytes.append(UInt8(ascii: "}"))
        return w.bytes
    }

    /// The input-items document of the stored response `id` whose document is `stored`: its
    /// `_input_items`, or for a response stored before those moved into the record, the record
    /// of the legacy items collection.
    func inputItemsDocument(_ tenant: Tenant, _ id: String, stored: JSON) throws(APIError) -> JSON? {
        if let doc = stored[Self.inputItemsKey] { return doc }
        return try record(tenant, Self.legacyInputItemsCollection, id)?.body
    }
}

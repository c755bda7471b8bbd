import SimSupport

/// The Batch API: create, retrieve, list, cancel. A batch's phase is a pure function of its record
/// and the clock; lines that are due by now are executed (through the live endpoint's handler)
/// when the batch is read, and the output and error files appear once it reaches its end.
public final class BatchService: Sendable {
    public static let collection = "batches"
    /// Endpoints this simulator executes; others in the spec's enum are refused at create.
    public static let executable = ["/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/moderations", "/v1/completions"]
    public static let specEndpoints = ["/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions",
                                       "/v1/moderations", "/v1/images/generations", "/v1/images/edits", "/v1/videos"]

    let env: SimEnvironment
    let files: FileService
    public let timing: BatchTiming
    let executorBox = Locked<InternalRequestExecutor?>(nil)
    private let concurrency = Locked(true)
    /// Serializes execution so two concurrent reads never run the same line twice.
    private let executionLock = Locked<Int>(0)

    public init(env: SimEnvironment, timing: BatchTiming = BatchTiming()) {
        self.env = env
        self.timing = timing
        files = FileService(env: env)
    }

    /// Wires the handler runner (the app) after construction.
    public func attach(executor: InternalRequestExecutor) { executorBox.withLock { $0 = executor } }

    /// Whether lines that do not depend on each other run on several cores (the default). The
    /// output is the same either way; off, every line runs on the reading thread, in order.
    public var runsLinesConcurrently: Bool { concurrency.withLock { $0 } }
    public func runLinesConcurrently(_ on: Bool) { concurrency.withLock { $0 = on } }

    /// - Remark: POST /v1/batches
    public func create(tenant: Tenant, inputFileID: String, endpoint: String, completionWindow: String, metadata: JSON,
                       outputExpiresSeconds: Int64?, overrides: RequestOverrides) throws(APIError) -> JSON {
        guard Self.specEndpoints.contains(endpoint) else { throw .invalidValue("endpoint", endpoint, supported: Self.specEndpoints) }
        guard Self.executable.contains(endpoint) else {
            throw .invalidRequest("The endpoint \(endpoint) is valid for the Batch API but is not simulated by openai-sim; supported here: \(Self.executable.joined(separator: ", ")).",
                                  param: "endpoint", code: "unsupported_endpoint")
        }
        guard completionWindow == "24h" else { throw .invalidValue("completion_window", completionWindow, supported: ["24h"]) }
        if let s = outputExpiresSeconds, !FileService.expirySecondsRange.contains(s) {
            throw .invalidRequest("Invalid 'output_expires_after.seconds': \(s). Expected a value between 3600 (1 hour) and 2592000 (30 days).",
                                  param: "output_expires_after.seconds", code: "invalid_value")
        }
        let input: FileObject
        do { input = try files.retrieve(tenant: tenant, id: inputFileID) } catch {
            throw .invalidRequest("Invalid 'input_file_id': '\(inputFileID)'. No such file.", param: "input_file_id", status: 404)
        }
        guard input.purpose == "batch" else {
            throw .invalidRequest("The input file \(inputFileID) has purpose '\(input.purpose)'; batch input files must be uploaded with purpose 'batch'.",
                                  param: "input_file_id")
        }
        let path: String
        do { path = try files.content(tenant: tenant, id: inputFileID).path } catch { throw error }
        let executor = runsLinesConcurrently ? executorBox.withLock({ $0 }) : nil
        let outcome = BatchValidator.validate(path: path, size: Int(input.bytes), endpoint: endpoint) { n, body in
            if let executor { executor.concurrentPerform(n, body) } else { for i in 0..<n { body(i) } }
        }

        let now = env.clock.now()
        let created = Int64(now.rounded(.down))
        let job = overrides.job
        var inProgress = max(timing.minInProgressSeconds, Double(outcome.lines) * timing.perLineSeconds)
        if let d = job?["duration_s"]?.doubleValue, d > 0 { inProgress = d }
        var record = BatchRecord(
            id: env.ids(tenant).make("batch_", length: 24), endpoint: endpoint, model: outcome.model, inputFileID: inputFileID,
            completionWindow: completionWindow, createdAt: created, expiresAt: created + timing.window, metadata: metadata,
            outputExpiresSeconds: outputExpiresSeconds, total: outcome.lines, validationEnd: now + timing.validationSeconds,
            inProgressSeconds: inProgress, finalizingSeconds: timing.finalizingSeconds, cancellingSeconds: timing.cancellingSeconds,
            validationErrors: outcome.errors.isEmpty ? nil : outcome.errors)
        if let v = job?["fail_validation"], !v.isNull {
            let msg = v.stringValue ?? "The input file failed validation."
            record.validationErrors = [BatchValidator.error("invalid_request", msg, param: "input_file_id", line: v["line"]?.intValue.map(Int.init))]
        }
        record.forceExpire = job?["expire"]?.boolValue ?? false
        // A batch told to expire works at a pace that gets half-way through its lines in the window.
        if record.forceExpire, job?["duration_s"] == nil { record.inProgressSeconds = 2 * Double(timing.window) }
        record.failCustomIDs = job?["fail_custom_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        record.failRatio = min(1, max(0, job?["fail_ratio"]?.doubleValue ?? 0))
        try save(tenant, record)
        return record.json(at: now)
    }

    /// - Remark: GET /v1/batches/{batch_id}
    public func retrieve(tenant: Tenant, id: String) throws(APIError) -> JSON {
        let now = env.clock.now()
        let record = try advance(tenant, try load(tenant, id), now: now)
        return record.json(at: now)
    }

    /// - Remark: GET /v1/batches
    public func list(tenant: Tenant, after: String?, limit: Int) throws(APIError) -> (data: [JSON], ids: [String], hasMore: Bool) {
        let page: RecordPage
        do {
            page = try env.records.list(tenant: tenant.id, collection: Self.collection, query: ListQuery(order: .desc, after: after, limit: limit))
        } catch { throw .serverError("\(error)") }
        let now = env.clock.now()
        var data: [JSON] = [], ids: [String] = []
        for r in page.records {
            guard let rec = BatchRecord(stored: r.body) else { continue }
            data.append(try advance(tenant, rec, now: now).json(at: now))
            ids.append(rec.id)
        }
        return (data, ids, page.hasMore)
    }

    /// - Remark: POST /v1/batches/{batch_id}/cancel
    public func cancel(tenant: Tenant, id: String) throws(APIError) -> JSON {
        let now = env.clock.now()
        var record = try advance(tenant, try load(tenant, id), now: now)
        let phase = record.phase(at: now)
        guard [.validating, .inProgress, .finalizing].contains(phase) else {
            throw .invalidRequest("Cannot cancel a batch with status '\(phase.rawValue)'.", param: "batch_id", status: 409)
        }
        record.cancellingAt = now
        try save(tenant, record)
        return try advance(tenant, record, now: now).json(at: now)
    }

    // MARK: - Execution

    /// Runs the lines due by `now` and, at a terminal phase, writes the output and error files.
    func advance(_ tenant: Tenant, _ start: BatchRecord, now: Double) throws(APIError) -> BatchRecord {
        if start.finished { return start }
        let result: Result<BatchRecord, APIError> = executionLock.withLock { _ in
            do throws(APIError) {
                // Re-read under the lock: another reader may have advanced it.
                var record = try load(tenant, start.id)
                if record.finished { return .success(record) }
                let due = record.linesDue(at: now)
                var output = BatchOutput()
                if due > record.executed { try execute(tenant, &record, upTo: due, into: &output) }
                let phase = record.phase(at: now)
                if [.completed, .cancelled, .expired].contains(phase) {
                    try finish(tenant, &record, phase: phase, output: &output)
                } else {
                    try flush(tenant, &record, &output)
                }
                try save(tenant, record)
                return .success(record)
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Writes the output and error files: the chunks earlier reads wrote, then what this read
    /// still holds. At `expired`, the lines that never ran are reported as expired first.
    private func finish(_ tenant: Tenant, _ record: inout BatchRecord, phase: BatchRecord.Phase,
                        output: inout BatchOutput) throws(APIError) {
        if phase == .expired {
            let path = try files.content(tenant: tenant, id: record.inputFileID).path
            if let reader = try? LineReader(path: path, offset: record.cursorOffset, lineNumber: record.cursorLine) {
                let lineIDs = env.ids(stream: "batch-lines:\(tenant.id):\(record.id)")
                while let line = try? reader.next() {
                    if BatchLine.isBlank(line.bytes) { continue }
                    let customID = (try? JSONParser.parse(Array(line.bytes)))?["custom_id"]?.stringValue ?? ""
                    var entry = JSON.object([("id", .string(lineIDs.make("batch_req_", length: 24))), ("custom_id", .string(customID)),
                                             ("response", .null),
                                             ("error", .object([("code", "batch_expired"),
                                                                ("message", "This request could not be executed before the completion window expired.")]))]).encoded
                    entry.append(0x0A)
                    output.err.append(entry)
                    record.failed += 1
                }
            }
        }
        let expiry = record.outputExpiresSeconds ?? FileService.batchDefaultExpiry
        for (kind, stream, suffix) in [("-out-", output.out, "output"), ("-err-", output.err, "error")] {
            var parts: [BlobSource] = []
            for k in record.chunks where k.contains(kind) {
                guard let p = env.blobs.path(key: k), let size = FileSize.of(p) else { throw .serverError("Batch chunk \(k) is missing.") }
                parts.append(.fileRange(path: p, offset: 0, length: size))
            }
            parts += stream.pieces.map { .bytes($0) }
            guard !parts.isEmpty else { continue }
            let id = try files.store(tenant: tenant, filename: "\(record.id)_\(suffix).jsonl", purpose: "batch_output",
                                     content: .concatenation(parts), expiresAfterSeconds: expiry).id
            if suffix == "output" { record.outputFileID = id } else { record.errorFileID = id }
        }
        output = BatchOutput()
        for k in record.chunks { env.blobs.delete(key: k) }
        record.chunks = []
        record.finished = true
    }

    private func load(_ tenant: Tenant, _ id: String) throws(APIError) -> BatchRecord {
        let r: StoredRecord?
        do { r = try env.records.get(tenant: tenant.id, collection: Self.collection, id: id) } catch { throw .serverError("\(error)") }
        guard let r, let rec = BatchRecord(stored: r.body) else { throw .notFound("Batch", id: id, param: "batch_id") }
        return rec
    }

    private func save(_ tenant: Tenant, _ record: BatchRecord) throws(APIError) {
        do {
            try env.records.put(StoredRecord(tenant: tenant.id, collection: Self.collection, id: record.id,
                                             createdAt: record.createdAt, body: record.stored))
        } catch { throw .serverError("\(error)") }
    }
}

extension BatchRecord.Usage {
    mutating func add(_ u: BatchRecord.Usage) {
        input += u.input
        cached += u.cached
        output += u.output
        reasoning += u.reasoning
        total += u.total
    }

    /// Adds an endpoint's `usage` (chat's prompt/completion or responses' input/output naming).
    mutating func add(_ u: JSON?) {
        guard let u, case .object = u else { return }
        let inTok = u["input_tokens"]?.intValue ?? u["prompt_tokens"]?.intValue ?? 0
        let outTok = u["output_tokens"]?.intValue ?? u["completion_tokens"]?.intValue ?? 0
        input += inTok
        output += outTok
        total += u["total_tokens"]?.intValue ?? (inTok + outTok)
        cached += (u["input_tokens_details"] ?? u["prompt_tokens_details"])?["cached_tokens"]?.intValue ?? 0
        reasoning += (u["output_tokens_details"] ?? u["completion_tokens_details"])?["reasoning_tokens"]?.intValue ?? 0
    }
}

import SimSupport

/// A batch as stored: what was asked, the plan for its phases, and how far execution has got.
struct BatchRecord: Sendable {
    var id: String
    var endpoint: String
    var model: String?
    var inputFileID: String
    var completionWindow: String
    var createdAt: Int64
    var expiresAt: Int64
    var metadata: JSON
    var outputExpiresSeconds: Int64?
    var total: Int
    var validationEnd: Double
    var inProgressSeconds: Double
    var finalizingSeconds: Double
    var cancellingSeconds: Double
    var validationErrors: [JSON]?
    var cancellingAt: Double?
    var forceExpire = false
    var failCustomIDs: [String] = []
    var failRatio: Double = 0
    // Execution progress.
    var executed = 0
    var completed = 0
    var failed = 0
    var cursorOffset = 0
    var cursorLine = 1
    var chunks: [String] = []
    var usage = Usage()
    var outputFileID: String?
    var errorFileID: String?
    var finished = false

    struct Usage: Sendable {
        var input: Int64 = 0, cached: Int64 = 0, output: Int64 = 0, reasoning: Int64 = 0, total: Int64 = 0
        var json: JSON {
            .object([("input_tokens", .int(input)), ("input_tokens_details", .object([("cached_tokens", .int(cached))])),
                     ("output_tokens", .int(output)), ("output_tokens_details", .object([("reasoning_tokens", .int(reasoning))])),
                     ("total_tokens", .int(total))])
        }
    }

    enum Phase: String { case validating, failed, inProgress = "in_progress", finalizing, completed, expired, cancelling, cancelled }

    var inProgressAt: Double { validationEnd }
    var finalizingAt: Double { validationEnd + inProgressSeconds }
    var completedAt: Double { finalizingAt + finalizingSeconds }
    var cancelledAt: Double? { cancellingAt.map { $0 + cancellingSeconds } }
    var expires: Bool { forceExpire || completedAt > Double(expiresAt) }

    /// The phase at `now`: a pure function of the record and the clock.
    func phase(at now: Double) -> Phase {
        if validationErrors != nil { return now < validationEnd ? .validating : .failed }
        if let c = cancellingAt, let done = cancelledAt {
            if expires, Double(expiresAt) <= c { return .expired }
            return now < done ? .cancelling : .cancelled
        }
        if expires, now >= Double(expiresAt) { return .expired }
        if now < validationEnd { return .validating }
        if now < finalizingAt { return .inProgress }
        if now < completedAt { return .finalizing }
        return .completed
    }

    /// How many lines should have run by `now`.
    func linesDue(at now: Double) -> Int {
        if validationErrors != nil { return 0 }
        var t = now
        if let c = cancellingAt { t = min(t, c) }
        if expires { t = min(t, Double(expiresAt)) }
        if t < inProgressAt { return 0 }
        if t >= finalizingAt { return total }
        let fraction = (t - inProgressAt) / max(inProgressSeconds, 0.000_001)
        return min(total, max(0, Int((fraction * Double(total)).rounded(.down))))
    }

    /// The wire object (`Batch` in the spec) at `now`.
    func json(at now: Double) -> JSON {
        let phase = phase(at: now)
        var p: [(String, JSON)] = [("id", .string(id)), ("object", "batch"), ("endpoint", .string(endpoint))]
        if let m = model { p.append(("model", .string(m))) }
        if let errs = validationErrors, phase == .failed {
            p.append(("errors", .object([("object", "list"), ("data", .array(errs))])))
        }
        p += [("input_file_id", .string(inputFileID)), ("completion_window", .string(completionWindow)),
              ("status", .string(phase.rawValue))]
        if let o = outputFileID { p.append(("output_file_id", .string(o))) }
        if let e = errorFileID { p.append(("error_file_id", .string(e))) }
        p.append(("created_at", .int(createdAt)))
        func t(_ v: Double) -> JSON { .int(Int64(v.rounded(.down))) }
        let started = phase != .validating && phase != .failed && (cancellingAt.map { $0 >= inProgressAt } ?? true)
        if started { p.append(("in_progress_at", t(inProgressAt))) }
        p.append(("expires_at", .int(expiresAt)))
        if [.finalizing, .completed].contains(phase) { p.append(("finalizing_at", t(finalizingAt))) }
        if phase == .completed { p.append(("completed_at", t(completedAt))) }
        if phase == .failed { p.append(("failed_at", t(validationEnd))) }
        if phase == .expired { p.append(("expired_at", .int(expiresAt))) }
        if let c = cancellingAt, phase == .cancelling || phase == .cancelled { p.append(("cancelling_at", t(c))) }
        if phase == .cancelled, let c = cancelledAt { p.append(("cancelled_at", t(c))) }
        p.append(("request_counts", .object([("total", .int(Int64(validationErrors == nil ? total : 0))),
                                             ("completed", .int(Int64(completed))), ("failed", .int(Int64(failed)))])))
        if phase != .validating && phase != .failed { p.append(("usage", usage.json)) }
        p.append(("metadata", metadata))
        return .object(p)
    }
}

import SimSupport

/// A background response's status as a pure function of its stored record and the clock:
/// `queued` for the first second, `in_progress` while the model "writes" (about 50 output tokens
/// per simulated second), then its final status. A cancel before then freezes it as `cancelled`.
/// Foreground responses are final as soon as they are created.
public enum ResponseLifecycle {
    public static let queueSeconds: Int64 = 1
    public static let tokensPerSecond = 50

    /// Internal record fields (never on the wire).
    static let queuedUntilKey = "_queued_until"
    static let completesAtKey = "_completes_at"
    static let cancelledAtKey = "_cancelled_at"

    /// Seconds a background run takes for `outputTokens` (reasoning included).
    public static func runSeconds(outputTokens: Int) -> Int64 {
        Int64(max(1, (outputTokens + tokensPerSecond - 1) / tokensPerSecond))
    }

    public enum Phase: String, Sendable { case queued, inProgress = "in_progress", final, cancelled }

    /// Where a stored response (record body) is at `now`.
    public static func phase(_ body: JSON, now: Int64) -> Phase {
        guard let completes = body[completesAtKey]?.intValue else { return .final }
        let queuedUntil = body[queuedUntilKey]?.intValue ?? completes
        if let c = body[cancelledAtKey]?.intValue, c < completes { return .cancelled }
        if now < queuedUntil { return .queued }
        if now < completes { return .inProgress }
        return .final
    }

    /// The wire object for a stored response at `now`.
    public static func view(_ body: JSON, now: Int64) -> JSON {
        let pub = body.publicFields
        switch phase(body, now: now) {
        case .final: return pub
        case .queued: return ResponseObject.pending(pub, status: "queued")
        case .inProgress: return ResponseObject.pending(pub, status: "in_progress")
        case .cancelled: return ResponseObject.pending(pub, status: "cancelled")
        }
    }

    /// Whether the response can still be cancelled (queued or running background work).
    public static func isActive(_ body: JSON, now: Int64) -> Bool {
        let p = phase(body, now: now)
        return p == .queued || p == .inProgress
    }

    /// When a still-running background response will finish (nil when it is not running).
    public static func completesAt(_ body: JSON) -> Int64? { body[completesAtKey]?.intValue }

    /// When a queued background response starts running.
    public static func queuedUntil(_ body: JSON) -> Int64? { body[queuedUntilKey]?.intValue }
}

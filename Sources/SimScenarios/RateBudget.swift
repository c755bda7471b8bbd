/// A per-minute budget that refills continuously (requests or tokens), as the API's limits do:
/// `used` drains at `limit / 60` per second.
public struct RateBudget: Sendable, Equatable {
    public let limit: Int
    public private(set) var used: Double = 0
    private var updatedAt: Double?

    public init(limit: Int) { self.limit = max(1, limit) }

    var ratePerSecond: Double { Double(limit) / 60 }

    mutating func drain(to now: Double) {
        if let t = updatedAt, now > t { used = max(0, used - (now - t) * ratePerSecond) }
        updatedAt = max(updatedAt ?? now, now)
    }

    /// Seconds until `cost` more fits (0 when it fits now; nil if it can never fit).
    func wait(for cost: Int) -> Double? {
        if Double(cost) > Double(limit) { return nil }
        let over = used + Double(cost) - Double(limit)
        return over <= 1e-9 ? 0 : over / ratePerSecond
    }

    mutating func take(_ cost: Int) { used += Double(cost) }

    public var remaining: Int { max(0, Int((Double(limit) - used).rounded(.down))) }
    /// Seconds until the budget is full again.
    public var resetSeconds: Double { used / ratePerSecond }
}

/// The outcome of charging one request to a rule's budgets.
public struct RateDecision: Sendable {
    /// "requests" or "tokens" when the request is refused.
    public var exceeded: String?
    public var requests: RateBudget?
    public var tokens: RateBudget?
    /// Tokens charged (or that would have been).
    public var requestedTokens: Int
    /// Seconds to wait before the request would fit (refused requests only).
    public var retryAfter: Double?
    public var allowed: Bool { exceeded == nil }
}

/// A key's request and token budgets (either may be absent).
public struct RateBudgets: Sendable, Equatable {
    public var requests: RateBudget?
    public var tokens: RateBudget?

    public init(_ limit: RateLimit) {
        requests = limit.rpm.map { RateBudget(limit: $0) }
        tokens = limit.tpm.map { RateBudget(limit: $0) }
    }

    /// Charges one request costing `tokens` at `now`: refused (and not charged) when either
    /// budget cannot take it now.
    public mutating func charge(tokens: Int, now: Double) -> RateDecision {
        requests?.drain(to: now)
        self.tokens?.drain(to: now)
        var decision = RateDecision(requestedTokens: tokens)
        if let r = requests {
            let w = r.wait(for: 1) ?? r.resetSeconds
            if w > 0 { decision.exceeded = "requests"; decision.retryAfter = w }
        }
        if decision.exceeded == nil, let b = self.tokens {
            let w = b.wait(for: tokens) ?? b.resetSeconds
            if w > 0 || b.wait(for: tokens) == nil { decision.exceeded = "tokens"; decision.retryAfter = max(w, 0.001) }
        }
        if decision.allowed {
            requests?.take(1)
            self.tokens?.take(tokens)
        }
        decision.requests = requests
        decision.tokens = self.tokens
        return decision
    }
}

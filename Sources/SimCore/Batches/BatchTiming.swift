/// How long a batch spends in each phase, in simulated seconds. Lines complete evenly across
/// `in_progress`, so `request_counts` grow as the clock moves.
public struct BatchTiming: Sendable {
    public var validationSeconds: Double
    public var perLineSeconds: Double
    public var minInProgressSeconds: Double
    public var finalizingSeconds: Double
    public var cancellingSeconds: Double
    public var window: Int64

    public init(validationSeconds: Double = 2, perLineSeconds: Double = 0.02, minInProgressSeconds: Double = 1,
                finalizingSeconds: Double = 1, cancellingSeconds: Double = 2, window: Int64 = 86_400) {
        self.validationSeconds = validationSeconds
        self.perLineSeconds = perLineSeconds
        self.minInProgressSeconds = minInProgressSeconds
        self.finalizingSeconds = finalizingSeconds
        self.cancellingSeconds = cancellingSeconds
        self.window = window
    }
}

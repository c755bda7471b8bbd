/// A job's error as the API reports it.
public struct FineTuningJobError: Sendable, Equatable {
    public var code: String
    public var message: String
    public var param: String?
    public init(code: String, message: String, param: String?) { self.code = code; self.message = message; self.param = param }
}

/// What a job will do, fixed at creation: phase durations, steps, and any scripted failure.
public struct FineTuningPlan: Sendable, Equatable {
    public var validateSeconds: Double
    public var queueSeconds: Double
    public var resumeQueueSeconds: Double
    public var stepSeconds: Double
    public var finalizeSeconds: Double
    public var totalSteps: Int
    public var stepsPerEpoch: Int
    /// Set when the files are bad: the job fails when validation ends.
    public var validationFailure: FineTuningJobError?
    /// Scripted failure: the job fails when this step would complete.
    public var failAtStep: Int?
    public var failError: FineTuningJobError?

    public var runSeconds: Double { Double(totalSteps) * stepSeconds }

    public init(validateSeconds: Double, queueSeconds: Double, resumeQueueSeconds: Double, stepSeconds: Double,
                finalizeSeconds: Double, totalSteps: Int, stepsPerEpoch: Int, validationFailure: FineTuningJobError? = nil,
                failAtStep: Int? = nil, failError: FineTuningJobError? = nil) {
        self.validateSeconds = validateSeconds
        self.queueSeconds = queueSeconds
        self.resumeQueueSeconds = resumeQueueSeconds
        self.stepSeconds = stepSeconds
        self.finalizeSeconds = finalizeSeconds
        self.totalSteps = totalSteps
        self.stepsPerEpoch = stepsPerEpoch
        self.validationFailure = validationFailure
        self.failAtStep = failAtStep
        self.failError = failError
    }
}

/// A user action on a job, at a simulated time.
public struct FineTuningAction: Sendable, Equatable {
    public enum Kind: String, Sendable { case pause, resume, cancel }
    public var kind: Kind
    public var at: Double
    public init(_ kind: Kind, at: Double) { self.kind = kind; self.at = at }
}

/// A job's state at one instant, computed from (plan, creation time, actions, now) alone: no timers.
public struct FineTuningTimeline: Sendable, Equatable {
    public enum Status: String, Sendable { case validatingFiles = "validating_files", queued, running, paused, succeeded, failed, cancelled }
    /// Moments the event log reports.
    public enum Mark: Sendable, Equatable { case validated, started, paused, resumed, restarted, cancelled, failed, succeeded }

    public var status: Status = .validatingFiles
    /// Completion times of steps 1…n reached so far.
    public var stepTimes: [Double] = []
    public var marks: [(Double, Mark)] = []
    public var finishedAt: Double?
    public var estimatedFinish: Double?
    public var error: FineTuningJobError?

    public static func == (a: FineTuningTimeline, b: FineTuningTimeline) -> Bool {
        a.status == b.status && a.stepTimes == b.stepTimes && a.finishedAt == b.finishedAt && a.error == b.error
            && a.marks.map(\.0) == b.marks.map(\.0) && a.marks.map(\.1) == b.marks.map(\.1)
    }

    public var isTerminal: Bool { [.succeeded, .failed, .cancelled].contains(status) }
    public func time(of mark: Mark) -> Double? { marks.first { $0.1 == mark }?.0 }

    private enum Phase { case validating(Double), queued(Double), running, finalizing(Double), paused, done }

    /// The state at `now`. Actions later than `now` are ignored; each action applies to the state at its time.
    public static func at(_ now: Double, created t0: Double, plan: FineTuningPlan, actions: [FineTuningAction]) -> FineTuningTimeline {
        var s = FineTuningTimeline()
        var phase = Phase.validating(plan.validateSeconds)
        var t = t0
        var progress = 0.0
        let endProgress = plan.failAtStep.map { min(Double(max(1, $0)) * plan.stepSeconds, plan.runSeconds) } ?? plan.runSeconds
        let failsInRun = plan.failAtStep.map { $0 <= plan.totalSteps } ?? false

        func advance(to h: Double) {
            while true {
                switch phase {
                case let .validating(rem):
                    guard t + rem <= h else { phase = .validating(rem - (h - t)); t = h; return }
                    t += rem
                    if let f = plan.validationFailure {
                        s.status = .failed; s.error = f; s.finishedAt = t; s.marks.append((t, .failed)); phase = .done
                    } else {
                        s.status = .queued; s.marks.append((t, .validated)); phase = .queued(plan.queueSeconds)
                    }
                case let .queued(rem):
                    guard t + rem <= h else { phase = .queued(rem - (h - t)); t = h; return }
                    t += rem
                    s.marks.append((t, s.time(of: .started) == nil ? .started : .restarted))
                    s.status = .running; phase = .running
                case .running:
                    // Snap to the end exactly: at Unix-time magnitudes `t + δ - t` is not `δ`, and a
                    // progress that stops a rounding error short of the end would never finish.
                    let remaining = max(0, endProgress - progress)
                    let reach: Double, newProgress: Double
                    if h - t >= remaining { reach = t + remaining; newProgress = endProgress } else { reach = h; newProgress = progress + (h - t) }
                    while s.stepTimes.count < plan.totalSteps {
                        let k = s.stepTimes.count + 1
                        if failsInRun, let f = plan.failAtStep, k >= f { break }
                        let due = Double(k) * plan.stepSeconds
                        guard due <= newProgress + 1e-9 else { break }
                        s.stepTimes.append(t + (due - progress))
                    }
                    progress = newProgress; t = reach
                    guard progress >= endProgress else { return }
                    if failsInRun {
                        s.status = .failed; s.finishedAt = t; s.marks.append((t, .failed))
                        s.error = plan.failError ?? FineTuningJobError(code: "server_error", message: "The job failed due to an internal error.", param: nil)
                        phase = .done
                    } else {
                        phase = .finalizing(plan.finalizeSeconds)
                    }
                case let .finalizing(rem):
                    guard t + rem <= h else { phase = .finalizing(rem - (h - t)); t = h; return }
                    t += rem
                    s.status = .succeeded; s.finishedAt = t; s.marks.append((t, .succeeded)); phase = .done
                case .paused, .done:
                    t = h; return
                }
            }
        }

        for a in actions where a.at <= now {
            advance(to: max(t, a.at))
            switch (a.kind, phase) {
            case (_, .done): continue
            case (.pause, .running), (.pause, .finalizing), (.pause, .queued):
                phase = .paused; s.status = .paused; s.marks.append((a.at, .paused))
            case (.resume, .paused):
                phase = .queued(plan.resumeQueueSeconds); s.status = .queued; s.marks.append((a.at, .resumed))
            case (.cancel, _):
                phase = .done; s.status = .cancelled; s.finishedAt = a.at; s.marks.append((a.at, .cancelled))
            default: continue
            }
        }
        advance(to: max(t, now))
        switch phase {
        case let .queued(rem): s.estimatedFinish = now + rem + plan.runSeconds - progress + plan.finalizeSeconds
        case .running: s.estimatedFinish = now + plan.runSeconds - progress + plan.finalizeSeconds
        case let .finalizing(rem): s.estimatedFinish = now + rem
        default: s.estimatedFinish = nil
        }
        return s
    }
}

import FoundationEssentials
import Glibc
import SimSupport

/// Events, metrics and checkpoints of a job, derived from its timeline: nothing here is stored,
/// so the log at any instant is a pure function of (job, now). IDs are hashes of the job and entry.
public struct FineTuningEventLog: Sendable {
    public let job: FineTuningJob
    public let timeline: FineTuningTimeline
    public let org: String

    public init(job: FineTuningJob, timeline: FineTuningTimeline, org: String) {
        self.job = job
        self.timeline = timeline
        self.org = org
    }

    /// One step's training metrics. Loss falls exponentially from a seed-chosen start towards a
    /// seed-chosen floor, with ±10% multiplicative noise per step; accuracy mirrors it.
    public struct StepMetrics: Sendable, Equatable {
        public var step: Int
        public var trainLoss: Double
        public var trainAccuracy: Double
        public var validLoss: Double?
        public var validAccuracy: Double?
        public var fullValidLoss: Double?
        public var fullValidAccuracy: Double?
    }

    public func metrics(step: Int) -> StepMetrics {
        var curve = SeededRandom(seed: StableHash.mix(UInt64(bitPattern: job.seed), 0x1055))
        let start = 1.6 + 1.4 * curve.unit()
        let floor = 0.02 + 0.18 * curve.unit()
        let rate = 3.0 + 2.5 * curve.unit()
        let total = Double(max(1, job.plan.totalSteps))
        var noise = SeededRandom(seed: StableHash.mix(UInt64(bitPattern: job.seed), UInt64(step)))
        let progress = Double(step) / total
        let clean = floor + (start - floor) * exp(-rate * progress)
        let loss = clean * (0.9 + 0.2 * noise.unit())
        func accuracy(_ l: Double, _ jitter: Double) -> Double {
            min(1, max(0, 0.42 + 0.56 * (1 - (l - floor) / (start - floor)) + jitter))
        }
        var m = StepMetrics(step: step, trainLoss: Self.round(loss), trainAccuracy: Self.round(accuracy(loss, 0.02 * (noise.unit() - 0.5))))
        if job.validationFile != nil {
            let interval = max(1, job.plan.totalSteps / 10)
            if step % interval == 0 || step == job.plan.totalSteps {
                let v = clean * (1.05 + 0.15 * noise.unit())
                m.validLoss = Self.round(v)
                m.validAccuracy = Self.round(accuracy(v, -0.03))
            }
            if step % job.plan.stepsPerEpoch == 0 || step == job.plan.totalSteps {
                let fv = clean * (1.08 + 0.08 * noise.unit())
                m.fullValidLoss = Self.round(fv)
                m.fullValidAccuracy = Self.round(accuracy(fv, -0.04))
            }
        }
        return m
    }

    static func round(_ x: Double) -> Double { (x * 100_000).rounded() / 100_000 }

    /// `x` with exactly `digits` decimals (no Foundation formatting).
    static func fixed(_ x: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let n = Int64((abs(x) * scale).rounded())
        let s = Int64(scale)
        let frac = String(n % s)
        return (x < 0 && n != 0 ? "-" : "") + "\(n / s)." + String(repeating: "0", count: max(0, digits - frac.count)) + frac
    }

    // MARK: checkpoints

    public struct Checkpoint: Sendable, Equatable {
        public var id: String
        public var step: Int
        public var time: Double
        public var modelName: String
        public var metrics: StepMetrics
    }

    /// Checkpoints at the end of the last (up to) three epochs, those reached by now, oldest first.
    public var checkpoints: [Checkpoint] {
        guard let r = job.resolved else { return [] }
        let per = job.plan.stepsPerEpoch
        return (max(1, r.nEpochs - 2)...max(1, r.nEpochs)).compactMap { epoch -> Checkpoint? in
            let step = epoch * per
            guard step <= timeline.stepTimes.count, step >= 1 else { return nil }
            let tag = Self.derivedID(job.id + "|ckpt|\(step)", length: 8)
            return Checkpoint(id: "ftckpt_" + Self.derivedID(job.id + "|ckptid|\(step)", length: 24), step: step,
                              time: timeline.stepTimes[step - 1],
                              modelName: "ft:\(job.baseModel):\(org):\(job.suffix ?? ""):\(tag):ckpt-step-\(step)",
                              metrics: metrics(step: step))
        }
    }

    public func checkpointJSON(_ c: Checkpoint) -> JSON {
        var m: [(String, JSON)] = [("step", .int(Int64(c.step))), ("train_loss", .double(c.metrics.trainLoss)),
                                   ("train_mean_token_accuracy", .double(c.metrics.trainAccuracy))]
        if let v = c.metrics.validLoss { m.append(("valid_loss", .double(v))) }
        if let v = c.metrics.validAccuracy { m.append(("valid_mean_token_accuracy", .double(v))) }
        if let v = c.metrics.fullValidLoss { m.append(("full_valid_loss", .double(v))) }
        if let v = c.metrics.fullValidAccuracy { m.append(("full_valid_mean_token_accuracy", .double(v))) }
        return .object([("object", "fine_tuning.job.checkpoint"), ("id", .string(c.id)), ("created_at", .int(Int64(c.time.rounded(.down)))),
                        ("fine_tuned_model_checkpoint", .string(c.modelName)), ("step_number", .int(Int64(c.step))),
                        ("metrics", .object(m)), ("fine_tuning_job_id", .string(job.id))])
    }

    // MARK: events

    public struct Event: Sendable {
        public var id: String
        public var time: Double
        public var json: JSON
    }

    /// Every event up to now, oldest first.
    public var events: [Event] {
        var out: [Event] = []
        func add(_ t: Double, _ key: String, _ message: String, level: String = "info", type: String = "message", data: JSON = .object([])) {
            let id = "ft-event-" + Self.derivedID("\(job.id)|\(key)|\(t)", length: 24)
            out.append(Event(id: id, time: t, json: .object([
                ("object", "fine_tuning.job.event"), ("id", .string(id)), ("created_at", .int(Int64(t.rounded(.down)))),
                ("level", .string(level)), ("message", .string(message)), ("data", data), ("type", .string(type)),
            ])))
        }
        add(job.t0, "created", "Created fine-tuning job: \(job.id)")
        add(job.t0, "validating", "Validating training file: \(job.trainingFile)"
            + (job.validationFile.map { " and validation file: \($0)" } ?? ""))
        let total = job.plan.totalSteps
        let every = max(1, (total + 999) / 1000)
        let checkpoints = self.checkpoints
        var stepIndex = 0
        func steps(until t: Double) {
            while stepIndex < timeline.stepTimes.count, timeline.stepTimes[stepIndex] <= t {
                let step = stepIndex + 1
                let time = timeline.stepTimes[stepIndex]
                stepIndex += 1
                if step % every == 0 || step == total { addMetrics(step, time) }
                if let c = checkpoints.first(where: { $0.step == step }) {
                    add(time, "checkpoint|\(step)", "Checkpoint created at step \(step) with Snapshot ID: \(c.modelName)")
                }
            }
        }
        func addMetrics(_ step: Int, _ time: Double) {
            let m = metrics(step: step)
            var text = "Step \(step)/\(total): training loss=\(Self.fixed(m.trainLoss, 2))"
            var data: [(String, JSON)] = [("step", .int(Int64(step))), ("train_loss", .double(m.trainLoss)),
                                          ("total_steps", .int(Int64(total))), ("train_mean_token_accuracy", .double(m.trainAccuracy))]
            if let v = m.validLoss, let a = m.validAccuracy {
                text += ", validation loss=\(Self.fixed(v, 2))"
                data += [("valid_loss", .double(v)), ("valid_mean_token_accuracy", .double(a))]
            }
            if step == total, let v = m.fullValidLoss, let a = m.fullValidAccuracy {
                text += ", full validation loss=\(Self.fixed(v, 2))"
                data += [("full_valid_loss", .double(v)), ("full_valid_mean_token_accuracy", .double(a))]
            }
            add(time, "step|\(step)", text, type: "metrics", data: .object(data))
        }
        for (t, mark) in timeline.marks {
            steps(until: t)
            switch mark {
            case .validated: add(t, "validated", "Files validated, moving job to queued state")
            case .started: add(t, "started", "Fine-tuning job started")
            case .paused: add(t, "paused", "Fine-tuning job paused")
            case .resumed: add(t, "resumed", "Fine-tuning job resumed, moving job to queued state")
            case .restarted: add(t, "restarted", "Fine-tuning job resumed training from step \(stepIndex)")
            case .cancelled: add(t, "cancelled", "Fine-tuning job cancelled")
            case .failed:
                add(t, "failed", timeline.error.map { "The job failed: \($0.message)" } ?? "The job failed", level: "error",
                    data: timeline.error.map { .object([("code", .string($0.code)), ("param", JSON($0.param))]) } ?? .object([]))
            case .succeeded:
                add(t, "model", "New fine-tuned model created: \(job.fineTunedModelName(org: org))")
                add(t, "policy", "Evaluating model against our usage policies")
                add(t, "policy-done", "Usage policy evaluations completed, model is now enabled for sampling")
                add(t, "completed", "The job has successfully completed")
            }
        }
        steps(until: .infinity)
        return out.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    // MARK: result file

    /// `step_metrics.csv`, the `fine-tune-results` file: one row per step.
    public var resultCSV: String {
        var out = "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n"
        for step in 1...max(1, job.plan.totalSteps) {
            let m = metrics(step: step)
            out += "\(step),\(Self.fixed(m.trainLoss, 5)),\(Self.fixed(m.trainAccuracy, 5)),"
                + (m.validLoss.map { Self.fixed($0, 5) } ?? "") + "," + (m.validAccuracy.map { Self.fixed($0, 5) } ?? "") + "\n"
        }
        return out
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// A base-62 id that is a pure function of `key`.
    public static func derivedID(_ key: String, length: Int) -> String {
        var r = SeededRandom(seed: StableHash.fnv1a(key))
        return String(decoding: (0..<length).map { _ in alphabet[Int(r.next() % 62)] }, as: UTF8.self)
    }
}

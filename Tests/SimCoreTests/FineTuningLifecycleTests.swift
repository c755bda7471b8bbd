import Testing
import SimCore
import SimSupport

/// The state machine as a pure function of (plan, actions, now).
@Suite struct FineTuningLifecycleTests {
    let t0 = 1_000.0
    var plan = FineTuningPlan(validateSeconds: 2, queueSeconds: 3, resumeQueueSeconds: 2, stepSeconds: 1, finalizeSeconds: 1,
                              totalSteps: 10, stepsPerEpoch: 5, validationFailure: nil, failAtStep: nil, failError: nil)

    func at(_ dt: Double, _ actions: [FineTuningAction] = [], plan p: FineTuningPlan? = nil) -> FineTuningTimeline {
        FineTuningTimeline.at(t0 + dt, created: t0, plan: p ?? plan, actions: actions)
    }

    @Test func movesThroughEveryPhaseOnTheClock() {
        #expect(at(0).status == .validatingFiles)
        #expect(at(1.9).status == .validatingFiles)
        #expect(at(2).status == .queued)
        #expect(at(5).status == .running)
        #expect(at(5).stepTimes.isEmpty)
        #expect(at(8).stepTimes == [1006, 1007, 1008])
        #expect(at(15).stepTimes.count == 10)
        #expect(at(15).status == .running)  // finalizing
        let done = at(16)
        #expect(done.status == .succeeded)
        #expect(done.finishedAt == 1016)
        #expect(done.estimatedFinish == nil)
    }

    @Test func estimatedFinishCountsRemainingWork() {
        #expect(at(0).estimatedFinish == nil)
        #expect(at(3).estimatedFinish == 1016)
        #expect(at(9.5).estimatedFinish == 1016)
    }

    @Test func badFilesFailWhenValidationEnds() {
        var p = plan
        p.validationFailure = FineTuningJobError(code: "invalid_n_examples", message: "few", param: "training_file")
        #expect(at(1, plan: p).status == .validatingFiles)
        let t = at(2, plan: p)
        #expect(t.status == .failed && t.error?.code == "invalid_n_examples" && t.finishedAt == 1002)
    }

    @Test func scriptedFailureStopsBeforeTheStep() {
        var p = plan
        p.failAtStep = 3
        let t = at(100, plan: p)
        #expect(t.status == .failed)
        #expect(t.stepTimes.count == 2)
        #expect(t.finishedAt == 1008)
        #expect(t.error?.code == "server_error")
    }

    @Test func pauseFreezesProgressAndResumeRequeues() {
        let actions = [FineTuningAction(.pause, at: t0 + 7.5), FineTuningAction(.resume, at: t0 + 50)]
        let paused = at(40, Array(actions.prefix(1)))
        #expect(paused.status == .paused)
        #expect(paused.stepTimes.count == 2)
        #expect(paused.estimatedFinish == nil)
        #expect(at(51, actions).status == .queued)
        // resumed: 2 s queue, then the remaining 7.5 steps' worth of time, then 1 s finalize.
        #expect(at(52, actions).status == .running)
        #expect(at(52 + 8.5 - 0.01, actions).status == .running)
        #expect(at(52 + 8.5, actions).status == .succeeded)
        #expect(at(52 + 8.5, actions).marks.map(\.1) == [.validated, .started, .paused, .resumed, .restarted, .succeeded])
    }

    @Test func cancelIsTerminalAndLaterActionsAreIgnored() {
        let t = at(100, [FineTuningAction(.cancel, at: t0 + 6), FineTuningAction(.resume, at: t0 + 7)])
        #expect(t.status == .cancelled)
        #expect(t.finishedAt == 1006)
        #expect(t.stepTimes.count == 1)
    }

    @Test func actionsInTheFutureDoNotApplyYet() {
        #expect(at(6, [FineTuningAction(.cancel, at: t0 + 9)]).status == .running)
    }
}

@Suite struct FineTuningFailAtStepTests {
    @Test func failAtStepFinishesAtUnixTimeMagnitudes() {
        // Steps of an awkward length at 2026 Unix times: progress must still reach the failing step.
        let plan = FineTuningPlan(validateSeconds: 6.1, queueSeconds: 12.3, resumeQueueSeconds: 2, stepSeconds: 5.8333333,
                                  finalizeSeconds: 3.3, totalSteps: 96, stepsPerEpoch: 12,
                                  failAtStep: 7, failError: FineTuningJobError(code: "boom", message: "it broke", param: nil))
        let t0 = 1_767_225_600.123
        let end = FineTuningTimeline.at(t0 + 27_000, created: t0, plan: plan, actions: [])
        #expect(end.status == FineTuningTimeline.Status.failed)
        #expect(end.error?.code == "boom")
        #expect(end.stepTimes.count == 6)
    }
}

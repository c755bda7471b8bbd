import FoundationEssentials
import SimApp
import SimRecording
import SimSupport

/// Builds the record/replay middleware `serve` puts before the scenarios (or none).
enum RecordingSetup {
    static func middlewares(_ o: ServeOptions, clock: SimClock, logger: Logger) throws -> [Middleware] {
        if let name = o.record, let upstream = o.upstream {
            let recorder = Recorder(directory: o.recordingsDir, name: name, source: "proxy", upstream: upstream,
                                    ignoreFields: o.replayIgnore, logger: logger)
            do { try recorder.prepare() } catch { throw CLIError("cannot write \(recorder.path): \(error)") }
            logger.info("recording", [("path", .string(recorder.path)), ("upstream", .string(upstream))])
            return [RecordMiddleware(recorder: recorder, upstream: UpstreamClient(base: upstream))]
        }
        if let name = o.recordJournal {
            let recorder = Recorder(directory: o.recordingsDir, name: name, source: "journal", ignoreFields: o.replayIgnore, logger: logger)
            do { try recorder.prepare() } catch { throw CLIError("cannot write \(recorder.path): \(error)") }
            logger.info("recording the simulator's own traffic", [("path", .string(recorder.path))])
            return [RecordMiddleware(recorder: recorder, upstream: nil)]
        }
        if let file = o.replay {
            let path = RecordingCommand.resolve(file, dir: o.recordingsDir)
            let replayer: Replayer
            do throws(CassetteError) { replayer = try Replayer.load(path: path, ignoreFields: o.replayIgnore) } catch {
                throw CLIError("cannot replay: \(error.description)")
            }
            logger.info("replaying", [("path", .string(path)), ("exchanges", .int(Int64(replayer.cassette.interactions.count))),
                                      ("speed", .double(o.replaySpeed)), ("miss", .string(o.replayMiss))])
            // Recorded delays are real time: on a virtual clock they would wait for /__sim/clock/advance.
            let timer: SimClock = clock.mode == .live ? clock : LiveClock()
            return [ReplayMiddleware(replayer: replayer, clock: timer, speed: o.replaySpeed,
                                     miss: ReplayMiddleware.MissPolicy(rawValue: o.replayMiss) ?? .error)]
        }
        return []
    }
}

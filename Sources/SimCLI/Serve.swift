import FoundationEssentials
import Dispatch
import Glibc
import SimApp
import SimCore
import SimHTTP
import SimPersistence
import SimScenarios
import SimServer
import SimSupport

/// The composition root: picks the live implementations (MHD, SQLite, disk blobs, system clock).
enum Serve {
    static func run(_ o: ServeOptions) throws -> Never {
        let logger = Logger(format: o.logFormat)
        let scenarios = try ScenariosCommand.loadForServe(o.scenarios, dir: o.scenariosDir)
        let clock: SimClock = o.clock == .virtual ? VirtualClock() : LiveClock(scale: o.timeScale)

        let root: String
        let ephemeral = o.dataDir == nil
        if let dir = o.dataDir {
            root = Console.expandingTilde(dir)
        } else {
            var template = Array("\(FileManager.default.temporaryDirectory.path)/openai-sim-XXXXXX".utf8CString)
            guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
                throw CLIError("cannot create a temporary directory")
            }
            root = String(cString: p)
        }
        let fm = FileManager.default
        for sub in ["", "/blobs", "/tmp"] { try fm.createDirectory(atPath: root + sub, withIntermediateDirectories: true) }
        // Leftover spooled bodies from a killed run are garbage.
        for f in (try? fm.contentsOfDirectory(atPath: root + "/tmp")) ?? [] { try? fm.removeItem(atPath: root + "/tmp/" + f) }

        let records: RecordStore = ephemeral ? MemoryRecordStore() : try SQLiteRecordStore(path: root + "/openai-sim.sqlite")
        let blobs = try DiskBlobStore(directory: root + "/blobs")
        let epoch = ephemeral ? 0 : try SimEnvironment.nextEpoch(records)
        let env = SimEnvironment(clock: clock, seed: o.seed, records: records, blobs: blobs, logger: logger, epoch: epoch,
                                 retention: Retention(maxStoredPerTenant: o.maxStored))
        let engine = ScenarioEngine(library: ScenarioLibrary(directory: o.scenariosDir), seed: o.seed, global: scenarios)
        let recording = try RecordingSetup.middlewares(o, clock: clock, logger: logger)
        let app = App(env: env, config: AppConfig(version: Version.current, timeScale: o.timeScale),
                      journal: Journal(capacity: o.journalSize),
                      middlewares: recording + [ScenarioMiddleware(engine: engine, clock: clock)])
        let server = MHDServer(config: ServerConfig(host: o.host, port: o.port, threads: o.threads, maxBodySize: o.maxBodySize,
                                                    tempDirectory: root + "/tmp"), responder: app)
        let port = try server.start()
        let host = o.host == "0.0.0.0" ? "127.0.0.1" : o.host
        // Signals are handled before the URL is printed: whoever reads it may stop us at once.
        let stop: @Sendable (Int32) -> Void = { sig in
            logger.info("shutting down", [("signal", .int(Int64(sig)))])
            server.stop()
            logger.flush()
            if ephemeral { try? FileManager.default.removeItem(atPath: root) }
            exit(0)
        }
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .main)
            src.setEventHandler { stop(sig) }
            src.resume()
            sources.append(src)
        }
        Console.output("openai-sim \(Version.current) listening on http://\(host):\(port)/v1\n")
        logger.info("ready", [("clock", .string(o.clock.rawValue)), ("seed", .int(Int64(o.seed))),
                              ("data_dir", JSON(ephemeral ? nil : root))])
        withExtendedLifetime(sources) { dispatchMain() }
    }
}

enum Version {
    static let current = "0.1.0"
}

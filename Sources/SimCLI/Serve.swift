import FoundationEssentials
import Glibc
import Dispatch
import SimApp
import SimCore
import SimHTTP
import SimPersistence
import SimScenarios
import SimServer
import SimSupport

/// The composition root: picks the live implementations (MHD, SQLite, disk blobs, system clock).
enum Serve {
    /// Descriptors kept apart from client connections: the listening socket, the database and
    /// its journal, blobs being read or written, spooled bodies, recordings, python graders.
    static let reservedDescriptors = 256

    /// Raises the soft limit on open files so that `connections` clients fit (up to the hard
    /// limit); returns how many connections do fit, with a log line when fewer than asked.
    static func allowOpenFiles(forConnections connections: Int, logger: Logger) -> Int {
        var lim = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &lim) == 0 else { return connections }
        let wanted = rlim_t(connections + reservedDescriptors)
        if lim.rlim_cur < wanted {
            var raised = lim
            raised.rlim_cur = min(wanted, lim.rlim_max)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { lim = raised }
        }
        let fits = max(16, Int(clamping: lim.rlim_cur) - reservedDescriptors)
        guard fits < connections else { return connections }
        logger.warn("fewer connections than --max-connections", [("max_connections", .int(Int64(fits))),
                                                                 ("open_files_limit", .int(Int64(clamping: lim.rlim_cur)))])
        return fits
    }

    /// Takes `DIR/openai-sim.lock` (an exclusive `flock`, held until the process ends, however it
    /// ends) and writes this process's id in it; a second server on the same directory stops with
    /// the first one's id.
    static func lockDataDirectory(_ root: String) throws {
        let path = root + "/" + lockFile
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CLIError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let err = errno
            var buf = [UInt8](repeating: 0, count: 32)
            let n = read(fd, &buf, buf.count)
            close(fd)
            guard err == EWOULDBLOCK else { throw CLIError("cannot lock \(path): \(String(cString: strerror(err)))") }
            let pid = String(decoding: buf.prefix(max(0, n)).filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)
            throw CLIError("the data directory \(root) is in use by another openai-sim" + (pid.isEmpty ? "" : " (pid \(pid))")
                           + "; stop it or choose another --data-dir")
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
        // The descriptor stays open: the lock lasts as long as the process.
    }

    /// The file a server locks in its data (or ephemeral) directory.
    static let lockFile = "openai-sim.lock"

    /// The file that marks a directory as a server's ephemeral one.
    static let ephemeralMarker = "openai-sim.ephemeral"

    /// Removes the ephemeral directories (`TMPDIR/openai-sim-XXXXXX`) of servers that ended
    /// without removing theirs (`kill -9`, a crash): those marked ephemeral whose lock file, at
    /// least a minute old, nobody holds. Others (a `--data-dir` with a matching name, one made
    /// before the lock existed, anything not ours) are left alone.
    static func removeAbandonedTemporaryDirectories(except own: String, logger: Logger) {
        let tmp = FileManager.default.temporaryDirectory.path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: tmp) else { return }
        let now = time(nil)
        for name in names where name.hasPrefix("openai-sim-") && name.utf8.count == "openai-sim-XXXXXX".utf8.count {
            let dir = tmp + "/" + name
            guard dir != own else { continue }
            // Only an ephemeral directory: a --data-dir that happens to match the pattern (and
            // has a lock file since its server ran) holds someone's state.
            guard FileManager.default.fileExists(atPath: dir + "/" + ephemeralMarker) else { continue }
            let lockPath = dir + "/" + lockFile
            var st = stat()
            // A minute old at least: a server that has just made its lock file may not hold it yet.
            guard stat(lockPath, &st) == 0, now - st.st_mtim.tv_sec >= 60 else { continue }
            let fd = open(lockPath, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            do {
                try FileManager.default.removeItem(atPath: dir)
                logger.info("removed an abandoned temporary directory", [("path", .string(dir))])
            } catch {
                logger.warn("could not remove an abandoned temporary directory", [("path", .string(dir)), ("error", .string(reason(error)))])
            }
        }
    }

    /// A file-system error in a sentence ("No such file or directory") instead of Foundation's
    /// description of the error value.
    static func reason(_ error: Error) -> String {
        if let e = error as? CocoaError {
            if let posix = e.userInfo["NSUnderlyingError"] as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
            if let path = e.filePath { return "\(e.code) (\(path))" }
        }
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        return "\(error)"
    }

    static func run(_ o: ServeOptions) throws -> Never {
        // SIGINT, SIGTERM and SIGHUP (its terminal closed) are blocked before any thread starts,
        // so every thread inherits the mask and the main thread takes them with sigwait below.
        // (A signal source from libdispatch was used before: on Linux it reads a signalfd, and a
        // SIGTERM the kernel happened to deliver to an MHD worker thread was re-raised on that
        // thread, where the signalfd never saw it. About one stop in eight under load hung for good.)
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        // A closed pipe on standard output or error (`serve | head`, a `tee` stopped by the same
        // Ctrl-C, a log collector restarted) makes log writes fail instead of killing the server
        // on its next log line, before it could clean up.
        signal(SIGPIPE, SIG_IGN)
        // Blocks of 1 MiB and more (a large request body read for parsing, its text) are mapped
        // apart and returned to the system when freed. glibc's default threshold rises to the
        // size of the largest block freed, so after one 20 MB request the next ones came from the
        // heap and stayed: 93 MB resident at idle after four such requests, 22 MB with this.
        HeapTrim.mapBlocks(atLeast: 1 << 20)
        let logger = Logger(format: o.logFormat)
        let scenarios = try ScenariosCommand.loadForServe(o.scenarios, dir: o.scenariosDir)

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
        for sub in ["", "/blobs", "/tmp"] {
            do {
                try fm.createDirectory(atPath: root + sub, withIntermediateDirectories: true)
            } catch {
                throw CLIError("cannot create the directory \(root + sub): \(Self.reason(error))")
            }
        }
        // One server per data directory: a second one would keep its own caches and counts over
        // the same database and, below, delete the first one's spooled uploads.
        // An ephemeral directory is locked too: a later start removes the ones whose server was
        // killed before it could (their lock is free).
        try Self.lockDataDirectory(root)
        if ephemeral {
            // Marks the directory as one only this process needs (never a --data-dir).
            _ = fm.createFile(atPath: root + "/" + Self.ephemeralMarker, contents: nil)
            Self.removeAbandonedTemporaryDirectories(except: root, logger: logger)
        }
        // Leftover spooled bodies from a killed run are garbage.
        for f in (try? fm.contentsOfDirectory(atPath: root + "/tmp")) ?? [] { try? fm.removeItem(atPath: root + "/tmp/" + f) }

        let records: RecordStore = ephemeral ? MemoryRecordStore() : try SQLiteRecordStore(path: root + "/openai-sim.sqlite")
        // A data directory's clock continues where its previous run stopped (never earlier):
        // a virtual clock restarted at its fixed start, or a scaled one at the wall clock, would
        // put everything stored in its future (completed jobs read as running again).
        let savedNow = ephemeral ? nil : try SimEnvironment.savedClock(records)
        let clock: SimClock = o.clock == .virtual ? VirtualClock(start: max(VirtualClock.defaultStart, savedNow ?? 0))
                                                  : LiveClock(scale: o.timeScale, notBefore: savedNow)
        if let saved = savedNow, saved > (o.clock == .virtual ? VirtualClock.defaultStart : Date().timeIntervalSince1970) {
            logger.info("clock continues from the data directory's last run", [("now", .int(clock.unixSeconds()))])
        }
        let blobs = try DiskBlobStore(directory: root + "/blobs")
        let epoch = ephemeral ? 0 : try SimEnvironment.nextEpoch(records)
        let env = SimEnvironment(clock: clock, seed: o.seed, records: records, blobs: blobs, logger: logger, epoch: epoch,
                                 retention: Retention(maxStoredPerTenant: o.maxStored),
                                 python: o.python.map { ProcessPythonGraderRunner(interpreter: $0, timeout: o.pythonTimeout) })
        let engine = ScenarioEngine(library: ScenarioLibrary(directory: o.scenariosDir), seed: o.seed, global: scenarios)
        let recording = try RecordingSetup.middlewares(o, clock: clock, logger: logger)
        let app = App(env: env, config: AppConfig(version: Version.current, timeScale: o.timeScale,
                                        auth: AuthPolicy(strict: o.strictAuth, ownerKeys: Set(o.apiKeys)), saveUsage: !ephemeral, saveClock: !ephemeral),
                      journal: Journal(capacity: o.journalSize, maxBytes: o.journalBytes),
                      middlewares: recording + [ScenarioMiddleware(engine: engine, clock: clock)],
                      webhookTransport: WebhookCurlTransport(), wallClock: LiveClock())
        // Jobs that were running when the last run stopped still end with their webhook events.
        if !ephemeral { app.webhookEvents.watchRunningJobsOfAllTenants() }
        let maxConnections = Self.allowOpenFiles(forConnections: o.maxConnections, logger: logger)
        let server = MHDServer(config: ServerConfig(host: o.host, port: o.port, threads: o.threads, maxBodySize: o.maxBodySize,
                                                    tempDirectory: root + "/tmp", maxConnections: maxConnections), responder: app)
        let port = try server.start()
        // Usage counts are saved off the request path, once a second (see `UsageMeter`).
        if !ephemeral {
            app.saveClock()
            scheduleUsageFlush(app, clock: o.clock == .live && o.timeScale > 1)
        }
        let host = o.host == "0.0.0.0" ? "127.0.0.1" : o.host
        // The signals are already blocked (above), so one sent as soon as the URL is read waits.
        Console.output("openai-sim \(Version.current) listening on http://\(host):\(port)/v1\n")
        logger.info("ready", [("clock", .string(o.clock.rawValue)), ("seed", .int(Int64(o.seed))),
                              ("data_dir", JSON(ephemeral ? nil : root))])
        var sig: Int32 = 0
        while sigwait(&stopSignals, &sig) != 0 {}
        logger.info("shutting down", [("signal", .int(Int64(sig)))])
        // A second Ctrl-C while the server drains ends the process the default way.
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        signal(SIGHUP, SIG_DFL)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
        server.stop()
        app.flushUsage()
        app.saveClock()
        logger.flush()
        if ephemeral { try? FileManager.default.removeItem(atPath: root) }
        exit(0)
    }
}

/// Saves changed usage counts every second (wall clock, also under a virtual clock: the counts
/// change with requests, not with simulated time), and with `clock` the time of a live clock that
/// runs ahead of the wall (`--time-scale` over 1; a virtual one is saved as it advances).
private func scheduleUsageFlush(_ app: App, clock: Bool) {
    DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + 1) {
        app.flushUsage()
        if clock { app.saveClock() }
        scheduleUsageFlush(app, clock: clock)
    }
}

enum Version {
    static let current = "0.1.0"
}

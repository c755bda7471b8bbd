import Glibc
import SimCore
import SimSupport

/// Runs python graders in a child `python3 -I` (isolated mode: no user site, no PYTHON*
/// variables), the grader's source and every (sample, item) pair sent on standard input as JSON,
/// one JSON answer read back. The interpreter is killed (coreutils `timeout`) when it outlives
/// `timeout`; then every pair is a `timeout` server error. It runs on the calling thread (a
/// grader call blocks the request that asked for it, up to `timeout`). Spawned with
/// `posix_spawnp`, not Foundation's `Process`: the server binary links no Foundation (see
/// docs/ARCHITECTURE.md, "What the server binary links").
struct ProcessPythonGraderRunner: PythonGraderRunner {
    let interpreter: String
    let timeout: Double

    /// Loads the source, calls `grade(sample, item)` per pair, and writes one JSON object to
    /// the real standard output (what the grader prints goes to standard error). Before the
    /// grader's code runs it takes what it can of the API's grader limits on itself: no network
    /// (the socket module refuses to connect, bind or send on IPv4/IPv6 sockets and to resolve
    /// names; Unix sockets and socket pairs still work: code that reaches the network fails
    /// here as it would there), at most 1 GB per written file and no core dumps
    /// (`setrlimit`), and a fresh temporary working directory, removed afterwards. Memory is not
    /// capped (an address-space limit also counts the reservations of numeric libraries'
    /// threads, and fails imports a memory cap would allow). A best effort, not a sandbox: code
    /// that means harm can undo any of it.
    static let driver = #"""
    import json, os, shutil, sys, tempfile, traceback
    try:
        import resource
        for limit, value in ((resource.RLIMIT_FSIZE, 1 << 30), (resource.RLIMIT_CORE, 0)):
            soft, hard = resource.getrlimit(limit)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(limit, (value, value))
    except (ImportError, ValueError, OSError):
        pass
    import socket
    def _inet_refused(name):
        allowed = getattr(socket.socket, name)
        def refuse(self, *args, **kwargs):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                raise OSError(101, "Network is unreachable: python graders have no network access")
            return allowed(self, *args, **kwargs)
        return refuse
    for _name in ("connect", "connect_ex", "bind", "sendto"):
        setattr(socket.socket, _name, _inet_refused(_name))
    def _no_lookup(*args, **kwargs):
        raise socket.gaierror(-3, "Temporary failure in name resolution: python graders have no network access")
    socket.getaddrinfo = _no_lookup
    socket.gethostbyname = _no_lookup
    workdir = tempfile.mkdtemp(prefix="openai-sim-grader-")
    os.chdir(workdir)
    req = json.load(sys.stdin)
    out_stream = sys.stdout
    sys.stdout = sys.stderr
    def short(exc):
        return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
    def answer(obj):
        out_stream.write(json.dumps(obj))
        out_stream.flush()
    ns = {"__name__": "grader"}
    try:
        exec(compile(req["source"], "grader.py", "exec"), ns)
        grade = ns["grade"]
    except BaseException as e:
        answer({"load_error": short(e)})
        os.chdir("/")
        shutil.rmtree(workdir, ignore_errors=True)
        sys.exit(0)
    out = []
    for p in req["pairs"]:
        try:
            v = grade(p["sample"], p["item"])
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                out.append({"error": "grade() returned %s, not a number" % type(v).__name__})
            else:
                out.append({"score": float(v)})
        except BaseException as e:
            out.append({"error": short(e)})
    answer({"results": out})
    os.chdir("/")
    shutil.rmtree(workdir, ignore_errors=True)
    """#

    func grade(source: String, pairs: [(sample: JSON, item: JSON)]) -> [PythonGradeOutcome] {
        func all(_ o: PythonGradeOutcome) -> [PythonGradeOutcome] { Array(repeating: o, count: pairs.count) }
        let request: JSON = .object([("source", .string(source)),
                                     ("pairs", .array(pairs.map { .object([("sample", $0.sample), ("item", $0.item)]) }))])
        // coreutils' timeout kills the interpreter when it outlives `timeout`.
        let argv = ["env", "timeout", "-s", "KILL", String(timeout), interpreter, "-I", "-c", Self.driver]
        guard let run = ChildProcess.run(argv, input: request.encoded) else {
            return all(.serverError(kind: "unavailable", message: "could not start \(interpreter): \(String(cString: strerror(errno)))"))
        }
        // `timeout -s KILL` kills the whole process group, itself included (or answers 137).
        if run.signal == SIGKILL || run.status == 137 {
            return all(.serverError(kind: "timeout", message: "the grader did not finish within \(timeout) seconds"))
        }
        guard let answer = try? JSONParser.parse(run.output) else {
            let why = String(decoding: run.errors.suffix(2000), as: UTF8.self)
            let how = run.signal.map { "was killed by signal \($0)" } ?? "exited with status \(run.status)"
            return all(.serverError(kind: run.status == 127 ? "unavailable" : "crashed", message: "\(interpreter) \(how): \(why)"))
        }
        if let load = answer["load_error"]?.stringValue { return all(.runtimeError(load)) }
        let results = answer["results"]?.arrayValue ?? []
        guard results.count == pairs.count else { return all(.serverError(kind: "crashed", message: "the grader answered \(results.count) results")) }
        return results.map { r in
            if let x = r["score"]?.doubleValue { return .score(x) }
            return .runtimeError(r["error"]?.stringValue ?? "no score")
        }
    }
}

/// A child process fed `input` on standard input, its standard output and error collected.
enum ChildProcess {
    struct Result {
        var status: Int32
        var signal: Int32?
        var output: [UInt8]
        var errors: [UInt8]
    }

    /// Most of a child's standard error kept (the end is what explains a crash).
    static let maxErrors = 64 * 1024

    static func run(_ argv: [String], input: [UInt8]) -> Result? {
        var stdinPipe: [Int32] = [0, 0], stdoutPipe: [Int32] = [0, 0], stderrPipe: [Int32] = [0, 0]
        // Close-on-exec, so that another child spawned meanwhile does not hold these pipes open
        // (pipe2 is not visible to Swift without _GNU_SOURCE).
        func cloexecPipe(_ p: inout [Int32]) -> Bool {
            guard pipe(&p) == 0 else { return false }
            for fd in p { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return true
        }
        guard cloexecPipe(&stdinPipe) else { return nil }
        guard cloexecPipe(&stdoutPipe) else { close(stdinPipe[0]); close(stdinPipe[1]); return nil }
        guard cloexecPipe(&stderrPipe) else {
            for fd in stdinPipe + stdoutPipe { close(fd) }
            return nil
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, argv[0], &actions, nil, &cargs, environ)
        for fd in [stdinPipe[0], stdoutPipe[1], stderrPipe[1]] { close(fd) }
        guard spawned == 0 else {
            errno = spawned
            for fd in [stdinPipe[1], stdoutPipe[0], stderrPipe[0]] { close(fd) }
            return nil
        }
        // Writing can block on a full pipe while the child reads; it reads its input first.
        input.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(stdinPipe[1], raw.baseAddress! + off, raw.count - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                off += n
            }
        }
        close(stdinPipe[1])
        var output: [UInt8] = [], errors: [UInt8] = []
        var fds = [pollfd(fd: stdoutPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: stderrPipe[0], events: Int16(POLLIN), revents: 0)]
        var open = 2
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open > 0 {
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for k in fds.indices where fds[k].fd >= 0 && fds[k].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[k].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if k == 0 { output += buffer[0..<n] } else {
                        errors += buffer[0..<n]
                        if errors.count > maxErrors { errors.removeFirst(errors.count - maxErrors) }
                    }
                } else if n == 0 || errno != EINTR {
                    close(fds[k].fd)
                    fds[k].fd = -1
                    open -= 1
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let termSignal = status & 0x7f
        if termSignal != 0 && termSignal != 0x7f {
            return Result(status: -1, signal: termSignal, output: output, errors: errors)
        }
        return Result(status: (status >> 8) & 0xff, signal: nil, output: output, errors: errors)
    }
}

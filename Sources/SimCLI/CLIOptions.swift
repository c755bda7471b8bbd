import SimSupport
import SimCore

/// `openai-sim serve` flags.
struct ServeOptions {
    var host = "127.0.0.1"
    var port: UInt16 = 4010
    var dataDir: String?
    var seed: UInt64 = 0
    var clock = ClockMode.live
    var timeScale = 1.0
    var logFormat = Logger.Format.text
    var maxBodySize = 540 * 1024 * 1024
    var journalSize = 1000
    var journalBytes = 64 << 20  // Journal.defaultMaxBytes
    /// nil: keep every stored response and chat completion (`--max-stored 0`).
    var maxStored: Int? = Retention.defaultMaxStored
    var threads = 2
    var maxConnections = 4096
    var scenarios: [String] = []
    var scenariosDir = "./scenarios"
    var record: String?
    var upstream: String?
    var recordJournal: String?
    var recordingsDir = "./recordings"
    var replay: String?
    var replaySpeed = 1.0
    var replayMiss = "error"
    var replayIgnore: [String] = []
    var strictAuth = false
    var apiKeys: [String] = []
    /// Run `python` graders with this interpreter (`--python-graders [PYTHON]`); nil: not run.
    var python: String?
    var pythonTimeout = 10.0

    static let help = """
    Usage: openai-sim serve [options]

    Serve the simulated OpenAI API at http://HOST:PORT/v1.

    Options:
      --host HOST            Address to listen on (default 127.0.0.1)
      --port N               Port (default 4010; 0 picks a free port and prints it)
      --data-dir DIR         Persist state in DIR (default: ephemeral, removed at exit)
      --seed N               Seed for IDs and generated content (default 0)
      --clock live|virtual   Live wall clock, or virtual time moved by POST /__sim/clock/advance (default live)
      --time-scale X         Live clock runs X simulated seconds per real second (default 1)
      --log-format text|json One log line per request on stderr (default text)
      --max-body-size BYTES  Largest accepted request body (default 566231040, i.e. 540 MiB)
      --journal-size N       Requests kept by GET /__sim/requests (default 1000)
      --journal-bytes BYTES  ... and at most about this many bytes of them, bodies included (default 67108864, 64 MiB)
      --max-stored N         Stored responses, background responses, stored chat completions, conversations
                             (and each conversation's items): N of each kept per API key; past N the oldest
                             are forgotten (not found afterwards, as if expired). 0 keeps all (default 10000)
      --threads N            HTTP worker threads (default 2)
      --max-connections N    Most client connections open at once, idle keep-alive ones included (default 4096;
                             the soft limit on open files is raised to fit, up to the hard limit)
      --auth open|strict     open: any bearer token is accepted, each its own organization (default);
                             strict: only --api-key keys and keys minted by the admin API, others get 401
      --api-key KEY          An owner key for --auth strict, its own organization (repeatable)
      --python-graders       Run the source of python graders (evals, fine-tuning graders) with python3, as the
                             API does in its sandbox: any client that reaches the server can then run code on
                             this machine, so keep it on loopback (default: python graders are not run)
      --python PATH          The interpreter for --python-graders (default python3 on PATH)
      --python-timeout SECS  Longest a python grader call may run before it counts as a server error (default 10)
      --scenario FILE|NAME   Play a scenario script for every tenant (repeatable); a bad file stops startup
      --scenarios-dir DIR    Where X-Sim-Scenario: NAME and POST /__sim/scenarios find NAME.yaml (default ./scenarios)
      --record NAME          Proxy every /v1 request to --upstream with the caller's credentials and record
                             the exchanges (redacted) to DIR/NAME.json, uploads/downloads in DIR/NAME.bodies/
      --upstream URL         The API to record against, e.g. https://api.openai.com/v1
      --record-journal NAME  Record the simulator's own traffic as a cassette DIR/NAME.json
      --recordings-dir DIR   Where cassettes are written and NAMEs are found (default ./recordings)
      --replay FILE|NAME     Answer from a cassette, with its recorded timing
      --replay-speed X       Divide recorded delays by X (default 1; 0 answers at once)
      --replay-miss error|simulate
                             Unmatched request: 404 replay_miss naming the nearest recorded requests (default),
                             or answer it with the simulator
      --replay-ignore FIELD  Leave a body field (dotted path, e.g. metadata.trace_id) out of matching (repeatable)
      --help                 Show this help
      --version              Print the version
    """

    /// Parses `args` (after `serve`); the error is a message for standard error.
    static func parse(_ args: [String]) throws(CLIError) -> ServeOptions {
        var o = ServeOptions()
        var i = 0
        func value(_ flag: String) throws(CLIError) -> String {
            i += 1
            guard i < args.count else { throw CLIError("\(flag) needs a value") }
            return args[i]
        }
        while i < args.count {
            var arg = args[i]
            var inline: String?
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                inline = String(arg[arg.index(after: eq)...])
                arg = String(arg[..<eq])
            }
            func v() throws(CLIError) -> String { if let inline { return inline }; return try value(arg) }
            switch arg {
            case "--host": o.host = try v()
            case "--port":
                let s = try v()
                guard let p = UInt16(s) else { throw CLIError("--port must be 0-65535, got \(s)") }
                o.port = p
            case "--data-dir": o.dataDir = try v()
            case "--seed":
                let s = try v()
                guard let n = UInt64(s) else { throw CLIError("--seed must be a non-negative integer, got \(s)") }
                o.seed = n
            case "--clock":
                let s = try v()
                guard let c = ClockMode(rawValue: s) else { throw CLIError("--clock must be live or virtual, got \(s)") }
                o.clock = c
            case "--time-scale":
                let s = try v()
                guard let x = Double(s), x > 0, x.isFinite else { throw CLIError("--time-scale must be a positive number, got \(s)") }
                o.timeScale = x
            case "--log-format":
                let s = try v()
                guard let f = Logger.Format(rawValue: s) else { throw CLIError("--log-format must be text or json, got \(s)") }
                o.logFormat = f
            case "--max-body-size":
                let s = try v()
                guard let n = Int(s), n > 0 else { throw CLIError("--max-body-size must be a positive number of bytes, got \(s)") }
                o.maxBodySize = n
            case "--journal-size":
                let s = try v()
                guard let n = Int(s), n > 0 else { throw CLIError("--journal-size must be a positive integer, got \(s)") }
                o.journalSize = n
            case "--journal-bytes":
                let s = try v()
                guard let n = Int(s), n >= 65_536 else { throw CLIError("--journal-bytes must be at least 65536, got \(s)") }
                o.journalBytes = n
            case "--max-stored":
                let s = try v()
                guard let n = Int(s), n >= 0 else { throw CLIError("--max-stored must be a non-negative integer, got \(s)") }
                o.maxStored = n == 0 ? nil : n
            case "--threads":
                let s = try v()
                guard let n = Int(s), (1...64).contains(n) else { throw CLIError("--threads must be 1-64, got \(s)") }
                o.threads = n
            case "--max-connections":
                let s = try v()
                guard let n = Int(s), (16...1_000_000).contains(n) else { throw CLIError("--max-connections must be 16-1000000, got \(s)") }
                o.maxConnections = n
            case "--scenario": o.scenarios.append(try v())
            case "--scenarios-dir": o.scenariosDir = try v()
            case "--record": o.record = try v()
            case "--upstream": o.upstream = try v()
            case "--record-journal": o.recordJournal = try v()
            case "--recordings-dir": o.recordingsDir = try v()
            case "--replay": o.replay = try v()
            case "--replay-speed":
                let s = try v()
                guard let x = Double(s), x >= 0, x.isFinite else { throw CLIError("--replay-speed must be a number >= 0, got \(s)") }
                o.replaySpeed = x
            case "--replay-miss":
                let s = try v()
                guard s == "error" || s == "simulate" else { throw CLIError("--replay-miss must be error or simulate, got \(s)") }
                o.replayMiss = s
            case "--replay-ignore": o.replayIgnore.append(try v())
            case "--auth":
                let s = try v()
                guard s == "open" || s == "strict" else { throw CLIError("--auth must be open or strict, got \(s)") }
                o.strictAuth = s == "strict"
            case "--python-graders": o.python = o.python ?? "python3"
            case "--python": o.python = try v()
            case "--python-timeout":
                let s = try v()
                guard let t = Double(s), t > 0 else { throw CLIError("--python-timeout must be a positive number of seconds, got \(s)") }
                o.pythonTimeout = t
            case "--api-key":
                let s = try v()
                guard !s.trimmingWhitespace().isEmpty else { throw CLIError("--api-key needs a non-empty key") }
                o.apiKeys.append(s)
            default:
                throw CLIError("unknown option \(arg) (see openai-sim serve --help)")
            }
            i += 1
        }
        try o.checkRecording()
        if o.strictAuth && o.apiKeys.isEmpty { throw CLIError("--auth strict needs at least one --api-key (the keys it accepts)") }
        if !o.strictAuth && !o.apiKeys.isEmpty { throw CLIError("--api-key only applies with --auth strict (open mode accepts any key)") }
        return o
    }

    /// Record, record-journal and replay exclude each other; --upstream goes with --record.
    func checkRecording() throws(CLIError) {
        let modes = [record.map { _ in "--record" }, recordJournal.map { _ in "--record-journal" }, replay.map { _ in "--replay" }].compactMap { $0 }
        if modes.count > 1 { throw CLIError("\(modes.joined(separator: " and ")) cannot be combined") }
        if record != nil, upstream == nil { throw CLIError("--record needs --upstream URL (the API to record against)") }
        if upstream != nil, record == nil { throw CLIError("--upstream is only used with --record NAME") }
        if let u = upstream, !(u.hasPrefix("http://") || u.hasPrefix("https://")) {
            throw CLIError("--upstream must be an http:// or https:// URL, got \(u)")
        }
        for n in [record, recordJournal].compactMap({ $0 }) where n.isEmpty || n.contains("/") {
            throw CLIError("a recording NAME is a plain name (letters, digits, - and _), got '\(n)'")
        }
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

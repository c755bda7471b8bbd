import SimSupport

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
    var threads = 2
    var scenarios: [String] = []
    var scenariosDir = "./scenarios"

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
      --threads N            HTTP worker threads (default 2)
      --scenario FILE|NAME   Play a scenario script for every tenant (repeatable); a bad file stops startup
      --scenarios-dir DIR    Where X-Sim-Scenario: NAME and POST /__sim/scenarios find NAME.yaml (default ./scenarios)
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
            case "--threads":
                let s = try v()
                guard let n = Int(s), (1...64).contains(n) else { throw CLIError("--threads must be 1-64, got \(s)") }
                o.threads = n
            case "--scenario": o.scenarios.append(try v())
            case "--scenarios-dir": o.scenariosDir = try v()
            default:
                throw CLIError("unknown option \(arg) (see openai-sim serve --help)")
            }
            i += 1
        }
        return o
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

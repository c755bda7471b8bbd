import FoundationEssentials
import Dispatch
import Glibc
import OpenAIClientCore

/// `openai-sim check`: runs the conformance suite through OpenAIClient against any base URL.
enum CheckCommand {
    static let areas = ["models", "files", "uploads", "chat", "responses", "conversations", "embeddings", "moderations", "batches",
                        "evals", "fine_tuning", "errors"]

    static let help = """
    Usage: openai-sim check --base-url URL [options]

    Runs the lifecycle of every API area through the Swift client against URL (the simulator or
    the real API), decoding every response strictly and checking its invariants. Prints a table
    and exits 1 if any step failed (2 on bad usage).

    Options:
      --base-url URL       API base, e.g. http://127.0.0.1:4010/v1 (default $OPENAI_BASE_URL)
      --api-key KEY        API key (default $OPENAI_API_KEY, else a fresh sk-check-… key)
      --admin-key KEY      Admin key for admin-only steps (default $OPENAI_ADMIN_KEY)
      --project-id ID      Project to grant checkpoint permissions to (the real API wants --admin-key too)
      --only AREAS         Comma-separated areas: \(areas.joined(separator: ","))
      --json FILE          Also write the results as JSON to FILE
      --skip-slow          Skip fine-tuning runs and do not wait for batches to finish
      --poll-timeout SECS  Longest wait for one job to reach a terminal state (default 600)
      --timeout SECS       Per-request timeout (default 60)
      --model ID           Chat/responses model (default gpt-4o-mini)
      --help               Show this help
    """

    struct Options {
        var baseURL: URL?
        var apiKey: String?
        var adminKey: String?
        var projectID: String?
        var only: [String] = CheckCommand.areas
        var jsonPath: String?
        var skipSlow = false
        var pollTimeout: Double = 600
        var timeout: Double = 60
        var model = "gpt-4o-mini"
    }

    static func parse(_ args: [String], env: [String: String]) throws(CLIError) -> Options {
        var o = Options()
        if let raw = env["OPENAI_BASE_URL"] { o.baseURL = URL(string: raw) }
        o.apiKey = env["OPENAI_API_KEY"]
        o.adminKey = env["OPENAI_ADMIN_KEY"]
        var i = 0
        func value(_ flag: String) throws(CLIError) -> String {
            i += 1
            guard i < args.count else { throw CLIError("\(flag) needs a value") }
            return args[i]
        }
        func seconds(_ flag: String) throws(CLIError) -> Double {
            let s = try value(flag)
            guard let v = Double(s), v > 0, v.isFinite else { throw CLIError("\(flag) must be a positive number, got \(s)") }
            return v
        }
        while i < args.count {
            let arg = args[i]
            switch arg {
            case "--base-url":
                let s = try value(arg)
                guard let u = URL(string: s), u.scheme == "http" || u.scheme == "https", u.host != nil else {
                    throw CLIError("--base-url must be an http(s) URL, got \(s)")
                }
                o.baseURL = u
            case "--api-key": o.apiKey = try value(arg)
            case "--admin-key": o.adminKey = try value(arg)
            case "--project-id": o.projectID = try value(arg)
            case "--only":
                let names = try value(arg).split(separator: ",").map { $0.trimmingWhitespace() }
                for n in names where !areas.contains(n) {
                    throw CLIError("unknown area \(n) (areas: \(areas.joined(separator: ", ")))")
                }
                o.only = areas.filter(names.contains)
            case "--json": o.jsonPath = try value(arg)
            case "--skip-slow": o.skipSlow = true
            case "--poll-timeout": o.pollTimeout = try seconds(arg)
            case "--timeout": o.timeout = try seconds(arg)
            case "--model": o.model = try value(arg)
            default: throw CLIError("unknown option \(arg) (see openai-sim check --help)")
            }
            i += 1
        }
        guard o.baseURL != nil else { throw CLIError("--base-url is required (or set OPENAI_BASE_URL)") }
        return o
    }

    /// Runs the suite and returns the process exit code.
    static func run(_ o: Options) async -> Int32 {
        let key = o.apiKey ?? "sk-check-\(UInt64.random(in: 0..<UInt64.max))"
        func client(apiKey: String?) -> OpenAIClient {
            var c = OpenAIClient.Configuration(baseURL: o.baseURL ?? OpenAIClient.Configuration.defaultBaseURL, apiKey: apiKey,
                                               adminKey: o.adminKey, timeout: o.timeout, maxRetries: 2)
            c.defaultHeaders = [:]
            return OpenAIClient(configuration: c, fallbackTransport: CurlTransport())
        }
        let suite = CheckSuite(client: client(apiKey: key), anonymous: client(apiKey: nil), options: o)
        await suite.runAll()
        let report = suite.report
        print(report.table())
        print(report.summaryLine)
        if let path = o.jsonPath {
            do {
                try report.json(baseURL: o.baseURL?.absoluteString ?? "").write(to: URL(fileURLWithPath: path))
            } catch {
                Console.error("openai-sim: cannot write \(path): \(error)\n")
                return 2
            }
        }
        return report.failed > 0 ? 1 : 0
    }

    /// Entry point from main.swift: parses, runs on the main dispatch queue, exits.
    static func main(_ args: [String]) -> Never {
        if args.contains("--help") || args.contains("-h") { print(help); exit(0) }
        let options: Options
        do { options = try parse(args, env: ProcessInfo.processInfo.environment) } catch {
            Console.error("openai-sim: \(error)\n")
            exit(2)
        }
        Task {
            let code = await run(options)
            exit(code)
        }
        dispatchMain()
    }
}

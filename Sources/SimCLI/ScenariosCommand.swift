import FoundationEssentials
import SimScenarios

/// `openai-sim scenarios validate [FILES…]` and `openai-sim scenarios list`, plus the loading
/// `serve --scenario` shares with them (so a bad file stops startup with the same messages).
enum ScenariosCommand {
    static let help = """
    Usage:
      openai-sim scenarios validate [--dir DIR] [FILES…]   Check scenario files (default: every file in DIR)
      openai-sim scenarios list [--dir DIR]                Name, rules and description of each scenario in DIR

    DIR defaults to ./scenarios. validate exits 1 and prints file:line:column: message for
    unknown keys, bad values and unreachable rules.
    """

    /// Runs the subcommand; returns the process exit status.
    static func run(_ args: [String]) -> Int32 {
        guard let sub = args.first, sub != "--help", sub != "-h", sub != "help" else { print(help); return args.isEmpty ? 2 : 0 }
        var dir = "./scenarios"
        var files: [String] = []
        var i = 1
        while i < args.count {
            let a = args[i]
            if a == "--dir" || a == "--scenarios-dir" {
                guard i + 1 < args.count else { printError("\(a) needs a value"); return 2 }
                dir = args[i + 1]; i += 2; continue
            }
            if a.hasPrefix("--dir=") || a.hasPrefix("--scenarios-dir="), let eq = a.firstIndex(of: "=") {
                dir = String(a[a.index(after: eq)...]); i += 1; continue
            }
            if a == "--help" || a == "-h" { print(help); return 0 }
            if a.hasPrefix("-") { printError("unknown option \(a)\n\(help)"); return 2 }
            files.append(a); i += 1
        }
        switch sub {
        case "validate": return validate(files.isEmpty ? ScenarioLibrary(directory: dir).files() : files, dir: dir)
        case "list": return list(ScenarioLibrary(directory: dir))
        default:
            printError("unknown scenarios command \(sub)\n\(help)")
            return 2
        }
    }

    static func validate(_ files: [String], dir: String) -> Int32 {
        guard !files.isEmpty else { printError("no scenario files in \(dir)"); return 1 }
        var failed = false
        var seen: [String: String] = [:]
        for path in files {
            do throws(ScenarioError) {
                let s = try Scenario.load(path: path)
                if let other = seen[s.name] {
                    printError("\(path):1:1: scenario name '\(s.name)' is also used by \(other)")
                    failed = true
                    continue
                }
                seen[s.name] = path
                print("ok  \(path): \(s.name), \(s.rules.count) rule\(s.rules.count == 1 ? "" : "s")")
            } catch {
                failed = true
                for d in error.diagnostics { printError(d.description) }
            }
        }
        return failed ? 1 : 0
    }

    static func list(_ library: ScenarioLibrary) -> Int32 {
        let files = library.files()
        guard !files.isEmpty else { printError("no scenario files in \(library.directory)"); return 1 }
        var failed = false
        for path in files {
            do throws(ScenarioError) {
                let s = try Scenario.load(path: path)
                let rules = "\(s.rules.count) rule\(s.rules.count == 1 ? "" : "s")"
                print("\(s.name.padded(max(24, s.name.count + 1)))\(rules.padded(9))\(s.description ?? "")")
            } catch {
                failed = true
                print("\(ScenarioLibrary.stem(of: path).padded(24))INVALID  \(error.diagnostics.first?.description ?? "")")
            }
        }
        return failed ? 1 : 0
    }

    /// The scenarios `serve --scenario X` names (a file path, or a name in `dir`), all loaded or every problem reported.
    static func loadForServe(_ names: [String], dir: String) throws(CLIError) -> [Scenario] {
        var out: [Scenario] = []
        var problems: [String] = []
        let library = ScenarioLibrary(directory: dir)
        for n in names {
            do throws(ScenarioError) {
                // A path is read as a file, so a missing one says so instead of "not a valid
                // scenario name".
                let isPath = n.contains("/")
                let s = isPath || FileManager.default.fileExists(atPath: n) ? try Scenario.load(path: n) : try library.load(n)
                if out.contains(where: { $0.name == s.name }) {
                    problems.append("\(s.file):1:1: scenario '\(s.name)' is given twice")
                } else {
                    out.append(s)
                }
            } catch {
                problems += error.diagnostics.map(\.description)
            }
        }
        if !problems.isEmpty { throw CLIError("invalid scenario:\n" + problems.joined(separator: "\n")) }
        return out
    }

    static func printError(_ s: String) { Console.error(s + "\n") }
}

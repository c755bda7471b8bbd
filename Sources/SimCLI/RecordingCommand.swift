import FoundationEssentials
import SimRecording
import SimScenarios
import SimSupport

/// `openai-sim recording show|redact|to-scenario`: read, clean and convert cassettes.
enum RecordingCommand {
    static let help = """
    Usage:
      openai-sim recording show NAME [--dir DIR]               Requests, statuses, timings of a recording
      openai-sim recording redact NAME [--dir DIR]             Re-run redaction on a recording (and its bodies) in place
      openai-sim recording to-scenario NAME OUT.yaml [--dir DIR]
                                                           A scenario that reproduces the recorded failures and outputs

    NAME is a cassette file, or a name in DIR (default ./recordings, i.e. ./recordings/NAME.json).
    """

    static func run(_ args: [String]) -> Int32 {
        guard let sub = args.first, !["--help", "-h", "help"].contains(sub) else { print(help); return args.isEmpty ? 2 : 0 }
        var dir = "./recordings"
        var positional: [String] = []
        var i = 1
        while i < args.count {
            let a = args[i]
            if a == "--dir" || a == "--recordings-dir" {
                guard i + 1 < args.count else { return failure("\(a) needs a value") }
                dir = args[i + 1]; i += 2; continue
            }
            if a == "--help" || a == "-h" { print(help); return 0 }
            if a.hasPrefix("-") { return failure("unknown option \(a)\n\(help)") }
            positional.append(a); i += 1
        }
        guard let name = positional.first else { return failure("\(sub) needs a recording NAME\n\(help)") }
        let path = resolve(name, dir: dir)
        switch sub {
        case "show": return show(path)
        case "redact": return redact(path)
        case "to-scenario":
            guard positional.count == 2 else { return failure("to-scenario needs NAME and OUT.yaml\n\(help)") }
            return toScenario(path, out: positional[1])
        default: return failure("unknown recording command \(sub)\n\(help)")
        }
    }

    /// A file path as given, else `DIR/NAME.json`.
    static func resolve(_ name: String, dir: String) -> String {
        if FileManager.default.fileExists(atPath: name) { return name }
        let d = dir.hasSuffix("/") ? String(dir.dropLast()) : dir
        return name.hasSuffix(".json") ? "\(d)/\(name)" : "\(d)/\(name).json"
    }

    static func load(_ path: String) throws(CassetteError) -> Cassette {
        guard let data = FileManager.default.contents(atPath: path) else { throw CassetteError("cannot read \(path)") }
        do throws(CassetteError) { return try Cassette.decode(Array(data)) } catch { throw CassetteError("\(path): \(error.description)") }
    }

    static func show(_ path: String) -> Int32 {
        do throws(CassetteError) {
            print(CassetteSummary.text(try load(path)))
            return 0
        } catch { return failure(error.description) }
    }

    static func redact(_ path: String) -> Int32 {
        guard let data = FileManager.default.contents(atPath: path) else { return failure("cannot read \(path)") }
        let doc: JSON
        do { doc = try JSONParser.parse(Array(data)) } catch { return failure("\(path): not JSON: \(error)") }
        let (clean, n) = Redactor.redact(doc)
        var files = 0
        let bodies = (path.hasSuffix(".json") ? String(path.dropLast(5)) : path) + ".bodies"
        for f in (try? FileManager.default.contentsOfDirectory(atPath: bodies)) ?? [] {
            let p = "\(bodies)/\(f)"
            guard let b = FileManager.default.contents(atPath: p), RequestCapture.isText(Array(b)) else { continue }
            let (r, c) = Redactor.redact(bytes: Array(b))
            if c > 0 {
                do { try Data(r).write(to: URL(fileURLWithPath: p), options: .atomic) } catch { return failure("cannot write \(p): \(error)") }
                files += c
            }
        }
        do { try Data(PrettyJSON.encode(clean)).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            return failure("cannot write \(path): \(error)")
        }
        print("\(path): \(n) value\(n == 1 ? "" : "s") redacted\(files > 0 ? ", \(files) in stored bodies" : "")")
        return 0
    }

    static func toScenario(_ path: String, out: String) -> Int32 {
        let cassette: Cassette
        do throws(CassetteError) { cassette = try load(path) } catch { return failure(error.description) }
        let stem = ScenarioLibrary.stem(of: out)
        let (yaml, rules) = ScenarioExport(cassette: cassette, scenarioName: stem).yaml()
        do { try Data(yaml.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch { return failure("cannot write \(out): \(error)") }
        do throws(ScenarioError) {
            _ = try Scenario.load(path: out)
        } catch {
            for d in error.diagnostics { Console.error(d.description + "\n") }
            return failure("the generated scenario \(out) does not validate (kept for inspection)")
        }
        print("wrote \(out): scenario \(stem), \(rules) rule\(rules == 1 ? "" : "s") from \(cassette.interactions.count) exchanges")
        return 0
    }

    static func failure(_ message: String) -> Int32 {
        Console.error("openai-sim recording: \(message)\n")
        return message.contains("Usage:") ? 2 : 1
    }
}

import FoundationEssentials
import Glibc

let usage = """
openai-sim \(Version.current): an offline simulator of the OpenAI API.

Usage:
  openai-sim serve [options]     Serve the API (openai-sim serve --help for options)
  openai-sim scenarios validate [FILES…] | list   Check or list scenario scripts
  openai-sim recording show|redact|to-scenario NAME …   Inspect, clean or convert a recording
  openai-sim check --base-url URL [options]
                                 Check a server against the API's contract (openai-sim check --help)
  openai-sim --version
  openai-sim --help
"""

func fail(_ message: String) -> Never {
    Console.error("openai-sim: \(message)\n")
    exit(2)
}

var args = Array(CommandLine.arguments.dropFirst())
let command = args.first ?? "--help"
switch command {
case "--version", "-V", "version":
    print("openai-sim \(Version.current)")
case "--help", "-h", "help":
    print(usage)
case "serve":
    let rest = Array(args.dropFirst())
    if rest.contains("--help") || rest.contains("-h") { print(ServeOptions.help); exit(0) }
    if rest.contains("--version") { print("openai-sim \(Version.current)"); exit(0) }
    do {
        let options = try ServeOptions.parse(rest)
        try Serve.run(options)
    } catch {
        fail("\(error)")
    }
case "check":
    CheckCommand.main(Array(args.dropFirst()))
case "scenarios":
    exit(ScenariosCommand.run(Array(args.dropFirst())))
case "recording", "recordings":
    exit(RecordingCommand.run(Array(args.dropFirst())))
default:
    fail("unknown command \(command)\n\(usage)")
}

import Foundation
import SimCore
import SimSupport

/// Runs python graders in a child `python3 -I` (isolated mode: no user site, no PYTHON*
/// variables), the grader's source and every (sample, item) pair sent on standard input as JSON,
/// one JSON answer read back. The interpreter is killed (coreutils `timeout`) when it outlives
/// `timeout`; then every pair is a `timeout` server error. It runs on the calling thread (a grader call blocks the
/// request that asked for it, up to `timeout`).
struct ProcessPythonGraderRunner: PythonGraderRunner {
    let interpreter: String
    let timeout: Double

    /// Loads the source, calls `grade(sample, item)` per pair, and prints one JSON line.
    static let driver = #"""
    import json, sys, traceback
    req = json.load(sys.stdin)
    def short(exc):
        return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
    ns = {"__name__": "grader"}
    try:
        exec(compile(req["source"], "grader.py", "exec"), ns)
        grade = ns["grade"]
    except BaseException as e:
        print(json.dumps({"load_error": short(e)}))
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
    sys.stdout.write(json.dumps({"results": out}))
    """#

    func grade(source: String, pairs: [(sample: JSON, item: JSON)]) -> [PythonGradeOutcome] {
        func all(_ o: PythonGradeOutcome) -> [PythonGradeOutcome] { Array(repeating: o, count: pairs.count) }
        let request: JSON = .object([("source", .string(source)),
                                     ("pairs", .array(pairs.map { .object([("sample", $0.sample), ("item", $0.item)]) }))])
        // coreutils' timeout kills the interpreter when it outlives `timeout`.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["timeout", "-s", "KILL", String(timeout), interpreter, "-I", "-c", Self.driver]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            return all(.serverError(kind: "unavailable", message: "could not start \(interpreter): \(error)"))
        }
        // Written and read on their own threads: a large request or answer must not fill a pipe
        // while the other side waits.
        let writer = DispatchGroup()
        writer.enter()
        DispatchQueue.global().async {
            input.fileHandleForWriting.write(Data(request.encoded))
            try? input.fileHandleForWriting.close()
            writer.leave()
        }
        let stderrData = Locked(Data())
        let drain = DispatchGroup()
        drain.enter()
        DispatchQueue.global().async {
            let d = errors.fileHandleForReading.readDataToEndOfFile()
            stderrData.withLock { $0 = d }
            drain.leave()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        writer.wait()
        drain.wait()
        // `timeout -s KILL` kills the whole process group, itself included (or answers 137).
        if process.terminationStatus == 137 || process.terminationReason == .uncaughtSignal && process.terminationStatus == 9 {
            return all(.serverError(kind: "timeout", message: "the grader did not finish within \(timeout) seconds"))
        }
        guard let answer = try? JSONParser.parse(Array(data)) else {
            let why = String(decoding: stderrData.withLock { $0 }.suffix(2000), as: UTF8.self)
            return all(.serverError(kind: "crashed", message: "\(interpreter) exited with status \(process.terminationStatus): \(why)"))
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

import SimSupport

/// Runs `python` graders' source: `grade(sample, item)` for each pair, in one interpreter per
/// call. An effect (a process), so the domain only sees this protocol: `openai-sim serve
/// --python-graders` injects a runner that starts `python3`; without one, python graders are
/// not run (their result says so).
public protocol PythonGraderRunner: Sendable {
    /// One outcome per pair, in order: the score `grade` returned, or what went wrong.
    func grade(source: String, pairs: [(sample: JSON, item: JSON)]) -> [PythonGradeOutcome]
}

public enum PythonGradeOutcome: Sendable, Equatable {
    case score(Double)
    /// The source raised (while loading or in `grade`), or returned something not a number.
    case runtimeError(String)
    /// The interpreter could not run it: not installed, timed out, crashed.
    case serverError(kind: String, message: String)
}

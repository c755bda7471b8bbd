import FoundationEssentials
import Glibc
import SimSupport

/// A scenario script: named, versioned, an ordered list of rules. The first rule that matches a
/// request (and whose `times` is not used up) decides what happens to it.
public struct Scenario: Sendable {
    public static let supportedVersion = 1

    public var version: Int
    public var name: String
    public var description: String?
    public var rules: [Rule]
    /// Where it came from (a path, or `<upload>`), for messages.
    public var file: String

    public init(version: Int = 1, name: String, description: String? = nil, rules: [Rule], file: String = "<memory>") {
        self.version = version
        self.name = name
        self.description = description
        self.rules = rules
        self.file = file
    }

    /// Parses and validates scenario text (YAML or JSON); throws every problem found.
    public static func parse(_ text: String, file: String = "<memory>", expectedName: String? = nil) throws(ScenarioError) -> Scenario {
        let root: YNode?
        do { root = try YAMLReader.parse(text) } catch {
            throw ScenarioError([Diagnostic(file: file, line: error.line, column: error.column, message: "YAML syntax: \(error.message)")])
        }
        guard let root else {
            throw ScenarioError([Diagnostic(file: file, line: 1, column: 1, message: "the file is empty; expected a mapping with version, name and rules")])
        }
        var decoder = ScenarioDecoder(file: file)
        let scenario = decoder.scenario(root, expectedName: expectedName)
        var diagnostics = decoder.diagnostics
        // Unreachable-rule checks are only meaningful once every rule decoded cleanly.
        if let scenario, diagnostics.isEmpty { diagnostics += ScenarioLint.check(scenario) }
        guard let scenario, diagnostics.isEmpty else {
            throw ScenarioError(diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return scenario
    }

    /// Reads and parses a file; the expected name is the file name without its extension.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            let why = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw ScenarioError([Diagnostic(file: path, line: 0, column: 0, message: why)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError([Diagnostic(file: path, line: 0, column: 0, message: "the file is not UTF-8 text")])
        }
        return try parse(text, file: path, expectedName: ScenarioLibrary.stem(of: path))
    }

    /// A short description for listings.
    public var summary: JSON {
        .object([("name", .string(name)), ("description", JSON(description)), ("version", .int(Int64(version))),
                 ("rules", .array(rules.map { .string($0.name) })), ("file", .string(file))])
    }
}

/// One rule: when `match` holds (and the gates `times`/`nth`/`after`/`probability` allow it), do `actions`.
public struct Rule: Sendable {
    public var name: String
    /// 1-based line of the rule in its file.
    public var line: Int
    public var column: Int
    public var match: Match
    /// Fire at most this many times (per tenant).
    public var times: Int?
    public var actions: Actions

    public init(name: String, line: Int = 0, column: Int = 1, match: Match = Match(), times: Int? = nil, actions: Actions = Actions()) {
        self.name = name
        self.line = line
        self.column = column
        self.match = match
        self.times = times
        self.actions = actions
    }
}

/// The conditions of a rule. All present conditions must hold.
public struct Match: Sendable {
    public var methods: [String]?
    /// One pattern or several (any may match).
    public var paths: [PathPattern]?
    public var query: [(String, Predicate)] = []
    public var headers: [(String, Predicate)] = []
    public var body: Predicate?
    /// Fire only on the Nth call that meets the other conditions (1-based).
    public var nth: Int?
    /// Fire on the Nth such call and every one after it.
    public var after: Int?
    /// Fire with this probability, drawn from the seeded generator.
    public var probability: Double?
    /// WireMock-style state: fire only in state `stateWhen`; move to `stateSet` when fired.
    public var stateWhen: String?
    public var stateSet: String?

    public init() {}

    /// True when the rule fires on every call its conditions allow (no counting or chance).
    var isUngated: Bool { nth == nil && after == nil && probability == nil }
}

/// What a rule does. Several actions combine (e.g. `delay` + `respond`, `rate_limit` + `output`).
public struct Actions: Sendable {
    public var delay: Delay?
    public var respond: Respond?
    public var fault: Fault?
    public var stream: StreamAction?
    public var outputText: String?
    public var outputJSON: JSON?
    public var cachedTokens: Int?
    public var cacheHit: Bool?
    public var rateLimit: RateLimit?
    public var job: JSON?
    /// The webhook event of the job the request creates: `drop`, `duplicate` (copies) or `delay_ms`.
    public var webhook: WebhookAction?

    public init() {}

    /// Action names present, in a fixed order (for journal notes).
    public var names: [String] {
        var n: [String] = []
        if delay != nil { n.append("delay") }
        if respond != nil { n.append("respond") }
        if fault != nil { n.append("fault") }
        if stream != nil { n.append("stream") }
        if outputText != nil || outputJSON != nil { n.append("output") }
        if cachedTokens != nil || cacheHit != nil { n.append("cache") }
        if rateLimit != nil { n.append("rate_limit") }
        if job != nil { n.append("job") }
        if webhook != nil { n.append("webhook") }
        return n
    }
}

/// What a rule does to a job's webhook event.
public struct WebhookAction: Sendable, Equatable {
    public var drop = false
    public var copies = 1
    public var delayMs: Double = 0
    public init() {}
}

/// A seeded delay distribution, in milliseconds.
public enum Delay: Sendable, Equatable {
    case fixed(Double)
    case uniform(Double, Double)
    case lognormal(median: Double, sigma: Double)

    /// Milliseconds for two uniform draws in [0, 1).
    public func sample(_ u1: Double, _ u2: Double) -> Double {
        switch self {
        case let .fixed(ms): return ms
        case let .uniform(a, b): return a + (b - a) * u1
        case let .lognormal(median, sigma):
            // Box–Muller: one standard normal from two uniforms.
            let z = (-2 * log(max(u1, 1e-12))).squareRoot() * cos(2 * Double.pi * u2)
            return median * exp(sigma * z)
        }
    }
}

/// An answer instead of the real handler's: a preset, an explicit status/error/body, or both
/// (explicit fields override the preset's).
public struct Respond: Sendable {
    public static let presets = ["rate_limit", "insufficient_quota", "server_error", "bad_gateway", "overloaded",
                                 "unauthorized", "not_found"]
    public var preset: String?
    public var status: Int?
    /// `type`, `code`, `message`, `param` as written.
    public var error: [(String, JSON)]?
    public var body: JSON?
    public var headers: [(String, String)] = []
    public init() {}
}

/// A transport fault (or a broken body) instead of a clean answer.
public enum Fault: String, Sendable, CaseIterable {
    case reset, closeMidBody = "close_mid_body", emptyReply = "empty_reply", malformedJSON = "malformed_json", hang
    /// Faults that still run the real handler (its response is then broken).
    public var runsHandler: Bool { self == .closeMidBody || self == .malformedJSON }
}

/// How a streamed answer misbehaves (applied by the endpoint's stream writer).
public struct StreamAction: Sendable, Equatable {
    public var cutAfterEvents: Int?
    public var firstEventDelayMs: Double?
    public var eventDelayMs: Double?
    public var errorEvent: JSON?
    public init() {}
}

/// Per-key request and token budgets per minute, on the simulator's clock.
public struct RateLimit: Sendable, Equatable {
    public var rpm: Int?
    public var tpm: Int?
    public init(rpm: Int? = nil, tpm: Int? = nil) {
        self.rpm = rpm
        self.tpm = tpm
    }
}

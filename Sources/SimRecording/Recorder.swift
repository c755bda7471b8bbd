import Digests
import FoundationEssentials
import SimHTTP
import SimSupport

/// Collects exchanges into a cassette and keeps `DIR/NAME.json` up to date after each one
/// (atomically, so a killed process leaves a readable file). Uploaded files and binary
/// downloads go to `DIR/NAME.bodies/<sha256>`. Everything is redacted before it is written.
public final class Recorder: Sendable {
    public let path: String
    public let bodiesDirectory: String
    private let clock = Stopwatch()
    private struct State { var cassette: Cassette; var next = 1; var failures = 0 }
    private let state: Locked<State>
    private let writeLock = Locked(())
    private let logger: Logger

    /// One request on its way; `finish` it with what came back.
    public struct Ticket: Sendable {
        public let seq: Int
        public let startedMs: Double
        public let request: RecordedRequest
        public let watch: Stopwatch
    }

    public init(directory: String, name: String, source: String, upstream: String? = nil, ignoreFields: [String] = [],
                logger: Logger = .silent) {
        let dir = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        path = "\(dir)/\(name).json"
        bodiesDirectory = "\(dir)/\(name).bodies"
        state = Locked(State(cassette: Cassette(name: name, source: source, upstream: upstream, ignoreFields: ignoreFields)))
        self.logger = logger
    }

    /// Creates the directory and an empty cassette, so a bad path fails at startup.
    public func prepare() throws {
        try FileManager.default.createDirectory(atPath: path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "", withIntermediateDirectories: true)
        try write()
    }

    /// Notes the request's arrival (fixing its place in the recorded order) and stores its uploaded bodies.
    public func begin(_ request: HTTPRequest) -> Ticket {
        let (recorded, side) = RequestCapture.capture(request)
        for b in side { storeSide(b) }
        let (seq, started) = state.withLock { s -> (Int, Double) in
            let n = s.next; s.next += 1
            return (n, clock.milliseconds)
        }
        return Ticket(seq: seq, startedMs: started, request: recorded, watch: Stopwatch())
    }

    /// Adds the finished exchange and rewrites the cassette.
    public func finish(_ ticket: Ticket, response: RecordedResponse) {
        let interaction = Interaction(seq: ticket.seq, startedMs: ticket.startedMs, request: ticket.request, response: response)
        state.withLock { s in
            let i = s.cassette.interactions.firstIndex { $0.seq > ticket.seq } ?? s.cassette.interactions.count
            s.cassette.interactions.insert(interaction, at: i)
        }
        do { try write() } catch {
            let first = state.withLock { s -> Bool in s.failures += 1; return s.failures == 1 }
            if first { logger.error("cannot write recording", [("path", .string(path)), ("error", .string("\(error)"))]) }
        }
    }

    /// Stores a response body by hash (text is redacted first; the name is the hash of what was sent).
    public func storeBody(_ bytes: inout [UInt8]) -> String {
        let sha = SHA256.hex(bytes)
        storeSide(SideBody(sha256: sha, source: .bytes(bytes)))
        return sha
    }

    public var cassette: Cassette { state.withLock { $0.cassette } }

    func write() throws {
        let bytes = Redactor.redact(cassette.json).0
        try writeLock.withLock { _ in
            try Data(PrettyJSON.encode(bytes)).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }

    private func storeSide(_ b: SideBody) {
        let file = "\(bodiesDirectory)/\(b.sha256)"
        let fm = FileManager.default
        if fm.fileExists(atPath: file) { return }
        do {
            try fm.createDirectory(atPath: bodiesDirectory, withIntermediateDirectories: true)
            let bytes: [UInt8]
            switch b.source {
            case let .bytes(x): bytes = x
            case let .fileRange(p, offset, length): bytes = try FileIO.read(p, offset: offset, length: length)
            }
            let safe = RequestCapture.isText(bytes) ? Redactor.redact(bytes: bytes).0 : bytes
            try Data(safe).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            logger.error("cannot store recorded body", [("path", .string(file)), ("error", .string("\(error)"))])
        }
    }
}

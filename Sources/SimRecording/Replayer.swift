import FoundationEssentials
import SimSupport

/// Answers requests from a cassette. Requests are matched on method, path, query and canonical
/// body; identical requests get their recorded answers in recorded order (a polling loop sees the
/// job's recorded progression) and then stay at the last one.
public final class Replayer: Sendable {
    public let cassette: Cassette
    public let bodiesDirectory: String?
    public let ignoreFields: [String]
    public let created: CreatedIDs
    private let groups: [MatchKey: [Int]]
    private let cursors = Locked<[MatchKey: Int]>([:])

    /// What a request got.
    public enum Outcome: Sendable {
        /// The recorded interaction; `occurrence` of `count` identical recorded requests.
        case hit(Interaction, occurrence: Int, count: Int)
        case miss(ReplayMiss)
    }

    public init(cassette: Cassette, bodiesDirectory: String? = nil, ignoreFields: [String] = []) {
        self.cassette = cassette
        self.bodiesDirectory = bodiesDirectory
        self.ignoreFields = (cassette.ignoreFields + ignoreFields).uniqued()
        created = CreatedIDs(cassette)
        var g: [MatchKey: [Int]] = [:]
        for (i, x) in cassette.interactions.enumerated() { g[MatchKey(x.request, ignoreFields: self.ignoreFields), default: []].append(i) }
        groups = g
    }

    /// Loads `path` (bodies from `NAME.bodies/` beside it).
    public static func load(path: String, ignoreFields: [String] = []) throws(CassetteError) -> Replayer {
        guard let data = FileManager.default.contents(atPath: path) else { throw CassetteError("cannot read \(path)") }
        let cassette: Cassette
        do throws(CassetteError) { cassette = try Cassette.decode(Array(data)) } catch {
            throw CassetteError("\(path): \(error.description)")
        }
        let base = path.hasSuffix(".json") ? String(path.dropLast(5)) : path
        return Replayer(cassette: cassette, bodiesDirectory: base + ".bodies", ignoreFields: ignoreFields)
    }

    /// The next recorded answer for `request`, or why there is none.
    public func take(_ request: RecordedRequest) -> Outcome {
        let key = MatchKey(request, ignoreFields: ignoreFields)
        guard let indices = groups[key], !indices.isEmpty else { return .miss(miss(request)) }
        let n = cursors.withLock { c -> Int in
            let i = c[key] ?? 0
            c[key] = min(i + 1, indices.count - 1)
            return i
        }
        return .hit(cassette.interactions[indices[n]], occurrence: n + 1, count: indices.count)
    }

    /// Starts every recorded sequence from its first answer again.
    public func rewind() { cursors.withLock { $0.removeAll() } }

    /// A body stored beside the cassette.
    public func body(sha256: String) -> [UInt8]? {
        guard let dir = bodiesDirectory, sha256.allSatisfy({ $0.isHexDigit }) else { return nil }
        return FileManager.default.contents(atPath: "\(dir)/\(sha256)").map { Array($0) }
    }

    /// The nearest recorded requests (one per distinct request), closest first.
    public func miss(_ request: RecordedRequest, limit: Int = 3) -> ReplayMiss {
        var candidates: [(Interaction, RequestDiff)] = []
        for indices in groups.values {
            guard let first = indices.first else { continue }
            let x = cassette.interactions[first]
            candidates.append((x, RequestDiff(request, recorded: x.request, ignoreFields: ignoreFields)))
        }
        candidates.sort { ($0.1.score, $0.0.seq) < ($1.1.score, $1.0.seq) }
        var notes: [String] = []
        for id in CreatedIDs.mentioned(in: request) {
            if let seq = created.creators[id] {
                notes.append("\(id) was created by #\(seq) of the recording")
            } else {
                let sibs = created.siblings(of: id)
                if !sibs.isEmpty {
                    notes.append("\(id) was not created by this recording (it created \(sibs.prefix(3).joined(separator: ", ")))")
                }
            }
        }
        return ReplayMiss(request: request, recording: cassette.name, total: cassette.interactions.count,
                          nearest: candidates.prefix(limit).map { ReplayMiss.Candidate(seq: $0.0.seq, line: $0.0.request.line, reasons: $0.1.reasons) },
                          idNotes: notes, referencesRecordedID: CreatedIDs.mentioned(in: request).contains { created.creators[$0] != nil })
    }
}

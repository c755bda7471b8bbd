import FoundationEssentials
import SimSupport

/// The results of one `check` run: one row per step.
final class CheckReport: @unchecked Sendable {
    enum Outcome: String, Codable { case pass, fail, skip }

    struct Row: Codable {
        let area: String
        let step: String
        let result: Outcome
        let ms: Int
        let detail: String
    }

    private let storage = Locked<[Row]>([])

    var rows: [Row] { storage.withLock { $0 } }

    func add(_ row: Row) { storage.withLock { $0.append(row) } }

    var passed: Int { rows.filter { $0.result == .pass }.count }
    var failed: Int { rows.filter { $0.result == .fail }.count }
    var skipped: Int { rows.filter { $0.result == .skip }.count }

    /// `check: N passed, N failed, N skipped`.
    var summaryLine: String { "check: \(passed) passed, \(failed) failed, \(skipped) skipped" }

    /// A fixed-width table: area, step, result, ms, detail.
    func table() -> String {
        let rs = rows
        let aw = max(4, rs.map(\.area.count).max() ?? 0)
        let sw = max(4, min(48, rs.map(\.step.count).max() ?? 0))
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? String(s.prefix(w)) : s + String(repeating: " ", count: w - s.count) }
        func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        var lines = ["\(pad("AREA", aw))  \(pad("STEP", sw))  RESULT  \(lpad("MS", 6))  DETAIL"]
        for r in rs {
            let detail = r.detail.replacing("\n", with: " ")
            lines.append("\(pad(r.area, aw))  \(pad(r.step, sw))  \(pad(r.result.rawValue.uppercased(), 6))  \(lpad(String(r.ms), 6))  \(detail.prefix(400))")
        }
        return lines.joined(separator: "\n")
    }

    /// The rows as JSON, for CI artifacts.
    func json(baseURL: String) throws -> Data {
        struct Doc: Encodable {
            let base_url: String
            let passed: Int
            let failed: Int
            let skipped: Int
            let results: [Row]
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(Doc(base_url: baseURL, passed: passed, failed: failed, skipped: skipped, results: rows))
    }
}

/// A failed expectation inside a step.
struct CheckFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Throws `CheckFailure(message)` unless `condition` holds.
func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw CheckFailure(message()) }
}

/// Throws unless `id` starts with `prefix` and has something after it.
func expectPrefix(_ id: String, _ prefix: String, _ what: String) throws {
    try expect(id.hasPrefix(prefix) && id.count > prefix.count, "\(what) id \(id) does not start with \(prefix)")
}

import SimSupport

/// `openai-sim recording show`: one line per exchange (status, timing, what came back) and totals.
public enum CassetteSummary {
    public static func text(_ c: Cassette) -> String {
        var lines = ["recording \(c.name): \(c.interactions.count) exchanges, source \(c.source)\(c.upstream.map { ", upstream \($0)" } ?? "")"]
        if !c.ignoreFields.isEmpty { lines.append("ignored body fields: \(c.ignoreFields.joined(separator: ", "))") }
        var statuses: [String: Int] = [:]
        var total = 0.0
        for x in c.interactions {
            let r = x.response
            let status = r.status == 0 ? (r.fault?.rawValue ?? "fault") : String(r.status)
            statuses[status, default: 0] += 1
            var what = ""
            switch r.body {
            case .none: what = ""
            case let .json(j):
                what = j["error"]?["code"]?.stringValue.map { "error \($0)" } ?? j["error"]?["type"]?.stringValue.map { "error \($0)" }
                    ?? j["object"]?.stringValue.map { o in o + (j["status"]?.stringValue.map { " \($0)" } ?? "") + (j["id"]?.stringValue.map { " \($0)" } ?? "") } ?? "json"
            case let .text(t): what = "text, \(t.utf8.count) bytes"
            case let .file(sha, size): what = "file \(sha.prefix(12))…, \(size) bytes"
            case let .stream(events, cut):
                let last = events.last.map { $0.atMs } ?? r.elapsedMs
                what = "stream, \(events.count) events over \(Int(last.rounded())) ms\(cut ? ", CUT" : "")"
            }
            if let e = r.error { what += (what.isEmpty ? "" : ", ") + e }
            if r.fault == .closeMidBody { what += " (body cut)" }
            total += r.elapsedMs
            let seq = "#\(x.seq)".padded(5)
            let ms = String(Int(x.response.elapsedMs.rounded())).leftPadded(6)
            let line = x.request.line.count > 60 ? String(x.request.line.prefix(59)) + "…" : x.request.line
            lines.append("\(seq) \(status.padded(11)) \(ms) ms  \(line.padded(60))  \(what)")
        }
        let counts = statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ", ")
        lines.append("statuses: \(counts.isEmpty ? "none" : counts); total time to first byte \(Int(total.rounded())) ms")
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

import SimSupport

/// A request the recording has no answer for, with the closest recorded requests and why they differ.
public struct ReplayMiss: Sendable {
    public struct Candidate: Sendable {
        public let seq: Int
        public let line: String
        public let reasons: [String]
    }
    public let request: RecordedRequest
    public let recording: String
    public let total: Int
    public let nearest: [Candidate]
    /// What the recording knows about the IDs the request mentions.
    public let idNotes: [String]
    /// True when the request names an object the recording created (the simulator cannot know it).
    public let referencesRecordedID: Bool

    /// One paragraph for the error message.
    public var message: String {
        var s = "No recorded request in recording '\(recording)' (\(total) exchanges) matches \(request.line)."
        if nearest.isEmpty {
            s += " The recording is empty."
        } else {
            s += " Nearest: " + nearest.map { c in
                "#\(c.seq) \(c.line) (\(c.reasons.isEmpty ? "identical" : c.reasons.joined(separator: "; ")))"
            }.joined(separator: " | ")
        }
        if !idNotes.isEmpty { s += ". " + idNotes.joined(separator: "; ") }
        return s + "."
    }

    /// For the request journal and logs.
    public var json: JSON {
        .object([
            ("matched", false), ("recording", .string(recording)),
            ("nearest", .array(nearest.map { c in
                .object([("seq", .int(Int64(c.seq))), ("request", .string(c.line)), ("why", .array(c.reasons.map { .string($0) }))])
            })),
            ("ids", .array(idNotes.map { .string($0) })),
        ])
    }
}

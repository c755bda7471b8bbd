import SimSupport

/// Predicted Outputs (`prediction: {"type": "content", "content": …}` on Chat Completions): the
/// text a completion is expected to mostly repeat (a file being regenerated with small changes).
///
/// The default model answers with the prediction itself (it keeps the file as it is: no change
/// can be made up here), so every prediction token is accepted; a scenario's `output` (or a
/// fine-tuned model's answer) makes a different completion. Either way the usage is computed
/// as the spec defines it: `accepted_prediction_tokens` are the prediction's tokens that appear
/// in the completion (in order: the longest common subsequence of the two token sequences),
/// `rejected_prediction_tokens` the others, which are billed as completion tokens.
enum PredictedOutput {
    /// The prediction's text (a string, or the text parts joined), nil without one.
    static func parse(_ r: BodyReader) throws(APIError) -> String? {
        guard let p = try r.objectReader("prediction") else { return nil }
        if case let .object(pairs) = p.object {
            for (k, _) in pairs where k != "type" && k != "content" { throw .unknownParameter(p.name(k)) }
        }
        let type = try p.requiredString("type")
        guard type == "content" else { throw .invalidValue(p.name("type"), type, supported: ["content"]) }
        guard let content = p.raw("content") else { throw .missingParameter(p.name("content")) }
        if let s = content.stringValue { return s }
        guard let parts = content.arrayValue else {
            throw .invalidType(p.name("content"), expected: "one of a string or array of text content parts", got: content)
        }
        var texts: [String] = []
        for (i, part) in parts.enumerated() {
            let pr = BodyReader(part, array: p.name("content"), index: i)
            guard case .object = part else { throw .invalidType(pr.path, expected: "an object", got: part) }
            let t = try pr.requiredString("type")
            guard t == "text" else { throw .invalidValue(pr.name("type"), t, supported: ["text"]) }
            texts.append(try pr.requiredString("text"))
        }
        return texts.joined()
    }

    /// Token sequences longer than this (product of the two lengths) are matched as multisets
    /// (each prediction token accepted if an unmatched equal one is in the completion) instead
    /// of in order: the subsequence table would grow past 16 million cells.
    static let orderedLimit = 16_000_000

    /// (accepted, rejected) prediction tokens for `completion`.
    static func split(prediction: String, completion: String) -> (accepted: Int, rejected: Int) {
        let a = TokenEstimator.pieces(prediction), b = TokenEstimator.pieces(completion)
        guard !a.isEmpty else { return (0, 0) }
        guard !b.isEmpty else { return (0, a.count) }
        var accepted = 0
        if a.count * b.count <= orderedLimit {
            // Longest common subsequence, two rows.
            var prev = [Int32](repeating: 0, count: b.count + 1), cur = prev
            for x in a {
                for j in 1...b.count {
                    cur[j] = x == b[j - 1] ? prev[j - 1] + 1 : max(prev[j], cur[j - 1])
                }
                swap(&prev, &cur)
            }
            accepted = Int(prev[b.count])
        } else {
            var available: [String: Int] = [:]
            for t in b { available[t, default: 0] += 1 }
            for t in a where (available[t] ?? 0) > 0 { available[t]! -= 1; accepted += 1 }
        }
        return (accepted, a.count - accepted)
    }
}

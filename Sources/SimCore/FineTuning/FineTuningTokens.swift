import SimSupport

/// Token counts for training data, as the fine-tuning cookbook counts them: every message costs
/// its content plus 3 tokens of framing (1 more with a `name`), and every example 3 more for the reply primer.
public enum FineTuningTokens {
    /// Tokens in one text (the inference core's estimator, so training and usage agree).
    public static func count(_ text: String) -> Int { TokenEstimator.count(text) }

    /// Tokens in a chat example's `messages` (the billing unit of supervised fine-tuning).
    public static func count(messages: [JSON]) -> Int {
        var total = 3
        for m in messages {
            total += 3
            for (key, value) in m.objectValue ?? [] {
                switch key {
                case "content": total += count(TrainingText.text(of: value))
                case "name": total += 1 + count(value.stringValue ?? "")
                case "tool_calls", "function_call": total += count(value.encodedString)
                default: break
                }
            }
        }
        return total
    }
}

/// Text of a message `content`: a string, or the concatenated `text` of its parts.
enum TrainingText {
    static func text(of content: JSON) -> String {
        if let s = content.stringValue { return s }
        guard let parts = content.arrayValue else { return "" }
        return parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }
}

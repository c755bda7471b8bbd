import Digests
import SimSupport

/// Conversation compaction (`POST /v1/responses/compact`): the user messages are kept and
/// everything else is folded into one `compaction` item whose `encrypted_content` carries a
/// short summary (opaque to clients, readable by the simulator when the item comes back as input).
public enum ResponseCompaction {
    static let marker = "gAAAAAsim"

    /// The opaque `encrypted_content` for `summary`.
    public static func encrypt(_ summary: String) -> String {
        marker + Base64.encode(Array(summary.utf8))
    }

    /// The summary inside an `encrypted_content` this simulator wrote (nil for anything else).
    public static func summary(fromEncrypted s: String) -> String? {
        guard s.hasPrefix(marker), let d = Base64.decode(String(s.dropFirst(marker.count))) else { return nil }
        return String(decoding: d, as: UTF8.self)
    }

    /// A summary of the folded items: who said what, shortened to its first words.
    public static func summarize(_ items: [JSON]) -> String {
        var lines: [String] = []
        for item in items {
            switch item["type"]?.stringValue ?? "" {
            case "message":
                let role = item["role"]?.stringValue ?? "user"
                let text = (item["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: " ")
                lines.append("\(role): \(TokenEstimator.prefix(text, tokens: 48))")
            case "function_call", "custom_tool_call":
                lines.append("called \(item["name"]?.stringValue ?? "a function")")
            case "function_call_output", "custom_tool_call_output":
                lines.append("tool result: \(TokenEstimator.prefix(ResponseConversation.outputText(item["output"] ?? .null), tokens: 24))")
            case "compaction":
                if let s = summary(fromEncrypted: item["encrypted_content"]?.stringValue ?? "") { lines.append(s) }
            default: continue
            }
        }
        return "Summary of the earlier conversation:\n" + lines.joined(separator: "\n")
    }
}


/// Token counts of a chat completion (`CompletionUsage` in the spec).
public struct CompletionUsage: Codable, Sendable, Hashable {
    public let promptTokens: Int
    public let completionTokens: Int
    public let totalTokens: Int
    public let promptTokensDetails: [String: Int]?
    public let completionTokensDetails: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
        case promptTokensDetails = "prompt_tokens_details", completionTokensDetails = "completion_tokens_details"
    }
}

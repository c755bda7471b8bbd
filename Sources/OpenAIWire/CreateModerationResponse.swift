/// Moderation verdicts for the inputs (`CreateModerationResponse` in the spec).
public struct CreateModerationResponse: Codable, Sendable, Hashable {
    /// One input's verdict.
    public struct Result: Codable, Sendable, Hashable {
        public let flagged: Bool
        public let categories: [String: Bool]
        public let categoryScores: [String: Double]
        public let categoryAppliedInputTypes: [String: [String]]

        enum CodingKeys: String, CodingKey {
            case flagged, categories, categoryScores = "category_scores"
            case categoryAppliedInputTypes = "category_applied_input_types"
        }
    }

    /// Category names the spec requires in `categories`.
    public static let requiredCategories = [
        "hate", "hate/threatening", "harassment", "harassment/threatening", "illicit", "illicit/violent",
        "self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence",
        "violence/graphic",
    ]

    public let id: String
    public let model: String
    public let results: [Result]
}

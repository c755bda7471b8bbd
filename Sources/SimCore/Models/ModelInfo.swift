/// What the simulator knows about a model: catalog entry plus the limits the endpoints enforce.
public struct ModelInfo: Sendable, Equatable {
    public enum Family: String, Sendable { case chat, reasoning, embedding, moderation }
    public let id: String
    public let created: Int64
    public let ownedBy: String
    public let family: Family
    public let contextWindow: Int
    public let maxOutputTokens: Int
    /// Embedding width for embedding models.
    public let dimensions: Int?
    public let fineTunable: Bool
    /// Listed by GET /v1/models (aliases such as text-moderation-latest are served but not listed).
    public let listed: Bool

    public init(_ id: String, _ created: Int64, owner: String = "system", family: Family, context: Int = 128_000,
                maxOutput: Int = 16_384, dimensions: Int? = nil, fineTunable: Bool = false, listed: Bool = true) {
        self.id = id
        self.created = created
        self.ownedBy = owner
        self.family = family
        self.contextWindow = context
        self.maxOutputTokens = maxOutput
        self.dimensions = dimensions
        self.fineTunable = fineTunable
        self.listed = listed
    }
}

/// The built-in catalog of base models.
public enum ModelCatalog {
    public static let models: [ModelInfo] = [
        ModelInfo("gpt-5", 1_754_425_777, family: .reasoning, context: 400_000, maxOutput: 128_000),
        ModelInfo("gpt-5-mini", 1_754_425_928, family: .reasoning, context: 400_000, maxOutput: 128_000),
        ModelInfo("gpt-5-nano", 1_754_426_384, family: .reasoning, context: 400_000, maxOutput: 128_000),
        ModelInfo("gpt-4.1", 1_744_316_542, family: .chat, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        ModelInfo("gpt-4.1-2025-04-14", 1_744_315_746, family: .chat, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        ModelInfo("gpt-4.1-mini", 1_744_318_173, family: .chat, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        ModelInfo("gpt-4.1-mini-2025-04-14", 1_744_317_547, family: .chat, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        ModelInfo("gpt-4.1-nano", 1_744_321_707, family: .chat, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        ModelInfo("gpt-4.1-nano-2025-04-14", 1_744_321_025, family: .chat, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        ModelInfo("gpt-4o", 1_715_367_049, family: .chat),
        ModelInfo("gpt-4o-2024-08-06", 1_722_814_719, family: .chat, fineTunable: true),
        ModelInfo("gpt-4o-mini", 1_721_172_741, family: .chat),
        ModelInfo("gpt-4o-mini-2024-07-18", 1_721_172_717, family: .chat, fineTunable: true),
        ModelInfo("gpt-3.5-turbo", 1_677_610_602, owner: "openai", family: .chat, context: 16_385, maxOutput: 4_096),
        ModelInfo("gpt-3.5-turbo-0125", 1_706_048_358, family: .chat, context: 16_385, maxOutput: 4_096, fineTunable: true),
        ModelInfo("o1", 1_734_375_816, family: .reasoning, context: 200_000, maxOutput: 100_000),
        ModelInfo("o3", 1_744_225_308, family: .reasoning, context: 200_000, maxOutput: 100_000),
        ModelInfo("o3-mini", 1_737_146_383, family: .reasoning, context: 200_000, maxOutput: 100_000),
        ModelInfo("o4-mini", 1_744_225_351, family: .reasoning, context: 200_000, maxOutput: 100_000),
        ModelInfo("o4-mini-2025-04-16", 1_744_133_506, family: .reasoning, context: 200_000, maxOutput: 100_000, fineTunable: true),
        ModelInfo("text-embedding-3-small", 1_705_948_997, family: .embedding, context: 8_191, maxOutput: 0, dimensions: 1536),
        ModelInfo("text-embedding-3-large", 1_705_953_180, family: .embedding, context: 8_191, maxOutput: 0, dimensions: 3072),
        ModelInfo("text-embedding-ada-002", 1_671_217_299, owner: "openai-internal", family: .embedding, context: 8_191,
                  maxOutput: 0, dimensions: 1536),
        ModelInfo("omni-moderation-latest", 1_731_689_265, family: .moderation, context: 32_768, maxOutput: 0),
        ModelInfo("omni-moderation-2024-09-26", 1_732_734_466, family: .moderation, context: 32_768, maxOutput: 0),
        ModelInfo("text-moderation-latest", 1_712_274_412, owner: "openai-internal", family: .moderation, context: 32_768,
                  maxOutput: 0, listed: false),
        ModelInfo("text-moderation-stable", 1_712_274_412, owner: "openai-internal", family: .moderation, context: 32_768,
                  maxOutput: 0, listed: false),
    ]

    private static let byID: [String: ModelInfo] = Dictionary(uniqueKeysWithValues: models.map { ($0.id, $0) })

    public static func base(_ id: String) -> ModelInfo? { byID[id] }

    /// The base model part of a fine-tuned model's name (`ft:BASE:…`); any other name as it is.
    public static func baseName(_ name: String) -> Substring {
        name.hasPrefix("ft:") ? name.dropFirst(3).prefix { $0 != ":" } : Substring(name)
    }
}

/// What the simulator knows about a model: catalog entry plus the limits the endpoints enforce.
public struct ModelInfo: Sendable, Equatable {
    public enum Family: String, Sendable { case chat, reasoning, embedding, moderation
        /// The legacy Completions API's models (`/v1/completions` only).
        case completion
    }
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
    /// Served by the Responses API only (the spec's `ModelIdsResponses`): Chat Completions refuses it.
    public let responsesOnly: Bool

    /// The Chat Completions search models (`…-search-preview`): every answer cites web sources.
    public let searchesWeb: Bool

    /// "For `gpt-5.5`, `gpt-5.5-pro`, and future models, only `24h` is supported" (the spec's
    /// `prompt_cache_retention`): gpt-5.5 and the families after it in this catalog.
    public let onlyExtendedCacheRetention: Bool
    private static let extendedRetentionFamilies = ["gpt-5.5", "gpt-5.6", "gpt-6", "gpt-daybreak", "gpt-rosalind"]

    /// `prompt_cache_options` ("Supported for `gpt-5.6` and later models"): the families from
    /// gpt-5.6 on (gpt-daybreak and gpt-rosalind, of unstated generation, counted among them).
    public let supportsPromptCacheOptions: Bool
    private static let cacheOptionsFamilies = ["gpt-5.6", "gpt-6", "gpt-daybreak", "gpt-rosalind"]

    public init(_ id: String, _ created: Int64, owner: String = "system", family: Family, context: Int = 128_000,
                maxOutput: Int = 16_384, dimensions: Int? = nil, fineTunable: Bool = false, listed: Bool = true,
                responsesOnly: Bool = false) {
        self.id = id
        self.created = created
        self.ownedBy = owner
        self.family = family
        self.contextWindow = context
        self.maxOutputTokens = maxOutput
        self.dimensions = dimensions
        self.fineTunable = fineTunable
        self.listed = listed
        self.responsesOnly = responsesOnly
        searchesWeb = id.contains("-search-preview")
        onlyExtendedCacheRetention = Self.extendedRetentionFamilies.contains { id.hasPrefix($0) }
        supportsPromptCacheOptions = Self.cacheOptionsFamilies.contains { id.hasPrefix($0) }
    }
}

/// The built-in catalog of base models: every chat and reasoning model the spec names
/// (`ModelIdsShared`, `ModelIdsResponses`), the embedding models and the moderation models.
/// `created` is the API's value where one was found in public `/v1/models` listings (2026-11),
/// else midnight UTC of the snapshot's date (an alias takes its snapshot's; a stand-in date where
/// neither is known, marked below); limits are the published
/// ones, or the family's (400,000/128,000 for GPT-5-era reasoning models) where none is published.
public enum ModelCatalog {
    /// Midnight UTC of a date, for snapshots whose `created` was not found.
    static func day(_ y: Int, _ m: Int, _ d: Int) -> Int64 { CivilDate.days(Int64(y), Int64(m), Int64(d)) * 86_400 }

    static func reasoning(_ id: String, _ created: Int64, context: Int = 400_000, maxOutput: Int = 128_000,
                          fineTunable: Bool = false, responsesOnly: Bool = false) -> ModelInfo {
        ModelInfo(id, created, family: .reasoning, context: context, maxOutput: maxOutput, fineTunable: fineTunable,
                  responsesOnly: responsesOnly)
    }

    static func chat(_ id: String, _ created: Int64, owner: String = "system", context: Int = 128_000, maxOutput: Int = 16_384,
                     fineTunable: Bool = false, responsesOnly: Bool = false) -> ModelInfo {
        ModelInfo(id, created, owner: owner, family: .chat, context: context, maxOutput: maxOutput, fineTunable: fineTunable,
                  responsesOnly: responsesOnly)
    }

    public static let models: [ModelInfo] = [
        // GPT-6 (reasoning). Not in the spec this project follows; named by the official SDK
        // (openai-python 3.57: `ChatModel`, and `ResponsesModel` for the Responses-only ones), whose
        // docs give `gpt-6-astra` as the example model. No listing and no published limits:
        // `created` is the day of the first SDK release found naming the model (releases sampled),
        // the limits the GPT-5-era family's.
        reasoning("gpt-6-astra", day(2026, 9, 3)),
        reasoning("gpt-6-sol", day(2026, 9, 22)),
        reasoning("gpt-6-luna", day(2026, 9, 22)),
        reasoning("gpt-6.1-sol", day(2026, 9, 29)),
        reasoning("gpt-6.1-terra", day(2026, 10, 26)),
        reasoning("gpt-6.2-astra", day(2026, 11, 17)),
        reasoning("gpt-6.2-sol", day(2026, 11, 17)),
        reasoning("gpt-6-rosalind", day(2026, 11, 5), responsesOnly: true),
        reasoning("gpt-6-cyber", day(2026, 11, 9), responsesOnly: true),
        reasoning("gpt-6.2-astra-law", day(2026, 11, 17), responsesOnly: true),
        reasoning("gpt-rosalind-research", day(2026, 9, 22), responsesOnly: true),
        // GPT-5.x (reasoning; the -chat-latest aliases are chat models). No listing and no date
        // in the name for gpt-5.6-* and gpt-daybreak-*: 2026-10-01 stands in.
        reasoning("gpt-5.6-sol", day(2026, 10, 1)),
        reasoning("gpt-5.6-terra", day(2026, 10, 1)),
        reasoning("gpt-5.6-luna", day(2026, 10, 1)),
        reasoning("gpt-5.6-cyber", day(2026, 10, 1), responsesOnly: true),
        reasoning("gpt-daybreak-blue-latest", day(2026, 10, 1), responsesOnly: true),
        reasoning("gpt-daybreak-red-latest", day(2026, 10, 1), responsesOnly: true),
        reasoning("gpt-5.5", 1_776_824_847),
        reasoning("gpt-5.5-2026-04-23", day(2026, 4, 23)),
        reasoning("gpt-5.5-pro", day(2026, 4, 23), responsesOnly: true),
        reasoning("gpt-5.5-pro-2026-04-23", 1_776_894_470, responsesOnly: true),
        reasoning("gpt-5.4", 1_772_691_852),
        reasoning("gpt-5.4-mini", 1_773_451_123),
        reasoning("gpt-5.4-mini-2026-03-17", 1_773_451_076),
        reasoning("gpt-5.4-nano", 1_773_450_870),
        reasoning("gpt-5.4-nano-2026-03-17", day(2026, 3, 17)),
        chat("gpt-5.3-chat-latest", 1_772_236_571),
        reasoning("gpt-5.2", 1_765_313_051),
        reasoning("gpt-5.2-2025-12-11", 1_765_313_028),
        chat("gpt-5.2-chat-latest", 1_765_344_352),
        reasoning("gpt-5.2-pro", 1_765_343_983),
        reasoning("gpt-5.2-pro-2025-12-11", 1_765_343_959),
        reasoning("gpt-5.1", 1_762_800_673),
        reasoning("gpt-5.1-2025-11-13", day(2025, 11, 13)),
        chat("gpt-5.1-chat-latest", day(2025, 11, 13)),
        reasoning("gpt-5.1-codex", 1_762_988_221),
        reasoning("gpt-5.1-codex-max", day(2025, 11, 19), responsesOnly: true),
        reasoning("gpt-5.1-mini", day(2025, 11, 13)),
        // GPT-5.
        reasoning("gpt-5", 1_754_425_777),
        reasoning("gpt-5-2025-08-07", 1_754_075_360),
        reasoning("gpt-5-mini", 1_754_425_928),
        reasoning("gpt-5-mini-2025-08-07", 1_754_425_867),
        reasoning("gpt-5-nano", 1_754_426_384),
        reasoning("gpt-5-nano-2025-08-07", 1_754_426_303),
        chat("gpt-5-chat-latest", 1_754_073_306),
        reasoning("gpt-5-codex", 1_757_527_818, responsesOnly: true),
        reasoning("gpt-5-pro", 1_759_469_822, maxOutput: 272_000, responsesOnly: true),
        reasoning("gpt-5-pro-2025-10-06", 1_759_469_707, maxOutput: 272_000, responsesOnly: true),
        // GPT-4.1.
        chat("gpt-4.1", 1_744_316_542, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        chat("gpt-4.1-2025-04-14", 1_744_315_746, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        chat("gpt-4.1-mini", 1_744_318_173, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        chat("gpt-4.1-mini-2025-04-14", 1_744_317_547, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        chat("gpt-4.1-nano", 1_744_321_707, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        chat("gpt-4.1-nano-2025-04-14", 1_744_321_025, context: 1_047_576, maxOutput: 32_768, fineTunable: true),
        // GPT-4o and its previews.
        chat("gpt-4o", 1_715_367_049),
        chat("gpt-4o-2024-11-20", 1_739_331_543),
        chat("gpt-4o-2024-08-06", 1_722_814_719, fineTunable: true),
        chat("gpt-4o-2024-05-13", 1_715_368_132, maxOutput: 4_096),
        chat("chatgpt-4o-latest", 1_723_515_131),
        chat("gpt-4o-mini", 1_721_172_741),
        chat("gpt-4o-mini-2024-07-18", 1_721_172_717, fineTunable: true),
        chat("gpt-4o-audio-preview", 1_727_460_443),
        chat("gpt-4o-audio-preview-2024-10-01", 1_727_389_042),
        chat("gpt-4o-audio-preview-2024-12-17", 1_734_034_239),
        chat("gpt-4o-audio-preview-2025-06-03", 1_748_908_498),
        chat("gpt-4o-mini-audio-preview", 1_734_387_424),
        chat("gpt-4o-mini-audio-preview-2024-12-17", 1_734_115_920),
        chat("gpt-4o-search-preview", 1_741_388_720),
        chat("gpt-4o-search-preview-2025-03-11", 1_741_388_170),
        chat("gpt-4o-mini-search-preview", 1_741_391_161),
        chat("gpt-4o-mini-search-preview-2025-03-11", 1_741_390_858),
        chat("computer-use-preview", 1_734_655_677, context: 8_192, maxOutput: 1_024, responsesOnly: true),
        chat("computer-use-preview-2025-03-11", 1_741_377_021, context: 8_192, maxOutput: 1_024, responsesOnly: true),
        // GPT-4 and GPT-3.5 (legacy).
        chat("gpt-4-turbo", 1_712_361_441, maxOutput: 4_096),
        chat("gpt-4-turbo-2024-04-09", 1_712_601_677, maxOutput: 4_096),
        chat("gpt-4-turbo-preview", 1_706_037_777, maxOutput: 4_096),
        chat("gpt-4-0125-preview", 1_706_037_612, maxOutput: 4_096),
        chat("gpt-4-1106-preview", 1_698_957_206, maxOutput: 4_096),
        chat("gpt-4-vision-preview", 1_698_894_917, maxOutput: 4_096),
        chat("gpt-4", 1_687_882_411, owner: "openai", context: 8_192, maxOutput: 8_192),
        chat("gpt-4-0613", 1_686_588_896, owner: "openai", context: 8_192, maxOutput: 8_192),
        chat("gpt-4-0314", 1_687_882_410, owner: "openai", context: 8_192, maxOutput: 8_192),
        chat("gpt-4-32k", day(2023, 6, 13), owner: "openai", context: 32_768, maxOutput: 32_768),
        chat("gpt-4-32k-0613", day(2023, 6, 13), owner: "openai", context: 32_768, maxOutput: 32_768),
        chat("gpt-4-32k-0314", 1_687_979_321, owner: "openai", context: 32_768, maxOutput: 32_768),
        // The legacy Completions API's models (the spec's `CreateCompletionRequest.model`). Not
        // fine-tunable here: their prompt/completion training format is not simulated.
        ModelInfo("gpt-3.5-turbo-instruct", 1_692_901_427, family: .completion, context: 4_096, maxOutput: 4_096),
        ModelInfo("gpt-3.5-turbo-instruct-0914", 1_694_122_472, family: .completion, context: 4_096, maxOutput: 4_096),
        ModelInfo("davinci-002", 1_692_634_301, family: .completion, context: 16_384, maxOutput: 16_384),
        ModelInfo("babbage-002", 1_692_634_615, family: .completion, context: 16_384, maxOutput: 16_384),
        chat("gpt-3.5-turbo", 1_677_610_602, owner: "openai", context: 16_385, maxOutput: 4_096),
        chat("gpt-3.5-turbo-0125", 1_706_048_358, context: 16_385, maxOutput: 4_096, fineTunable: true),
        chat("gpt-3.5-turbo-1106", 1_698_959_748, context: 16_385, maxOutput: 4_096, fineTunable: true),
        chat("gpt-3.5-turbo-0613", 1_686_587_434, owner: "openai", context: 4_096, maxOutput: 4_096, fineTunable: true),
        chat("gpt-3.5-turbo-0301", 1_677_649_963, owner: "openai", context: 4_096, maxOutput: 4_096),
        chat("gpt-3.5-turbo-16k", 1_683_758_102, owner: "openai-internal", context: 16_385, maxOutput: 4_096),
        chat("gpt-3.5-turbo-16k-0613", 1_685_474_247, owner: "openai", context: 16_385, maxOutput: 4_096),
        // o-series.
        reasoning("o1", 1_734_375_816, context: 200_000, maxOutput: 100_000),
        reasoning("o1-2024-12-17", 1_734_326_976, context: 200_000, maxOutput: 100_000),
        reasoning("o1-mini", 1_725_649_008, context: 128_000, maxOutput: 65_536),
        reasoning("o1-mini-2024-09-12", 1_725_648_979, context: 128_000, maxOutput: 65_536),
        reasoning("o1-preview", 1_725_648_897, context: 128_000, maxOutput: 32_768),
        reasoning("o1-preview-2024-09-12", 1_725_648_865, context: 128_000, maxOutput: 32_768),
        reasoning("o1-pro", 1_742_251_791, context: 200_000, maxOutput: 100_000, responsesOnly: true),
        reasoning("o1-pro-2025-03-19", 1_742_251_504, context: 200_000, maxOutput: 100_000, responsesOnly: true),
        reasoning("o3", 1_744_225_308, context: 200_000, maxOutput: 100_000),
        reasoning("o3-2025-04-16", 1_744_133_301, context: 200_000, maxOutput: 100_000),
        reasoning("o3-mini", 1_737_146_383, context: 200_000, maxOutput: 100_000),
        reasoning("o3-mini-2025-01-31", 1_738_010_200, context: 200_000, maxOutput: 100_000),
        reasoning("o3-pro", 1_748_475_349, context: 200_000, maxOutput: 100_000, responsesOnly: true),
        reasoning("o3-pro-2025-06-10", 1_749_166_761, context: 200_000, maxOutput: 100_000, responsesOnly: true),
        reasoning("o3-deep-research", 1_749_840_121, context: 200_000, maxOutput: 100_000, responsesOnly: true),
        reasoning("o3-deep-research-2025-06-26", 1_750_865_219, context: 200_000, maxOutput: 100_000, responsesOnly: true),
        reasoning("o4-mini", 1_744_225_351, context: 200_000, maxOutput: 100_000),
        reasoning("o4-mini-2025-04-16", 1_744_133_506, context: 200_000, maxOutput: 100_000, fineTunable: true),
        reasoning("o4-mini-deep-research", 1_749_685_485, context: 200_000, maxOutput: 100_000, responsesOnly: true),
        reasoning("o4-mini-deep-research-2025-06-26", 1_750_866_121, context: 200_000, maxOutput: 100_000, responsesOnly: true),
        reasoning("codex-mini-latest", 1_746_673_257, context: 200_000, maxOutput: 100_000),
        // Embeddings and moderation.
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

import SimSupport

/// What the model must produce: free text, any JSON object, or JSON matching a schema.
public enum OutputFormat: Sendable, Equatable {
    case text
    case jsonObject
    case jsonSchema(name: String, schema: JSON, strict: Bool)
}

/// A function the model may call (`tools[].function` in Chat, `tools[]` of type function in Responses).
public struct FunctionTool: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// JSON Schema of the arguments (nil: no parameters).
    public var parameters: JSON?
    public var strict: Bool
    /// A custom tool (GPT-5's freeform tools): called with text, optionally held to a grammar;
    /// nil for a function.
    public var custom: CustomToolFormat?
    public init(name: String, description: String? = nil, parameters: JSON? = nil, strict: Bool = false, custom: CustomToolFormat? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.strict = strict
        self.custom = custom
    }
}

/// A custom tool's input format: free text, or text a `lark` or `regex` grammar accepts.
public enum CustomToolFormat: Sendable, Equatable {
    case text
    case grammar(syntax: String, definition: String)
}

/// Whether and which tool the model must call.
public enum ToolChoice: Sendable, Equatable {
    case none, auto, required
    case function(String)
}

/// Everything a generator may look at to produce one output (one choice of one request).
public struct GenerationRequest: Sendable {
    /// The model id as requested (a fine-tuned `ft:…` id stays as is).
    public var model: String
    /// The resolved base model (limits, family).
    public var modelInfo: ModelInfo
    public var tenant: Tenant
    /// Server seed mixed with the request's `seed` parameter, if any.
    public var seed: UInt64
    /// All input flattened to text, in order (instructions, messages, tool results).
    public var prompt: String { didSet { promptHash = Self.hash(prompt) } }
    /// `StableHash.words` of `prompt` (kept with it: prompts are long and `contentSeed` is read
    /// several times).
    private var promptHash: UInt64
    /// The text of the last user message (what the answer is "about").
    public var lastUserMessage: String { didSet { knownUserTokens = nil } }
    /// `TokenEstimator.count(lastUserMessage)` when the caller already counted it.
    private var knownUserTokens: Int?
    /// Estimated input tokens (as reported in usage).
    public var inputTokens: Int
    /// Output budget (visible + reasoning tokens); nil: the model's maximum.
    public var maxOutputTokens: Int?
    public var format: OutputFormat
    public var tools: [FunctionTool]
    public var toolChoice: ToolChoice
    public var parallelToolCalls: Bool
    /// Outputs of tool calls given after the last user message: the model should now answer in text.
    public var toolOutputs: [(name: String?, output: String)]
    /// `reasoning_effort` / `reasoning.effort` for reasoning models.
    public var reasoningEffort: String?
    public var overrides: RequestOverrides
    /// Which of `n` choices this is (0-based).
    public var choiceIndex: Int
    /// Predicted Outputs: the text the answer is expected to repeat (the default model repeats it).
    public var prediction: String? = nil

    public init(model: String, modelInfo: ModelInfo, tenant: Tenant, seed: UInt64, prompt: String, lastUserMessage: String,
                inputTokens: Int, maxOutputTokens: Int? = nil, format: OutputFormat = .text, tools: [FunctionTool] = [],
                toolChoice: ToolChoice = .auto, parallelToolCalls: Bool = true, toolOutputs: [(name: String?, output: String)] = [],
                reasoningEffort: String? = nil, overrides: RequestOverrides = RequestOverrides(), choiceIndex: Int = 0,
                lastUserMessageTokens: Int? = nil, prediction: String? = nil) {
        self.model = model
        self.modelInfo = modelInfo
        self.tenant = tenant
        self.seed = seed
        self.prompt = prompt
        promptHash = Self.hash(prompt)
        self.lastUserMessage = lastUserMessage
        knownUserTokens = lastUserMessageTokens
        self.inputTokens = inputTokens
        self.maxOutputTokens = maxOutputTokens
        self.format = format
        self.tools = tools
        self.toolChoice = toolChoice
        self.parallelToolCalls = parallelToolCalls
        self.toolOutputs = toolOutputs
        self.reasoningEffort = reasoningEffort
        self.overrides = overrides
        self.choiceIndex = choiceIndex
        self.prediction = prediction
    }

    private static func hash(_ prompt: String) -> UInt64 { TextAnalysis.withBytes(prompt) { StableHash.words($0) } }

    /// Estimated tokens of `lastUserMessage` (counted by the caller, or now).
    public var lastUserMessageTokens: Int { knownUserTokens ?? TokenEstimator.count(lastUserMessage) }

    /// A seed for this request's randomness: (seed, model, input, choice) and nothing else.
    public var contentSeed: UInt64 {
        var h = StableHash.mix(seed, StableHash.fnv1a(model))
        h = StableHash.mix(h, promptHash)
        return StableHash.mix(h, UInt64(choiceIndex) &+ 1)
    }
}

import SimSupport

/// One input's verdict: scores per category, the input types they apply to, and the model's flavour.
public struct ModerationResult: Sendable, Equatable {
    /// Indexed by `ModerationCategory.rawValue`.
    public var scores: [Float]
    public var hasText: Bool
    public var hasImage: Bool
    /// The text-moderation models know no illicit categories.
    public var omni: Bool

    public func flagged(_ c: ModerationCategory) -> Bool {
        if !omni && c.omniOnly { return false }
        return scores[c.rawValue] >= c.threshold
    }

    public var flagged: Bool { ModerationCategory.all.contains { flagged($0) } }

    /// The input types a category's score is based on (`text`, `image`).
    public func appliedTypes(_ c: ModerationCategory) -> [String] {
        if !omni && c.omniOnly { return [] }
        var out: [String] = []
        if hasText { out.append("text") }
        if hasImage && c.appliesToImages { out.append("image") }
        return out
    }
}

/// The Moderations API: validates, classifies and writes the `CreateModerationResponse` bytes.
public struct ModerationService: Sendable {
    let env: SimEnvironment
    let models: ModelService
    let classifier: ModerationClassifier

    let meter: UsageMeter?
    let batch: Bool

    /// `meter` counts each answered request (as a batch line's when `batch`).
    public init(env: SimEnvironment, classifier: ModerationClassifier = .shared, meter: UsageMeter? = nil, batch: Bool = false) {
        self.env = env
        models = ModelService(env: env)
        self.classifier = classifier
        self.meter = meter
        self.batch = batch
    }

    /// - Remark: POST /v1/moderations
    public func create(tenant: Tenant, body: JSON) throws(APIError) -> [UInt8] {
        let request = try ModerationRequest.parse(body)
        let info = try models.resolve(tenant: tenant, id: request.model)
        guard info.family == .moderation else {
            throw .invalidRequest("The model `\(request.model)` is not a moderation model. Use omni-moderation-latest or text-moderation-latest.",
                                  param: "model", code: "invalid_value")
        }
        let omni = info.id.hasPrefix("omni-")
        if !omni, request.inputs.contains(where: \.hasImage) {
            throw .invalidRequest("Model \(request.model) does not support image inputs. Use an omni-moderation model to classify images.",
                                  param: "input", code: "invalid_value")
        }
        let results = request.inputs.map { classify($0, omni: omni) }
        let id = env.ids(tenant).hex("modr-", length: 32)
        if let meter {
            var tokens = 0
            for input in request.inputs {
                switch input {
                case let .text(s): tokens += TokenEstimator.count(s)
                case let .parts(parts):
                    for case let .text(t) in parts { tokens += TokenEstimator.count(t) }
                }
            }
            meter.record(tenant, .moderations, model: info.id, input: tokens, batch: batch)
        }
        return Self.encode(id: id, model: Self.reportedModel(info.id), results: results)
    }

    /// Scores one input: text parts are judged together; each image adds its own scores.
    public func classify(_ input: ModerationInput, omni: Bool = true) -> ModerationResult {
        Self.classify(input, omni: omni, classifier: classifier)
    }

    /// The model name the response reports: omni names as requested, text-moderation aliases as their snapshot.
    static func reportedModel(_ id: String) -> String {
        id.hasPrefix("text-moderation") ? "text-moderation-007" : id
    }

    /// The response bytes (scores written as `Float`s: see `ModerationEncoder`).
    static func encode(id: String, model: String, results: [ModerationResult]) -> [UInt8] {
        ModerationEncoder.encode(id: id, model: model, results: results)
    }
}

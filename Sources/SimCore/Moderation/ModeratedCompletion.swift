import SimSupport

/// Moderated completions: the `moderation` parameter of Responses and Chat Completions
/// (`ModerationParam`: a moderation `model` and an optional `policy` whose `input` and `output`
/// each have a `mode`, `score` or `block`). The request's input and the generated output are
/// classified by the same classifier as `POST /v1/moderations` (the same text gets the same
/// scores); the results go on the response (`moderation.input` / `.output`).
///
/// `score` (and no policy) only reports. `block` is the simulator's reading of the mode, whose
/// effect the spec does not describe: a flagged input is not answered (nothing is generated;
/// a Response ends `incomplete` with reason `content_filter`, a chat choice with
/// `finish_reason: content_filter` and no content), a flagged output is withheld the same way
/// (its tokens were generated and are billed).
public struct ModeratedCompletion: Sendable {
    /// The moderation model as requested, and as the results name it.
    public var model: String
    public var blocksInput: Bool
    public var blocksOutput: Bool
    /// An omni model (images classified, all 13 categories); the text models know no illicit ones.
    var omni: Bool = true

    /// `moderation` of a request body (nil when absent or null). `param` prefixes errors;
    /// `unknown` words an unknown key's 400 as the endpoint does.
    public static func parse(_ value: JSON?, param: String = "moderation",
                             unknown: (String) -> APIError = APIError.unknownParameter) throws(APIError) -> ModeratedCompletion? {
        guard let value, !value.isNull else { return nil }
        guard case let .object(pairs) = value else { throw .invalidType(param, expected: "an object", got: value) }
        for (k, _) in pairs where k != "model" && k != "policy" { throw unknown("\(param).\(k)") }
        guard let m = value["model"], !m.isNull else { throw .missingParameter("\(param).model") }
        guard let model = m.stringValue else { throw .invalidType("\(param).model", expected: "a string", got: m) }
        var blocksInput = false, blocksOutput = false
        if let policy = value["policy"], !policy.isNull {
            guard case let .object(policyPairs) = policy else { throw .invalidType("\(param).policy", expected: "an object", got: policy) }
            for (k, v) in policyPairs {
                guard k == "input" || k == "output" else { throw unknown("\(param).policy.\(k)") }
                guard !v.isNull else { continue }
                let path = "\(param).policy.\(k)"
                guard case let .object(config) = v else { throw .invalidType(path, expected: "an object", got: v) }
                for (ck, _) in config where ck != "mode" { throw unknown("\(path).\(ck)") }
                guard let mode = v["mode"], !mode.isNull else { throw .missingParameter("\(path).mode") }
                guard let s = mode.stringValue else { throw .invalidType("\(path).mode", expected: "a string", got: mode) }
                guard s == "score" || s == "block" else { throw .invalidValue("\(path).mode", s, supported: ["score", "block"]) }
                if s == "block" { if k == "input" { blocksInput = true } else { blocksOutput = true } }
            }
        }
        return ModeratedCompletion(model: model, blocksInput: blocksInput, blocksOutput: blocksOutput)
    }

    /// This configuration once `model` is checked to be a moderation model the tenant can use
    /// (400 naming `param.model`).
    public func resolved(tenant: Tenant, models: ModelService, param: String = "moderation") throws(APIError) -> ModeratedCompletion {
        let info: ModelInfo
        do { info = try models.resolve(tenant: tenant, id: model) } catch {
            throw .invalidRequest("Invalid '\(param).model': the model `\(model)` does not exist or you do not have access to it.",
                                  param: "\(param).model", code: "model_not_found")
        }
        guard info.family == .moderation else {
            throw .invalidRequest("Invalid '\(param).model': `\(model)` is not a moderation model. Use omni-moderation-latest or text-moderation-latest.",
                                  param: "\(param).model", code: "invalid_value")
        }
        var m = self
        m.omni = info.id.hasPrefix("omni-")
        return m
    }

    /// Classifies texts (judged together, as the Moderations API judges one input's text parts)
    /// and, for an omni model, image URLs.
    public func classify(texts: [String], images: [String]) -> ModerationResult {
        var parts: [ModerationPart] = texts.filter { !$0.isEmpty }.map { .text($0) }
        if omni { parts += images.map { .imageURL($0) } }
        if parts.isEmpty { parts = [.text("")] }
        return ModerationService.classify(.parts(parts), omni: omni, classifier: .shared)
    }

    /// A `ModerationResultBody`: `categories` and `category_scores` for all 13 categories (a
    /// text model's omni-only ones false and 0: the body's maps hold booleans and numbers only).
    public func body(_ r: ModerationResult) -> JSON {
        var categories: [(String, JSON)] = [], scores: [(String, JSON)] = [], applied: [(String, JSON)] = []
        for c in ModerationCategory.all {
            let known = r.omni || !c.omniOnly
            categories.append((c.key, .bool(known && r.flagged(c))))
            scores.append((c.key, .double(known ? Self.score(r.scores[c.rawValue]) : 0)))
            applied.append((c.key, .array(r.appliedTypes(c).map { .string($0) })))
        }
        return .object([
            ("type", "moderation_result"), ("model", .string(ModerationService.reportedModel(model))), ("flagged", .bool(r.flagged)),
            ("categories", .object(categories)), ("category_scores", .object(scores)), ("category_applied_input_types", .object(applied)),
        ])
    }

    /// Chat Completions' wrapper (`ChatCompletionModerationResults`): a list of results.
    public func chatResults(_ results: [ModerationResult]) -> JSON {
        .object([("type", "moderation_results"), ("model", .string(ModerationService.reportedModel(model))),
                 ("results", .array(results.map(body)))])
    }

    /// A score as `POST /v1/moderations` writes it (the shortest text that reads back as the `Float`).
    static func score(_ f: Float) -> Double { Double(f.description) ?? Double(f) }
}

extension ModerationService {
    /// `classify(_:omni:)` without a service (moderated completions use the shared classifier).
    static func classify(_ input: ModerationInput, omni: Bool, classifier: ModerationClassifier) -> ModerationResult {
        switch input {
        case let .text(s):
            return ModerationResult(scores: classifier.scoreText(s), hasText: true, hasImage: false, omni: omni)
        case let .parts(parts):
            var texts: [String] = []
            var images: [String] = []
            for p in parts {
                switch p {
                case let .text(t): texts.append(t)
                case let .imageURL(u): images.append(u)
                }
            }
            var scores = ModerationClassifier.filled(0, count: ModerationCategory.count)
            if !texts.isEmpty { scores = classifier.scoreText(texts.joined(separator: "\n")) }
            for u in images {
                let img = classifier.scoreImage(url: u)
                for i in scores.indices { scores[i] = max(scores[i], img[i]) }
            }
            return ModerationResult(scores: scores, hasText: !texts.isEmpty, hasImage: !images.isEmpty, omni: omni)
        }
    }
}

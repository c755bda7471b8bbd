import SimSupport

/// What a fine-tuned model (or one of its checkpoints) says: the assistant turn of the training
/// example whose user turn matches the caller's message. Matching, in order:
/// 1. exact match after normalization (lower-cased, letters and digits only, single spaces);
/// 2. the nearest user turn by Jaccard similarity of their normalized word sets,
///    |A ∩ B| / |A ∪ B|, if it reaches `threshold` (0.5 by default); ties go to the earlier example;
/// 3. otherwise nil: the caller falls back to the base model's deterministic generation.
public struct FineTunedAnswers: Sendable {
    public static let defaultThreshold = 0.5
    let env: SimEnvironment
    let jobs: FineTuningService?

    public init(env: SimEnvironment, jobs: FineTuningService? = nil) {
        self.env = env
        self.jobs = jobs
    }

    /// The trained reply to `userMessage` for `model` if it is one of the tenant's existing fine-tuned
    /// models or checkpoints and an example is close enough; nil otherwise.
    public func answer(tenant: Tenant, model: String, userMessage: String, threshold: Double = defaultThreshold) -> String? {
        pairs(tenant: tenant, model: model).flatMap { Self.match(userMessage, in: $0, threshold: threshold) }
    }

    /// The training pairs behind `model` (nil when it is not the tenant's live fine-tuned model).
    public func pairs(tenant: Tenant, model: String) -> [TrainedPair]? {
        guard model.hasPrefix("ft:") else { return nil }
        jobs?.settle(tenant: tenant)
        guard (try? env.records.get(tenant: tenant.id, collection: ModelService.collection, id: model)) != nil,
              let idx = try? env.records.get(tenant: tenant.id, collection: FineTuningService.modelIndexCollection, id: model),
              let jobID = idx.body["job_id"]?.stringValue,
              let rec = try? env.records.get(tenant: tenant.id, collection: FineTuningService.examplesCollection, id: jobID)
        else { return nil }
        return (rec.body["pairs"]?.arrayValue ?? []).compactMap { p in
            guard let a = p.arrayValue, a.count == 2, let u = a[0].stringValue, let r = a[1].stringValue else { return nil }
            return TrainedPair(user: u, assistant: r)
        }
    }

    /// The documented match over `pairs` (pure; see the type's comment).
    public static func match(_ query: String, in pairs: [TrainedPair], threshold: Double = defaultThreshold) -> String? {
        let q = normalize(query)
        guard !q.isEmpty else { return nil }
        if let exact = pairs.first(where: { normalize($0.user) == q }) { return exact.assistant }
        let qWords = Set(q.split(separator: " "))
        var best: (score: Double, answer: String)?
        for p in pairs {
            let words = Set(normalize(p.user).split(separator: " "))
            let union = qWords.union(words).count
            guard union > 0 else { continue }
            let score = Double(qWords.intersection(words).count) / Double(union)
            if score >= threshold, score > (best?.score ?? -1) { best = (score, p.assistant) }
        }
        return best?.answer
    }

    /// Lower-cased letters and digits; everything else separates words.
    public static func normalize(_ s: String) -> String {
        var out = ""
        var pendingSpace = false
        for ch in s.lowercased() {
            if ch.isLetter || ch.isNumber {
                if pendingSpace, !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(ch)
            } else { pendingSpace = true }
        }
        return out
    }
}

extension FineTunedAnswers: ModelAnswerProvider {
    /// The inference core's seam: `ft:` models answer from their training pairs when the last user
    /// message matches; anything else (or no match) defers to the next provider.
    public func answer(_ request: GenerationRequest) -> ModelAnswer? {
        guard request.model.hasPrefix("ft:") else { return nil }
        return answer(tenant: request.tenant, model: request.model, userMessage: request.lastUserMessage).map { .text($0) }
    }
}

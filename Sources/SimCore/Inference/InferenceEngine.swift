import SimSupport

/// The shared core of the text endpoints (Chat Completions, Responses, batches, evals):
/// one generator chain and one prompt cache per app.
public final class InferenceEngine: Sendable {
    public let generator: GeneratorChain
    public let cache: PromptCache
    public let env: SimEnvironment

    public init(env: SimEnvironment, generator: GeneratorChain = GeneratorChain()) {
        self.env = env
        self.generator = generator
        cache = PromptCache(clock: env.clock)
    }

    /// The seed for a request: the server's seed, mixed with the request's `seed` when given.
    public func seed(requestSeed: Int64?) -> UInt64 {
        guard let s = requestSeed else { return env.seed }
        return StableHash.mix(env.seed, UInt64(bitPattern: s))
    }

    /// Forgets the tenant's cached prompts (or everyone's).
    public func reset(tenant: Tenant?) {
        if let t = tenant { cache.reset(tenant: t) } else { cache.resetAll() }
    }
}

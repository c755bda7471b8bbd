import SimSupport

/// The shared core of the text endpoints (Chat Completions, Responses, batches, evals):
/// one generator chain and one prompt cache per app.
public final class InferenceEngine: Sendable {
    public let generator: GeneratorChain
    public let cache: PromptCache
    public let env: SimEnvironment
    /// Every answered model request, for the organization usage and costs endpoints.
    public let usage: UsageMeter

    public init(env: SimEnvironment, generator: GeneratorChain = GeneratorChain()) {
        self.env = env
        self.generator = generator
        cache = PromptCache(clock: env.clock)
        usage = UsageMeter(clock: env.clock)
    }

    /// Whether a service with environment `env` runs batch lines: those draw IDs from an
    /// environment of their own, everything else (live requests, eval samples) from the app's.
    public func isBatch(_ env: SimEnvironment) -> Bool { env !== self.env }

    /// The seed for a request: the server's seed, mixed with the request's `seed` when given.
    public func seed(requestSeed: Int64?) -> UInt64 {
        guard let s = requestSeed else { return env.seed }
        return StableHash.mix(env.seed, UInt64(bitPattern: s))
    }

    /// Forgets the tenant's cached prompts and usage counts (or everyone's).
    public func reset(tenant: Tenant?) {
        // Usage counts belong to the organization: they go when its root tenant is reset.
        if let t = tenant {
            cache.reset(tenant: t)
            if t.isOrganizationRoot { usage.reset(organizationTenantID: t.id) }
        } else {
            cache.resetAll()
            usage.reset(organizationTenantID: nil)
        }
    }
}

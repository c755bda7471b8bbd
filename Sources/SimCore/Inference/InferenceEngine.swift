import SimSupport

/// The shared core of the text endpoints (Chat Completions, Responses, batches, evals):
/// one generator chain and one prompt cache per app.
public final class InferenceEngine: Sendable {
    public let generator: GeneratorChain
    public let cache: PromptCache
    public let env: SimEnvironment
    /// Every answered model request, for the organization usage and costs endpoints.
    public let usage: UsageMeter

    /// `saveUsage`: the usage meter starts from the counts saved in `env.records` and saves to
    /// it on `UsageMeter.flush()` (when the saved counts cannot be read, it logs that and counts
    /// in memory only).
    public init(env: SimEnvironment, generator: GeneratorChain = GeneratorChain(), saveUsage: Bool = false) {
        self.env = env
        self.generator = generator
        cache = PromptCache(clock: env.clock)
        if saveUsage {
            do {
                usage = try UsageMeter(clock: env.clock, savingTo: env.records)
            } catch {
                env.logger.error("reading saved usage counts failed; counting in memory only", [("error", .string("\(error)"))])
                usage = UsageMeter(clock: env.clock)
            }
        } else {
            usage = UsageMeter(clock: env.clock)
        }
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

import SimCore
import SimHTTP
import SimSupport

/// What a route handler gets: the request, its path parameters, the caller's tenant, the services.
struct RouteContext: Sendable {
    let request: HTTPRequest
    let params: RouteParams
    let tenant: Tenant
    let requestID: String
    let services: Services
    /// Scenario decisions for this request (empty unless a scenario matched).
    let overrides: RequestOverrides
    /// Webhook events: jobs a handler creates are watched, a cancel polls.
    let webhooks: WebhookDispatcher

    func param(_ name: String) -> String { params[name] ?? "" }
    var query: Query { Query(req: request) }
    func body() throws(APIError) -> Params { try Params.json(request) }
}

/// A handler's answer: JSON now, a full response, or a reply that arrives later.
enum RouteResult: Sendable {
    case json(JSON, status: Int = 200)
    /// A 200 JSON answer the handler can write either way: straight to bytes for HTTP, or as a
    /// tree for internal callers (batch lines), which would otherwise parse the bytes back.
    case rendered(bytes: @Sendable () -> [UInt8], tree: @Sendable () -> JSON)
    case response(HTTPResponse)
    case reply(HTTPReply)
}

typealias RouteHandler = @Sendable (RouteContext) throws -> RouteResult

/// The domain services, built once from the environment.
/// A class: route contexts carry one reference instead of copying a dozen.
public final class Services: Sendable {
    public let env: SimEnvironment
    public let files: FileService
    public let uploads: UploadService
    public let models: ModelService
    public let batches: BatchService
    public let fineTuning: FineTuningService
    public let checkpointPermissions: CheckpointPermissionService
    public let fineTunedAnswers: FineTunedAnswers
    /// The shared text-generation core (one generator chain and prompt cache for all endpoints).
    public let inference: InferenceEngine
    public let responses: ResponseService
    public let conversations: ConversationService
    public let chat: ChatCompletionService
    public let completions: CompletionService
    public let evals: EvalService
    public let admin: AdminService
    public let webhooks: WebhookService

    public init(env: SimEnvironment, auth: AuthPolicy = .open, saveUsage: Bool = false) {
        self.env = env
        files = FileService(env: env)
        uploads = UploadService(env: env)
        models = ModelService(env: env)
        batches = BatchService(env: env)
        fineTuning = FineTuningService(env: env)
        checkpointPermissions = CheckpointPermissionService(env: env)
        fineTunedAnswers = FineTunedAnswers(env: env, jobs: fineTuning)
        inference = InferenceEngine(env: env, saveUsage: saveUsage)
        inference.generator.register(fineTunedAnswers, id: "fine-tuning")
        responses = ResponseService(env: env, inference: inference, models: models, files: files)
        conversations = ConversationService(env: env, files: files)
        chat = ChatCompletionService(env: env, models: models, engine: inference)
        completions = CompletionService(env: env, models: models, engine: inference)
        evals = EvalService(env: env, models: models)
        admin = AdminService(env: env, auth: auth)
        webhooks = WebhookService(env: env)
    }

    /// `base`, except that what handlers draw IDs through (`env`, chat, responses) uses `ids`: an
    /// environment with the same clock, seed and stores but ID streams of its own (a batch
    /// line's). Everything with shared state (prompt cache, generator chain, fine-tuning gate) is
    /// `base`'s.
    init(_ base: Services, drawingIDsFrom ids: SimEnvironment) {
        env = ids
        files = base.files
        uploads = base.uploads
        models = base.models
        batches = base.batches
        fineTuning = base.fineTuning
        checkpointPermissions = base.checkpointPermissions
        fineTunedAnswers = base.fineTunedAnswers
        inference = base.inference
        responses = ResponseService(env: ids, inference: base.inference, models: base.models, files: base.files)
        conversations = ConversationService(env: ids, files: base.files)
        chat = ChatCompletionService(env: ids, models: base.models, engine: base.inference)
        completions = CompletionService(env: ids, models: base.models, engine: base.inference)
        evals = base.evals
        admin = base.admin
        webhooks = base.webhooks
    }
}

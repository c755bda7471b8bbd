import FoundationEssentials
import OpenAIWire

/// A thin typed client for the OpenAI API (or anything that speaks its wire format).
public final class OpenAIClient: Sendable {
    public let configuration: Configuration
    let transport: any HTTPTransport
    let retry: RetryPolicy

    /// A client for `configuration`, sending through `configuration.transport` or, when that is nil,
    /// `fallback()`. (`import OpenAIClient` adds `init(configuration:)`, whose fallback is URLSession.)
    public init(configuration: Configuration, fallbackTransport fallback: @autoclosure () -> any HTTPTransport) {
        self.configuration = configuration
        transport = configuration.transport ?? fallback()
        retry = RetryPolicy(maxRetries: configuration.maxRetries)
    }

    /// `/files`.
    public var files: Files { Files(client: self) }
    /// `/uploads`.
    public var uploads: Uploads { Uploads(client: self) }
    /// `/models`.
    public var models: Models { Models(client: self) }
    /// `/batches`.
    public var batches: Batches { Batches(client: self) }
    public var evals: Evals { Evals(client: self) }
    /// `/fine_tuning`.
    public var fineTuning: FineTuning { FineTuning(client: self) }
    /// `/chat/completions`.
    public var chat: ChatCompletions { ChatCompletions(client: self) }
    /// `/responses`.
    public var responses: Responses { Responses(client: self) }
    /// `/conversations`.
    public var conversations: Conversations { Conversations(client: self) }
    /// `/embeddings`.
    public var embeddings: Embeddings { Embeddings(client: self) }
    public var completions: Completions { Completions(client: self) }
    public var webhooks: Webhooks { Webhooks(client: self) }
    /// `/moderations`.
    public var moderations: Moderations { Moderations(client: self) }
    /// `/organization`: the admin API.
    public var organization: Organization { Organization(client: self) }
}

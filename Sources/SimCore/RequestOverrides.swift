import SimSupport

/// What a scenario (or a replayed recording) decided for one request beyond "answer normally":
/// handlers read it to change what the model says, what the cache reports, how a stream
/// behaves or how a job will run. Empty by default.
public struct RequestOverrides: Sendable, Equatable {
    /// Fixed output text for generated content.
    public var outputText: String?
    /// Fixed output JSON (structured outputs / tool arguments).
    public var outputJSON: JSON?
    /// Forced prompt-cache result: a number of cached tokens, or `false` for a miss.
    public var cachedTokens: Int?
    public var cacheHit: Bool?
    public var stream: StreamOverrides?
    /// Job behaviour for fine-tuning / batches, as the scenario wrote it (interpreted by those services).
    public var job: JSON?
    /// What happens to the webhook event of the job this request creates.
    public var webhook: WebhookFault?

    /// A scenario's webhook fault: the event is not sent (`drop`), sent `copies` times (the same
    /// delivery: the API's at-least-once delivery repeats one), or sent `delayMs` later (real time).
    public struct WebhookFault: Sendable, Equatable {
        public var drop: Bool
        public var copies: Int
        public var delayMs: Double
        public init(drop: Bool = false, copies: Int = 1, delayMs: Double = 0) {
            self.drop = drop
            self.copies = copies
            self.delayMs = delayMs
        }
    }

    public struct StreamOverrides: Sendable, Equatable {
        public var cutAfterEvents: Int?
        public var firstEventDelayMs: Double?
        public var eventDelayMs: Double?
        public var errorEvent: JSON?
        public init(cutAfterEvents: Int? = nil, firstEventDelayMs: Double? = nil, eventDelayMs: Double? = nil, errorEvent: JSON? = nil) {
            self.cutAfterEvents = cutAfterEvents
            self.firstEventDelayMs = firstEventDelayMs
            self.eventDelayMs = eventDelayMs
            self.errorEvent = errorEvent
        }
    }

    public init() {}

    public var isEmpty: Bool { self == RequestOverrides() }
}

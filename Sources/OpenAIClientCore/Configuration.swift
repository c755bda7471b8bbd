import FoundationEssentials
import LiveEffects

extension OpenAIClient {
    /// Everything that shapes the client's requests; defaults match the official SDKs.
    public struct Configuration: Sendable {
        /// `https://api.openai.com/v1`.
        public static let defaultBaseURL = URL(string: "https://api.openai.com/v1") ?? URL(fileURLWithPath: "/")

        public var baseURL: URL
        /// Sent as `Authorization: Bearer` on API requests; nil sends no credentials.
        public var apiKey: String?
        /// Sent as `Authorization: Bearer` on admin (`/organization/*`) requests.
        public var adminKey: String?
        /// `OpenAI-Organization`.
        public var organization: String?
        /// `OpenAI-Project`.
        public var project: String?
        /// Seconds one attempt may take.
        public var timeout: TimeInterval
        /// Retries after the first attempt (408, 409, 429, 5xx, connection errors).
        public var maxRetries: Int
        /// Extra headers on every request.
        public var defaultHeaders: [String: String]
        /// The network seam; nil uses `URLSessionTransport` (see `OpenAIClient.init(configuration:)`).
        public var transport: (any HTTPTransport)?
        /// Waits between retries (seconds); replace in tests.
        public var sleep: @Sendable (Double) async throws -> Void
        /// Uniform in [0, 1): backoff jitter and multipart boundaries; replace in tests.
        public var random: @Sendable () -> Double
        /// The current time, for `retry-after` HTTP dates.
        public var now: @Sendable () -> Date

        public init(baseURL: URL = Configuration.defaultBaseURL, apiKey: String? = nil, adminKey: String? = nil,
                    organization: String? = nil, project: String? = nil, timeout: TimeInterval = 600, maxRetries: Int = 2,
                    defaultHeaders: [String: String] = [:], transport: (any HTTPTransport)? = nil) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.adminKey = adminKey
            self.organization = organization
            self.project = project
            self.timeout = timeout
            self.maxRetries = maxRetries
            self.defaultHeaders = defaultHeaders
            self.transport = transport
            sleep = Self.systemSleep
            random = Self.systemRandom
            now = Self.systemNow
        }

        // The client's only ambient effects, in one place: a client talks to the real API, so by
        // default it really waits, draws and reads the wall clock (the live implementations are in
        // the LiveEffects module). Every one is a field above that tests (and anything that wants
        // determinism) replace. The simulator never uses them to build an answer: only the CLI's
        // `check` and recording commands run this client.
        /// Sleeps `seconds` (negative: not at all).
        public static let systemSleep: @Sendable (Double) async throws -> Void = LiveEffects.sleep(seconds:)
        /// The system's random generator, uniform in [0, 1).
        public static let systemRandom: @Sendable () -> Double = LiveEffects.random
        /// The wall clock.
        public static let systemNow: @Sendable () -> Date = LiveEffects.now

        /// A configuration from `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_ADMIN_KEY`, `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`.
        public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Configuration {
            var c = Configuration(apiKey: env["OPENAI_API_KEY"], adminKey: env["OPENAI_ADMIN_KEY"],
                                  organization: env["OPENAI_ORG_ID"], project: env["OPENAI_PROJECT_ID"])
            if let raw = env["OPENAI_BASE_URL"], let url = URL(string: raw) { c.baseURL = url }
            return c
        }
    }
}

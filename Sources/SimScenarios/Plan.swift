import SimSupport

/// What the engine sees of a request: no HTTP types, no OpenAI knowledge.
public struct RequestFacts: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    /// Header names lower-cased.
    public var headers: [(String, String)]
    /// The JSON body (or a multipart form's text fields as an object); nil when there is none.
    public var body: JSON?

    public init(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = [], body: JSON? = nil) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = headers.map { ($0.0.lowercased(), $0.1) }
        self.body = body
    }
}

/// The decision for one request: the rule that fired (with its actions and a sampled delay),
/// or none, with a journal note either way.
public struct Plan: Sendable {
    public var scenario: String?
    public var rule: Rule?
    /// Identifies the fired rule per tenant (`scenario#index`): the key of its rate-limit budget.
    public var ruleKey: String?
    /// How many calls have met this rule's conditions, this one included.
    public var call: Int = 0
    /// The delay drawn for this call, in milliseconds.
    public var delayMs: Double?
    /// For the journal: which rule fired, or the nearest rule and why it missed. Nil when no scenario is active.
    public var note: JSON?

    public static let none = Plan()

    public var fired: Bool { rule != nil }
    public var actions: Actions { rule?.actions ?? Actions() }
}

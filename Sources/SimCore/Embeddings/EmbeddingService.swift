import SimSupport

/// The Embeddings API: validates a request and writes the `CreateEmbeddingResponse` bytes.
public struct EmbeddingService: Sendable {
    /// Per-input limit of every embedding model.
    public static let maxInputTokens = 8192
    /// Limit summed over all inputs of one request.
    public static let maxRequestTokens = 300_000

    let models: ModelService

    let meter: UsageMeter?
    let batch: Bool

    /// `meter` counts each answered request (as a batch line's when `batch`).
    public init(env: SimEnvironment, meter: UsageMeter? = nil, batch: Bool = false) {
        models = ModelService(env: env)
        self.meter = meter
        self.batch = batch
    }

    /// Validates and embeds; returns the JSON response body.
    /// - Remark: POST /v1/embeddings
    public func create(tenant: Tenant, body: JSON) throws(APIError) -> [UInt8] {
        let request = try EmbeddingRequest.parse(body)
        let info = try models.resolve(tenant: tenant, id: request.model)
        let (bytes, tokens) = try Self.createCounting(request, model: info)
        meter?.record(tenant, .embeddings, model: info.id, input: tokens, batch: batch)
        return bytes
    }

    /// The response for a validated request against a resolved model (no tenant state involved).
    public static func create(_ request: EmbeddingRequest, model info: ModelInfo) throws(APIError) -> [UInt8] {
        try createCounting(request, model: info).bytes
    }

    /// `create`, and the request's input tokens.
    static func createCounting(_ request: EmbeddingRequest, model info: ModelInfo) throws(APIError) -> (bytes: [UInt8], tokens: Int) {
        guard info.family == .embedding, let native = info.dimensions else {
            throw .invalidRequest("You are not allowed to generate embeddings from this model", param: "model")
        }
        var dims = native
        if let d = request.dimensions {
            guard supportsDimensions(info.id) else {
                throw .invalidRequest("This model does not support specifying dimensions.", param: "dimensions")
            }
            guard d <= native else {
                throw .invalidRequest("Invalid 'dimensions': integer above maximum value. Expected a value <= \(native), but got \(d) instead.",
                                      param: "dimensions", code: "integer_above_max_value")
            }
            dims = d
        }
        let counts = try tokenCounts(request.inputs)
        let total = counts.reduce(0, +)
        if total > maxRequestTokens {
            throw APIError(status: 400, type: "max_tokens_per_request", code: "max_tokens_per_request",
                           message: "Requested \(total) tokens, max \(maxRequestTokens) tokens per request")
        }
        let embedder = Embedder.forModel(info.id, nativeDimensions: native)
        let perVector = request.encodingFormat == .float ? dims * 13 : dims * 4 / 3 + 8
        var out: [UInt8] = []
        out.reserveCapacity(96 + request.inputs.count * (perVector + 48))
        out.append(contentsOf: #"{"object":"list","data":["#.utf8)
        var features: [EmbeddingFeature] = []
        features.reserveCapacity(256)
        for (index, input) in request.inputs.enumerated() {
            features.removeAll(keepingCapacity: true)
            switch input {
            case let .text(s): EmbeddingFeatures.text(s, into: &features)
            case let .tokens(ids): EmbeddingFeatures.tokens(ids, into: &features)
            }
            let vector = embedder.embed(features, dimensions: dims)
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"object":"embedding","index":"#.utf8)
            out.append(contentsOf: String(index).utf8)
            out.append(contentsOf: #","embedding":"#.utf8)
            switch request.encodingFormat {
            case .float: EmbeddingEncoder.appendFloatArray(vector, to: &out)
            case .base64: EmbeddingEncoder.appendBase64(vector, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        var tail = JSONWriter(capacity: 128)
        tail.write(.string(request.model))
        out.append(contentsOf: #"],"model":"#.utf8)
        out.append(contentsOf: tail.bytes)
        out.append(contentsOf: #","usage":{"prompt_tokens":\#(total),"total_tokens":\#(total)}}"#.utf8)
        return (out, total)
    }

    /// Only text-embedding-3 and later models take `dimensions`.
    static func supportsDimensions(_ model: String) -> Bool { model != "text-embedding-ada-002" }

    static func tokenCounts(_ inputs: [EmbeddingInput]) throws(APIError) -> [Int] {
        var counts: [Int] = []
        counts.reserveCapacity(inputs.count)
        for input in inputs {
            let n: Int
            switch input {
            case let .text(s): n = TokenEstimator.count(s)
            case let .tokens(ids): n = ids.count
            }
            if n > maxInputTokens {
                throw .invalidRequest("This model's maximum context length is \(maxInputTokens) tokens, however you requested \(n) tokens (\(n) in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
                                      param: "input", code: "context_length_exceeded")
            }
            counts.append(n)
        }
        return counts
    }
}

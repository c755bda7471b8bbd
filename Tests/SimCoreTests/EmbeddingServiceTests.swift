import Testing
import SimSupport
@testable import SimCore

@Suite struct EmbeddingServiceTests {
    let small = ModelCatalog.base("text-embedding-3-small")
    let ada = ModelCatalog.base("text-embedding-ada-002")

    func create(_ body: JSON, model: ModelInfo? = nil) throws(APIError) -> JSON {
        let req = try EmbeddingRequest.parse(body)
        guard let info = model ?? ModelCatalog.base(req.model) else { throw .modelNotFound(req.model) }
        let bytes = try EmbeddingService.create(req, model: info)
        return (try? JSONParser.parse(bytes)) ?? .null
    }

    func error(_ body: JSON) -> APIError? {
        do { _ = try create(body); return nil } catch { return error }
    }

    @Test func responseHasTheSpecShapeAndUsage() throws {
        let r = try create(["model": "text-embedding-3-small", "input": ["hello world", "second input here"]])
        #expect(r["object"] == "list")
        #expect(r["model"] == "text-embedding-3-small")
        let data = r["data"]?.arrayValue ?? []
        #expect(data.count == 2)
        #expect(data[1]["object"] == "embedding" && data[1]["index"] == 1)
        #expect(data[0]["embedding"]?.arrayValue?.count == 1536)
        let expected = TokenEstimator.count("hello world") + TokenEstimator.count("second input here")
        #expect(r["usage"] == ["prompt_tokens": .int(Int64(expected)), "total_tokens": .int(Int64(expected))])
    }

    @Test func tokenArrayInputsCountTheirTokens() throws {
        let one = try create(["model": "text-embedding-3-small", "input": [1212, 318, 257]])
        #expect(one["data"]?.arrayValue?.count == 1 && one["usage"]?["prompt_tokens"] == 3)
        let two = try create(["model": "text-embedding-3-small", "input": [[1, 2], [3, 4, 5]]])
        #expect(two["data"]?.arrayValue?.count == 2 && two["usage"]?["total_tokens"] == 5)
    }

    @Test func base64AndDimensions() throws {
        let r = try create(["model": "text-embedding-3-large", "input": "abc", "dimensions": 256, "encoding_format": "base64"])
        let s = r["data"]?.arrayValue?.first?["embedding"]?.stringValue ?? ""
        #expect(s.count == 1368)  // 1024 bytes of float32 → 1368 base64 characters
    }

    @Test func invalidInputsAre400LikeTheAPI() {
        let m: JSON = "text-embedding-3-small"
        let inputs: [JSON] = ["", .array([]), .array(["ok", ""]), .array(["a", .int(1)]), .array([.array([1]), .array([])]),
                            .array([.int(-1)]), .array([.double(1.5)]), .object([("x", 1)]), true]
        for input in inputs {
            let e = error(["model": m, "input": input])
            #expect(e?.status == 400 && e?.message.hasPrefix("'$.input' is invalid") == true, "\(input)")
        }
        let many = JSON.array(Array(repeating: "x", count: 2049))
        #expect(error(["model": m, "input": many])?.code == "array_above_max_length")
        #expect(error(["model": m])?.code == "missing_required_parameter")
        #expect(error(["input": "x"])?.param == "model")
        #expect(error(["model": m, "input": "x", "encoding_format": "hex"])?.param == "encoding_format")
        #expect(error(["model": m, "input": "x", "dimensions": 0])?.code == "integer_below_min_value")
        #expect(error(["model": m, "input": "x", "dimensions": 1537])?.code == "integer_above_max_value")
        #expect(error(["model": m, "input": "x", "user": 5])?.param == "user")
    }

    @Test func adaRejectsDimensions() {
        let e = error(["model": "text-embedding-ada-002", "input": "x", "dimensions": 512])
        #expect(e?.status == 400 && e?.param == "dimensions" && e?.message == "This model does not support specifying dimensions.")
    }

    @Test func nonEmbeddingModelIs400() {
        let e = error(["model": "gpt-4o-mini", "input": "x"])
        #expect(e?.status == 400 && e?.param == "model")
    }

    @Test func perInputAndPerRequestTokenLimits() {
        let long = JSON.array(Array(repeating: 1, count: 8193))
        let e = error(["model": "text-embedding-3-small", "input": long])
        #expect(e?.status == 400 && e?.code == "context_length_exceeded")
        let batch = JSON.array(Array(repeating: JSON.array(Array(repeating: 1, count: 8000)), count: 38))
        let t = error(["model": "text-embedding-3-small", "input": batch])
        #expect(t?.status == 400 && t?.type == "max_tokens_per_request" && t?.message == "Requested 304000 tokens, max 300000 tokens per request")
    }
}

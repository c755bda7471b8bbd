import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

@Suite struct EmbeddingsRoutesTests {
    let sim = TestHarness()

    @Test func createEmbeddingReturnsTheListShape() async {
        let r = await sim.send("POST", "/v1/embeddings", json: ["model": "text-embedding-3-small", "input": "The food was delicious"])
        #expect(r.status == 200)
        #expect(r.header("content-type") == "application/json")
        #expect(r.text.hasPrefix(#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":["#))
        #expect(r.json["data"]?.arrayValue?.first?["embedding"]?.arrayValue?.count == 1536)
        #expect(r.json["model"] == "text-embedding-3-small")
        #expect((r.json["usage"]?["prompt_tokens"]?.intValue ?? 0) > 0)
    }

    @Test func sameRequestGivesIdenticalBytesAcrossServers() async {
        let body: JSON = ["model": "text-embedding-3-large", "input": ["a", "b c"], "dimensions": 8]
        let a = await sim.send("POST", "/v1/embeddings", json: body)
        let b = await TestHarness(seed: 99).send("POST", "/v1/embeddings", key: "sk-other", json: body)
        #expect(a.status == 200 && a.body == b.body)
    }

    @Test func base64EncodingReturnsStrings() async {
        let r = await sim.send("POST", "/v1/embeddings", json: ["model": "text-embedding-ada-002", "input": ["x", "y"], "encoding_format": "base64"])
        #expect(r.status == 200)
        #expect(r.json["data"]?.arrayValue?.allSatisfy { $0["embedding"]?.stringValue?.count == 8192 } == true)
    }

    @Test func unknownModelIs404ModelNotFound() async {
        let r = await sim.send("POST", "/v1/embeddings", json: ["model": "text-embedding-4-huge", "input": "x"])
        #expect(r.status == 404)
        #expect(r.json["error"]?["code"] == "model_not_found" && r.json["error"]?["param"] == "model")
    }

    @Test func unknownParameterAndBadDimensionsAre400() async {
        let u = await sim.send("POST", "/v1/embeddings", json: ["model": "text-embedding-3-small", "input": "x", "temperature": 1])
        #expect(u.status == 400 && u.json["error"]?["code"] == "unknown_parameter")
        let d = await sim.send("POST", "/v1/embeddings", json: ["model": "text-embedding-ada-002", "input": "x", "dimensions": 10])
        #expect(d.status == 400 && d.json["error"]?["param"] == "dimensions")
        let e = await sim.send("POST", "/v1/embeddings", json: ["model": "text-embedding-3-small", "input": ""])
        #expect(e.status == 400 && e.json["error"]?["type"] == "invalid_request_error")
    }
}

import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

/// POST /v1/completions in-process: defaults, prompt forms, determinism.
@Suite struct CompletionsRoutesTests {
    @Test func sameSeedSameRequestGivesTheSameBytesAndSixteenTokensByDefault() async {
        var bodies: [[UInt8]] = []
        for _ in 0..<2 {
            let sim = TestHarness(seed: 9)
            let r = await sim.send("POST", "/v1/completions", json: ["model": "gpt-3.5-turbo-instruct", "prompt": "Tell me about rivers"])
            #expect(r.status == 200)
            #expect(r.json["usage"]?["completion_tokens"] == 16 && r.json["choices"]?.arrayValue?.first?["finish_reason"] == "length")
            bodies.append(r.body)
        }
        #expect(bodies[0] == bodies[1])
    }

    @Test func tokenArrayPromptsAreCountedAndMaxTokensZeroGivesNoText() async {
        let sim = TestHarness()
        let tokens = await sim.send("POST", "/v1/completions", json: ["model": "babbage-002", "prompt": [1, 2, 3, 4, 5, 6, 7], "max_tokens": 4])
        #expect(tokens.json["usage"]?["prompt_tokens"] == 7)
        let batches = await sim.send("POST", "/v1/completions", json: ["model": "babbage-002", "prompt": [[1, 2], [3, 4, 5]], "max_tokens": 4])
        #expect(batches.json["usage"]?["prompt_tokens"] == 5 && batches.json["choices"]?.arrayValue?.count == 2)
        let none = await sim.send("POST", "/v1/completions", json: ["model": "davinci-002", "prompt": "x", "max_tokens": 0])
        #expect(none.json["choices"]?.arrayValue?.first?["text"] == "" && none.json["choices"]?.arrayValue?.first?["finish_reason"] == "length")
        let bad = await sim.send("POST", "/v1/completions", json: ["model": "davinci-002", "prompt": [1, "x"]])
        #expect(bad.status == 400 && bad.json["error"]?["param"] == "prompt[0]")
        let many = await sim.send("POST", "/v1/completions", json: ["model": "davinci-002", "n": 20,
                                                                     "prompt": .array((0..<103).map { .string("p\($0)") })])
        #expect(many.status == 400 && many.json["error"]?["param"] == "prompt")
        let missing = await sim.send("POST", "/v1/completions", json: ["model": "davinci-002"])
        #expect(missing.status == 400 && missing.json["error"]?["param"] == "prompt")
        // Required but nullable: null is the spec's default, a new document ("<|endoftext|>", one token).
        let null = await sim.send("POST", "/v1/completions", json: ["model": "davinci-002", "prompt": .null])
        #expect(null.status == 200 && null.json["usage"]?["prompt_tokens"] == 1, "\(null.json)")
    }
}

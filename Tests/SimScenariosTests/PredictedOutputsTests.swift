import Testing
@testable import SimApp
@testable import SimCore
import SimSupport

/// Predicted Outputs on Chat Completions: the default model repeats the prediction (all of it
/// accepted); a different completion (a scenario's output) accepts the prediction's tokens it
/// contains, in order, and bills the rest as completion tokens.
@Suite struct PredictedOutputsTests {
    static let code = "class User {\n  firstName: string = \"\";\n  username: string = \"\";\n}\n"

    @Test func acceptedTokensAreTheLongestCommonSubsequence() {
        let n = TokenEstimator.count(Self.code)
        #expect(PredictedOutput.split(prediction: Self.code, completion: Self.code) == (n, 0))
        #expect(PredictedOutput.split(prediction: Self.code, completion: "") == (0, n))
        #expect(PredictedOutput.split(prediction: "", completion: "anything") == (0, 0))
        let edited = Self.code.replacingOccurrences(of: "username", with: "email")
        let (a, r) = PredictedOutput.split(prediction: Self.code, completion: edited)
        #expect(a + r == n && r >= 1 && r <= 3 && a > n - 4)
        // In order: the same tokens shuffled are mostly rejected.
        #expect(PredictedOutput.split(prediction: "one two three four", completion: "four three two one").accepted < 4)
    }

    @Test func theDefaultModelRepeatsThePredictionAndAScenarioCanDiffer() async {
        let sim = ScenarioSim()
        let body: JSON = ["model": "gpt-4o", "messages": [["role": "user", "content": "Rename username to email."]],
                          "prediction": ["type": "content", "content": .string(Self.code)]]
        let r = await sim.send("POST", "/v1/chat/completions", json: body)
        let n = TokenEstimator.count(Self.code)
        #expect(r.json["choices"]?.arrayValue?.first?["message"]?["content"] == .string(Self.code))
        #expect(r.json["usage"]?["completion_tokens"] == .int(Int64(n)))
        #expect(r.json["usage"]?["completion_tokens_details"]?["accepted_prediction_tokens"] == .int(Int64(n)))
        #expect(r.json["usage"]?["completion_tokens_details"]?["rejected_prediction_tokens"] == 0)

        let edited = Self.code.replacingOccurrences(of: "username", with: "email")
        let yaml = "version: 1\nname: edit\nrules: [{ match: { path: /v1/chat/completions }, output: { text: \(JSON.string(edited).encodedString) } }]"
        #expect(await sim.activate(yaml).status == 200)
        let e = await sim.send("POST", "/v1/chat/completions", json: body)
        let details = e.json["usage"]?["completion_tokens_details"]
        let accepted = details?["accepted_prediction_tokens"]?.intValue ?? -1, rejected = details?["rejected_prediction_tokens"]?.intValue ?? -1
        #expect(accepted + rejected == Int64(n) && rejected > 0)
        // Rejected prediction tokens are billed as completion tokens.
        #expect(e.json["usage"]?["completion_tokens"] == .int(Int64(TokenEstimator.count(edited)) + rejected))
        // Streamed, the usage chunk says the same.
        var streamed = body
        streamed = streamed.setting("stream", true).setting("stream_options", ["include_usage": true])
        let s = await sim.send("POST", "/v1/chat/completions", json: streamed)
        #expect(s.text.contains("\"rejected_prediction_tokens\":\(rejected)"))
    }

    @Test func badPredictionsNameTheirParam() async {
        let sim = ScenarioSim()
        let cases: [(JSON, String)] = [
            ("text", "prediction"), (["type": "file", "content": "a"], "prediction.type"), (["type": "content"], "prediction.content"),
            (["content": "a"], "prediction.type"), (["type": "content", "content": 3], "prediction.content"),
            (["type": "content", "content": [["type": "image_url", "text": "a"]]], "prediction.content[0].type"),
            (["type": "content", "content": [["type": "text"]]], "prediction.content[0].text"),
            (["type": "content", "content": "a", "extra": 1], "prediction.extra"),
        ]
        for (value, param) in cases {
            let r = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-4o", "messages": [["role": "user", "content": "hi"]],
                                                                          "prediction": value])
            #expect(r.status == 400 && r.json["error"]?["param"] == .string(param), "\(value): \(r.json)")
        }
    }
}

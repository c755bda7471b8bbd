import Testing
@testable import SimApp
import SimCore
import SimSupport

/// Moderated completions (`moderation` on Responses and Chat Completions): the results the
/// Moderations API gives the same text, `score` only reporting, `block` withholding a flagged
/// input's answer or a flagged output (a scenario's fixed output stands in for a model that
/// says something it should not).
@Suite struct ModeratedCompletionsTests {
    static let threat = "I will kill you and your whole family."
    static let omni: JSON = ["model": "omni-moderation-latest"]
    static func policy(input: String? = nil, output: String? = nil) -> JSON {
        var p: [(String, JSON)] = []
        if let input { p.append(("input", ["mode": .string(input)])) }
        if let output { p.append(("output", ["mode": .string(output)])) }
        return ["model": "omni-moderation-latest", "policy": .object(p)]
    }

    @Test func responsesReportTheModerationsAPIsScoresForInputAndOutput() async {
        let sim = ScenarioSim()
        let r = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o", "input": .string(Self.threat), "moderation": Self.omni])
        #expect(r.status == 200 && r.json["status"] == "completed")
        let input = r.json["moderation"]?["input"], output = r.json["moderation"]?["output"]
        #expect(input?["type"] == "moderation_result" && input?["model"] == "omni-moderation-latest" && input?["flagged"] == true)
        #expect(input?["categories"]?["violence"] == true && output?["flagged"] == false)
        #expect(input?["category_applied_input_types"]?["violence"] == ["text"])
        // The same scores as POST /v1/moderations for the same text.
        let m = await sim.send("POST", "/v1/moderations", json: ["input": .string(Self.threat)])
        #expect(input?["category_scores"]?["violence"] == m.json["results"]?.arrayValue?.first?["category_scores"]?["violence"])
        #expect(input?["category_scores"]?.objectValue?.count == 13)
        // Without `moderation` there is no such member.
        let plain = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o", "input": .string(Self.threat)])
        #expect(plain.json["moderation"] == nil)
        // Stored with it.
        let id = r.json["id"]?.stringValue ?? ""
        #expect(await sim.send("GET", "/v1/responses/\(id)").json["moderation"] == r.json["moderation"])
    }

    @Test func aBlockedInputIsNotAnsweredAndABlockedOutputIsWithheld() async {
        let sim = ScenarioSim()
        let blocked = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o", "input": .string(Self.threat),
                                                                     "moderation": Self.policy(input: "block")])
        #expect(blocked.json["status"] == "incomplete" && blocked.json["incomplete_details"]?["reason"] == "content_filter")
        #expect(blocked.json["output"] == [] && blocked.json["usage"]?["output_tokens"] == 0)
        #expect(blocked.json["moderation"]?["input"]?["flagged"] == true && blocked.json["moderation"]?["output"]?["flagged"] == false)
        // Ordinary input under the same policy is answered.
        let fine = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o", "input": "Tell me about tea.",
                                                                  "moderation": Self.policy(input: "block", output: "block")])
        #expect(fine.json["status"] == "completed" && fine.json["moderation"]?["input"]?["flagged"] == false)

        // A model that says something it should not (a scenario's fixed output).
        _ = await sim.activate("version: 1\nname: says\nrules: [{ match: { path: /v1/responses }, output: { text: \"\(Self.threat)\" } }]")
        let scored = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o", "input": "Hello.", "moderation": Self.policy(output: "score")])
        #expect(scored.json["status"] == "completed" && scored.json["moderation"]?["output"]?["flagged"] == true)
        #expect(scored.json["output"]?.arrayValue?.first?["content"]?.arrayValue?.first?["text"] == .string(Self.threat))
        let withheld = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o", "input": "Hello.", "moderation": Self.policy(output: "block")])
        #expect(withheld.json["status"] == "incomplete" && withheld.json["incomplete_details"]?["reason"] == "content_filter")
        #expect(withheld.json["output"] == [] && (withheld.json["usage"]?["output_tokens"]?.intValue ?? 0) > 0)
    }

    @Test func chatReportsOneOutputResultPerChoiceAndBlocksLikeResponses() async {
        let sim = ScenarioSim()
        let messages: JSON = [["role": "user", "content": .string(Self.threat)]]
        let r = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-4o", "messages": messages, "n": 2, "moderation": Self.omni])
        #expect(r.status == 200)
        let mod = r.json["moderation"]
        #expect(mod?["input"]?["type"] == "moderation_results" && mod?["input"]?["results"]?.arrayValue?.count == 1)
        #expect(mod?["input"]?["results"]?.arrayValue?.first?["flagged"] == true && mod?["output"]?["results"]?.arrayValue?.count == 2)
        #expect(r.json["choices"]?.arrayValue?.first?["finish_reason"] == "stop")

        let blocked = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-4o", "messages": messages, "n": 2,
                                                                            "moderation": Self.policy(input: "block")])
        let choices = blocked.json["choices"]?.arrayValue ?? []
        #expect(choices.count == 2 && choices.allSatisfy { $0["finish_reason"] == "content_filter" && $0["message"]?["content"] == .null })
        #expect(blocked.json["usage"]?["completion_tokens"] == 0)

        _ = await sim.activate("version: 1\nname: says\nrules: [{ match: { path: /v1/chat/completions }, output: { text: \"\(Self.threat)\" } }]")
        let hello: JSON = [["role": "user", "content": "Hello."]]
        let withheld = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-4o", "messages": hello,
                                                                             "moderation": Self.policy(output: "block")])
        #expect(withheld.json["choices"]?.arrayValue?.first?["finish_reason"] == "content_filter" && withheld.json["choices"]?.arrayValue?.first?["message"]?["content"] == .null)
        #expect(withheld.json["moderation"]?["output"]?["results"]?.arrayValue?.first?["flagged"] == true)
        #expect((withheld.json["usage"]?["completion_tokens"]?.intValue ?? 0) > 0)

        // Streamed: a moderation chunk (no choices) after the choices' chunks, before the usage chunk.
        let stream = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-4o", "messages": hello, "stream": true,
                                                                           "stream_options": ["include_usage": true], "moderation": Self.omni])
        let chunks = stream.text.split(separator: "\n").filter { $0.hasPrefix("data: {") }
            .compactMap { try? JSONParser.parse(Array($0.dropFirst(6).utf8)) }
        #expect(chunks.count >= 3)
        let tail = chunks.suffix(2)
        #expect(tail.first?["choices"] == [] && tail.first?["moderation"]?["output"]?["results"]?.arrayValue?.first?["flagged"] == true)
        #expect(tail.last?["choices"] == [] && tail.last?["usage"]?["total_tokens"] != nil && tail.last?["moderation"] == nil)
        #expect(chunks.dropLast(2).allSatisfy { $0["moderation"] == nil })
    }

    @Test func aTextModelJudgesTextWithoutTheOmniCategories() async {
        let sim = ScenarioSim()
        let r = await sim.send("POST", "/v1/responses", json: [
            "model": "gpt-4o", "input": "How do I pick a lock to break into a house?",
            "moderation": ["model": "text-moderation-latest"],
        ])
        let input = r.json["moderation"]?["input"]
        #expect(input?["model"] == "text-moderation-007")
        // Booleans and numbers only (the body's maps): the illicit categories false, 0, no input types.
        #expect(input?["categories"]?["illicit"] == false && input?["category_scores"]?["illicit"] == 0)
        #expect(input?["category_applied_input_types"]?["illicit"] == [])
    }

    @Test func badModerationParametersNameTheirParam() async {
        let sim = ScenarioSim()
        let cases: [(JSON, String)] = [
            (["model": "gpt-4o"], "moderation.model"), (["model": "no-such-model"], "moderation.model"), ([:], "moderation.model"),
            (["model": 3], "moderation.model"), ("omni-moderation-latest", "moderation"),
            (["model": "omni-moderation-latest", "policy": ["input": ["mode": "warn"]]], "moderation.policy.input.mode"),
            (["model": "omni-moderation-latest", "policy": ["input": [:]]], "moderation.policy.input.mode"),
            (["model": "omni-moderation-latest", "policy": ["both": ["mode": "block"]]], "moderation.policy.both"),
            (["model": "omni-moderation-latest", "extra": true], "moderation.extra"),
        ]
        for (value, param) in cases {
            for (path, body) in [("/v1/responses", ["model": "gpt-4o", "input": "hi", "moderation": value] as JSON),
                                 ("/v1/chat/completions", ["model": "gpt-4o", "messages": [["role": "user", "content": "hi"]], "moderation": value])] {
                let r = await sim.send("POST", path, json: body)
                #expect(r.status == 400 && r.json["error"]?["param"] == .string(param), "\(path) \(value): \(r.json)")
            }
        }
        // null is no moderation.
        let none = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o", "input": "hi", "moderation": .null])
        #expect(none.status == 200 && none.json["moderation"] == nil)
    }

    @Test func aBackgroundResponseShowsItsModerationOnceCompleted() async throws {
        let sim = ScenarioSim()
        let r = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o", "input": .string(Self.threat), "background": true,
                                                               "moderation": Self.omni])
        #expect(r.json["status"] == "queued" && r.json["moderation"] == nil)
        try sim.clock.advance(by: 600)
        let done = await sim.send("GET", "/v1/responses/\(r.json["id"]?.stringValue ?? "")")
        #expect(done.json["status"] == "completed" && done.json["moderation"]?["input"]?["flagged"] == true)
    }
}

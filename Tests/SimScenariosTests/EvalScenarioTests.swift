import Testing
@testable import SimApp
import SimCore
import SimHTTP
import SimScenarios
import SimSupport

/// Scenario actions that reach the samples of an eval run.
@Suite struct EvalScenarioTests {
    /// A fixed output on the run's create request is what every sample says, so a test can decide
    /// the verdicts.
    @Test func fixedOutputReachesEverySample() async throws {
        let sim = ScenarioSim()
        let eval = await sim.send("POST", "/v1/evals", json: [
            "data_source_config": ["type": "custom", "item_schema": ["type": "object"]],
            "testing_criteria": [["type": "string_check", "name": "yes", "input": "{{sample.output_text}}",
                                  "reference": "{{item.answer}}", "operation": "eq"]]]).json["id"]?.stringValue ?? ""
        let loaded = await sim.activate("""
            version: 1
            name: fixed-yes
            rules:
              - match: { method: POST, path: "/v1/evals/{id}/runs" }
                output: { text: "yes" }
            """)
        #expect(loaded.status == 200)
        let content: JSON = .array((0..<4).map { i in ["item": ["question": .string("q\(i)"), "answer": "yes"]] })
        let run = await sim.send("POST", "/v1/evals/\(eval)/runs", json: [
            "data_source": ["type": "completions", "model": "gpt-4o-mini",
                            "input_messages": ["type": "template", "template": [["role": "user", "content": "{{item.question}}"]]],
                            "source": ["type": "file_content", "content": content]]])
        #expect(run.status == 201)
        try sim.clock.advance(by: 10)
        let id = run.json["id"]?.stringValue ?? ""
        let done = await sim.send("GET", "/v1/evals/\(eval)/runs/\(id)").json
        #expect(done["result_counts"] == ["total": 4, "errored": 0, "failed": 0, "passed": 4])
        let items = await sim.send("GET", "/v1/evals/\(eval)/runs/\(id)/output_items").json["data"]?.arrayValue ?? []
        #expect(items.count == 4 && items.allSatisfy { $0["sample"]?["output"]?.arrayValue?.first?["content"] == "yes" })
    }
}

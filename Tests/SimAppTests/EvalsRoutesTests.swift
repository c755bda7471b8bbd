import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

@Suite struct EvalsRoutesTests {
    static let createBody: JSON = [
        "name": "capitals",
        "data_source_config": ["type": "custom", "item_schema": ["type": "object"]],
        "testing_criteria": [["type": "string_check", "name": "exact", "input": "{{sample.output_text}}",
                              "reference": "{{item.answer}}", "operation": "eq"]],
    ]

    static func rows(_ n: Int) -> JSON {
        .array((0..<n).map { i in ["item": ["question": .string("q\(i)"), "answer": "yes"],
                                  "sample": ["output_text": .string(i % 3 == 0 ? "no" : "yes")]] })
    }

    func makeEval(_ sim: TestHarness) async -> String {
        let r = await sim.send("POST", "/v1/evals", json: Self.createBody)
        #expect(r.status == 201)
        return r.json["id"]?.stringValue ?? ""
    }

    @Test func runRevealsItsResultsOnTheClock() async throws {
        let sim = TestHarness()
        let eval = await makeEval(sim)
        let created = await sim.send("POST", "/v1/evals/\(eval)/runs",
                                     json: ["data_source": ["type": "jsonl", "source": ["type": "file_content", "content": Self.rows(10)]]])
        #expect(created.status == 201)
        #expect(created.json["status"] == "queued" && created.json["result_counts"]?["total"] == 0)
        let run = created.json["id"]?.stringValue ?? ""
        // Queued 1 s, then 0.2 s per item (at least 2 s in all).
        try sim.advance(seconds: 1.5)
        let partial = await sim.send("GET", "/v1/evals/\(eval)/runs/\(run)").json
        #expect(partial["status"] == "in_progress")
        #expect(partial["result_counts"]?["total"] == 2)
        let shown = await sim.send("GET", "/v1/evals/\(eval)/runs/\(run)/output_items").json["data"]?.arrayValue ?? []
        #expect(shown.count == 2)
        try sim.advance(seconds: 2)
        let done = await sim.send("GET", "/v1/evals/\(eval)/runs/\(run)").json
        #expect(done["status"] == "completed")
        // Items 0, 3, 6, 9 answered "no".
        #expect(done["result_counts"] == ["total": 10, "errored": 0, "failed": 4, "passed": 6])
        let items = await sim.send("GET", "/v1/evals/\(eval)/runs/\(run)/output_items?status=fail&limit=100").json["data"]?.arrayValue ?? []
        #expect(items.compactMap { $0["datasource_item_id"]?.intValue } == [0, 3, 6, 9])
        #expect(items.allSatisfy { $0["_ready_at"] == nil && $0["object"] == "eval.run.output_item" })
    }

    @Test func sameSeedSameRequestsSameBodies() async {
        func play() async -> [String] {
            let sim = TestHarness(seed: 5)
            let eval = await makeEval(sim)
            let run = await sim.send("POST", "/v1/evals/\(eval)/runs", json: [
                "data_source": ["type": "completions", "model": "gpt-4o-mini",
                                "input_messages": ["type": "template", "template": [["role": "user", "content": "{{item.question}}"]]],
                                "source": ["type": "file_content", "content": Self.rows(3)]]])
            try? sim.advance(seconds: 10)
            let id = run.json["id"]?.stringValue ?? ""
            return [run.text, await sim.send("GET", "/v1/evals/\(eval)/runs/\(id)").text,
                    await sim.send("GET", "/v1/evals/\(eval)/runs/\(id)/output_items").text]
        }
        let a = await play(), b = await play()
        #expect(a == b)
        #expect(a[2].contains("\"model\":\"gpt-4o-mini\""))
    }

    @Test func badRequestsNameTheirParam() async {
        let sim = TestHarness()
        func param(_ method: String, _ path: String, _ body: JSON?) async -> (Int, String?) {
            let r = await sim.send(method, path, json: body)
            return (r.status, r.json["error"]?["param"]?.stringValue)
        }
        #expect(await param("POST", "/v1/evals", ["testing_criteria": []]) == (400, "data_source_config"))
        #expect(await param("POST", "/v1/evals", ["data_source_config": ["type": "csv"], "testing_criteria": []]) == (400, "data_source_config.type"))
        #expect(await param("POST", "/v1/evals", ["data_source_config": ["type": "custom", "item_schema": [:]],
                                                  "testing_criteria": [["type": "text_similarity", "name": "t", "input": "a", "reference": "b",
                                                                        "evaluation_metric": "cosine"]]]) == (400, "testing_criteria[0].pass_threshold"))
        #expect(await param("POST", "/v1/evals", ["data_source_config": ["type": "custom", "item_schema": [:]], "testing_criteria": [], "color": "red"]).0 == 400)
        let eval = await makeEval(sim)
        #expect(await param("POST", "/v1/evals/\(eval)/runs", ["data_source": ["type": "csv"]]) == (400, "data_source.type"))
        #expect(await param("POST", "/v1/evals/\(eval)/runs", ["data_source": ["type": "jsonl", "source": ["type": "file_id", "id": "file-nope"]]]) == (404, "data_source.source.id"))
        #expect(await param("POST", "/v1/evals/\(eval)/runs", ["data_source": ["type": "completions", "model": "gpt-4o-mini",
                                                                                "source": ["type": "file_content", "content": Self.rows(1)]]]) == (400, "data_source.input_messages"))
        #expect(await param("POST", "/v1/evals/\(eval)/runs", ["data_source": ["type": "jsonl", "source": ["type": "file_content", "content": [["sample": [:]]]]]]) == (400, "data_source.source.content[0].item"))
        #expect(await param("GET", "/v1/evals/\(eval)/runs?status=done", nil) == (400, "status"))
        #expect(await param("GET", "/v1/evals?order_by=name", nil) == (400, "order_by"))
        #expect(await param("GET", "/v1/evals/eval_nope", nil) == (404, "eval_id"))
        #expect(await param("GET", "/v1/evals/\(eval)/runs/evalrun_nope", nil) == (404, "run_id"))
    }

    @Test func deletingAnEvalDeletesItsRunsAndOtherKeysSeeNothing() async {
        let sim = TestHarness()
        let eval = await makeEval(sim)
        let run = await sim.send("POST", "/v1/evals/\(eval)/runs",
                                 json: ["data_source": ["type": "jsonl", "source": ["type": "file_content", "content": Self.rows(2)]]])
        let runID = run.json["id"]?.stringValue ?? ""
        #expect(await sim.send("GET", "/v1/evals/\(eval)", key: "sk-other").status == 404)
        #expect(await sim.send("GET", "/v1/evals", key: "sk-other").json["data"]?.arrayValue?.isEmpty == true)
        // The spec's cancel (POST on the run) and the SDK's (…/cancel) both cancel.
        #expect(await sim.send("POST", "/v1/evals/\(eval)/runs/\(runID)/cancel").json["status"] == "canceled")
        #expect(await sim.send("POST", "/v1/evals/\(eval)/runs/\(runID)").status == 400)
        let deleted = await sim.send("DELETE", "/v1/evals/\(eval)")
        #expect(deleted.json == ["object": "eval.deleted", "deleted": true, "eval_id": .string(eval)])
        #expect(await sim.send("GET", "/v1/evals/\(eval)/runs/\(runID)").status == 404)
        #expect(await sim.send("GET", "/v1/evals/\(eval)").status == 404)
    }

    /// Counts calls: a python grader runs once per run over every item, not once per item.
    final class CountingPython: PythonGraderRunner, @unchecked Sendable {
        var calls: [Int] = []
        func grade(source: String, pairs: [(sample: JSON, item: JSON)]) -> [PythonGradeOutcome] {
            calls.append(pairs.count)
            return pairs.map { $0.sample["output_text"] == $0.item["answer"] ? .score(1) : .score(0.2) }
        }
    }

    @Test func pythonGradersRunOncePerRunWithTheirThreshold() async throws {
        let py = CountingPython()
        let sim = TestHarness(python: py)
        let body = Self.createBody.setting("testing_criteria", [["type": "python", "name": "py", "source": "def grade(s, i): ...",
                                                                 "pass_threshold": 0.5]])
        let eval = await sim.send("POST", "/v1/evals", json: body).json["id"]?.stringValue ?? ""
        let run = await sim.send("POST", "/v1/evals/\(eval)/runs",
                                 json: ["data_source": ["type": "jsonl", "source": ["type": "file_content", "content": Self.rows(6)]]])
        #expect(run.status == 201 && py.calls == [6])
        try sim.clock.advance(by: 3600)
        let done = await sim.send("GET", "/v1/evals/\(eval)/runs/\(run.json["id"]?.stringValue ?? "")").json
        #expect(done["result_counts"]?["passed"] == 4 && done["result_counts"]?["failed"] == 2, "\(done)")
        // Without a runner the grader is reported as not run.
        let plain = TestHarness()
        let e2 = await plain.send("POST", "/v1/evals", json: body).json["id"]?.stringValue ?? ""
        let r2 = await plain.send("POST", "/v1/evals/\(e2)/runs",
                                  json: ["data_source": ["type": "jsonl", "source": ["type": "file_content", "content": Self.rows(1)]]])
        try plain.clock.advance(by: 3600)
        let items = await plain.send("GET", "/v1/evals/\(e2)/runs/\(r2.json["id"]?.stringValue ?? "")/output_items").json
        let error = items["data"]?.arrayValue?.first?["results"]?.arrayValue?.first?["error"]?.stringValue ?? ""
        #expect(error.contains("--python-graders"))
    }
}

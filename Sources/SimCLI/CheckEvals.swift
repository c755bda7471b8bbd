import FoundationEssentials
import OpenAIClientCore
import OpenAIWire

extension CheckSuite {
    /// An eval with a string check, a `jsonl` run over two inline rows with given samples (no model
    /// is called, so it costs nothing against the real API), one passing and one failing.
    func checkEvals() async throws {
        let a = "evals"
        let eval = try await step(a, "create") {
            let e = try await client.evals.create(CreateEvalRequest(
                name: "openai-sim check", metadata: ["check": "openai-sim"],
                dataSourceConfig: ["type": "custom", "item_schema": ["type": "object", "properties": ["answer": ["type": "string"]]]],
                testingCriteria: [["type": "string_check", "name": "exact", "input": "{{sample.output_text}}",
                                   "reference": "{{item.answer}}", "operation": "eq"]]))
            try expectPrefix(e.id, "eval_", "eval")
            try expect(e.metadata?["check"] == "openai-sim", "metadata not echoed")
            try expect(e.testingCriteria.count == 1, "\(e.testingCriteria.count) testing criteria")
            return e
        }
        let run = try await step(a, "create jsonl run") {
            let rows: [JSONValue] = [["item": ["answer": "yes"], "sample": ["output_text": "yes"]],
                                     ["item": ["answer": "yes"], "sample": ["output_text": "no"]]]
            let r = try await client.evals.runs.create(evalID: eval.id, CreateEvalRunRequest(
                name: "check", dataSource: ["type": "jsonl", "source": ["type": "file_content", "content": .array(rows)]]))
            try expectPrefix(r.id, "evalrun_", "run")
            try expect(r.evalID == eval.id, "run of eval \(r.evalID)")
            return r
        }
        let done = try await step(a, "runs to completed") {
            let seen = try await poll("run \(run.id)", fetch: { try await client.evals.runs.retrieve(evalID: eval.id, runID: run.id) },
                                      done: { $0.status.isTerminal })
            try expectForward([run.status] + seen.map(\.status), order: [.queued, .inProgress, .completed], what: "run status")
            guard let r = seen.last else { throw CheckFailure("no poll") }
            try expect(r.status == .completed, "ended \(r.status.rawValue): \(String(describing: r.error))")
            let c = r.resultCounts
            try expect(c.total == 2 && c.passed == 1 && c.failed == 1 && c.errored == 0,
                       "result_counts total=\(c.total) passed=\(c.passed) failed=\(c.failed) errored=\(c.errored), expected 2/1/1/0")
            return r
        }
        try await step(a, "output items graded") {
            var statuses: [String] = []
            for try await item in client.evals.runs.allOutputItems(evalID: eval.id, runID: done.id) {
                statuses.append(item.status)
                try expect(item.results.count == 1, "\(item.results.count) results on \(item.id)")
            }
            try expect(statuses.sorted() == ["fail", "pass"], "statuses \(statuses)")
        }
        try await step(a, "delete") {
            let d = try await client.evals.delete(eval.id)
            try expect(d.deleted && d.evalID == eval.id, "delete answered \(d)")
        }
    }
}

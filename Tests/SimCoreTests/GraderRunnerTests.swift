import Testing
@testable import SimCore
import SimSupport

/// The fine-tuning grader endpoints' core: checks, rewards per grader type, the multi grader's
/// formula, and the problems reported in `metadata.errors` instead of refused.
@Suite struct GraderRunnerTests {
    static func stringCheck(_ name: String, _ input: String, _ reference: String, _ op: String = "eq") -> JSON {
        ["type": "string_check", "name": .string(name), "input": .string(input), "reference": .string(reference), "operation": .string(op)]
    }

    func run(_ grader: JSON, sample: String, item: JSON = ["answer": "Paris"], seed: UInt64 = 7) throws -> JSON {
        try GraderRunner.run(body: ["grader": grader, "item": item, "model_sample": .string(sample)], seed: seed)
    }

    func errorFlags(_ result: JSON) -> [String] {
        (result["metadata"]?["errors"]?.objectValue ?? []).filter { $0.1.boolValue == true }.map(\.0)
    }

    @Test func stringCheckOperationsReadItemAndSample() throws {
        let eq = try run(Self.stringCheck("eq", "{{sample.output_text}}", "{{item.answer}}"), sample: "Paris")
        #expect(eq["reward"]?.doubleValue == 1)
        #expect(eq["metadata"]?["type"]?.stringValue == "string_check" && eq["metadata"]?["name"]?.stringValue == "eq")
        #expect(try run(Self.stringCheck("eq", "{{sample.output_text}}", "{{item.answer}}"), sample: "paris")["reward"]?.doubleValue == 0)
        #expect(try run(Self.stringCheck("ilike", "{{sample.output_text}}", "{{item.answer}}", "ilike"), sample: "It is PARIS.")["reward"]?.doubleValue == 1)
        #expect(try run(Self.stringCheck("like", "{{sample.output_text}}", "{{item.answer}}", "like"), sample: "It is PARIS.")["reward"]?.doubleValue == 0)
        #expect(try run(Self.stringCheck("ne", "{{sample.output_text}}", "{{item.answer}}", "ne"), sample: "Lyon")["reward"]?.doubleValue == 1)
        // A JSON sample is readable through output_json.
        let json = try run(Self.stringCheck("j", "{{sample.output_json.city}}", "{{item.answer}}"), sample: #"{"city": "Paris"}"#)
        #expect(json["reward"]?.doubleValue == 1 && errorFlags(json).isEmpty)
        // No model was asked: no token usage, no sampled model.
        #expect(json["metadata"]?["token_usage"]?.isNull == true && json["metadata"]?["sampled_model_name"]?.isNull == true)
        #expect(json["model_grader_token_usage_per_model"]?.objectValue?.isEmpty == true)
    }

    @Test func textSimilarityRewardIsTheMetric() throws {
        let g: JSON = ["type": "text_similarity", "name": "sim", "input": "{{sample.output_text}}", "reference": "{{item.answer}}",
                       "evaluation_metric": "fuzzy_match"]
        let r = try run(g, sample: "Kyoto", item: ["answer": "Tokyo"])
        #expect(r["reward"]?.doubleValue == 0.4)
        #expect(try run(g, sample: "Tokyo", item: ["answer": "Tokyo"])["reward"]?.doubleValue == 1)
    }

    @Test func hugeTextsAreCutNotQuadratic() throws {
        let big = String(repeating: "lorem ipsum dolor ", count: 60_000)  // ~1 MB
        let g: JSON = ["type": "text_similarity", "name": "sim", "input": "{{sample.output_text}}", "reference": "{{item.answer}}",
                       "evaluation_metric": "fuzzy_match"]
        let r = try run(g, sample: big, item: ["answer": .string(big)])
        #expect(r["reward"]?.doubleValue == 1)
        for metric in TextSimilarity.metrics { _ = TextSimilarity.score(metric, big, big + "x") }
    }

    @Test func multiCombinesNamedGradersWithItsFormula() throws {
        let g: JSON = ["type": "multi", "name": "combo", "calculate_output": "0.5 * exact + 0.5 * max(sim, 0) ^ 2",
                       "graders": ["exact": Self.stringCheck("exact", "{{sample.output_text}}", "{{item.answer}}"),
                                   "sim": ["type": "text_similarity", "name": "sim", "input": "{{sample.output_text}}",
                                           "reference": "{{item.answer}}", "evaluation_metric": "fuzzy_match"]]]
        let r = try run(g, sample: "Kyoto", item: ["answer": "Tokyo"])
        // exact = 0, sim = 0.4: 0.5 * 0 + 0.5 * 0.16.
        #expect(abs((r["reward"]?.doubleValue ?? -1) - 0.08) < 1e-9)
        #expect(r["sub_rewards"]?["exact"]?.doubleValue == 0 && r["sub_rewards"]?["sim"]?.doubleValue == 0.4)
        #expect(r["metadata"]?["scores"]?["sim"]?.doubleValue == 0.4)
        // A single grader in `graders` is named by its `name`.
        let single: JSON = ["type": "multi", "name": "one", "calculate_output": "1 - exact",
                            "graders": Self.stringCheck("exact", "{{sample.output_text}}", "{{item.answer}}")]
        #expect(try run(single, sample: "Lyon")["reward"]?.doubleValue == 1)
    }

    @Test func modelGradersAreSeededAndCountTokens() throws {
        let g: JSON = ["type": "score_model", "name": "judge", "model": "gpt-4.1-mini", "range": [0, 10],
                       "input": [["role": "user", "content": "Rate {{sample.output_text}} against {{item.answer}}."]]]
        let a = try run(g, sample: "Paris"), b = try run(g, sample: "Paris")
        #expect(a.encodedString == b.encodedString)
        let reward = a["reward"]?.doubleValue ?? -1
        #expect(reward >= 0 && reward <= 10)
        #expect(try run(g, sample: "Paris", seed: 8).encodedString != a.encodedString || reward == 0)
        let usage = a["model_grader_token_usage_per_model"]?["gpt-4.1-mini"]
        let prompt = usage?["prompt_tokens"]?.intValue ?? 0, completion = usage?["completion_tokens"]?.intValue ?? 0
        #expect(prompt > 4 && completion >= 1 && usage?["total_tokens"]?.intValue == prompt + completion)
        #expect(a["metadata"]?["token_usage"]?.intValue == prompt + completion)
        #expect(a["metadata"]?["sampled_model_name"]?.stringValue == "gpt-4.1-mini")
    }

    @Test func problemsAreReportedInMetadataWithARewardOfZero() throws {
        // output_json of a sample that is not JSON.
        let notJSON = try run(Self.stringCheck("j", "{{sample.output_json.city}}", "Paris"), sample: "Paris")
        #expect(errorFlags(notJSON) == ["sample_parse_error"] && notJSON["reward"]?.doubleValue == 0)
        // A variable that names nothing.
        let missing = try run(Self.stringCheck("m", "{{item.nope}}", ""), sample: "x")
        #expect(errorFlags(missing) == ["invalid_variable_error"] && missing["reward"]?.doubleValue == 0)
        // Python graders are not run here.
        let py = try run(["type": "python", "name": "py", "source": "def grade(sample, item):\n    return 1.0\n"], sample: "x")
        #expect(errorFlags(py) == ["python_grader_server_error"] && py["reward"]?.doubleValue == 0)
        #expect(py["metadata"]?["errors"]?["python_grader_server_error_type"]?.stringValue == "not_simulated")
        // A formula that divides by zero does not give a number.
        let div: JSON = ["type": "multi", "name": "d", "calculate_output": "1 / (a - a)",
                         "graders": ["a": Self.stringCheck("a", "x", "x")]]
        let r = try run(div, sample: "x")
        #expect(errorFlags(r) == ["other_error"] && r["reward"]?.doubleValue == 0)
    }

    @Test func validationNamesTheParam() {
        func param(_ body: JSON) -> String? {
            do { _ = try GraderRunner.validate(body: body); return nil } catch { return error.param ?? "<none>" }
        }
        #expect(param([:]) == "grader")
        #expect(param(["grader": ["type": "string_check", "name": "x", "input": "a", "reference": "b"]]) == "grader.operation")
        #expect(param(["grader": ["type": "string_check", "name": "x", "input": "a", "reference": "b", "operation": "is"]]) == "grader.operation")
        #expect(param(["grader": ["type": "label_model", "name": "x", "model": "m", "input": [], "labels": [], "passing_labels": []]]) == "grader.type")
        #expect(param(["grader": ["type": "python", "name": "x", "source": "", "extra": 1]]) == "grader.extra")
        let multi: JSON = ["type": "multi", "name": "m", "graders": ["a": Self.stringCheck("a", "x", "y")], "calculate_output": "a +"]
        #expect(param(["grader": multi]) == "grader.calculate_output")
        #expect(param(["grader": multi.setting("calculate_output", "a + b")]) == "grader.calculate_output")
        #expect(param(["grader": multi.setting("graders", ["a": ["type": "multi"]])]) == "grader.graders.a.type")
        #expect(param(["grader": multi.setting("calculate_output", "min(a, 1) * 2 - abs(-a) / 3 ^ 2")]) == nil)
        // A score model's range: two numbers, the message saying what came instead.
        let scorer: JSON = ["type": "score_model", "name": "s", "model": "gpt-4o-mini", "input": [["role": "user", "content": "Rate it."]]]
        #expect(param(["grader": scorer.setting("range", [0, 1, 2])]) == "grader.range")
        do { _ = try GraderRunner.validate(body: ["grader": scorer.setting("range", [0, 1, 2])]) } catch {
            #expect(error.message.contains("but got an array of 3 items instead"))
        }
        #expect(param(["grader": scorer.setting("range", [0, 10])]) == nil)
        // Run: the sample is required and a string.
        #expect(throws: APIError.self) { try GraderRunner.run(body: ["grader": Self.stringCheck("a", "x", "y")], seed: 0) }
        #expect(throws: APIError.self) { try GraderRunner.run(body: ["grader": Self.stringCheck("a", "x", "y"), "model_sample": 3], seed: 0) }
    }

    @Test func validateEchoesOnlyTheSchemasMembers() throws {
        let g: JSON = ["type": "score_model", "name": "s", "model": "gpt-4.1",
                       "input": [["role": "user", "content": "hi", "type": "message"]],
                       "sampling_params": ["seed": 3, "temperature": .null]]
        let out = try GraderRunner.validate(body: ["grader": g])
        #expect(out["grader"]?["sampling_params"]?.encodedString == #"{"seed":3}"#)
        #expect(out["grader"]?["type"]?.stringValue == "score_model" && out["grader"]?["input"]?.arrayValue?.count == 1)
    }

    @Test func formulaPrecedenceAndFunctions() throws {
        func value(_ f: String, _ vars: [String: Double] = [:]) throws -> Double? { try Formula.parse(f).evaluate(vars) }
        #expect(try value("1 + 2 * 3") == 7)
        #expect(try value("(1 + 2) * 3") == 9)
        #expect(try value("2 ^ 3 ^ 2") == 512)
        #expect(try value("-2 ^ 2") == -4)
        #expect(try value("10 / 4 - 1.5e0") == 1)
        #expect(try value("max(a, b, 0.5) + min(a) + floor(2.7) + ceil(0.2) + sqrt(16) + abs(-1)", ["a": 0.25, "b": 0.1]) == 0.5 + 0.25 + 2 + 1 + 4 + 1)
        #expect(try value("exp(0) + log(1)") == 1)
        #expect(try value("a + c", ["a": 1]) == nil)
        for bad in ["", "1 +", "(1", "foo(1)", "abs(1, 2)", "1 2", "a $ b"] {
            #expect(throws: Formula.ParseError.self, "\(bad)") { try Formula.parse(bad) }
        }
        // Deep nesting is refused, not a stack overflow.
        #expect(throws: Formula.ParseError.self) { try Formula.parse(String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)) }
        #expect(throws: Formula.ParseError.self) { try Formula.parse(String(repeating: "-", count: 100_000) + "1") }
        #expect(try value(String(repeating: "(", count: 40) + "2" + String(repeating: ")", count: 40)) == 2)
        #expect(try Formula.parse("w1 * exact + (1 - w1) * sim").variables == ["w1", "exact", "sim"])
    }

    /// A stand-in runner: scores by the sample's length, raises on "boom", records its calls.
    final class FakePython: PythonGraderRunner, @unchecked Sendable {
        var calls: [(source: String, count: Int)] = []
        func grade(source: String, pairs: [(sample: JSON, item: JSON)]) -> [PythonGradeOutcome] {
            calls.append((source, pairs.count))
            if source.contains("slow") { return pairs.map { _ in .serverError(kind: "timeout", message: "too slow") } }
            return pairs.map { p in
                let text = p.sample["output_text"]?.stringValue ?? ""
                return text == "boom" ? .runtimeError("ValueError: boom") : .score(Double(text.count) / 10)
            }
        }
    }

    @Test func pythonGradersUseTheRunnerWhenThereIsOne() throws {
        let py = FakePython()
        let grader: JSON = ["type": "python", "name": "len", "source": "def grade(s, i): ..."]
        func flags(_ r: JSON) -> [String] { errorFlags(r) }
        let ok = try GraderRunner.run(body: ["grader": grader, "model_sample": "abcd"], seed: 0, python: py)
        #expect(ok["reward"]?.doubleValue == 0.4 && flags(ok).isEmpty && py.calls.count == 1)
        let raised = try GraderRunner.run(body: ["grader": grader, "model_sample": "boom"], seed: 0, python: py)
        #expect(flags(raised) == ["python_grader_runtime_error"] && raised["reward"]?.doubleValue == 0)
        #expect(raised["metadata"]?["errors"]?["python_grader_runtime_error_details"]?.stringValue == "ValueError: boom")
        let slow = try GraderRunner.run(body: ["grader": grader.setting("source", "slow"), "model_sample": "x"], seed: 0, python: py)
        #expect(flags(slow) == ["python_grader_server_error"] && slow["metadata"]?["errors"]?["python_grader_server_error_type"] == "timeout")
        // Inside a multi grader.
        let multi: JSON = ["type": "multi", "name": "m", "calculate_output": "2 * p", "graders": ["p": grader]]
        #expect(try GraderRunner.run(body: ["grader": multi, "model_sample": "abc"], seed: 0, python: py)["reward"]?.doubleValue == 0.6)
    }
}

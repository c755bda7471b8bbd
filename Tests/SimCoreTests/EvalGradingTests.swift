import Testing
@testable import SimCore
import SimSupport

/// Eval templates, the text-similarity metrics (against values worked out by hand or given by
/// the reference implementations' documentation) and each grader type.
@Suite struct EvalGradingTests {
    let item: JSON = ["question": "Capital of France?", "answer": "Paris", "tags": ["geo", "eu"], "n": 3, "meta": ["level": "easy"]]

    @Test func templatesReadItemAndSamplePaths() {
        let sample: JSON = ["output_text": "Paris", "output_json": ["city": "Paris"]]
        #expect(EvalTemplate.render("Q: {{item.question}} A: {{ sample.output_text }}", item: item, sample: sample) == "Q: Capital of France? A: Paris")
        #expect(EvalTemplate.render("{{item.tags.1}}/{{item.n}}/{{item.meta.level}}/{{sample.output_json.city}}", item: item, sample: sample) == "eu/3/easy/Paris")
        // Objects and arrays go in as JSON; a path that leads nowhere, and an unknown root, as nothing.
        #expect(EvalTemplate.render("{{item.meta}}|{{item.tags}}", item: item, sample: nil) == #"{"level":"easy"}|["geo","eu"]"#)
        #expect(EvalTemplate.render("[{{item.missing}}][{{sample.output_text}}][{{other.x}}]", item: item, sample: nil) == "[][][]")
        #expect(EvalTemplate.render("open {{item.answer", item: item, sample: nil) == "open {{item.answer")
    }

    @Test func fuzzyMatchIsTheIndelRatio() {
        #expect(TextSimilarity.fuzzyMatch("Paris", "Paris") == 1)
        #expect(TextSimilarity.fuzzyMatch("", "") == 1)
        #expect(TextSimilarity.fuzzyMatch("abc", "") == 0)
        // rapidfuzz's documented example: ratio("this is a test", "this is a test!") = 96.55.
        #expect(abs(TextSimilarity.fuzzyMatch("this is a test", "this is a test!") - 0.9655) < 0.0001)
        // "Kyoto"/"Tokyo": the longest common subsequence is 2 letters ("yo"): 4 / 10.
        #expect(TextSimilarity.fuzzyMatch("Kyoto", "Tokyo") == 0.4)
    }

    @Test func overlapMetricsOnWorkedExamples() {
        let c = ["the", "cat", "sat", "on", "the", "mat"], r = ["the", "cat", "is", "on", "the", "mat"]
        // ROUGE-1: 5 clipped unigram matches of 6 each way.
        #expect(abs(TextSimilarity.rougeN(1, candidate: c, reference: r) - 5.0 / 6.0) < 1e-12)
        // ROUGE-2: bigrams "the cat", "on the", "the mat" match: 3 of 5.
        #expect(abs(TextSimilarity.rougeN(2, candidate: c, reference: r) - 0.6) < 1e-12)
        // ROUGE-L: the longest common subsequence is 5 words.
        #expect(abs(TextSimilarity.rougeL(candidate: c, reference: r) - 5.0 / 6.0) < 1e-12)
        // Identical texts score 1 on BLEU and GLEU; METEOR keeps its one-chunk penalty (0.5 / m^3).
        #expect(abs(TextSimilarity.bleu(candidate: c, reference: c) - 1) < 1e-12)
        #expect(TextSimilarity.gleu(candidate: c, reference: c) == 1)
        #expect(abs(TextSimilarity.meteor(candidate: c, reference: c) - (1 - 0.5 / 216)) < 1e-12)
        // GLEU: 5 + 3 + 1 + 0 matching 1- to 4-grams over 6 + 5 + 4 + 3 on each side.
        #expect(abs(TextSimilarity.gleu(candidate: c, reference: r) - 9.0 / 18.0) < 1e-12)
        // Nothing shared: every overlap metric is 0.
        let other = ["completely", "different", "words"]
        for m in ["bleu", "gleu", "meteor", "rouge_1", "rouge_2", "rouge_l"] {
            #expect(TextSimilarity.score(m, c.joined(separator: " "), other.joined(separator: " ")) < 0.05, "\(m)")
        }
    }

    @Test func cosineRanksRelatedTextsAboveUnrelatedOnes() {
        let same = TextSimilarity.cosine("the river flooded the valley", "the river flooded the valley")
        let related = TextSimilarity.cosine("the river flooded the valley", "a flooded river in the valley")
        let unrelated = TextSimilarity.cosine("the river flooded the valley", "quarterly tax invoices for accountants")
        #expect(same > 0.999)
        #expect(related > unrelated)
    }

    @Test func stringCheckOperations() {
        func check(_ op: String, _ input: String, _ reference: String) -> Bool {
            EvalGrader(["type": "string_check", "name": "c", "input": .string(input), "reference": .string(reference),
                        "operation": .string(op)]).grade(item: item, sample: ["output_text": "The answer is Paris."], seed: 1)["passed"] == true
        }
        #expect(check("eq", "{{item.answer}}", "Paris"))
        #expect(!check("eq", "{{item.answer}}", "paris"))
        #expect(check("ne", "{{item.answer}}", "paris"))
        #expect(check("like", "{{sample.output_text}}", "{{item.answer}}"))
        #expect(!check("like", "{{sample.output_text}}", "PARIS"))
        #expect(check("ilike", "{{sample.output_text}}", "PARIS"))
    }

    @Test func textSimilarityPassesAtItsThreshold() {
        func grade(_ threshold: Double) -> JSON {
            EvalGrader(["type": "text_similarity", "name": "s", "input": "{{sample.output_text}}", "reference": "{{item.answer}}",
                        "evaluation_metric": "fuzzy_match", "pass_threshold": .double(threshold)])
                .grade(item: item, sample: ["output_text": "Pariss"], seed: 1)
        }
        let score = grade(0.5)["score"]?.doubleValue ?? 0
        #expect(abs(score - 10.0 / 11.0) < 1e-12)
        #expect(grade(0.9)["passed"] == true)
        #expect(grade(0.95)["passed"] == false)
    }

    @Test func modelGradersAreDeterministic() {
        let label = EvalGrader(["type": "label_model", "name": "l", "model": "gpt-4o-mini", "labels": ["correct", "incorrect"],
                                "passing_labels": ["correct"], "input": [["role": "user", "content": "Grade {{sample.output_text}}"]]])
        // The label the sample's output names wins.
        #expect(label.grade(item: item, sample: ["output_text": "This is correct."], seed: 1)["label"] == "correct")
        #expect(label.grade(item: item, sample: ["output_text": "Incorrect, sorry."], seed: 1)["passed"] == false)
        // Otherwise a seeded pick: the same every time for the same seed.
        let a = label.grade(item: item, sample: ["output_text": "no idea"], seed: 7)
        #expect(a == label.grade(item: item, sample: ["output_text": "no idea"], seed: 7))
        let score = EvalGrader(["type": "score_model", "name": "s", "model": "gpt-4o-mini", "range": [1, 5], "pass_threshold": 3,
                                "input": [["role": "user", "content": "{{item.question}}"]]])
        let s = score.grade(item: item, sample: nil, seed: 3)
        let value = s["score"]?.doubleValue ?? -1
        #expect(value >= 1 && value <= 5)
        #expect(s["passed"]?.boolValue == (value >= 3))
        #expect(s == score.grade(item: item, sample: nil, seed: 3))
        let python = EvalGrader(["type": "python", "name": "p", "source": "def grade(s, i): return 1"]).grade(item: item, sample: nil, seed: 1)
        #expect(python["passed"] == false && python["error"]?.stringValue?.contains("--python-graders") == true)
    }
}

extension EvalGradingTests {
    /// The bit-parallel LCS against the plain dynamic program, on seeded random sequences that
    /// cross 64-element word boundaries.
    @Test func bitParallelLCSMatchesTheDynamicProgram() {
        func plain(_ x: [Character], _ y: [Character]) -> Int {
            guard !x.isEmpty, !y.isEmpty else { return 0 }
            var prev = [Int](repeating: 0, count: y.count + 1), cur = prev
            for i in 1...x.count {
                for j in 1...y.count { cur[j] = x[i - 1] == y[j - 1] ? prev[j - 1] + 1 : max(prev[j], cur[j - 1]) }
                swap(&prev, &cur)
            }
            return prev[y.count]
        }
        var rng = SeededRandom(seed: 11)
        let alphabet = Array("abcde ")
        for _ in 0..<200 {
            let x = (0..<Int(rng.next() % 200)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let y = (0..<Int(rng.next() % 200)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            #expect(TextSimilarity.lcs(x, y) == plain(x, y))
        }
        // Long texts stay fast (a dynamic program would fill 10^8 cells).
        let long = String(repeating: "the quick brown fox jumps over the lazy dog ", count: 230)
        #expect(TextSimilarity.fuzzyMatch(long, long) == 1)
    }
}

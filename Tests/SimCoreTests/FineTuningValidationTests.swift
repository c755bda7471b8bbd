import Testing
import SimCore
import SimSupport

/// One test per kind of bad line, plus the example minimum and the token limit.
@Suite struct FineTuningValidationTests {
    static func chat(_ i: Int) -> String {
        #"{"messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Question \#(i)?"},{"role":"assistant","content":"Answer \#(i)."}]}"#
    }
    static func file(_ lines: [String]) -> [UInt8] { Array(lines.joined(separator: "\n").utf8) + [0x0A] }
    /// Nine good lines with `bad` on line 4.
    static func withBadLine(_ bad: String) -> [UInt8] {
        var lines = (0..<9).map(chat)
        lines.insert(bad, at: 3)
        return file(lines)
    }
    let supervised = TrainingFileValidator(method: .supervised, tokenLimit: 65_536)

    func failure(_ bytes: [UInt8], _ v: TrainingFileValidator? = nil) -> TrainingFileValidator.Failure? {
        if case let .failure(f) = (v ?? supervised).validate(bytes) { return f }
        return nil
    }

    @Test func validFileCountsExamplesTokensAndPairs() throws {
        guard case let .success(s) = supervised.validate(Self.file((0..<12).map(Self.chat))) else { Issue.record("rejected"); return }
        #expect(s.examples == 12)
        #expect(s.billingTokens > 12 * 10)
        #expect(s.pairs.first == TrainedPair(user: "Question 0?", assistant: "Answer 0."))
    }

    @Test func crlfAndBlankLinesAreAccepted() {
        let text = (0..<10).map(Self.chat).joined(separator: "\r\n") + "\r\n\r\n"
        #expect(failure(Array(text.utf8)) == nil)
    }

    @Test func lineThatIsNotJSONNamesTheLine() {
        let f = failure(Self.withBadLine("{not json"))
        #expect(f?.code == "invalid_file_format")
        #expect(f?.line == 4)
        #expect(f?.message == "Invalid file format. Line 4: the line is not valid JSON.")
    }

    @Test func lineThatIsNotAnObjectIsRefused() {
        #expect(failure(Self.withBadLine("[1,2]"))?.message.contains("Line 4: each line must be a JSON object") == true)
    }

    @Test func missingMessagesKeyIsRefused() {
        #expect(failure(Self.withBadLine(#"{"prompt":"a","completion":"b"}"#))?.message.contains("missing required key 'messages'") == true)
    }

    @Test func emptyMessagesIsRefused() {
        #expect(failure(Self.withBadLine(#"{"messages":[]}"#))?.message.contains("'messages' must be a non-empty array") == true)
    }

    @Test func unknownRoleIsRefused() {
        let f = failure(Self.withBadLine(#"{"messages":[{"role":"robot","content":"x"},{"role":"assistant","content":"y"}]}"#))
        #expect(f?.message.contains("Line 4, messages[0]: unrecognized role 'robot'") == true)
    }

    @Test func unknownMessageKeyIsRefused() {
        let f = failure(Self.withBadLine(#"{"messages":[{"role":"user","content":"x","mood":"happy"},{"role":"assistant","content":"y"}]}"#))
        #expect(f?.message.contains("unrecognized key 'mood'") == true)
    }

    @Test func missingContentIsRefused() {
        let f = failure(Self.withBadLine(#"{"messages":[{"role":"user"},{"role":"assistant","content":"y"}]}"#))
        #expect(f?.message.contains("messages[0]: missing 'content'") == true)
    }

    @Test func contentOfWrongTypeIsRefused() {
        let f = failure(Self.withBadLine(#"{"messages":[{"role":"user","content":42},{"role":"assistant","content":"y"}]}"#))
        #expect(f?.message.contains("'content' must be a string or an array of content parts") == true)
    }

    @Test func exampleWithoutAssistantMessageIsRefused() {
        let f = failure(Self.withBadLine(#"{"messages":[{"role":"user","content":"x"}]}"#))
        #expect(f?.message.contains("no assistant message") == true)
    }

    @Test func weightOtherThanZeroOrOneIsRefused() {
        let f = failure(Self.withBadLine(#"{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y","weight":2}]}"#))
        #expect(f?.message.contains("'weight' must be 0 or 1") == true)
    }

    @Test func weightOnUserMessageIsRefused() {
        let f = failure(Self.withBadLine(#"{"messages":[{"role":"user","content":"x","weight":1},{"role":"assistant","content":"y"}]}"#))
        #expect(f?.message.contains("'weight' is only allowed on assistant messages") == true)
    }

    @Test func toolsThatAreNotAnArrayAreRefused() {
        let f = failure(Self.withBadLine(#"{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"}],"tools":{}}"#))
        #expect(f?.message.contains("'tools' must be an array") == true)
    }

    @Test func assistantToolCallWithoutContentIsAccepted() {
        let line = #"{"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}]}"#
        #expect(failure(Self.withBadLine(line)) == nil)
    }

    @Test func fewerThanTenExamplesFailsWithCount() {
        let f = failure(Self.file((0..<3).map(Self.chat)))
        #expect(f?.code == "invalid_n_examples")
        #expect(f?.message == "Training file has 3 example(s), but must have at least 10 examples.")
    }

    @Test func exampleOverTheTokenLimitIsRefused() {
        let long = #"{"messages":[{"role":"user","content":"\#(String(repeating: "word ", count: 200))"},{"role":"assistant","content":"ok"}]}"#
        let f = failure(Self.withBadLine(long), TrainingFileValidator(method: .supervised, tokenLimit: 100))
        #expect(f?.code == "exceeds_token_limit")
        #expect(f?.line == 4)
    }

    @Test func dpoNeedsPreferredAndNonPreferredOutputs() {
        let dpo = TrainingFileValidator(method: .dpo, tokenLimit: 65_536)
        func line(_ i: Int) -> String {
            #"{"input":{"messages":[{"role":"user","content":"Q\#(i)"}]},"preferred_output":[{"role":"assistant","content":"good"}],"non_preferred_output":[{"role":"assistant","content":"bad"}]}"#
        }
        guard case let .success(s) = dpo.validate(Self.file((0..<10).map(line))) else { Issue.record("rejected"); return }
        #expect(s.pairs.first == TrainedPair(user: "Q0", assistant: "good"))
        var lines = (0..<10).map(line)
        lines[2] = #"{"input":{"messages":[{"role":"user","content":"Q"}]},"preferred_output":[{"role":"assistant","content":"good"}]}"#
        #expect(failure(Self.file(lines), dpo)?.message.contains("Line 3: missing required key 'non_preferred_output'") == true)
    }

    @Test func reinforcementRefusesAnAssistantLastTurn() {
        let rft = TrainingFileValidator(method: .reinforcement, tokenLimit: 65_536)
        var lines = (0..<10).map { #"{"messages":[{"role":"user","content":"Q\#($0)"}],"reference_answer":"A"}"# }
        #expect(failure(Self.file(lines), rft) == nil)
        lines[0] = #"{"messages":[{"role":"user","content":"Q"},{"role":"assistant","content":"A"}]}"#
        #expect(failure(Self.file(lines), rft)?.message.contains("Line 1: the last message must not be an assistant message") == true)
    }
}

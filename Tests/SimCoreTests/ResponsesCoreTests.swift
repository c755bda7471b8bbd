import Testing
import SimCore
import SimSupport

@Suite struct ResponsesCoreTests {
    // MARK: lifecycle

    func backgroundRecord(created: Int64 = 100, completes: Int64 = 105, cancelledAt: Int64? = nil) -> JSON {
        var body: JSON = ["id": "resp_x", "object": "response", "created_at": .int(created), "status": "completed",
                          "completed_at": .int(completes), "output": ["x"], "usage": ["total_tokens": 3],
                          "_queued_until": .int(created + 1), "_completes_at": .int(completes)]
        if let c = cancelledAt { body = body.setting("_cancelled_at", .int(c)) }
        return body
    }

    @Test func backgroundStatusIsAPureFunctionOfRecordAndNow() {
        let r = backgroundRecord()
        #expect(ResponseLifecycle.view(r, now: 100)["status"] == "queued")
        #expect(ResponseLifecycle.view(r, now: 101)["status"] == "in_progress")
        #expect(ResponseLifecycle.view(r, now: 104)["status"] == "in_progress")
        let done = ResponseLifecycle.view(r, now: 105)
        #expect(done["status"] == "completed" && done["usage"] != nil && done["_completes_at"] == nil)
        let pending = ResponseLifecycle.view(r, now: 102)
        #expect(pending["output"] == .array([]) && pending["usage"] == nil && pending["completed_at"] == .null)
    }

    @Test func cancelBeforeCompletionFreezesTheResponseAsCancelled() {
        let r = backgroundRecord(cancelledAt: 102)
        #expect(ResponseLifecycle.view(r, now: 102)["status"] == "cancelled")
        #expect(ResponseLifecycle.view(r, now: 1_000)["status"] == "cancelled")
        #expect(!ResponseLifecycle.isActive(r, now: 103))
        #expect(ResponseLifecycle.view(backgroundRecord(cancelledAt: 105), now: 200)["status"] == "completed")
    }

    @Test func foregroundRecordsAreFinalImmediately() {
        let r: JSON = ["id": "resp_y", "status": "incomplete"]
        #expect(ResponseLifecycle.phase(r, now: 0) == .final)
        #expect(ResponseLifecycle.view(r, now: 0)["status"] == "incomplete")
    }

    @Test func runTimeGrowsWithOutputTokens() {
        #expect(ResponseLifecycle.runSeconds(outputTokens: 0) == 1)
        #expect(ResponseLifecycle.runSeconds(outputTokens: 50) == 1)
        #expect(ResponseLifecycle.runSeconds(outputTokens: 51) == 2)
        #expect(ResponseLifecycle.runSeconds(outputTokens: 1_000) == 20)
    }

    // MARK: events

    func finished(status: String = "completed", text: String = "Hello there, friend.") -> JSON {
        ["id": "resp_1", "object": "response", "status": .string(status), "completed_at": 5,
         "output": [
            ["id": "rs_1", "type": "reasoning", "summary": [["type": "summary_text", "text": "Thinking hard."]]],
            ["id": "msg_1", "type": "message", "status": "completed",
             "content": [["type": "output_text", "annotations": [], "logprobs": [], "text": .string(text)]], "role": "assistant"],
            ["id": "fc_1", "type": "function_call", "status": "completed", "arguments": "{\"city\":\"Paris\"}",
             "call_id": "call_1", "name": "get_weather"],
         ],
         "usage": ["total_tokens": 9]]
    }

    @Test func streamEventsAreNumberedAndRebuildTheOutput() {
        let events = ResponseEvents.build(finished(), background: false)
        #expect(events.map { $0.data["sequence_number"]?.intValue ?? -1 } == (0..<Int64(events.count)).map { $0 })
        #expect(events.map(\.type).prefix(3) == ["response.created", "response.in_progress", "response.output_item.added"])
        #expect(events.last?.type == "response.completed")
        #expect(events.allSatisfy { $0.data["type"]?.stringValue == $0.type })
        let text = events.filter { $0.type == "response.output_text.delta" }.compactMap { $0.data["delta"]?.stringValue }.joined()
        #expect(text == "Hello there, friend.")
        let args = events.filter { $0.type == "response.function_call_arguments.delta" }.compactMap { $0.data["delta"]?.stringValue }
        #expect(args.joined() == "{\"city\":\"Paris\"}")
        let summary = events.filter { $0.type == "response.reasoning_summary_text.delta" }.compactMap { $0.data["delta"]?.stringValue }
        #expect(summary.joined() == "Thinking hard.")
        let created = events[0].data["response"]
        #expect(created?["status"] == "in_progress" && created?["output"] == .array([]) && created?["usage"] == nil)
    }

    @Test func incompleteAndBackgroundStreamsUseTheirOwnEvents() {
        let incomplete = ResponseEvents.build(finished(status: "incomplete"), background: false)
        #expect(incomplete.last?.type == "response.incomplete")
        let bg = ResponseEvents.build(finished(), background: true)
        #expect(bg.prefix(3).map(\.type) == ["response.created", "response.queued", "response.in_progress"])
        #expect(bg[0].data["response"]?["status"] == "queued")
        #expect(ResponseEvents.after(bg, 2).first?.data["sequence_number"]?.intValue == 3)
    }

    // MARK: parameters

    func parseError(_ body: JSON) -> APIError? {
        do { _ = try ResponseCreateParams.parse(body); return nil } catch { return error }
    }

    @Test func invalidParametersNameTheirParam() {
        #expect(parseError(["input": "hi"])?.param == "model")
        #expect(parseError(["model": "m", "input": 3])?.param == "input")
        #expect(parseError(["model": "m", "input": "x", "max_output_tokens": 15])?.code == "integer_below_min_value")
        #expect(parseError(["model": "m", "input": "x", "temperature": 2.5])?.param == "temperature")
        #expect(parseError(["model": "m", "input": "x", "include": ["nope"]])?.param == "include[0]")
        #expect(parseError(["model": "m", "input": "x", "tools": [["type": "function"]]])?.param == "tools[0].name")
        #expect(parseError(["model": "m", "input": "x", "tools": [["type": "code_interpreter"]]])?.param == "tools[0].type")
        #expect(parseError(["model": "m", "input": "x", "tools": [["type": "web_search"]]]) == nil)
        #expect(parseError(["model": "m", "input": "x", "tools": [["type": "web_search", "search_context_size": "max"]]])?.param
            == "tools[0].search_context_size")
        #expect(parseError(["model": "m", "input": "x", "text": ["format": ["type": "json_schema", "schema": ["type": "object"]]]])?.param
            == "text.format.name")
        #expect(parseError(["model": "m", "input": "x", "background": true, "store": false])?.param == "store")
        #expect(parseError(["model": "m", "input": "x", "nonsense": 1])?.code == "unknown_parameter")
        #expect(parseError(["model": "m", "input": "x", "tool_choice": ["type": "function", "name": "f"]])?.param == "tool_choice")
    }

    @Test func toolsEchoDefaultsAndStrictnessFollowsTheSchema() throws {
        let loose: JSON = ["type": "object", "properties": ["a": ["type": "string"]]]
        let p = try ResponseCreateParams.parse(["model": "m", "input": "x", "tools": [["type": "function", "name": "f", "parameters": loose]]])
        #expect(p.tools.first?.strict == false)
        #expect(p.toolsJSON.first?["strict"] == false && p.toolsJSON.first?["parameters"] == loose)
        #expect(parseError(["model": "m", "input": "x", "tools": [["type": "function", "name": "f", "parameters": loose, "strict": true]]])?
            .param == "tools[0].parameters")
    }

    @Test func strictSchemaRulesReportTheContext() {
        let schema: JSON = ["type": "object", "additionalProperties": false, "required": ["a"],
                            "properties": ["a": ["type": "object", "properties": ["b": ["type": "string"]], "required": ["b"]]]]
        do {
            try SchemaRules.checkStrict(schema, name: "s", param: "text.format.schema", kind: "text.format")
            Issue.record("a nested object without additionalProperties passed")
        } catch {
            #expect(error.message.contains("context=('properties', 'a')") && error.message.contains("additionalProperties"))
        }
        let good: JSON = ["type": "object", "additionalProperties": false, "required": ["a"], "properties": ["a": ["type": "string"]]]
        #expect(throws: Never.self) { try SchemaRules.checkStrict(good, name: "s", param: "p", kind: "text.format") }
    }

    // MARK: conversation

    @Test func toolOutputsMustAnswerCallsAndCallsNeedOutputs() {
        let call: JSON = ["type": "function_call", "call_id": "call_1", "name": "f", "arguments": "{}"]
        let output: JSON = ["type": "function_call_output", "call_id": "call_1", "output": "ok"]
        #expect(throws: Never.self) { try ResponseConversation.checkToolPairing([call, output]) }
        #expect(throws: APIError.self) { try ResponseConversation.checkToolPairing([output]) }
        #expect(throws: APIError.self) { try ResponseConversation.checkToolPairing([call]) }
    }

    @Test func conversationCountsImagesAndFindsToolResultsAfterTheLastUserTurn() {
        let items: [JSON] = [
            ["type": "message", "role": "user", "content": [["type": "input_text", "text": "Weather?"],
                                                            ["type": "input_image", "detail": "low", "image_url": "https://x/y.png"]]],
            ["type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{}"],
            ["type": "function_call_output", "call_id": "c1", "output": "sunny"],
        ]
        let conv = ResponseConversation(instructions: "Be brief.", items: items, tools: []) { _ in nil }
        #expect(conv.attachmentTokens == 85)
        #expect(conv.lastUserMessage == "Weather?")
        #expect(conv.toolOutputs.count == 1 && conv.toolOutputs.first?.name == "get_weather" && conv.toolOutputs.first?.output == "sunny")
        #expect(conv.messages.first?.role == "developer")
        let withoutInstructions = ResponseConversation(instructions: nil, items: items, tools: []) { _ in nil }
        #expect(conv.inputTokens > withoutInstructions.inputTokens)
    }

    @Test func flatPromptIsOneRoleContentLinePerMessageWithoutTheToolsLine() {
        let items: [JSON] = [
            ["type": "message", "role": "user", "content": [["type": "input_text", "text": "Weather in Zürich?\nAnd Bern."]]],
            ["type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{\"city\":\"Zürich\"}"],
            ["type": "function_call_output", "call_id": "c1", "output": "sunny"],
        ]
        let tools: [JSON] = [["type": "function", "name": "get_weather", "parameters": ["type": "object"]]]
        for (instructions, tools) in [("Be brief.", tools), (nil, tools), ("Be brief.", []), (nil, [])] as [(String?, [JSON])] {
            let conv = ResponseConversation(instructions: instructions, items: items, tools: tools) { _ in nil }
            #expect(conv.flatPrompt == conv.messages.map { "\($0.role): \($0.content)" }.joined(separator: "\n"))
            #expect(conv.promptText.hasPrefix("tools: ") == !tools.isEmpty)
            let toolsLine = tools.isEmpty ? "" : "tools: " + JSON.array(tools).encodedString + "\n"
            #expect(conv.promptText == toolsLine + conv.messages.map { "\($0.role): \($0.content)\n" }.joined())
            #expect(conv.promptTextBytes == conv.promptText.utf8.count)
        }
        let empty = ResponseConversation(instructions: nil, items: [], tools: tools) { _ in nil }
        #expect(empty.flatPrompt == "")
        #expect(empty.promptText == "tools: " + JSON.array(tools).encodedString + "\n" && empty.promptTextBytes == empty.promptText.utf8.count)
    }

    @Test func conversationCountsItsMessagesOnceAndKeepsTheCountOfTheMessageItIsAbout() {
        func user(_ t: String) -> JSON { ["type": "message", "role": "user", "content": [["type": "input_text", "text": .string(t)]]] }
        let assistant: JSON = ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "Sure, here it is."]]]
        let long = String(repeating: "The quarterly report shows steady growth, while costs rose slightly. ", count: 20)
        let lists: [[JSON]] = [
            [], [user(long)], [user("first"), assistant, user("Zürich — second, longer question?")], [assistant],
            [user("a"), ["type": "message", "role": "user", "content": [["type": "input_text", "text": "two"], ["type": "input_text", "text": "parts"]]]],
            [user("Weather?"), ["type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"],
             ["type": "function_call_output", "call_id": "c1", "output": "sunny"]],
        ]
        for items in lists {
            for instructions in ["Be brief.", nil] as [String?] {
                let conv = ResponseConversation(instructions: instructions, items: items, tools: []) { _ in nil }
                #expect(conv.lastUserMessageTokens == TokenEstimator.count(conv.lastUserMessage))
                #expect(conv.inputTokens == TokenEstimator.countMessages(conv.messages) + conv.attachmentTokens + conv.toolTokens)
            }
        }
    }

    @Test func compactionSummaryRoundTripsThroughTheOpaqueContent() {
        let items: [JSON] = [["type": "message", "role": "user", "content": [["type": "input_text", "text": "My cat is called Tom."]]]]
        let summary = ResponseCompaction.summarize(items)
        #expect(summary.contains("Tom"))
        let item: JSON = ["type": "compaction", "encrypted_content": .string(ResponseCompaction.encrypt(summary))]
        let conv = ResponseConversation(instructions: nil, items: [item], tools: []) { _ in nil }
        #expect(conv.messages.first?.content == summary)
        #expect(ResponseCompaction.summary(fromEncrypted: "gAAAAAnotours") == nil)
    }
}

import Testing
@testable import SimCore
import SimSupport

/// The create path's shortcuts (parameters read into locals, literal runs joined around the
/// usual values, the default text format told by shape) must give what the general code gives.
@Suite struct ResponseCreatePathTests {
    @Test func parseKeepsEveryFieldAndItsDefault() throws {
        let tool: JSON = ["type": "function", "name": "f", "parameters": ["type": "object", "properties": [:]]]
        let p = try ResponseCreateParams.parse([
            "model": "gpt-4.1-mini", "input": "hi", "instructions": "be brief", "previous_response_id": "resp_0", "store": true,
            "background": true, "stream": false, "max_output_tokens": 64, "max_tool_calls": 3, "metadata": ["a": "b"],
            "temperature": 0.5, "top_p": 0.25, "top_logprobs": 2, "reasoning": ["effort": "low", "generate_summary": "concise"],
            "text": ["format": ["type": "json_object"], "verbosity": "high"], "tools": [tool], "tool_choice": "required",
            "parallel_tool_calls": false, "prompt_cache_key": "k", "prompt_cache_retention": "24h",
            "include": ["reasoning.encrypted_content"], "truncation": "auto", "service_tier": "flex", "user": "u",
            "safety_identifier": "s",
        ])
        #expect(p.model == "gpt-4.1-mini" && p.input == "hi" && p.instructions == "be brief" && p.previousResponseID == "resp_0")
        #expect(p.store && p.background && !p.stream)
        #expect(p.maxOutputTokens == 64 && p.maxToolCalls == 3 && p.metadata == ["a": "b"])
        #expect(p.temperature == 0.5 && p.topP == 0.25 && p.topLogprobs == 2)
        #expect(p.reasoningEffort == "low" && p.reasoningSummary == "concise")
        #expect(p.text.verbosity == "high" && p.text.formatJSON == ["type": "json_object"] && !p.text.hasTextFormat)
        #expect(p.tools.map(\.name) == ["f"] && p.toolsJSON.count == 1 && p.toolChoiceJSON == "required" && !p.parallelToolCalls)
        #expect(p.promptCacheKey == "k" && p.promptCacheRetention == "24h" && p.include == ["reasoning.encrypted_content"])
        #expect(p.truncation == "auto" && p.serviceTier == "flex" && p.user == "u" && p.safetyIdentifier == "s")
        #expect(p.conversation == nil && p.promptID == nil)

        let d = try ResponseCreateParams.parse(["model": "gpt-4.1-mini", "input": [["role": "user", "content": "hi"]]])
        #expect(d.input?.arrayValue?.count == 1 && d.instructions == nil && d.previousResponseID == nil)
        #expect(d.store && !d.background && !d.stream && d.maxOutputTokens == nil && d.maxToolCalls == nil && d.metadata == .object([]))
        #expect(d.temperature == nil && d.topP == nil && d.topLogprobs == nil && d.reasoningEffort == nil && d.reasoningSummary == nil)
        #expect(d.text.verbosity == "medium" && d.text.hasTextFormat && d.tools.isEmpty && d.toolsJSON.isEmpty)
        #expect(d.toolChoiceJSON == "auto" && d.parallelToolCalls && d.promptCacheKey == nil && d.promptCacheRetention == nil)
        #expect(d.include.isEmpty && d.truncation == "disabled" && d.serviceTier == nil && d.user == nil && d.safetyIdentifier == nil)

        let c = try ResponseCreateParams.parse(["model": "m", "conversation": ["id": "conv_1"], "prompt": ["id": "pmpt_1"]])
        #expect(c.input == nil && c.conversation == "conv_1" && c.promptID == "pmpt_1")
    }

    @Test func parseReportsTheFirstBadFieldInTheSameOrder() {
        func param(_ body: JSON) -> String? {
            do { _ = try ResponseCreateParams.parse(body); return nil } catch { return error.param }
        }
        // Two bad fields: the one read first is named.
        #expect(param(["model": "m", "input": "x", "store": 1, "temperature": 9]) == "store")
        #expect(param(["model": "m", "input": "x", "temperature": 9, "truncation": "x"]) == "temperature")
        #expect(param(["model": "m", "input": "x", "include": ["nope"], "user": 5]) == "include[0]")
        #expect(param(["model": "m", "input": "x", "background": true, "store": false]) == "store")
        #expect(param(["model": "m", "conversation": "c", "previous_response_id": "r"]) == "conversation")
        #expect(param(["model": "m"]) == "input")
        #expect(param(["model": "m", "input": "x", "safety_identifier": .string(String(repeating: "s", count: 65))]) == "safety_identifier")
    }

    @Test func textFormatShapeCheckIsTheComparisonWithTheDefault() {
        let formats: [JSON] = [["type": "text"], ["type": "json_object"], ["type": 1], ["kind": "text"], ["type": "text", "x": 1], [:],
                               "text", .null, .array(["text"])]
        for f in formats {
            var c = ResponseTextConfig()
            c.formatJSON = f
            #expect(c.hasTextFormat == (f == ResponseTextConfig.textFormat), "\(f.encodedString)")
        }
    }

    /// `encoded` against the tree, for the members its joined literals stand for, each at its
    /// usual value and not.
    @Test func joinedLiteralRunsGiveTheTreesBytes() throws {
        let bodies: [JSON] = [
            ["model": "gpt-4.1-mini", "input": "hi"],
            ["model": "gpt-4.1-mini", "input": "hi", "background": true],
            ["model": "gpt-4.1-mini", "input": "hi", "max_output_tokens": 100],
            ["model": "gpt-4.1-mini", "input": "hi", "max_tool_calls": 2],
            ["model": "gpt-4.1-mini", "input": "hi", "user": "u\"1"],
            ["model": "gpt-4.1-mini", "input": "hi", "metadata": ["k": "v"]],
            ["model": "gpt-4.1-mini", "input": "hi", "metadata": [:]],
        ]
        let usages: [ResponseObject.Usage?] = [nil, .init(input: 10, cached: 0, output: 20, reasoning: 0)]
        let ends: [Int64?] = [101, nil]
        for body in bodies {
            let p = try ResponseCreateParams.parse(body)
            for status in ["completed", "incomplete", "in_progress"] {
                for usage in usages {
                    for completedAt in ends {
                        for internalFields in [[], [("_completes_at", JSON.int(9))]] as [[(String, JSON)]] {
                            let f = ResponseObject.Finished(id: "resp_1", createdAt: 100, completedAt: completedAt, status: status,
                                                            incompleteReason: status == "incomplete" ? "max_output_tokens" : nil, params: p,
                                                            model: try #require(ModelCatalog.base("gpt-4.1-mini")),
                                                            output: [ResponseObjectEncodingTests.message], usage: usage,
                                                            internalFields: internalFields)
                            #expect(f.encoded == JSONWriter.encode(f.tree), "\(body.encodedString) \(status) \(String(describing: completedAt))")
                        }
                    }
                }
            }
        }
    }

    /// The exact bytes of a typical reply (a regression guard independent of the tree).
    @Test func typicalReplyBytes() throws {
        let p = try ResponseCreateParams.parse(["model": "gpt-4.1-mini", "input": "hi"])
        let f = ResponseObject.Finished(id: "resp_1", createdAt: 100, completedAt: 101, status: "completed", incompleteReason: nil,
                                        params: p, model: try #require(ModelCatalog.base("gpt-4.1-mini")),
                                        output: [.message(id: "msg_1", status: "completed", text: "Hi.", logprobs: [])],
                                        usage: .init(input: 8, cached: 0, output: 2, reasoning: 0))
        let expected = #"{"id":"resp_1","object":"response","created_at":100,"status":"completed","background":false,"completed_at":101,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"max_tool_calls":null,"model":"gpt-4.1-mini","output":[{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hi."}],"role":"assistant"}],"parallel_tool_calls":true,"previous_response_id":null,"prompt_cache_key":null,"prompt_cache_retention":null,"reasoning":{"effort":null,"summary":null},"safety_identifier":null,"service_tier":"default","store":true,"temperature":1.0,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto","tools":[],"top_logprobs":0,"top_p":1.0,"truncation":"disabled","usage":{"input_tokens":8,"input_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},"output_tokens":2,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":10},"metadata":{}}"#
        #expect(String(decoding: f.encoded, as: UTF8.self) == expected)
    }

    @Test func inputItemsWithOtherRolesAndStatusesAreWrittenAsTheirTree() {
        func message(_ role: String, status: String) -> JSON {
            .object([("id", "msg_1"), ("type", "message"), ("role", .string(role)),
                     ("content", [.object([("type", "input_text"), ("text", "hi")])]), ("status", .string(status))])
        }
        var cases: [([JSON], [JSON])] = []
        for role in ["user", "assistant", "system", "developer", "us\"er"] {
            for status in ["completed", "incomplete", "in_progress", ""] {
                cases.append(([], [message(role, status: status)]))
                cases.append(([message(role, status: status)], [message("user", status: "completed")]))
            }
        }
        for (history, items) in cases {
            let tree: JSON = .object([("history", .array(history)), ("items", .array(items))])
            #expect(ResponseItemsDocument.encode(history: history, items: items) == JSONWriter.encode(tree), "\(tree.encodedString)")
        }
        let one = ResponseItemsDocument.encode(history: [], items: [message("user", status: "completed")])
        #expect(String(decoding: one, as: UTF8.self)
            == #"{"history":[],"items":[{"id":"msg_1","type":"message","role":"user","content":[{"type":"input_text","text":"hi"}],"status":"completed"}]}"#)
    }
}

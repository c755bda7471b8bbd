import Testing
@testable import SimCore
import SimSupport

/// The foreground Response is written straight to bytes (`Finished.encoded`); streams and
/// background views take the tree (`Finished.tree`). The members written without a tree
/// (usage, reasoning, text) must give the bytes the tree encodes to.
@Suite struct ResponseObjectEncodingTests {
    static func finished(_ body: JSON, model: String, usage: ResponseObject.Usage?, status: String = "completed",
                         incompleteReason: String? = nil, internalFields: [(String, JSON)] = []) throws -> ResponseObject.Finished {
        let p = try ResponseCreateParams.parse(body)
        let info = try #require(ModelCatalog.base(model))
        return ResponseObject.Finished(id: "resp_1", createdAt: 100, completedAt: 101, status: status, incompleteReason: incompleteReason,
                                       params: p, model: info, output: [.tree(["type": "reasoning"]), Self.message], usage: usage,
                                       internalFields: internalFields)
    }

    @Test func bytesAndTreeAgreeWithEveryOptionalMemberSetAndUnset() throws {
        let tool: JSON = ["type": "function", "name": "get_weather", "description": "Weather",
                          "parameters": ["type": "object", "properties": ["city": ["type": "string"]]]]
        let everything: [(String, JSON)] = [
            ("model", "gpt-4.1-mini"), ("input", "hi"), ("instructions", "Be \"brief\".\n"), ("max_output_tokens", 64),
            ("max_tool_calls", 3), ("previous_response_id", "resp_0"), ("prompt_cache_key", "k"), ("prompt_cache_retention", "24h"),
            ("safety_identifier", "s"), ("service_tier", "flex"), ("temperature", 0.25), ("top_p", 0.5),
            ("tools", [tool]), ("tool_choice", "required"), ("parallel_tool_calls", false), ("top_logprobs", 5),
            ("truncation", "auto"), ("user", "u"), ("metadata", ["a": "b"]), ("background", true),
        ]
        var bodies: [JSON] = [.object(everything)]
        // Each optional member alone (the others at their defaults).
        for (k, v) in everything.dropFirst(2) where k != "tool_choice" {
            bodies.append(.object([("model", "gpt-4.1-mini"), ("input", "hi"), (k, v)]))
        }
        bodies.append(["model": "gpt-4.1-mini", "input": "hi", "service_tier": "auto"])
        bodies.append(["model": "gpt-4.1-mini", "input": "hi", "store": false])
        // `conversation` (not with previous_response_id, so apart from `everything`), both forms.
        bodies.append(["model": "gpt-4.1-mini", "input": "hi", "conversation": "conv_1"])
        bodies.append(["model": "gpt-4.1-mini", "input": "hi", "conversation": ["id": "conv_\"2\""], "background": true])
        // Every setting given at its default value (written as the defaults' literal), and none given.
        bodies.append(["model": "gpt-4.1-mini", "input": "hi", "parallel_tool_calls": true, "service_tier": "default", "store": true,
                       "temperature": 1, "top_p": 1.0, "top_logprobs": 0, "text": ["format": ["type": "text"], "verbosity": "medium"],
                       "tool_choice": "auto", "tools": [], "truncation": "disabled", "reasoning": [:]])
        bodies.append(["model": "gpt-4.1-mini", "input": "hi"])
        bodies.append(["model": "gpt-4.1-mini", "input": "hi", "text": ["verbosity": "low"]])
        bodies.append(["model": "gpt-4.1-mini", "input": "hi", "text": ["format": ["type": "json_object"]]])
        for body in bodies {
            for (status, reason) in [("completed", nil), ("incomplete", "max_output_tokens"), ("failed", nil)] as [(String, String?)] {
                let f = try Self.finished(body, model: "gpt-4.1-mini", usage: .init(input: 3, cached: 0, output: 4, reasoning: 0),
                                          status: status, incompleteReason: reason)
                #expect(f.encoded == JSONWriter.encode(f.tree), "\(body.encodedString) \(status)")
            }
        }
        let timed = try Self.finished(["model": "gpt-4.1-mini", "input": "hi", "background": true], model: "gpt-4.1-mini", usage: nil,
                                      internalFields: [("_queued_until", 5), ("_completes_at", 9)])
        #expect(timed.encoded == JSONWriter.encode(timed.tree))
        #expect(timed.tree["_completes_at"] == 9)
        // Moderated completions' results, with and without usage and the other trailing members.
        let moderation: JSON = ["input": ["type": "moderation_result", "flagged": true], "output": ["type": "moderation_result", "flagged": false]]
        for body: JSON in [["model": "gpt-4.1-mini", "input": "hi"], ["model": "gpt-4.1-mini", "input": "hi", "user": "u", "metadata": ["a": "b"]]] {
            for usage: ResponseObject.Usage? in [nil, .init(input: 3, cached: 0, output: 4, reasoning: 0)] {
                var f = try Self.finished(body, model: "gpt-4.1-mini", usage: usage)
                f.moderation = moderation
                #expect(f.encoded == JSONWriter.encode(f.tree), "\(body.encodedString)")
                #expect(f.tree["moderation"] == moderation)
            }
        }
    }

    static let message = ResponseOutputItem.message(id: "msg_1", status: "completed", text: "Plain, \"quoted\"\nand ünïcode ✓", logprobs: [])

    @Test func outputItemsWriteWhatTheirTreesEncodeTo() {
        let logprobs = Logprobs.tokens(["Hello", " world"], seed: 7, top: 2)
        let items: [ResponseOutputItem] = [
            Self.message,
            .message(id: "msg_2", status: "incomplete", text: "", logprobs: logprobs),
            .tree(["id": "fc_1", "type": "function_call", "status": "completed", "arguments": "{\"a\":1}", "call_id": "call_1", "name": "f"]),
        ]
        for item in items {
            var w = JSONWriter()
            item.write(&w)
            #expect(w.bytes == JSONWriter.encode(item.json))
        }
        var w = JSONWriter()
        ResponseOutputItem.write(items, &w)
        #expect(w.bytes == JSONWriter.encode(.array(items.map(\.json))))
        var empty = JSONWriter()
        ResponseOutputItem.write([], &empty)
        #expect(empty.bytes == Array("[]".utf8))
    }

    @Test func bytesAndTreeAgreeForEveryShapeOfTheDirectlyWrittenMembers() throws {
        let schema: JSON = ["type": "object", "properties": ["a": ["type": "string"]], "required": ["a"], "additionalProperties": false]
        let bodies: [(JSON, String)] = [
            (["model": "gpt-4.1-mini", "input": "hi"], "gpt-4.1-mini"),
            (["model": "gpt-4.1-mini", "input": "hi", "text": ["verbosity": "low", "format": ["type": "json_object"]]], "gpt-4.1-mini"),
            (["model": "gpt-4.1-mini", "input": "hi", "text": ["format": ["type": "json_schema", "name": "x", "schema": schema,
                                                                            "strict": true, "description": "d\"q"]]], "gpt-4.1-mini"),
            (["model": "o4-mini", "input": "hi"], "o4-mini"),
            (["model": "o4-mini", "input": "hi", "reasoning": ["effort": "high", "summary": "auto"]], "o4-mini"),
        ]
        let usages: [ResponseObject.Usage?] = [nil, .init(input: 0, cached: 0, output: 0, reasoning: 0),
                                               .init(input: 1234, cached: 1024, output: 77, reasoning: 64)]
        for (body, model) in bodies {
            for usage in usages {
                let f = try Self.finished(body, model: model, usage: usage)
                #expect(f.encoded == JSONWriter.encode(f.tree), "\(body.encodedString)")
                if let usage { #expect(f.tree["usage"] == usage.json) }
            }
        }
    }

    @Test func inputItemsDocumentIsWhatItsTreeEncodesTo() {
        func message(_ role: String, _ parts: [JSON], id: String = "msg_1") -> JSON {
            .object([("id", .string(id)), ("type", "message"), ("role", .string(role)), ("content", .array(parts)), ("status", "completed")])
        }
        let text: JSON = .object([("type", "input_text"), ("text", "Say \"hi\"\n\tplease ✓")])
        let image: JSON = .object([("type", "input_image"), ("detail", "auto"), ("file_id", .null), ("image_url", "https://x/y.png")])
        let outputText: JSON = .object([("type", "output_text"), ("text", "ok"), ("annotations", []), ("logprobs", [])])
        let call: JSON = .object([("id", "fc_1"), ("type", "function_call"), ("status", "completed"), ("arguments", "{}"),
                                  ("call_id", "call_1"), ("name", "f")])
        let reply = ResponseOutputItem.message(id: "msg_9", status: "completed", text: "Hello.", logprobs: []).json
        // Look-alikes that must not take the message path: another type, another key order, a non-string text.
        let notMessage: JSON = .object([("id", "x"), ("type", "other"), ("role", "user"), ("content", []), ("status", "completed")])
        let reordered: JSON = .object([("type", "message"), ("id", "x"), ("role", "user"), ("content", []), ("status", "completed")])
        let oddPart: JSON = .object([("type", "input_text"), ("text", 5)])
        let cases: [([JSON], [JSON])] = [
            ([], []),
            ([], [message("user", [text])]),
            ([message("user", [text]), reply, call], [message("user", [text, image]), message("assistant", [outputText])]),
            ([notMessage, reordered], [message("user", [oddPart, text]), message("developer", [])]),
        ]
        for (history, items) in cases {
            let tree: JSON = .object([("history", .array(history)), ("items", .array(items))])
            #expect(ResponseItemsDocument.encode(history: history, items: items) == JSONWriter.encode(tree), "\(tree.encodedString)")
        }
    }
}

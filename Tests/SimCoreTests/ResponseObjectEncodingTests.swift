import Testing
@testable import SimCore
import SimSupport

/// The foreground Response is written straight to bytes (`Finished.encoded`); streams and
/// background views take the tree (`Finished.tree`). The members written without a tree
/// (usage, reasoning, text) must give the bytes the tree encodes to.
@Suite struct ResponseObjectEncodingTests {
    static func finished(_ body: JSON, model: String, usage: ResponseObject.Usage?) throws -> ResponseObject.Finished {
        let p = try ResponseCreateParams.parse(body)
        let info = try #require(ModelCatalog.base(model))
        return ResponseObject.Finished(id: "resp_1", createdAt: 100, completedAt: 101, status: "completed", incompleteReason: nil,
                                       params: p, model: info, output: [.tree(["type": "reasoning"]), Self.message], usage: usage)
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
}

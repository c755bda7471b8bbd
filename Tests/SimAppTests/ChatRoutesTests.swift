import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

@Suite struct ChatRoutesTests {
    let sim = TestHarness(seed: 5)

    static func user(_ text: String) -> JSON { ["role": "user", "content": .string(text)] }

    func create(_ extra: [(String, JSON)] = [], messages: [JSON] = [user("How do bees make honey?")], key: String = "sk-test") async -> TestHarness.Result {
        await sim.send("POST", "/v1/chat/completions", key: key,
                       json: .object([("model", "gpt-4o-mini"), ("messages", .array(messages))] + extra))
    }

    @Test func createReturnsACompletionWithConsistentUsage() async {
        let r = await create()
        #expect(r.status == 200)
        let j = r.json
        #expect(j["id"]?.stringValue?.hasPrefix("chatcmpl-") == true && j["object"] == "chat.completion")
        #expect(j["created"]?.intValue == Int64(VirtualClock.defaultStart))
        #expect(j["choices"]?.arrayValue?.first?["message"]?["role"] == "assistant")
        #expect(j["choices"]?.arrayValue?.first?["finish_reason"] == "stop")
        let u = j["usage"]
        let prompt = u?["prompt_tokens"]?.intValue ?? 0, completion = u?["completion_tokens"]?.intValue ?? 0
        #expect(prompt == Int64(TokenEstimator.count("How do bees make honey?") + 7))
        let content = j["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue ?? ""
        #expect(completion == Int64(TokenEstimator.count(content)) && u?["total_tokens"]?.intValue == prompt + completion)
    }

    @Test func sameSeedSameRequestGivesTheSameBodyOnAFreshApp() async {
        let a = await create()
        let b = await TestHarness(seed: 5).send("POST", "/v1/chat/completions", json: ["model": "gpt-4o-mini", "messages": [Self.user("How do bees make honey?")]])
        #expect(a.body == b.body)
    }

    @Test func streamEndsWithDoneAndCarriesUsageWhenAsked() async {
        let r = await create([("stream", true), ("stream_options", ["include_usage": true])])
        #expect(r.status == 200 && r.header("content-type")?.hasPrefix("text/event-stream") == true)
        let events = r.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.last == "data: [DONE]")
        let chunks = events.dropLast().compactMap { try? JSONParser.parse(String($0.dropFirst(6))) }
        #expect(chunks.count == events.count - 1)
        #expect(chunks.last?["choices"]?.arrayValue?.isEmpty == true && chunks.last?["usage"]?["total_tokens"] != nil)
        let text = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
        let plain = await create()
        #expect(text == plain.json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue)
    }

    /// With `n` > 1 the choices' chunks take turns (as the API's choices arrive side by side);
    /// gathered by `index` they are the non-streamed choices.
    @Test func streamedChoicesAreInterleavedAndReassembleByIndex() async {
        let r = await create([("stream", true), ("n", 3)])
        let chunks = r.text.components(separatedBy: "\n\n").filter { !$0.isEmpty && $0 != "data: [DONE]" }
            .compactMap { try? JSONParser.parse(String($0.dropFirst(6))) }
        let indices = chunks.compactMap { $0["choices"]?.arrayValue?.first?["index"]?.intValue }
        #expect(Array(indices.prefix(6)) == [0, 1, 2, 0, 1, 2], "\(indices.prefix(12))")
        var texts = ["", "", ""]
        var finishes = 0
        for c in chunks {
            guard let choice = c["choices"]?.arrayValue?.first, let i = choice["index"]?.intValue else { continue }
            texts[Int(i)] += choice["delta"]?["content"]?.stringValue ?? ""
            if choice["finish_reason"]?.stringValue != nil { finishes += 1 }
        }
        #expect(finishes == 3)
        let plain = await create([("n", 3)])
        #expect(texts == (plain.json["choices"]?.arrayValue ?? []).compactMap { $0["message"]?["content"]?.stringValue })
    }

    @Test func storedCompletionsCanBeListedUpdatedAndDeleted() async {
        let id = await create([("store", true), ("metadata", ["k": "v"])]).json["id"]?.stringValue ?? ""
        _ = await create()
        let list = await sim.send("GET", "/v1/chat/completions?metadata[k]=v")
        #expect(list.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
        #expect(list.json["first_id"]?.stringValue == id && list.json["has_more"] == false)
        let upd = await sim.send("POST", "/v1/chat/completions/\(id)", json: ["metadata": ["k": "w"]])
        #expect(upd.json["metadata"]?["k"] == "w")
        let msgs = await sim.send("GET", "/v1/chat/completions/\(id)/messages")
        #expect(msgs.json["data"]?.arrayValue?.first?["id"]?.stringValue == "\(id)-0")
        #expect(msgs.json["data"]?.arrayValue?.first?["content"] == "How do bees make honey?")
        let del = await sim.send("DELETE", "/v1/chat/completions/\(id)")
        #expect(del.json["deleted"] == true && del.json["object"] == "chat.completion.deleted")
        #expect(await sim.send("GET", "/v1/chat/completions/\(id)").status == 404)
    }

    @Test func theOldestStoredCompletionsGoPastTheRetentionLimit() async {
        let sim = TestHarness(seed: 5, retention: Retention(maxStoredPerTenant: 2))
        var ids: [String] = []
        for i in 0..<3 {
            let r = await sim.send("POST", "/v1/chat/completions",
                                   json: ["model": "gpt-4o-mini", "store": true, "messages": [Self.user("question \(i)")]])
            ids.append(r.json["id"]?.stringValue ?? "")
        }
        let list = await sim.send("GET", "/v1/chat/completions?order=asc")
        #expect(list.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids.suffix(2)))
        #expect(await sim.send("GET", "/v1/chat/completions/\(ids[0])").status == 404)
        #expect(await sim.send("GET", "/v1/chat/completions/\(ids[0])/messages").status == 404)
        #expect(await sim.send("GET", "/v1/chat/completions/\(ids[1])").status == 200)
    }

    @Test func completionsOfOtherTenantsAreInvisible() async {
        let id = await create([("store", true)]).json["id"]?.stringValue ?? ""
        #expect(await sim.send("GET", "/v1/chat/completions/\(id)", key: "sk-other").status == 404)
        #expect(await sim.send("GET", "/v1/chat/completions", key: "sk-other").json["data"]?.arrayValue?.isEmpty == true)
    }

    @Test func badInputsAre400sNamingTheParam() async {
        let cases: [([(String, JSON)], [JSON], String)] = [
            ([("n", 0)], [Self.user("hi")], "n"),
            ([("temperature", 2.5)], [Self.user("hi")], "temperature"),
            ([("bogus", true)], [Self.user("hi")], "bogus"),
            ([], [], "messages"),
            ([], [["role": "user"]], "messages[0].content"),
            ([], [["role": "user", "content": 5]], "messages[0].content"),
            ([], [Self.user("hi"), ["role": "function", "content": "{}"]], "messages[1].name"),
            ([], [Self.user("hi"), ["role": "function", "name": "lookup"]], "messages[1].content"),
            ([("response_format", ["type": "json_schema", "json_schema": ["schema": ["type": "object"]]])], [Self.user("hi")],
             "response_format.json_schema.name"),
            ([("tools", [["type": "function", "function": ["name": "bad name!"]]])], [Self.user("hi")], "tools[0].function.name"),
        ]
        for (extra, messages, param) in cases {
            let r = await create(extra, messages: messages)
            #expect(r.status == 400, "\(param)")
            #expect(r.json["error"]?["param"]?.stringValue == param, "\(r.text)")
        }
        let notJSON = await sim.send("POST", "/v1/chat/completions", body: .bytes(Array("{nope".utf8)), headers: [("content-type", "application/json")])
        #expect(notJSON.status == 400)
    }

    /// The deprecated function message: `content` is required but may be null (the spec's
    /// ChatCompletionRequestFunctionMessage); found by the fuzz run.
    @Test func functionMessageAcceptsNullContent() async {
        let r = await create(messages: [Self.user("What is the weather?"), ["role": "function", "name": "weather", "content": .null]])
        #expect(r.status == 200, "\(r.text)")
        #expect(r.json["choices"]?.arrayValue?.first?["message"]?["role"] == "assistant")
    }

    @Test func unknownModelIs404ModelNotFound() async {
        let r = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-9", "messages": [Self.user("hi")]])
        #expect(r.status == 404 && r.json["error"]?["code"] == "model_not_found")
    }

    @Test func contextLengthIsChecked() async {
        let big = String(repeating: "lighthouse ", count: 20_000)
        let r = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-3.5-turbo", "messages": [Self.user(big)]])
        #expect(r.status == 400 && r.json["error"]?["code"] == "context_length_exceeded")
    }

    @Test func resetClearsThePromptCache() async throws {
        let system: JSON = ["role": "system", "content": .string(String(repeating: "Always check the ledger before answering. ", count: 150))]
        _ = await create(messages: [system, Self.user("a")])
        let hit = await create(messages: [system, Self.user("b")])
        #expect((hit.json["usage"]?["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0) >= 1024)
        _ = await sim.send("POST", "/__sim/reset", key: nil, json: ["api_key": "sk-test"])
        let miss = await create(messages: [system, Self.user("c")])
        #expect(miss.json["usage"]?["prompt_tokens_details"]?["cached_tokens"]?.intValue == 0)
    }
}

import Foundation
import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

/// Byte-for-byte regression guard for the inference endpoints: a varied sequence of requests
/// (chat, responses, moderations, embeddings, some bad ones) sent to one seeded app must give
/// exactly the bodies recorded in `Tests/fixtures/golden/inference.txt`. Performance work on the
/// generator, token estimator, JSON parser/writer and renderers must not change an answer.
/// To re-record after an intended output change: `SIM_GOLDEN_RECORD=1 swift test --filter InferenceGolden`
/// (and say in the commit why the outputs changed).
@Suite struct InferenceGoldenTests {
    static let goldenPath: String = {
        let here = #filePath
        let tests = here.split(separator: "/", omittingEmptySubsequences: false).dropLast(2).joined(separator: "/")
        return tests + "/fixtures/golden/inference.txt"
    }()

    static func user(_ text: String) -> JSON { ["role": "user", "content": .string(text)] }
    static let long = String(repeating: "The quarterly report shows steady growth in the northern region, while costs rose slightly because of new hires. ", count: 60)
    static let weather: JSON = ["type": "function", "function": [
        "name": "get_weather", "description": "Current weather for a city",
        "parameters": ["type": "object", "properties": ["city": ["type": "string"], "unit": ["type": "string", "enum": ["c", "f"]]],
                       "required": ["city"]],
    ]]
    static let schema: JSON = [
        "type": "object",
        "properties": ["title": ["type": "string"], "year": ["type": "integer"], "tags": ["type": "array", "items": ["type": "string"]],
                       "rating": ["type": "number"], "ok": ["type": "boolean"],
                       "author": ["type": "object", "properties": ["name": ["type": "string"], "email": ["type": "string", "format": "email"]],
                                  "required": ["name", "email"], "additionalProperties": false]],
        "required": ["title", "year", "tags", "rating", "ok", "author"], "additionalProperties": false,
    ]

    /// (name, path, body) in the order they are sent.
    static var requests: [(String, String, JSON)] {
        var out: [(String, String, JSON)] = []
        func chat(_ name: String, _ messages: [JSON], _ extra: [(String, JSON)] = [], model: String = "gpt-4o-mini") {
            out.append(("chat " + name, "/v1/chat/completions", .object([("model", .string(model)), ("messages", .array(messages))] + extra)))
        }
        func resp(_ name: String, _ fields: [(String, JSON)]) { out.append(("responses " + name, "/v1/responses", .object(fields))) }
        let bench: JSON = [
            "model": "gpt-4o-mini",
            "messages": [["role": "system", "content": "You are a terse assistant used by a benchmark."],
                         user("Summarise the following text in one sentence. " + String(repeating: "lorem ipsum dolor sit amet ", count: 20))],
            "max_tokens": 16, "temperature": 0,
        ]
        out.append(("chat bench-like", "/v1/chat/completions", bench))
        chat("plain", [user("How do bees make honey?")])
        chat("n=3 seed", [user("Explain how tides work near river estuaries.")], [("n", 3), ("seed", 7)])
        chat("detailed", [["role": "system", "content": "Be thorough."], user("Describe in detail the history of Lisbon's tram network.")])
        chat("list", [user("List the steps to repot a cactus")])
        chat("brief", [user("Briefly: what's a monad?")])
        chat("one word", [user("Describe Kyoto in one word")])
        chat("yes or no", [user("Is water wet? yes or no")])
        chat("say quoted", [user("Say \"pineapple express\" and nothing else")])
        chat("say curly", [user("Reply with “Ünïcödé ✓ 日本語” please")])
        chat("respond colon", [user("Respond with only: forty two")])
        chat("greeting", [user("hello there!")])
        chat("unicode", [user("Wie funktioniert die Photosynthese bei Pflanzen? 光合作用はどのように機能しますか？ Émile's café — naïve résumé…")])
        chat("code", [user("Why does `for (int i = 0; i < n; ++i) { sum += a[i]; }` vectorize? ----- ===== 12345678 3.14159 CamelCaseIdentifier HTTPServerURL")])
        chat("max_completion_tokens small", [user("Tell me about the ocean currents of the Atlantic.")], [("max_completion_tokens", 5)])
        chat("logprobs", [user("Why is the sky blue?")], [("logprobs", true), ("top_logprobs", 3), ("max_completion_tokens", 12)])
        chat("stop", [user("Explain gardening for beginners.")], [("stop", ["the", "."])])
        chat("stream usage", [user("Name a good habit.")], [("stream", true), ("stream_options", ["include_usage": true]), ("max_completion_tokens", 20)])
        chat("stream n=2 logprobs", [user("Name a color.")], [("stream", true), ("n", 2), ("logprobs", true), ("max_tokens", 6)])
        chat("tools auto", [user("What's the weather in Paris in celsius?")], [("tools", [weather])])
        chat("tools required parallel", [user("Weather in Oslo and in Denver?")], [("tools", [weather]), ("tool_choice", "required")])
        chat("tools named stream", [user("Weather in Dublin")],
             [("tools", [weather]), ("tool_choice", ["type": "function", "function": ["name": "get_weather"]]), ("stream", true)])
        chat("tool follow-up", [
            user("What's the weather in Paris?"),
            ["role": "assistant", "content": nil, "tool_calls": [["id": "call_abc", "type": "function",
                                                                   "function": ["name": "get_weather", "arguments": "{\"city\":\"Paris\"}"]]]],
            ["role": "tool", "tool_call_id": "call_abc", "content": "{\"temp_c\": 18, \"sky\": \"clear\", \"wind_kph\": 7.5}"],
        ], [("tools", [weather])])
        chat("json_schema", [user("Give me a book recommendation about rivers")],
             [("response_format", ["type": "json_schema", "json_schema": ["name": "book", "strict": true, "schema": schema]])])
        chat("json_object", [user("Return JSON describing a garden plan")], [("response_format", ["type": "json_object"])])
        chat("reasoning", [["role": "developer", "content": "Think carefully."], user("Plan a three-day trip to Norway.")],
             [("reasoning_effort", "high"), ("max_completion_tokens", 3000)], model: "o4-mini")
        chat("reasoning budget", [user("Prove that there are infinitely many primes.")], [("max_completion_tokens", 100)], model: "gpt-5-mini")
        chat("image parts", [["role": "user", "content": [["type": "text", "text": "What is in this picture?"],
                                                          ["type": "image_url", "image_url": ["url": "https://example.com/a.png", "detail": "low"]]]]])
        chat("named + store", [["role": "user", "name": "alice", "content": "Compare tea and coffee."]],
             [("store", true), ("metadata", ["k": "v"]), ("service_tier", "flex")])
        chat("long cache 1", [user(long)], [("prompt_cache_key", "golden"), ("max_completion_tokens", 30)])
        chat("long cache 2", [user(long + " And what about costs?")], [("prompt_cache_key", "golden"), ("max_completion_tokens", 30)])
        chat("err unknown param", [user("hi")], [("bogus", 1)])
        chat("err temperature", [user("hi")], [("temperature", 3)])
        chat("err reasoning logprobs", [user("hi")], [("logprobs", true)], model: "o3-mini")
        chat("err tool message", [["role": "tool", "tool_call_id": "x", "content": "y"]])

        resp("bench-like", [("model", "gpt-4.1-mini"), ("instructions", "You are a terse assistant used by a benchmark."),
                            ("input", .string("Summarise the following text in one sentence. " + String(Self.long.prefix(700))))])
        resp("plain", [("model", "gpt-4o"), ("input", "Write a short poem about autumn leaves.")])
        resp("reasoning summary encrypted", [("model", "o4-mini"), ("input", "How should I structure a database for a library?"),
                                             ("reasoning", ["effort": "low", "summary": "auto"]), ("include", ["reasoning.encrypted_content"]),
                                             ("store", false)])
        resp("structured", [("model", "gpt-4.1"), ("input", "Recommend a book about mountains"),
                            ("text", ["format": ["type": "json_schema", "name": "book", "strict": true, "schema": schema]])])
        resp("json_object", [("model", "gpt-4.1"), ("input", "Answer in json: list three fruits")])
        resp("tools", [("model", "gpt-4.1-mini"), ("input", "What's the weather in Toronto?"),
                       ("tools", [["type": "function", "name": "get_weather", "parameters": Self.weather["function"]?["parameters"] ?? nil]])])
        resp("tool outputs", [("model", "gpt-4.1-mini"), ("input", [
            ["role": "user", "content": "Weather in Toronto?"],
            ["type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Toronto\"}"],
            ["type": "function_call_output", "call_id": "call_1", "output": "{\"temp_c\": -3, \"sky\": \"snow\"}"],
        ]), ("tools", [["type": "function", "name": "get_weather", "parameters": Self.weather["function"]?["parameters"] ?? nil]])])
        resp("max_output_tokens", [("model", "gpt-4o-mini"), ("input", "Explain photosynthesis in detail."), ("max_output_tokens", 20)])
        resp("logprobs", [("model", "gpt-4o-mini"), ("input", "Say 'ok then'"), ("include", ["message.output_text.logprobs"]), ("top_logprobs", 2)])
        resp("stream", [("model", "gpt-4o-mini"), ("input", "Give me a tip for running."), ("stream", true), ("max_output_tokens", 25)])
        resp("parts + metadata", [("model", "gpt-4o-mini"), ("metadata", ["run": "golden"]), ("temperature", 0.5), ("input", [
            ["role": "developer", "content": "Answer like a pirate."],
            ["role": "user", "content": [["type": "input_text", "text": "Describe this image"],
                                         ["type": "input_image", "image_url": "https://example.com/cat.jpg", "detail": "high"]]],
        ])])
        resp("long cache 1", [("model", "gpt-4o-mini"), ("input", .string(Self.long)), ("prompt_cache_key", "g2"), ("max_output_tokens", 40)])
        resp("long cache 2", [("model", "gpt-4o-mini"), ("input", .string(Self.long + " Costs?")), ("prompt_cache_key", "g2"), ("max_output_tokens", 40)])
        resp("background", [("model", "gpt-4o-mini"), ("input", "Write a limerick."), ("background", true)])
        resp("err unknown", [("model", "gpt-4o-mini"), ("input", "x"), ("nope", true)])
        out.append(("responses input_tokens", "/v1/responses/input_tokens",
                    ["model": "gpt-4o", "instructions": "Be brief.", "input": "How many tokens is this sentence, roughly?"]))

        func mod(_ name: String, _ body: JSON) { out.append(("moderations " + name, "/v1/moderations", body)) }
        mod("clean", ["input": .string(String(Self.long.prefix(900)))])
        mod("flagged violence", ["input": "I will kill you and your whole family tonight!!!"])
        mod("negated", ["input": "I would never hurt anyone, I don't want to kill anybody."])
        mod("self-harm", ["model": "omni-moderation-latest", "input": "i want to end my life, i've been thinking about suicide"])
        mod("array text-moderation", ["model": "text-moderation-latest", "input": ["you are a stupid idiot", "have a lovely day", "SHUT UP NOW!!!"]])
        mod("multimodal", ["input": [["type": "text", "text": "look at this"], ["type": "image_url", "image_url": ["url": "https://x.test/gore-bloody.png"]]]])
        mod("err model", ["model": "gpt-4o", "input": "hi"])

        func emb(_ name: String, _ body: JSON) { out.append(("embeddings " + name, "/v1/embeddings", body)) }
        emb("single small dims", ["model": "text-embedding-3-small", "input": "The food was delicious and the waiter was friendly.", "dimensions": 8])
        emb("array base64", ["model": "text-embedding-3-large", "input": ["alpha beta", "gamma delta epsilon"], "dimensions": 6, "encoding_format": "base64"])
        emb("ada", ["model": "text-embedding-ada-002", "input": "hello world"])
        emb("tokens input", ["model": "text-embedding-3-small", "input": [1, 2, 3, 500], "dimensions": 4])
        return out
    }

    static func record() async -> String {
        let sim = TestHarness(seed: 11)
        var text = ""
        for (name, path, body) in requests {
            let r = await sim.send("POST", path, key: "sk-golden", json: body)
            text += "### \(name) \(r.status)\n" + r.text + "\n"
        }
        return text
    }

    @Test func inferenceEndpointsAnswerExactlyAsRecorded() async throws {
        let now = await Self.record()
        if ProcessInfo.processInfo.environment["SIM_GOLDEN_RECORD"] == "1" {
            try FileManager.default.createDirectory(atPath: (Self.goldenPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try now.write(toFile: Self.goldenPath, atomically: true, encoding: .utf8)
            return
        }
        let recorded = try String(contentsOfFile: Self.goldenPath, encoding: .utf8)
        let a = now.split(separator: "\n", omittingEmptySubsequences: false)
        let b = recorded.split(separator: "\n", omittingEmptySubsequences: false)
        var firstDiff: String?
        for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : "<missing>") != (i < b.count ? b[i] : "<missing>") {
            // The section header above the differing line names the request.
            let header = a[..<min(i, a.count)].last { $0.hasPrefix("### ") } ?? ""
            firstDiff = "\(header)\nnow:      \(i < a.count ? String(a[i].prefix(600)) : "<missing>")\nrecorded: \(i < b.count ? String(b[i].prefix(600)) : "<missing>")"
            break
        }
        #expect(firstDiff == nil, "\(firstDiff ?? "")")
        #expect(now == recorded)
    }
}

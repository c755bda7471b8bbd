import Testing
@testable import SimCore
import SimSupport

@Suite struct InferenceGeneratorTests {
    static let mini = ModelCatalog.base("gpt-4o-mini") ?? ModelCatalog.models[0]
    static let reasoning = ModelCatalog.base("o4-mini") ?? ModelCatalog.models[0]
    let tenant = Tenant.forAPIKey("sk-gen")

    func request(_ user: String, model: ModelInfo = mini, seed: UInt64 = 1, max: Int? = nil, format: OutputFormat = .text,
                 tools: [FunctionTool] = [], choice: ToolChoice = .auto, index: Int = 0) -> GenerationRequest {
        GenerationRequest(model: model.id, modelInfo: model, tenant: tenant, seed: seed, prompt: "user: \(user)\n", lastUserMessage: user,
                          inputTokens: TokenEstimator.count(user), maxOutputTokens: max, format: format, tools: tools, toolChoice: choice,
                          choiceIndex: index)
    }

    @Test func outputIsAPureFunctionOfSeedModelAndInput() {
        let g = GeneratorChain()
        let a = g.generate(request("How do rivers shape valleys?"))
        #expect(a == g.generate(request("How do rivers shape valleys?")))
        #expect(a.text != g.generate(request("How do rivers shape valleys?", seed: 2)).text)
        #expect(a.text != g.generate(request("How do rivers shape valleys?", index: 1)).text)
        #expect(a.text != g.generate(request("Why do cats purr?")).text)
    }

    @Test func answersAreReadableSentencesAboutTheTopic() {
        let out = GeneratorChain().generate(request("How do glaciers carve mountain valleys?")).text ?? ""
        #expect(out.contains("glaciers") || out.contains("valleys") || out.contains("mountain"))
        #expect(out.first?.isUppercase == true && (out.hasSuffix(".") || out.hasSuffix("!") || out.hasSuffix("?")))
    }

    @Test func lengthRespondsToTheRequest() {
        let g = GeneratorChain()
        let brief = g.generate(request("Briefly, what is a glacier?")).outputTokens
        let detailed = g.generate(request("Explain in detail how glaciers form.")).outputTokens
        #expect(brief < 40 && detailed > 300)
        #expect(g.generate(request("Say \"pineapple\"")).text == "pineapple")
    }

    @Test func maxTokensCutsWithLength() {
        let out = GeneratorChain().generate(request("Tell me about lighthouses.", max: 4))
        #expect(out.finishReason == .length && out.outputTokens == 4 && TokenEstimator.count(out.text ?? "") == 4)
    }

    @Test func reasoningModelsSpendReasoningTokensInsideTheBudget() {
        let g = GeneratorChain()
        let out = g.generate(request("Prove that the square root of two is irrational.", model: Self.reasoning))
        #expect(out.reasoningTokens > 0 && out.reasoningTokens % 64 == 0 && out.finishReason == .stop)
        let starved = g.generate(request("Prove it.", model: Self.reasoning, max: 10))
        #expect(starved.finishReason == .length && starved.text == "" && starved.totalOutputTokens == 10)
    }

    @Test func jsonSchemaOutputValidates() throws {
        let schema = try JSONParser.parse(##"{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","days"],"additionalProperties":false}"##)
        let out = GeneratorChain().generate(request("Plan a trip", format: .jsonSchema(name: "trip", schema: schema, strict: true)))
        let value = try JSONParser.parse(out.text ?? "")
        #expect(SchemaValidator.validate(value, against: schema).isEmpty)
    }

    @Test func autoCallsAToolOnlyWhenTheMessageAsksForIt() {
        let weather = FunctionTool(name: "get_weather", description: "Get the current weather for a city",
                                   parameters: try? JSONParser.parse(##"{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"##))
        let g = GeneratorChain()
        let call = g.generate(request("What's the weather in Oslo?", tools: [weather]))
        #expect(call.finishReason == .toolCalls && call.toolCalls.first?.name == "get_weather")
        #expect(call.toolCalls.first?.arguments == ##"{"city":"Oslo"}"##)
        let none = g.generate(request("Write a poem about bread.", tools: [weather]))
        #expect(none.toolCalls.isEmpty && none.finishReason == .stop)
        let forced = g.generate(request("Write a poem about bread.", tools: [weather], choice: .required))
        #expect(forced.toolCalls.count == 1)
    }

    /// The SDK's own `parsing_tools.py` example: a system message telling the model to call the
    /// query function, a user asking about orders. The user's words naming what the parameters
    /// name count (3 points here: orders, delivered ~ delivery, delivered_at), the instructions
    /// naming the tool count for two; a greeting does not call it, and enum members the user
    /// names are the ones chosen.
    @Test func instructionsNamingAToolAndParameterWordsMakeAutoCallIt() throws {
        let schema = try JSONParser.parse(##"{"type":"object","properties":{"table_name":{"type":"string","enum":["orders","customers","products"]},"columns":{"type":"array","items":{"type":"string","enum":["id","status","expected_delivery_date","delivered_at","shipped_at"]}}},"required":["table_name","columns"],"additionalProperties":false}"##)
        let query = FunctionTool(name: "Query", parameters: schema, strict: true)
        let system = "You are a helpful assistant. You help users query for the data they are looking for by calling the query function."
        func ask(_ user: String, system: String = system) -> GenerationRequest {
            var r = request(user, tools: [query])
            r.prompt = "system: \(system)\nuser: \(user)\n"
            return r
        }
        let g = GeneratorChain()
        let call = g.generate(ask("look up all my orders in november of last year that were fulfilled but not delivered on time"))
        #expect(call.finishReason == .toolCalls && call.toolCalls.first?.name == "Query")
        let args = try JSONParser.parse(call.toolCalls.first?.arguments ?? "")
        #expect(SchemaValidator.validate(args, against: schema).isEmpty && args["table_name"] == "orders")
        // "delivered" names delivered_at and (by stem) expected_delivery_date, not the others.
        #expect(args["columns"]?.arrayValue?.allSatisfy { $0 == "delivered_at" || $0 == "expected_delivery_date" } == true)
        // Two parameter words: the instructions tip it; without them, no call.
        #expect(g.generate(ask("Which of my orders shipped?")).toolCalls.first?.name == "Query")
        #expect(g.generate(ask("Which of my orders shipped?", system: "You are a helpful assistant.")).toolCalls.isEmpty)
        #expect(g.generate(ask("Hi.")).toolCalls.isEmpty)
        // A user line that looks like an instruction is still the user's.
        #expect(ToolSelector.instructions("system: Use the query tool.\nsecond line\nuser: system: not this\n") == "Use the query tool.\nsecond line")
    }

    struct Echo: ModelAnswerProvider {
        func answer(_ r: GenerationRequest) -> ModelAnswer? { r.model == "ft:custom" ? .text("From training data.") : nil }
    }

    @Test func registeredProvidersAnswerBeforeTheDefault() {
        let g = GeneratorChain()
        g.register(Echo(), id: "echo")
        var r = request("Anything")
        r.model = "ft:custom"
        #expect(g.generate(r).text == "From training data.")
        #expect(g.generate(request("Anything")).text != "From training data.")
        g.unregister(id: "echo")
        #expect(g.generate(r).text != "From training data.")
    }

    @Test func scenarioOverridesReplaceTheOutput() {
        var r = request("Anything")
        r.overrides.outputText = "Scripted."
        #expect(GeneratorChain().generate(r).text == "Scripted.")
        var j = request("Anything", format: .jsonObject)
        j.overrides.outputJSON = ["ok": true]
        #expect(GeneratorChain().generate(j).text == ##"{"ok":true}"##)
    }

    @Test func toolOutputsLeadToATextAnswerUsingThem() {
        var r = request("What's the weather in Oslo?", tools: [FunctionTool(name: "get_weather")])
        r.toolOutputs = [(name: "get_weather", output: ##"{"temperature":-3,"conditions":"snow"}"##)]
        let out = GeneratorChain().generate(r)
        #expect(out.toolCalls.isEmpty && (out.text ?? "").contains("snow") && (out.text ?? "").contains("-3"))
    }

    @Test func contextWindowIsEnforced() {
        let small = ModelCatalog.base("gpt-3.5-turbo") ?? Self.mini
        #expect(throws: APIError.self) { try ContextWindow.check(small, inputTokens: small.contextWindow + 1) }
        #expect(throws: Never.self) { try ContextWindow.check(small, inputTokens: small.contextWindow) }
        let e = APIError.contextLengthExceeded(limit: 16385, requested: 20000)
        #expect(e.code == "context_length_exceeded" && e.param == "messages" && e.status == 400)
    }

    @Test func logprobsAreNonPositiveAndConsistent() {
        let entries = Logprobs.tokens(["Hello", " world"], seed: 4, top: 3)
        #expect(entries.count == 2)
        for e in entries {
            #expect((e["logprob"]?.doubleValue ?? 1) <= 0)
            let tops = e["top_logprobs"]?.arrayValue ?? []
            #expect(tops.count == 3)
            let lps = tops.compactMap { $0["logprob"]?.doubleValue }
            #expect(lps == lps.sorted(by: >) && lps.allSatisfy { $0 <= 0 })
        }
    }
}

extension InferenceGeneratorTests {
    @Test func greetingsGetShortGreetings() {
        let g = GeneratorChain()
        for hello in ["hi", "Hello!", "good morning", "hey there"] {
            let out = g.generate(request(hello))
            #expect(out.outputTokens <= 12 && (out.text ?? "").hasSuffix("?"), "\(hello) → \(out.text ?? "")")
        }
        #expect(g.generate(request("Hi, can you explain how vaccines train the immune system?")).outputTokens > 20)
    }
}

import Testing
import SimApp
@testable import SimCore
import SimSupport
import SimTesting

/// The catalog's shape (unique ids, dates), which models each endpoint serves, and the prices
/// the costs endpoint charges for the catalog's families.
@Suite struct ModelCatalogTests {
    @Test func idsAreUniqueAndDatesAreMidnightUTC() {
        let ids = ModelCatalog.models.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ModelCatalog.day(1970, 1, 1) == 0)
        #expect(ModelCatalog.day(2000, 3, 1) == 951_868_800)
        #expect(ModelCatalog.day(2025, 8, 7) == 1_754_524_800)
        #expect(ModelCatalog.day(2024, 2, 29) == 1_709_164_800)
        // Plausible dates (the newest families postdate the virtual clock's default start, 2026-01-01;
        // the newest, gpt-6.2-*, were first named by openai-python 3.53 on 2026-11-17).
        #expect(ModelCatalog.models.allSatisfy { $0.created > 1_600_000_000 && $0.created <= ModelCatalog.day(2026, 11, 17) })
    }

    @Test func responsesOnlyModelsAreRefusedByChatCompletionsAndServedByResponses() async {
        let sim = TestHarness()
        let chat = await sim.send("POST", "/v1/chat/completions", json: ["model": "o3-pro", "messages": [["role": "user", "content": "hi"]]])
        #expect(chat.status == 404 && chat.json["error"]?["param"] == "model")
        #expect(chat.json["error"]?["message"] == "This model is only supported in v1/responses and not in v1/chat/completions.")
        let response = await sim.send("POST", "/v1/responses", json: ["model": "o3-pro", "input": "hi"])
        #expect(response.status == 200 && response.json["model"] == "o3-pro")
        // The newest families answer on both endpoints; their -chat-latest aliases are chat models.
        // gpt-6-astra is the official SDK's example model (not in the spec followed here).
        for model in ["gpt-6-astra", "gpt-6.2-sol", "gpt-5.5", "gpt-5.4-mini", "gpt-5.1-chat-latest", "gpt-4o-search-preview", "gpt-4-turbo"] {
            let r = await sim.send("POST", "/v1/chat/completions", json: ["model": .string(model), "messages": [["role": "user", "content": "hi"]]])
            #expect(r.status == 200 && r.json["model"] == .string(model), "\(model): \(r.json)")
        }
        let chatLatest = await sim.send("POST", "/v1/chat/completions",
                                        json: ["model": "gpt-5.1-chat-latest", "reasoning_effort": "low", "messages": [["role": "user", "content": "hi"]]])
        #expect(chatLatest.status == 400 && chatLatest.json["error"]?["param"] == "reasoning_effort")
        let listed = await sim.send("GET", "/v1/models").json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(listed.count == ModelCatalog.models.filter(\.listed).count && listed.contains("gpt-5.5-pro"))
        #expect(listed.contains("gpt-6-astra") && listed.contains("gpt-6.2-astra-law"))
        // The SDK's Responses-only GPT-6 models are refused by Chat Completions like o3-pro.
        let law = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-6.2-astra-law", "messages": [["role": "user", "content": "hi"]]])
        #expect(law.status == 404 && law.json["error"]?["param"] == "model")
        let lawResponse = await sim.send("POST", "/v1/responses", json: ["model": "gpt-6.2-astra-law", "input": "hi"])
        #expect(lawResponse.status == 200 && lawResponse.json["output"]?.arrayValue?.first?["type"] == "reasoning")
    }

    /// The spec's newer values: reasoning effort `max`; the Responses `service_tier` values
    /// `fast` (Fast mode, shown as `priority`) and `ultrafast` (gpt-5.6-sol only).
    @Test func maxEffortAndTheFastTiersAreServed() async {
        let sim = TestHarness()
        let max = await sim.send("POST", "/v1/responses", json: ["model": "gpt-5", "input": "Prove it.", "reasoning": ["effort": "max"]])
        #expect(max.status == 200 && max.json["reasoning"]?["effort"] == "max", "\(max.json)")
        #expect((max.json["usage"]?["output_tokens_details"]?["reasoning_tokens"]?.intValue ?? 0) >= 16 * 64)
        let chatMax = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-5", "reasoning_effort": "max",
                                                                           "messages": [["role": "user", "content": "hi"]]])
        #expect(chatMax.status == 200)
        for (model, tier, shown) in [("gpt-4o", "fast", "priority"), ("gpt-5.6-sol", "ultrafast", "ultrafast"), ("gpt-4o", "ultrafast", "default"),
                                     ("gpt-4o", "priority", "priority"), ("gpt-4o", "auto", "default")] {
            let r = await sim.send("POST", "/v1/responses", json: ["model": .string(model), "input": "hi", "service_tier": .string(tier)])
            #expect(r.status == 200 && r.json["service_tier"] == .string(shown), "\(model) \(tier): \(r.json["service_tier"] ?? .null)")
        }
        let chatUltra = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-4o", "service_tier": "ultrafast",
                                                                             "messages": [["role": "user", "content": "hi"]]])
        #expect(chatUltra.status == 400 && chatUltra.json["error"]?["param"] == "service_tier")
    }

    @Test func audioOutputIsRefusedNotDropped() async {
        let sim = TestHarness()
        let r = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-4o-audio-preview", "modalities": ["text", "audio"],
                                                                      "audio": ["voice": "alloy", "format": "wav"],
                                                                      "messages": [["role": "user", "content": "hi"]]])
        #expect(r.status == 400 && r.json["error"]?["param"] == "modalities" && r.json["error"]?["code"] == "unsupported_value")
        let text = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-4o-audio-preview", "modalities": ["text"],
                                                                         "messages": [["role": "user", "content": "hi"]]])
        #expect(text.status == 200)
        let bad = await sim.send("POST", "/v1/chat/completions", json: ["model": "gpt-4o", "modalities": ["video"],
                                                                        "messages": [["role": "user", "content": "hi"]]])
        #expect(bad.status == 400 && bad.json["error"]?["param"] == "modalities[0]")
    }

    @Test func gpt5PointReleasesArePricedByFamily() {
        func p(_ m: String) -> [Double] { let x = Pricing.perMillion(m); return [x.input, x.cachedInput, x.output] }
        #expect(p("gpt-5.4-mini-2026-03-17") == p("gpt-5-mini"))
        #expect(p("gpt-5.1") == p("gpt-5") && p("gpt-5.3-chat-latest") == p("gpt-5"))
        #expect(p("gpt-5.2-pro") == p("gpt-5-pro") && p("gpt-5-pro")[2] == 120)
        #expect(p("o1-pro")[0] == 150 && p("o1")[0] == 15 && p("o1-mini")[0] == 1.10)
        #expect(p("gpt-4-turbo-2024-04-09")[0] == 10 && p("gpt-4-0613")[0] == 30 && p("gpt-4o")[0] == 2.5 && p("gpt-4.1")[0] == 2)
        #expect(p("ft:gpt-4.1-mini-2025-04-14:org::abc")[0] == 0.40)
        // GPT-6, whose prices are not known here, as GPT-5.x.
        #expect(p("gpt-6-astra") == p("gpt-5") && p("gpt-6.2-astra-law") == p("gpt-5") && p("gpt-6-astra")[0] == 1.25)
    }
}

import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

@Suite struct ModerationsRoutesTests {
    let sim = TestHarness()
    static let keys = ["harassment", "harassment/threatening", "sexual", "hate", "hate/threatening", "illicit", "illicit/violent",
                       "self-harm/intent", "self-harm/instructions", "self-harm", "sexual/minors", "violence", "violence/graphic"]

    func moderate(_ body: JSON) async -> TestHarness.Result { await sim.send("POST", "/v1/moderations", json: body) }

    @Test func flagsTheSpecExampleWithAllThirteenCategories() async {
        let r = await moderate(["input": "I want to kill them."])
        #expect(r.status == 200)
        let id = r.json["id"]?.stringValue ?? ""
        #expect(id.hasPrefix("modr-") && id.count == 37)
        #expect(r.json["model"] == "omni-moderation-latest")
        let result = r.json["results"]?.arrayValue?.first ?? .null
        #expect(result["flagged"] == true)
        for field in ["categories", "category_scores", "category_applied_input_types"] {
            #expect(result[field]?.objectValue?.map(\.0) == Self.keys, "\(field)")
        }
        #expect(result["categories"]?["violence"] == true && result["categories"]?["sexual"] == false)
        #expect(result["category_applied_input_types"]?["violence"] == ["text"])
    }

    @Test func stringArraysGiveOneResultEach() async {
        let r = await moderate(["input": ["Have a nice day!", "You are a worthless idiot.", "kill the process"]])
        #expect(r.json["results"]?.arrayValue?.map { $0["flagged"] ?? .null } == [false, true, false])
    }

    @Test func textAndImagePartsGiveOneResult() async {
        let r = await moderate(["model": "omni-moderation-2024-09-26", "input": [
            ["type": "text", "text": "A quiet evening."], ["type": "image_url", "image_url": ["url": "https://example.com/gore.png"]],
        ]])
        #expect(r.json["model"] == "omni-moderation-2024-09-26")
        let results = r.json["results"]?.arrayValue ?? []
        #expect(results.count == 1)
        #expect(results.first?["categories"]?["violence/graphic"] == true)
        #expect(results.first?["category_applied_input_types"]?["violence/graphic"] == ["text", "image"])
        #expect(results.first?["category_applied_input_types"]?["hate"] == ["text"])
    }

    @Test func textModerationReportsItsSnapshotAndNoIllicit() async {
        let r = await moderate(["model": "text-moderation-latest", "input": "hello"])
        #expect(r.status == 200 && r.json["model"] == "text-moderation-007")
        let result = r.json["results"]?.arrayValue?.first ?? .null
        #expect(result["categories"]?["illicit"] == .null && result["category_applied_input_types"]?["illicit"] == [])
        let img = await moderate(["model": "text-moderation-stable", "input": [["type": "image_url", "image_url": ["url": "https://e.com/a.png"]]]])
        #expect(img.status == 400 && img.json["error"]?["param"] == "input")
    }

    @Test func modelErrors() async {
        let unknown = await moderate(["model": "omni-moderation-9000", "input": "x"])
        #expect(unknown.status == 404 && unknown.json["error"]?["code"] == "model_not_found")
        let wrong = await moderate(["model": "gpt-4o-mini", "input": "x"])
        #expect(wrong.status == 400 && wrong.json["error"]?["param"] == "model")
        let missing = await moderate(["model": "omni-moderation-latest"])
        #expect(missing.status == 400 && missing.json["error"]?["param"] == "input")
    }

    @Test func idsAreSeededPerTenant() async {
        let a = await TestHarness(seed: 5).send("POST", "/v1/moderations", json: ["input": "x"])
        let b = await TestHarness(seed: 5).send("POST", "/v1/moderations", json: ["input": "x"])
        #expect(a.body == b.body)
    }
}

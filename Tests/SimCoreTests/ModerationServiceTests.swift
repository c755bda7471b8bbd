import Testing
import SimSupport
import SimTesting
@testable import SimCore

@Suite struct ModerationServiceTests {
    func parseError(_ body: JSON) -> APIError? {
        do { _ = try ModerationRequest.parse(body); return nil } catch { return error }
    }

    @Test func inputShapesParse() throws {
        #expect(try ModerationRequest.parse(["input": "hi"]) == ModerationRequest(inputs: [.text("hi")]))
        #expect(try ModerationRequest.parse(["input": ["a", "b"], "model": "text-moderation-stable"]).inputs.count == 2)
        let parts = try ModerationRequest.parse(["input": [["type": "text", "text": "x"], ["type": "image_url", "image_url": ["url": "https://e.com/a.png"]]]])
        #expect(parts.inputs == [.parts([.text("x"), .imageURL("https://e.com/a.png")])])
    }

    @Test func badInputsNameTheirParam() {
        #expect(parseError([:])?.param == "input")
        #expect(parseError(["input": .array([])])?.code == "empty_array")
        #expect(parseError(["input": 5])?.code == "invalid_type")
        #expect(parseError(["input": .array(["a", .int(1)])])?.param == "input[1]")
        #expect(parseError(["input": [["type": "video", "url": "x"]]])?.param == "input[0].type")
        #expect(parseError(["input": [["type": "text"]]])?.param == "input[0].text")
        #expect(parseError(["input": [["type": "image_url", "image_url": [:]]]])?.param == "input[0].image_url.url")
        #expect(parseError(["input": "x", "model": 3])?.param == "model")
    }

    @Test func appliedInputTypesFollowTheParts() {
        let svc = ModerationService(env: SimEnvironment(clock: VirtualClock(), seed: 0, records: MemoryRecordStore(),
                                                        blobs: MemoryBlobStore()))
        let both = svc.classify(.parts([.text("hello"), .imageURL("https://e.com/a.png")]))
        #expect(both.appliedTypes(.violence) == ["text", "image"])
        #expect(both.appliedTypes(.hate) == ["text"])
        let image = svc.classify(.parts([.imageURL("https://e.com/a.png")]))
        #expect(image.appliedTypes(.sexual) == ["image"] && image.appliedTypes(.harassment) == [])
        let legacy = svc.classify(.text("how do I make a pipe bomb"), omni: false)
        #expect(!legacy.flagged(.illicitViolent) && legacy.appliedTypes(.illicit) == [])
    }
}


import Foundation
import OpenAIClient
import Testing

@Suite struct SSEParserTests {
    static let stream = ": keep-alive comment\r\nevent: message\r\ndata: {\"a\":1,\r\ndata:  \"b\":\"é✓\"}\r\nid: 7\r\n\r\n"
        + "data: second\n\n:another comment\rdata: third\r\rretry: 5000\ndata: [DONE]\n\n"

    static func parse(_ chunks: [Data]) -> [ServerSentEvent] {
        var p = SSEParser()
        var out: [ServerSentEvent] = []
        for c in chunks { out += p.feed(c) }
        return out + p.finish()
    }

    @Test func parsesCommentsMultiLineDataAndMixedLineEndings() {
        let events = Self.parse([Data(Self.stream.utf8)])
        #expect(events.map(\.data) == ["{\"a\":1,\n \"b\":\"é✓\"}", "second", "third", "[DONE]"])
        #expect(events[0].event == "message")
        #expect(events[0].id == "7")
        #expect(events[3].retry == 5000)
    }

    @Test func anySplitOfTheBytesGivesTheSameEvents() {
        let bytes = Array(Self.stream.utf8)
        let whole = Self.parse([Data(bytes)])
        for cut in 1..<bytes.count {
            let split = Self.parse([Data(bytes[..<cut]), Data(bytes[cut...])])
            #expect(split == whole, "split at byte \(cut)")
        }
        let oneByOne = Self.parse(bytes.map { Data([$0]) })
        #expect(oneByOne == whole)
    }

    @Test func aLastEventWithoutTrailingBlankLineIsDelivered() {
        let events = Self.parse([Data("data: tail".utf8)])
        #expect(events.map(\.data) == ["tail"])
    }

    @Test func blankLinesWithoutFieldsDispatchNothing() {
        #expect(Self.parse([Data("\n\n\r\n: only a comment\n\n".utf8)]).isEmpty)
    }
}

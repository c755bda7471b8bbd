import Foundation
import OpenAIClient
import OpenAIWire
import Testing

@Suite struct StreamingTests {
    static func chunk(_ content: String, finish: String? = nil) -> String {
        let f = finish.map { "\"\($0)\"" } ?? "null"
        return #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"\#(content)"},"finish_reason":\#(f)}]}"#
    }

    @Test func chatStreamYieldsTypedChunksUntilDoneAcrossSplitChunks() async throws {
        let body = "data: \(Self.chunk("Hel"))\n\n: ping\n\ndata: \(Self.chunk("lo", finish: "stop"))\r\n\r\ndata: [DONE]\n\ndata: ignored\n\n"
        let bytes = Array(body.utf8)
        let pieces = stride(from: 0, to: bytes.count, by: 7).map { Data(bytes[$0..<min($0 + 7, bytes.count)]) }
        let (client, rec) = scriptedClient([.success(.init(status: 200, headers: ["content-type": "text/event-stream"], chunks: pieces))])
        var text = ""
        var finishes: [ChatCompletion.FinishReason?] = []
        for try await c in client.chat.stream(.init(model: "m", messages: [.user("hi")])) {
            text += c.choices.first?.delta.content ?? ""
            finishes.append(c.choices.first?.finishReason)
        }
        #expect(text == "Hello")
        #expect(finishes == [nil, .stop])
        let sent = try JSONDecoder().decode(JSONValue.self, from: rec.requests[0].body)
        #expect(sent["stream"] == .bool(true))
        #expect(rec.requests[0].request.header("accept") == "text/event-stream")
    }

    @Test func anErrorPayloadInTheStreamThrows() async throws {
        let body = "data: \(Self.chunk("a"))\n\ndata: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"
        let (client, _) = scriptedClient([.success(.init(status: 200, chunks: [Data(body.utf8)]))])
        var got = 0
        do {
            for try await _ in client.chat.stream(.init(model: "m", messages: [.user("hi")])) { got += 1 }
            Issue.record("expected a stream error")
        } catch let OpenAIError.stream(message, error, _) {
            #expect(message == "overloaded")
            #expect(error?.type == "server_error")
        }
        #expect(got == 1)
    }

    @Test func aCutConnectionMidStreamIsAConnectionError() async throws {
        let (client, _) = scriptedClient([.success(.init(status: 200, chunks: [Data("data: \(Self.chunk("a"))\n\n".utf8)],
                                                         failure: TransportError(.connection, "reset")))])
        await #expect(throws: OpenAIError.self) {
            for try await _ in client.chat.stream(.init(model: "m", messages: [.user("hi")])) {}
        }
    }

    @Test func responseEventsDecodeIntoTypedCases() async throws {
        let resp = #"{"id":"resp_1","object":"response","created_at":1,"status":"completed","error":null,"incomplete_details":null,"instructions":null,"metadata":{},"model":"m","output":[],"parallel_tool_calls":true,"temperature":1,"tool_choice":"auto","tools":[],"top_p":1}"#
        let body = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":\(resp)}\n\n"
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\",\"logprobs\":[]}\n\n"
            + "event: response.new_thing\ndata: {\"type\":\"response.new_thing\",\"sequence_number\":2}\n\n"
        let (client, _) = scriptedClient([.success(.init(status: 200, chunks: [Data(body.utf8)]))])
        var events: [ResponseStreamEvent] = []
        for try await e in client.responses.stream(.init(model: "m", input: .text("x"))) { events.append(e) }
        #expect(events.map(\.type) == ["response.created", "response.output_text.delta", "response.new_thing"])
        #expect(events.map(\.sequenceNumber) == [0, 1, 2])
        if case let .outputTextDelta(_, itemID, _, _, delta) = events[1] {
            #expect(itemID == "msg_1" && delta == "Hi")
        } else {
            Issue.record("not a delta: \(events[1])")
        }
    }
}

import Testing
@testable import SimCore
import SimSupport

/// The completion bytes written directly must be the encoding of the completion's JSON tree.
@Suite struct ChatRendererTests {
    static let renderer = ChatCompletionRenderer(id: "chatcmpl-abc", created: 1_700_000_000, model: "gpt-4o-mini\"x", serviceTier: "default",
                                                 fingerprint: "fp_0123456789")

    static let choiceSets: [[ChatChoice]] = {
        let text = GenerationOutput(text: "Hello \"world\"\n\ttab \u{1} é 東京 😀", finishReason: .stop, outputTokens: 12)
        let empty = GenerationOutput(text: "", finishReason: .length, outputTokens: 0, reasoningTokens: 64)
        let tools = GenerationOutput(text: nil, toolCalls: [GeneratedToolCall(name: "get_weather", arguments: #"{"city":"Paris"}"#),
                                                            GeneratedToolCall(name: "f", arguments: "{}")],
                                     finishReason: .toolCalls, outputTokens: 9, reasoningTokens: 128)
        let lps: [JSON] = [.object([("token", "Hi"), ("logprob", .double(-0.0123)), ("bytes", .array([72, 105])), ("top_logprobs", .array([]))])]
        return [
            [ChatChoice(index: 0, output: text, toolCallIDs: [], logprobs: nil)],
            [ChatChoice(index: 0, output: empty, toolCallIDs: [], logprobs: [])],
            [ChatChoice(index: 0, output: tools, toolCallIDs: ["call_1", "call_2"], logprobs: nil)],
            [ChatChoice(index: 0, output: text, toolCallIDs: [], logprobs: lps),
             ChatChoice(index: 1, output: empty, toolCallIDs: [], logprobs: nil),
             ChatChoice(index: 2, output: tools, toolCallIDs: ["call_a", "call_b"], logprobs: nil)],
            [],
        ]
    }()

    @Test func completionBytesAreTheEncodedCompletion() {
        for choices in Self.choiceSets {
            for (prompt, cached) in [(0, 0), (1234, 1024), (7, 0)] {
                let r = Self.renderer
                let tree = r.completion(choices: choices, usage: r.usage(prompt: prompt, cached: cached, choices: choices))
                let bytes = r.completionBytes(choices: choices, prompt: prompt, cached: cached)
                #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: JSONWriter.encode(tree), as: UTF8.self))
            }
        }
    }
}

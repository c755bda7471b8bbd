import FoundationEssentials
import OpenAIClientCore
import OpenAIWire

extension CheckSuite {
    func checkChat() async throws {
        let a = "chat"
        let request = CreateChatCompletionRequest(model: options.model, messages: [.system("Be brief."), .user("Say hello.")],
                                                  maxCompletionTokens: 32)
        try await step(a, "create") {
            let c = try await client.chat.create(request)
            try expectPrefix(c.id, "chatcmpl-", "chat completion")
            try expect(c.choices.count == 1 && c.choices[0].index == 0, "choices \(c.choices.map(\.index))")
            try expect(!(c.choices[0].message.content ?? "").isEmpty, "empty assistant content")
            guard let u = c.usage else { throw CheckFailure("no usage") }
            try expect(u.totalTokens == u.promptTokens + u.completionTokens && u.promptTokens > 0,
                       "usage \(u.promptTokens)+\(u.completionTokens) != \(u.totalTokens)")
        }
        try await step(a, "create n=2") {
            var r = request
            r.n = 2
            let c = try await client.chat.create(r)
            try expect(c.choices.map(\.index).sorted() == [0, 1], "choice indexes \(c.choices.map(\.index))")
        }
        try await step(a, "stream (with usage)") {
            var ids = Set<String>()
            var text = ""
            var finish: ChatCompletion.FinishReason?
            var usage: CompletionUsage?
            var first = true
            for try await chunk in client.chat.stream(request, includeUsage: true) {
                ids.insert(chunk.id)
                if first, let choice = chunk.choices.first {
                    try expect(choice.delta.role == "assistant", "first delta role \(String(describing: choice.delta.role))")
                    first = false
                }
                for choice in chunk.choices {
                    text += choice.delta.content ?? ""
                    if let f = choice.finishReason { finish = f }
                }
                if let u = chunk.usage {
                    try expect(chunk.choices.isEmpty, "usage chunk has choices")
                    usage = u
                }
            }
            try expect(ids.count == 1, "chunks carry \(ids.count) different ids")
            try expectPrefix(ids.first ?? "", "chatcmpl-", "chunk")
            try expect(!text.isEmpty, "streamed no content")
            try expect(finish != nil, "no chunk had a finish_reason")
            guard let usage else { throw CheckFailure("no usage chunk despite stream_options.include_usage") }
            try expect(usage.totalTokens == usage.promptTokens + usage.completionTokens, "usage does not add up")
        }
    }

    func checkResponses() async throws {
        let a = "responses"
        let request = CreateResponse(model: options.model, input: .text("Say hello."), instructions: "Be brief.", maxOutputTokens: 256)
        let created = try await step(a, "create") {
            let r = try await client.responses.create(request)
            try expectPrefix(r.id, "resp_", "response")
            try expect(r.status == .completed, "status \(String(describing: r.status))")
            try expect(!r.outputText.isEmpty, "no output_text in output")
            guard let u = r.usage else { throw CheckFailure("no usage") }
            try expect(u.totalTokens == u.inputTokens + u.outputTokens, "usage does not add up")
            return r
        }
        try await step(a, "retrieve") {
            let r = try await client.responses.retrieve(created.id)
            try expect(r.id == created.id && r.outputText == created.outputText, "retrieved response differs")
        }
        try await step(a, "stream") {
            var seqs: [Int] = []
            var types: [String] = []
            var deltas = ""
            var doneText: String?
            var final: Response?
            for try await e in client.responses.stream(request) {
                seqs.append(e.sequenceNumber)
                types.append(e.type)
                switch e {
                case let .outputTextDelta(_, _, _, _, d): deltas += d
                case let .outputTextDone(_, _, _, _, t): doneText = t
                case let .response(t, _, r) where t == "response.completed": final = r
                case let .error(_, code, message, _): throw CheckFailure("error event \(code ?? "-"): \(message)")
                default: break
                }
            }
            try expect(types.first == "response.created", "first event \(types.first ?? "none")")
            try expect(types.last == "response.completed", "last event \(types.last ?? "none")")
            try expect(seqs == Array(seqs.indices), "sequence_number not 0,1,2,…: \(seqs.prefix(20))")
            try expect(!deltas.isEmpty && deltas == doneText, "deltas do not add up to output_text.done")
            try expect(final?.outputText == deltas, "response.completed output_text differs from the deltas")
            try expect(final?.status == .completed, "final status \(String(describing: final?.status))")
        }
        try await step(a, "delete") {
            let d = try await client.responses.delete(created.id)
            try expect(d.id == created.id && d.deleted, "delete answered \(d)")
        }
    }

    func checkEmbeddings() async throws {
        let a = "embeddings"
        try await step(a, "one input (text-embedding-3-small)") {
            let e = try await client.embeddings.create(CreateEmbeddingRequest(model: "text-embedding-3-small", input: .text("hello world")))
            try expect(e.data.count == 1 && e.data[0].index == 0, "data \(e.data.map(\.index))")
            try expect(e.data[0].embedding.count == 1536, "dimension \(e.data[0].embedding.count), expected 1536")
            try expect(e.usage.promptTokens > 0 && e.usage.totalTokens == e.usage.promptTokens, "usage \(e.usage)")
        }
        try await step(a, "two inputs, dimensions 256, base64") {
            let floats = try await client.embeddings.create(CreateEmbeddingRequest(model: "text-embedding-3-small",
                                                                                     input: .texts(["a cat", "a dog"]), dimensions: 256))
            try expect(floats.data.map(\.index) == [0, 1], "indexes \(floats.data.map(\.index))")
            try expect(floats.data.allSatisfy { $0.embedding.count == 256 }, "dimensions \(floats.data.map(\.embedding.count))")
            let b64 = try await client.embeddings.create(CreateEmbeddingRequest(model: "text-embedding-3-small",
                                                                                  input: .texts(["a cat", "a dog"]), dimensions: 256,
                                                                                  encodingFormat: "base64"))
            try expect(b64.data.allSatisfy { $0.embedding.count == 256 }, "base64 dimensions \(b64.data.map(\.embedding.count))")
        }
    }

    func checkModerations() async throws {
        let a = "moderations"
        try await step(a, "two inputs (omni-moderation-latest)") {
            let m = try await client.moderations.create(CreateModerationRequest(input: .texts(["Have a nice day.", "I will kill you."]),
                                                                                model: "omni-moderation-latest"))
            try expectPrefix(m.id, "modr-", "moderation")
            try expect(m.results.count == 2, "\(m.results.count) results for 2 inputs")
            for (i, r) in m.results.enumerated() {
                let missing = CreateModerationResponse.requiredCategories.filter { r.categories[$0] == nil || r.categoryScores[$0] == nil }
                try expect(missing.isEmpty, "result \(i) lacks categories \(missing)")
                try expect(r.categoryScores.values.allSatisfy { (0...1).contains($0) }, "result \(i) has a score outside [0, 1]")
                try expect(r.flagged == r.categories.values.contains(true), "result \(i) flagged=\(r.flagged) disagrees with its categories")
            }
        }
    }
}

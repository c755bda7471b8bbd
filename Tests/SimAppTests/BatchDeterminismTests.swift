import Testing
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

/// Batch lines run on several cores; what a batch writes must not depend on that.
@Suite struct BatchDeterminismTests {
    /// More lines than one execution window (512), so several windows run. Most lines run
    /// concurrently (short text prompts); stored completions (700, 701) and prompts long enough
    /// for the prompt cache (600…602, 1050) run in line order beside them.
    static let lineCount = 1100
    static let longPromptLines = [600, 601, 602, 1050]
    static let longSystemPrompt = String(repeating: "The quick brown fox jumps over the lazy dog near the river bank. ", count: 110)

    static func chatLine(_ i: Int) -> String {
        let topics = ["Classify the sentiment: the food was great.", "Summarise: the meeting moved to Thursday.",
                      "Translate to French: good morning."]
        var extra = ""
        if i % 97 == 5 { extra = #","n":2"# }
        if i == 700 { extra = #","store":true,"metadata":{"line":"700"}"# }
        if i == 701 { extra = #","store":true,"metadata":{"line":"701"}"# }
        let model = i == 333 ? "no-such-model" : "gpt-4o-mini"
        // Line 600's prompt takes longest to read, so run concurrently 601 and 602 would reach the cache first.
        let system = i == 600 ? String(repeating: longSystemPrompt, count: 4) : longPromptLines.contains(i) ? longSystemPrompt : "You are terse."
        return #"{"custom_id":"req-\#(i)","method":"POST","url":"/v1/chat/completions","body":{"model":"\#(model)","max_completion_tokens":24,"messages":[{"role":"system","content":"\#(system)"},{"role":"user","content":"\#(topics[i % 3]) (item \#(i))"}]\#(extra)}}"#
    }

    struct Run {
        var batch: JSON
        var output: [UInt8]
        var errors: [UInt8]
        var stored: JSON
    }

    /// Uploads the lines, creates the batch, advances past its end and collects what it wrote.
    static func run(seed: UInt64, concurrent: Bool = true, lines: [String], endpoint: String = "/v1/chat/completions",
                    steps: [Double] = [200_000]) async throws -> Run {
        let sim = TestHarness(seed: seed)
        sim.app.services.batches.runLinesConcurrently(concurrent)
        let body = Array((lines.joined(separator: "\n") + "\n").utf8)
        let file = await sim.sendMultipart("/v1/files", fields: [("purpose", "batch")], files: [("file", "in.jsonl", body)])
            .json["id"]?.stringValue ?? ""
        let created = await sim.send("POST", "/v1/batches", json: ["input_file_id": .string(file), "endpoint": .string(endpoint),
                                                                  "completion_window": "24h"])
        let id = created.json["id"]?.stringValue ?? ""
        var batch = JSON.null
        for s in steps {
            try sim.advance(seconds: s)
            batch = await sim.send("GET", "/v1/batches/\(id)").json
        }
        var output: [UInt8] = [], errors: [UInt8] = []
        if let f = batch["output_file_id"]?.stringValue { output = await sim.send("GET", "/v1/files/\(f)/content").body }
        if let f = batch["error_file_id"]?.stringValue { errors = await sim.send("GET", "/v1/files/\(f)/content").body }
        let stored = await sim.send("GET", "/v1/chat/completions?limit=100").json
        return Run(batch: batch, output: output, errors: errors, stored: stored)
    }

    /// nil when equal, else the first line that differs (so a failure reads as text, not bytes).
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> String? {
        guard a != b else { return nil }
        let la = a.split(separator: 0x0A, omittingEmptySubsequences: false), lb = b.split(separator: 0x0A, omittingEmptySubsequences: false)
        for i in 0..<max(la.count, lb.count) {
            let x = i < la.count ? String(decoding: la[i], as: UTF8.self) : "<none>"
            let y = i < lb.count ? String(decoding: lb[i], as: UTF8.self) : "<none>"
            if x != y { return "line \(i + 1) of \(la.count) vs \(lb.count):\n\(x.prefix(300))\n\(y.prefix(300))" }
        }
        return "same lines, different bytes"
    }

    static func lines(_ bytes: [UInt8]) throws -> [JSON] {
        try bytes.split(separator: 0x0A).map { try JSONParser.parse(Array($0)) }
    }

    @Test func sameSeedAndInputWriteByteIdenticalFilesWhetherLinesRunConcurrentlyOrInOrder() async throws {
        let input = (0..<Self.lineCount).map(Self.chatLine)
        let first = try await Self.run(seed: 7, lines: input)
        let second = try await Self.run(seed: 7, lines: input)
        let inOrder = try await Self.run(seed: 7, concurrent: false, lines: input)
        #expect(first.batch["status"] == "completed")
        #expect(!first.output.isEmpty && !first.errors.isEmpty)
        for other in [second, inOrder] {
            #expect(Self.difference(other.output, first.output) == nil)
            #expect(Self.difference(other.errors, first.errors) == nil)
            #expect(other.batch == first.batch)
            #expect(other.stored == first.stored)
        }
        let otherSeed = try await Self.run(seed: 8, lines: input)
        #expect(otherSeed.output != first.output)
    }

    @Test func outputKeepsInputOrderAndCountsAddUp() async throws {
        let input = (0..<Self.lineCount).map(Self.chatLine)
        let r = try await Self.run(seed: 3, lines: input)
        let out = try Self.lines(r.output), err = try Self.lines(r.errors)
        let counts = r.batch["request_counts"]
        #expect(counts?["total"]?.intValue == Int64(Self.lineCount))
        #expect(counts?["completed"]?.intValue == Int64(out.count))
        #expect(counts?["failed"]?.intValue == Int64(err.count))
        #expect(out.count + err.count == Self.lineCount)

        // Input order, in each file.
        func index(_ v: JSON) -> Int { Int(v["custom_id"]?.stringValue?.dropFirst(4) ?? "") ?? -1 }
        let outIndices = out.map(index), errIndices = err.map(index)
        #expect(outIndices == outIndices.sorted() && errIndices == [333])
        #expect(Set(outIndices + errIndices).count == Self.lineCount)

        // Every ID a line carries is its own.
        let lineIDs = (out + err).compactMap { $0["id"]?.stringValue }
        let requestIDs = (out + err).compactMap { $0["response"]?["request_id"]?.stringValue }
        let completionIDs = out.compactMap { $0["response"]?["body"]?["id"]?.stringValue }
        #expect(Set(lineIDs).count == Self.lineCount && lineIDs.allSatisfy { $0.hasPrefix("batch_req_") })
        #expect(Set(requestIDs).count == Self.lineCount && requestIDs.allSatisfy { $0.hasPrefix("req_") })
        #expect(Set(completionIDs).count == out.count && completionIDs.allSatisfy { $0.hasPrefix("chatcmpl-") })
        #expect(err.first?["response"]?["status_code"]?.intValue == 404)

        // Usage is the sum of the lines' usage.
        let prompt = out.compactMap { $0["response"]?["body"]?["usage"]?["prompt_tokens"]?.intValue }.reduce(0, +)
        let completion = out.compactMap { $0["response"]?["body"]?["usage"]?["completion_tokens"]?.intValue }.reduce(0, +)
        #expect(r.batch["usage"]?["input_tokens"]?.intValue == prompt)
        #expect(r.batch["usage"]?["output_tokens"]?.intValue == completion)

        // The prompt cache saw the long prompts in line order: the first one misses, later ones hit.
        let cached = out.filter { Self.longPromptLines.contains(index($0)) }.map {
            $0["response"]?["body"]?["usage"]?["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? -1
        }
        #expect(cached.count == 4 && cached[0] == 0 && cached.dropFirst().allSatisfy { $0 >= 1024 })

        // Stored completions (`store: true`) exist in line order, under the IDs the output reports.
        let storedIDs = r.stored["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        let reported = out.filter { [700, 701].contains(index($0)) }.compactMap { $0["response"]?["body"]?["id"]?.stringValue }
        #expect(storedIDs == reported && reported.count == 2)
    }

    @Test func aLinesIDsDoNotDependOnHowManyReadsTheRunTook() async throws {
        let input = (0..<600).map(Self.chatLine)
        let oneRead = try await Self.run(seed: 5, lines: input)
        // 600 lines take 12 simulated seconds after 2 of validation: read every 1.7 s.
        let manyReads = try await Self.run(seed: 5, lines: input, steps: Array(repeating: 1.7, count: 10) + [200_000])
        func ids(_ r: Run) throws -> [String: [String]] {
            Dictionary(uniqueKeysWithValues: try Self.lines(r.output + r.errors).map { v in
                (v["custom_id"]?.stringValue ?? "", [v["id"]?.stringValue ?? "", v["response"]?["body"]?["id"]?.stringValue ?? ""])
            })
        }
        #expect(manyReads.batch["status"] == "completed")
        #expect(try ids(manyReads) == ids(oneRead))
        #expect(try ids(oneRead).count == 600)
    }

    @Test func bytesAnsweringEndpointsAreCopiedAsTheHandlerEncodedThem() async throws {
        let input = (0..<40).map { #"{"custom_id":"m\#($0)","method":"POST","url":"/v1/moderations","body":{"model":"omni-moderation-latest","input":"I want to hurt them \#($0)"}}"# }
        let concurrent = try await Self.run(seed: 1, lines: input, endpoint: "/v1/moderations")
        let inOrder = try await Self.run(seed: 1, concurrent: false, lines: input, endpoint: "/v1/moderations")
        #expect(Self.difference(concurrent.output, inOrder.output) == nil)
        let out = try Self.lines(concurrent.output)
        #expect(out.count == 40)
        #expect(out.allSatisfy { $0["response"]?["body"]?["id"]?.stringValue?.hasPrefix("modr-") == true })
        #expect(Set(out.compactMap { $0["response"]?["body"]?["id"]?.stringValue }).count == 40)
    }
}

import Testing
import SimApp
@testable import SimCore
import SimHTTP
import SimSupport
import SimTesting

/// Sets fixed overrides on every request (what a scenario would decide).
struct ResponsesTestOverrides: Middleware {
    let overrides: RequestOverrides
    func handle(_ exchange: Exchange, next: @escaping @Sendable (Exchange) -> HTTPReply) -> HTTPReply {
        var e = exchange
        e.overrides = overrides
        return next(e)
    }
}

@Suite struct ResponsesRoutesTests {
    let sim = TestHarness()

    func ids(_ list: JSON) -> [String] { list["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [] }

    func create(_ body: JSON, key: String = "sk-test") async -> TestHarness.Result {
        await sim.send("POST", "/v1/responses", key: key, json: body)
    }

    /// (event name, data) pairs of an SSE body.
    static func events(_ text: String) -> [(String, JSON)] {
        text.split(separator: "\n\n").compactMap { frame in
            var name = ""
            var data = ""
            for line in frame.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            guard let v = try? JSONParser.parse(Array(data.utf8)) else { return nil }
            return (name, v)
        }
    }

    @Test func createRetrieveInputItemsAndDeleteRoundTrip() async {
        let r = await create(["model": "gpt-4o-mini", "input": "Name three rivers.", "metadata": ["k": "v"]])
        #expect(r.status == 200)
        let id = r.json["id"]?.stringValue ?? ""
        #expect(id.hasPrefix("resp_") && r.json["status"] == "completed" && r.json["metadata"]?["k"] == "v")
        let got = await sim.send("GET", "/v1/responses/\(id)")
        #expect(got.json == r.json)
        let items = await sim.send("GET", "/v1/responses/\(id)/input_items")
        #expect(items.json["data"]?.arrayValue?.count == 1 && items.json["data"]?.arrayValue?.first?["role"] == "user")
        let del = await sim.send("DELETE", "/v1/responses/\(id)")
        #expect(del.json == ["id": .string(id), "object": "response", "deleted": true])
        #expect(await sim.send("GET", "/v1/responses/\(id)").status == 404)
        #expect(await sim.send("DELETE", "/v1/responses/\(id)").status == 404)
    }

    /// Past the retention limit the oldest stored responses are forgotten, per tenant: retrieving
    /// one, its input items, or chaining from it answers 404 as for an unknown id.
    @Test func theOldestStoredResponsesGoPastTheRetentionLimit() async throws {
        let sim = TestHarness(retention: Retention(maxStoredPerTenant: 3))
        var ids: [String] = []
        for i in 0..<5 {
            let r = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": .string("turn \(i)")])
            ids.append(try #require(r.json["id"]?.stringValue))
        }
        let other = await sim.send("POST", "/v1/responses", key: "sk-other", json: ["model": "gpt-4o-mini", "input": "hi"])
        for id in ids.prefix(2) {
            let got = await sim.send("GET", "/v1/responses/\(id)")
            #expect(got.status == 404 && got.json["error"]?["message"] == .string("Response with id '\(id)' not found."))
            #expect(await sim.send("GET", "/v1/responses/\(id)/input_items").status == 404)
            let chained = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "more", "previous_response_id": .string(id)])
            #expect(chained.status == 400 && chained.json["error"]?["param"] == "previous_response_id")
        }
        for id in ids.suffix(3) {
            #expect(await sim.send("GET", "/v1/responses/\(id)").status == 200)
            #expect(await sim.send("GET", "/v1/responses/\(id)/input_items").status == 200)
        }
        #expect(await sim.send("GET", "/v1/responses/\(other.json["id"]?.stringValue ?? "")", key: "sk-other").status == 200,
                "another key's responses are not counted against this one")
        let tenant = Tenant.forAPIKey("sk-test").id
        let page = try sim.env.records.list(tenant: tenant, collection: ResponseService.collection, query: ListQuery(limit: 100))
        #expect(page.records.map(\.id) == ids.suffix(3).reversed(), "the newest three are kept, each one record with its input items")
        #expect(page.records.allSatisfy { $0.body["_input_items"]?["items"]?.arrayValue?.count == 1 })
        // "store": false responses are not stored, so they push nothing out.
        _ = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "x", "store": false])
        #expect(await sim.send("GET", "/v1/responses/\(ids[4])").status == 200)
    }

    /// Background responses are retained in buckets of their own: foreground traffic past the
    /// limit does not push out one still running, which can then be retrieved, cancelled,
    /// listed for its input items and deleted. Newer background responses do push it out.
    @Test func foregroundTrafficDoesNotEvictARunningBackgroundResponse() async throws {
        let sim = TestHarness(retention: Retention(maxStoredPerTenant: 2))
        let job = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "Write about rivers.", "background": true])
        let id = try #require(job.json["id"]?.stringValue)
        #expect(job.json["status"] == "queued")
        for i in 0..<4 {
            #expect(await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": .string("turn \(i)")]).status == 200)
        }
        let got = await sim.send("GET", "/v1/responses/\(id)")
        #expect(got.status == 200 && got.json["status"] == "queued")
        let items = await sim.send("GET", "/v1/responses/\(id)/input_items")
        #expect(items.status == 200 && items.json["data"]?.arrayValue?.count == 1)
        let cancelled = await sim.send("POST", "/v1/responses/\(id)/cancel")
        #expect(cancelled.status == 200 && cancelled.json["status"] == "cancelled")
        #expect(await sim.send("GET", "/v1/responses/\(id)").json["status"] == "cancelled", "the cancel was stored")
        let tenant = Tenant.forAPIKey("sk-test").id
        #expect(try sim.env.records.list(tenant: tenant, collection: ResponseService.collection, query: ListQuery(limit: 100)).records.count == 2)
        #expect(await sim.send("DELETE", "/v1/responses/\(id)").json["deleted"] == true)
        #expect(await sim.send("GET", "/v1/responses/\(id)").status == 404)
        #expect(await sim.send("GET", "/v1/responses/\(id)/input_items").status == 404)
        #expect(try sim.env.records.list(tenant: tenant, collection: ResponseService.collection + ".background", query: ListQuery(limit: 100)).records.isEmpty,
                "the delete removed its record")

        // Background responses count against each other.
        var background: [String] = []
        for i in 0..<3 {
            let r = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": .string("job \(i)"), "background": true])
            background.append(try #require(r.json["id"]?.stringValue))
        }
        #expect(await sim.send("GET", "/v1/responses/\(background[0])").status == 404)
        #expect(await sim.send("GET", "/v1/responses/\(background[2])").status == 200)
    }

    @Test func storedResponsesAreKeptEncodedAsTheBytesTheCreateAnswered() async throws {
        let r = await create(["model": "gpt-4o-mini", "input": "Name three \"rivers\".\n", "instructions": "Be brief."])
        let id = try #require(r.json["id"]?.stringValue)
        let tenant = Tenant.forAPIKey("sk-test").id
        let stored = try #require(try sim.env.records.get(tenant: tenant, collection: ResponseService.collection, id: id))
        #expect(stored.isEncoded)
        #expect(stored.encodedBody.starts(with: r.body.dropLast()) && stored.encodedBody.count > r.body.count,
                "a foreground response is stored as the reply's bytes, with its input items added at the end")
        let items = try #require(stored.body["_input_items"])
        #expect(items["items"]?.arrayValue?.first?["content"]?.arrayValue?.first?["text"] == "Name three \"rivers\".\n")
        #expect(try sim.env.records.list(tenant: tenant, collection: "response_input_items", query: ListQuery()).records.isEmpty,
                "no second record")
        let got = await sim.send("GET", "/v1/responses/\(id)")
        #expect(got.body == r.body, "retrieving re-encodes the stored document byte for byte")
        let notStored = await create(["model": "gpt-4o-mini", "input": "hi", "store": false])
        #expect(notStored.status == 200 && notStored.json["store"] == false)
        let missing = await sim.send("GET", "/v1/responses/\(notStored.json["id"]?.stringValue ?? "")")
        #expect(missing.status == 404)
    }

    /// A store written before input items moved into the response record (`--data-dir` from an
    /// earlier version) keeps them in `response_input_items`: they are still listed, chained
    /// through `previous_response_id`, and deleted with the response.
    @Test func responsesStoredWithTheLegacyItemsRecordStillServeTheirItems() async throws {
        let tenant = Tenant.forAPIKey("sk-test").id
        let id = "resp_legacy0001"
        let created = await create(["model": "gpt-4o-mini", "input": "Describe rivers."])
        // The reply as such a store holds it: the response object alone, under another id.
        let response = try #require(created.json.objectValue).map { $0.0 == "id" ? ("id", JSON.string(id)) : $0 }
        try sim.env.records.put(StoredRecord(tenant: tenant, collection: ResponseService.collection, id: id, createdAt: 1,
                                             encodedBody: JSONWriter.encode(.object(response))))
        let item: JSON = ["id": "msg_legacy1", "type": "message", "role": "user", "status": "completed",
                          "content": [["type": "input_text", "text": "An older question."]]]
        try sim.env.records.put(StoredRecord(tenant: tenant, collection: "response_input_items", id: id, createdAt: 1,
                                             body: ["history": [], "items": [item]]))
        let items = await sim.send("GET", "/v1/responses/\(id)/input_items")
        #expect(items.status == 200 && items.json["data"]?.arrayValue?.first?["id"] == "msg_legacy1")
        let chained = await create(["model": "gpt-4o-mini", "input": "And now?", "previous_response_id": .string(id)])
        let chainedID = try #require(chained.json["id"]?.stringValue)
        let chainedRecord = try #require(try sim.env.records.get(tenant: tenant, collection: ResponseService.collection, id: chainedID))
        #expect(chainedRecord.body["_input_items"]?["chain"] == ["depth": 1])
        let through = try sim.app.services.responses.previousConversation(tenant: Tenant.forAPIKey("sk-test"), id: chainedID).items
        #expect(through.first?["id"] == "msg_legacy1", "the older turn is part of the new response's conversation")
        #expect(await sim.send("DELETE", "/v1/responses/\(id)").json["deleted"] == true)
        #expect(try sim.env.records.get(tenant: tenant, collection: "response_input_items", id: id) == nil, "its items record went too")
    }

    /// A `previous_response_id` chain holds one copy of its history, at its newest turn: each
    /// earlier turn is rewritten, when the next one is stored, to a link to that newer turn and
    /// how much of its history is its own; reading any turn back gives every turn's input and
    /// output in order.
    @Test func aLongChainStoresOneCopyAndReadsBackEveryTurn() async throws {
        let tenant = Tenant.forAPIKey("sk-test")
        var previous: JSON = .null
        var expected: [String] = []
        var made: [String] = []
        for turn in 0..<70 {
            var body: [(String, JSON)] = [("model", "gpt-4o-mini"), ("input", .string("Turn \(turn): what changed?"))]
            if turn > 0 { body.append(("previous_response_id", previous)) }
            let r = await create(.object(body))
            let id = try #require(r.json["id"]?.stringValue)
            let input = ids(await sim.send("GET", "/v1/responses/\(id)/input_items").json)
            expected += input + (r.json["output"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
            previous = .string(id)
            made.append(id)
        }
        for (turn, id) in made.enumerated() {
            let doc = try #require(try sim.env.records.get(tenant: tenant.id, collection: ResponseService.collection, id: id)?.body["_input_items"])
            #expect(doc["items"]?.arrayValue?.count == 1, "turn \(turn)")
            switch turn {
            case 0: // The chain's first turn has no history to give up.
                #expect(doc["chain"] == nil && doc["history"] == [], "turn \(turn)")
            case 69: // The newest holds the history.
                #expect(doc["chain"] == ["depth": 69] && doc["history"]?.arrayValue?.count == 138, "turn \(turn)")
            default:
                #expect(doc["chain"] == ["next": .string(made[turn + 1]), "count": .int(Int64(2 * turn)), "depth": .int(Int64(turn))]
                        && doc["history"] == [], "turn \(turn)")
            }
        }
        let read = try sim.app.services.responses.previousConversation(tenant: tenant, id: made[69])
        #expect(read.depth == 69 && read.items.count == 140)
        #expect(read.items.compactMap { $0["id"]?.stringValue } == expected)
        // A turn in the middle reads back its own part of the chain; a branch from it stores its
        // own copy, and the turn keeps pointing where it did.
        #expect(try sim.app.services.responses.previousConversation(tenant: tenant, id: made[40]).items.compactMap { $0["id"]?.stringValue }
                == Array(expected.prefix(82)))
        let branch = await create(["model": "gpt-4o-mini", "input": "A different question.", "previous_response_id": .string(made[40])])
        let branchID = try #require(branch.json["id"]?.stringValue)
        let branchDoc = try #require(try sim.env.records.get(tenant: tenant.id, collection: ResponseService.collection, id: branchID)?.body["_input_items"])
        #expect(branchDoc["history"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(expected.prefix(82)))
        #expect(try sim.env.records.get(tenant: tenant.id, collection: ResponseService.collection, id: made[40])?.body["_input_items"]?["chain"]?["next"]
                == .string(made[41]))
    }

    /// Links point to newer records, which retention forgets later: a turn that can still be
    /// retrieved can still be continued, however many other responses came in between, and its
    /// forgotten earlier turns are still part of its history. A deleted turn is gone for every
    /// route, but the turns it links to and from still read through it.
    @Test func chainsAndRetention() async throws {
        func chain(_ sim: TestHarness, _ turns: Int) async -> [String] {
            var ids: [String] = []
            for turn in 0..<turns {
                var body: [(String, JSON)] = [("model", "gpt-4o-mini"), ("input", .string("turn \(turn)"))]
                if let last = ids.last { body.append(("previous_response_id", .string(last))) }
                ids.append(await sim.send("POST", "/v1/responses", json: .object(body)).json["id"]?.stringValue ?? "")
            }
            return ids
        }
        // With one kept, storing a turn pushes out the one it continues: that one is not brought
        // back by the rewrite to a link.
        let one = TestHarness(retention: Retention(maxStoredPerTenant: 1))
        let pair = await chain(one, 3)
        #expect(await one.send("GET", "/v1/responses/\(pair[1])").status == 404)
        #expect(try one.env.records.list(tenant: Tenant.forAPIKey("sk-test").id, collection: ResponseService.collection,
                                         query: ListQuery(limit: 10)).records.map(\.id) == [pair[2]])
        let small = TestHarness(retention: Retention(maxStoredPerTenant: 3))
        let five = await chain(small, 5)
        let more = await small.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "more", "previous_response_id": .string(five[4])])
        #expect(more.status == 200, "turns 1 and 2 are forgotten, turn 5 holds its whole history")
        let tokens = more.json["usage"]?["input_tokens"]?.intValue ?? 0
        let alone = await small.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "more"])
        #expect(tokens > (alone.json["usage"]?["input_tokens"]?.intValue ?? 0) + 40)

        let three = await chain(sim, 3)
        #expect(await sim.send("DELETE", "/v1/responses/\(three[1])").json["deleted"] == true)
        #expect(await sim.send("GET", "/v1/responses/\(three[1])").status == 404)
        let fromDeleted = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "x", "previous_response_id": .string(three[1])])
        #expect(fromDeleted.status == 400 && fromDeleted.json["error"]?["code"] == "previous_response_not_found")
        let tenant = Tenant.forAPIKey("sk-test")
        #expect(try sim.app.services.responses.previousConversation(tenant: tenant, id: three[2]).items.count == 6, "all three turns' input and output")
        // Deleting the newest turn, which holds the history, leaves the turn before it readable.
        let four = await chain(sim, 3)
        #expect(await sim.send("DELETE", "/v1/responses/\(four[2])").json["deleted"] == true)
        let fromMiddle = await sim.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "x", "previous_response_id": .string(four[1])])
        #expect(fromMiddle.status == 200)
        #expect(try sim.app.services.responses.previousConversation(tenant: tenant, id: four[1]).items.count == 4)

        // With 130 kept per key: a 40-turn chain, then 125 other responses. Its first 35 turns are
        // forgotten; a turn still retrievable can be continued, with its whole history.
        let larger = TestHarness(retention: Retention(maxStoredPerTenant: 130))
        let forty = await chain(larger, 40)
        for i in 0..<125 { _ = await larger.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": .string("other \(i)")]) }
        #expect(await larger.send("GET", "/v1/responses/\(forty[34])").status == 404)
        #expect(await larger.send("GET", "/v1/responses/\(forty[35])").status == 200)
        let history = try larger.app.services.responses.previousConversation(tenant: tenant, id: forty[35]).items
        #expect(history.count == 72, "36 turns' input and output, the forgotten ones included")
        let continued = await larger.send("POST", "/v1/responses", json: ["model": "gpt-4o-mini", "input": "x", "previous_response_id": .string(forty[35])])
        #expect(continued.status == 200)
    }

    @Test func theStoredDocumentIsTheResponseWithItsItemsAsTheLastKey() throws {
        let item: JSON = ["id": "msg_1", "type": "message", "role": "user", "content": [["type": "input_text", "text": "Hi \"there\""]], "status": "completed"]
        let doc = ResponseService.storedDocument(Array(#"{"id":"resp_1","status":"completed"}"#.utf8), history: [], items: [item])
        #expect(String(decoding: doc, as: UTF8.self) == #"{"id":"resp_1","status":"completed","_input_items":{"history":[],"items":["#
                + JSONWriter.string(item) + "]}}")
        let empty = ResponseService.storedDocument(Array("{}".utf8), history: [item], items: [])
        #expect(try JSONParser.parse(empty) == ["_input_items": ["history": [item], "items": []]])
        #expect(try JSONParser.parse(doc).publicFields == ["id": "resp_1", "status": "completed"])
    }

    @Test func responsesAreIsolatedPerTenant() async {
        let id = await create(["model": "gpt-4o-mini", "input": "hi"], key: "sk-a").json["id"]?.stringValue ?? ""
        #expect(await sim.send("GET", "/v1/responses/\(id)", key: "sk-b").status == 404)
        let chained = await create(["model": "gpt-4o-mini", "input": "more", "previous_response_id": .string(id)], key: "sk-b")
        #expect(chained.status == 400 && chained.json["error"]?["code"] == "previous_response_not_found")
    }

    @Test func streamingBodyIsNamedEventsEndingWithCompletedAndNoDone() async {
        let r = await create(["model": "gpt-4o-mini", "input": "Describe rain.", "stream": true])
        #expect(r.status == 200 && r.header("content-type")?.hasPrefix("text/event-stream") == true)
        #expect(!r.text.contains("[DONE]"))
        let events = Self.events(r.text)
        #expect(events.first?.0 == "response.created" && events.last?.0 == "response.completed")
        #expect(events.allSatisfy { $0.0 == $0.1["type"]?.stringValue })
        let final = events.last?.1["response"]
        let id = final?["id"]?.stringValue ?? ""
        #expect(await sim.send("GET", "/v1/responses/\(id)").json == final)
    }

    @Test func backgroundResponseAdvancesOnTheClockAndCancels() async throws {
        let r = await create(["model": "gpt-4o-mini", "input": "Write about trains.", "background": true])
        let id = r.json["id"]?.stringValue ?? ""
        #expect(r.json["status"] == "queued" && r.json["usage"] == nil)
        try sim.advance(seconds: 1)
        #expect(await sim.send("GET", "/v1/responses/\(id)").json["status"] == "in_progress")
        try sim.advance(seconds: 100)
        let done = await sim.send("GET", "/v1/responses/\(id)")
        #expect(done.json["status"] == "completed" && done.json["usage"] != nil)

        let other = await create(["model": "gpt-4o-mini", "input": "Write about boats.", "background": true])
        let oid = other.json["id"]?.stringValue ?? ""
        #expect(await sim.send("POST", "/v1/responses/\(oid)/cancel").json["status"] == "cancelled")
        try sim.advance(seconds: 100)
        #expect(await sim.send("GET", "/v1/responses/\(oid)").json["status"] == "cancelled")
        let chained = await create(["model": "gpt-4o-mini", "input": "x", "previous_response_id": .string(oid)])
        #expect(chained.status == 200)
    }

    @Test func cancellingAForegroundResponseIsRefused() async {
        let id = await create(["model": "gpt-4o-mini", "input": "hi"]).json["id"]?.stringValue ?? ""
        let r = await sim.send("POST", "/v1/responses/\(id)/cancel")
        #expect(r.status == 400 && r.json["error"]?["type"] == "invalid_request_error")
        #expect(await sim.send("POST", "/v1/responses/resp_missing/cancel").status == 404)
    }

    @Test func streamingRetrieveOfARunningBackgroundResponseFinishesWhenTheRunDoes() async throws {
        let id = await create(["model": "gpt-4o-mini", "input": "Explain clouds.", "background": true]).json["id"]?.stringValue ?? ""
        let req = HTTPRequest(method: "GET", target: "/v1/responses/\(id)?stream=true",
                              headers: [("authorization", "Bearer sk-test")])
        let response: HTTPResponse = await withCheckedContinuation { c in sim.app.respond(to: req).whenReady { c.resume(returning: $0) } }
        guard case let .stream(stream) = response.body else { Issue.record("not a stream"); return }
        try sim.advance(seconds: 100)
        let text = String(decoding: await stream.collect(), as: UTF8.self)
        let types = Self.events(text).map(\.0)
        #expect(types.prefix(2) == ["response.created", "response.queued"])
        #expect(types.last == "response.completed")
    }

    /// What a stream holds now, without waiting for its end; nil once it has ended.
    static func available(_ stream: ResponseStream) -> [UInt8]? {
        var out: [UInt8] = []
        while true {
            switch stream.next(max: 1 << 20, waker: {}) {
            case let .data(d): out += d
            case .wait: return out
            default: return out.isEmpty ? nil : out
            }
        }
    }

    /// The event names a stream has sent so far, once it has at least `count` (steps after the
    /// first due at the same time are sent from another thread).
    static func eventTypes(_ stream: ResponseStream, soFar text: inout String, atLeast count: Int) async throws -> [String] {
        for _ in 0..<1000 {  // up to 5 s: generous for a loaded CI machine, instant when the events are there
            if let bytes = available(stream) { text += String(decoding: bytes, as: UTF8.self) }
            if events(text).count >= count { break }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        return events(text).map(\.0)
    }

    @Test func streamingRetrieveSendsTheRunAsTheClockReachesEachPart() async throws {
        let id = await create(["model": "gpt-4o-mini", "input": "Write a long essay about bridges.", "background": true]).json["id"]?.stringValue ?? ""
        let req = HTTPRequest(method: "GET", target: "/v1/responses/\(id)?stream=true", headers: [("authorization", "Bearer sk-test")])
        let response: HTTPResponse = await withCheckedContinuation { c in sim.app.respond(to: req).whenReady { c.resume(returning: $0) } }
        guard case let .stream(stream) = response.body else { Issue.record("not a stream"); return }
        var text = ""
        #expect(try await Self.eventTypes(stream, soFar: &text, atLeast: 2) == ["response.created", "response.queued"])
        var counts: [Int] = []
        var sawPartialOutput = false
        for _ in 0..<30 {
            try sim.advance(seconds: 1)
            let types = try await Self.eventTypes(stream, soFar: &text, atLeast: (counts.last ?? 2) + 1)
            counts.append(types.count)
            if types.last == "response.completed" { break }
            #expect(types.contains("response.in_progress"), "running from the first second after the queue")
            if types.contains("response.output_text.delta") { sawPartialOutput = true }
        }
        let all = Self.events(text)
        #expect(all.last?.0 == "response.completed")
        #expect(all.map { $0.1["sequence_number"]?.intValue ?? -1 } == Array(0..<Int64(all.count)), "in order, none lost or repeated")
        #expect(sawPartialOutput, "deltas arrive while the run is in progress, not all at its end")
        #expect(counts.count >= 3 && counts == counts.sorted() && Set(counts).count == counts.count, "\(counts): every second brings more")
        let deltas = all.filter { $0.0 == "response.output_text.delta" }.compactMap { $0.1["delta"]?.stringValue }.joined()
        #expect(deltas == all.last?.1["response"]?["output"]?.arrayValue?.last?["content"]?.arrayValue?.first?["text"]?.stringValue)
        #expect(Self.available(stream) == nil, "the stream ended")
    }

    /// `background` with `stream`: the create's own stream follows the run, and the response is
    /// stored running, so it can be retrieved (and resumed with `starting_after`) meanwhile.
    @Test func streamedBackgroundCreateFollowsTheRunAndCanBeResumed() async throws {
        let body: JSON = ["model": "gpt-4o-mini", "input": "Write a long essay about bridges.", "background": true, "stream": true]
        let req = HTTPRequest(method: "POST", target: "/v1/responses", headers: [("authorization", "Bearer sk-test"), ("content-type", "application/json")],
                              body: .bytes(body.encoded))
        let response: HTTPResponse = await withCheckedContinuation { c in sim.app.respond(to: req).whenReady { c.resume(returning: $0) } }
        guard case let .stream(stream) = response.body else { Issue.record("not a stream"); return }
        var text = ""
        #expect(try await Self.eventTypes(stream, soFar: &text, atLeast: 2) == ["response.created", "response.queued"])
        let id = try #require(Self.events(text).first?.1["response"]?["id"]?.stringValue)
        #expect(await sim.send("GET", "/v1/responses/\(id)").json["status"] == "queued")
        try sim.advance(seconds: 2)
        let running = try await Self.eventTypes(stream, soFar: &text, atLeast: 4)
        #expect(running.contains("response.in_progress") && running.contains("response.output_text.delta") && !running.contains("response.completed"))
        #expect(await sim.send("GET", "/v1/responses/\(id)").json["status"] == "in_progress")

        // A second client resumes after the events it already has.
        let seen = Int64(running.count - 1)
        let resume = HTTPRequest(method: "GET", target: "/v1/responses/\(id)?stream=true&starting_after=\(seen)",
                                 headers: [("authorization", "Bearer sk-test")])
        let resumed: HTTPResponse = await withCheckedContinuation { c in sim.app.respond(to: resume).whenReady { c.resume(returning: $0) } }
        guard case let .stream(second) = resumed.body else { Issue.record("not a stream"); return }
        try sim.advance(seconds: 60)
        let all = Self.events(text + String(decoding: await stream.collect(), as: UTF8.self))
        #expect(all.last?.0 == "response.completed")
        #expect(all.map { $0.1["sequence_number"]?.intValue ?? -1 } == Array(0..<Int64(all.count)))
        let rest = Self.events(String(decoding: await second.collect(), as: UTF8.self))
        #expect(rest.first?.1["sequence_number"]?.intValue == seen + 1)
        #expect(rest.map(\.0) == all.dropFirst(Int(seen) + 1).map(\.0), "the resumed stream is the rest of the first")
        #expect(await sim.send("GET", "/v1/responses/\(id)").json["status"] == "completed")
    }

    @Test func retrieveQueryFlagsMustBeBooleans() async throws {
        let id = try #require(await create(["model": "gpt-4o-mini", "input": "hi"]).json["id"]?.stringValue)
        for (query, param) in [("stream=maybe", "stream"), ("stream=true&include_obfuscation=maybe", "include_obfuscation"),
                               ("stream=true&starting_after=x", "starting_after")] {
            let r = await sim.send("GET", "/v1/responses/\(id)?\(query)")
            #expect(r.status == 400 && r.json["error"]?["param"] == .string(param) && r.json["error"]?["code"] == "invalid_type", "\(query)")
        }
        let ok = await sim.send("GET", "/v1/responses/\(id)?include_obfuscation=false")
        #expect(ok.status == 200 && ok.json["id"] == .string(id))
    }

    @Test func cancellingARunningBackgroundResponseEndsItsStream() async throws {
        let id = await create(["model": "gpt-4o-mini", "input": "Write a long essay about bridges.", "background": true]).json["id"]?.stringValue ?? ""
        let req = HTTPRequest(method: "GET", target: "/v1/responses/\(id)?stream=true", headers: [("authorization", "Bearer sk-test")])
        let response: HTTPResponse = await withCheckedContinuation { c in sim.app.respond(to: req).whenReady { c.resume(returning: $0) } }
        guard case let .stream(stream) = response.body else { Issue.record("not a stream"); return }
        try sim.advance(seconds: 2)
        var text = ""
        let before = try await Self.eventTypes(stream, soFar: &text, atLeast: 4)
        #expect(before.contains("response.output_text.delta") && !before.contains("response.completed"))
        #expect(await sim.send("POST", "/v1/responses/\(id)/cancel").json["status"] == "cancelled")
        try sim.advance(seconds: 60)
        let rest = String(decoding: await stream.collect(), as: UTF8.self)
        #expect(!rest.contains("response.completed") && !rest.contains("response.output_text.done"), "nothing after the cancel")
    }

    @Test func secondCallWithTheSameLongPrefixReportsCachedTokens() async {
        let instructions = (0..<80).map { "Policy line \($0): refunds for item \($0) take five business days." }.joined(separator: "\n")
        let first = await create(["model": "gpt-4.1", "instructions": .string(instructions), "input": "Refund for item 3?"])
        let second = await create(["model": "gpt-4.1", "instructions": .string(instructions), "input": "Refund for item 9?"])
        #expect(first.json["usage"]?["input_tokens_details"]?["cached_tokens"] == 0)
        let cached = second.json["usage"]?["input_tokens_details"]?["cached_tokens"]?.intValue ?? 0
        #expect(cached >= 1024 && cached % 128 == 0)
        let other = await create(["model": "gpt-4.1", "instructions": .string(instructions), "input": "Refund?"], key: "sk-other")
        #expect(other.json["usage"]?["input_tokens_details"]?["cached_tokens"] == 0)
    }

    @Test func maxOutputTokensCutsTheAnswerAsIncomplete() async {
        let r = await create(["model": "gpt-4o", "input": "Describe Paris in detail.", "max_output_tokens": 20])
        #expect(r.json["status"] == "incomplete" && r.json["incomplete_details"]?["reason"] == "max_output_tokens")
        #expect(r.json["usage"]?["output_tokens"] == 20)
        let stream = await create(["model": "gpt-4o", "input": "Describe Paris in detail.", "max_output_tokens": 20, "stream": true])
        #expect(Self.events(stream.text).last?.0 == "response.incomplete")
    }

    @Test func contextWindowOverflowIs400UnlessTruncationIsAuto() async {
        let huge = String(repeating: "word ", count: 20_000)
        let r = await create(["model": "gpt-3.5-turbo", "input": .string(huge)])
        #expect(r.status == 400 && r.json["error"]?["code"] == "context_length_exceeded")
        let items: JSON = .array((0..<4).map { _ in ["role": "user", "content": .string(String(repeating: "word ", count: 5_000))] })
        let auto = await create(["model": "gpt-3.5-turbo", "input": items, "truncation": "auto"])
        #expect(auto.status == 200)
        #expect((auto.json["usage"]?["input_tokens"]?.intValue ?? .max) <= 16_385)
    }

    @Test func scenarioOverridesFixTheTextAndCutTheStream() async {
        var o = RequestOverrides()
        o.outputText = "Fixed answer."
        o.stream = .init(cutAfterEvents: 3, errorEvent: ["type": "error", "code": "server_error", "message": "boom", "param": nil,
                                                         "sequence_number": 3])
        let env = SimEnvironment(clock: VirtualClock(), seed: 0, records: MemoryRecordStore(), blobs: MemoryBlobStore())
        let app = App(env: env, middlewares: [ResponsesTestOverrides(overrides: o)])
        func send(_ body: JSON) async -> (HTTPResponse, String) {
            let req = HTTPRequest(method: "POST", target: "/v1/responses",
                                  headers: [("authorization", "Bearer sk-x"), ("content-type", "application/json")], body: .bytes(body.encoded))
            let resp: HTTPResponse = await withCheckedContinuation { c in app.respond(to: req).whenReady { c.resume(returning: $0) } }
            if case let .stream(s) = resp.body { return (resp, String(decoding: await s.collect(), as: UTF8.self)) }
            return (resp, String(decoding: resp.bodyBytes ?? [], as: UTF8.self))
        }
        let (_, plain) = await send(["model": "gpt-4o-mini", "input": "anything"])
        #expect(plain.contains("\"text\":\"Fixed answer.\""))
        let (_, streamed) = await send(["model": "gpt-4o-mini", "input": "anything", "stream": true])
        let events = Self.events(streamed)
        #expect(events.map(\.0) == ["response.created", "response.in_progress", "response.output_item.added", "error", "response.failed"])
        #expect(events[3].1["message"] == "boom" && events[3].1["sequence_number"] == 3)
        let failed = events.last?.1["response"]
        #expect(failed?["status"] == "failed" && failed?["error"]?["code"] == "server_error")
        let id = failed?["id"]?.stringValue ?? ""
        let stored = await send(["model": "gpt-4o-mini", "input": "x", "previous_response_id": .string(id)])
        #expect(stored.0.status == 200)
    }

    /// A scenario's broken stream on a background run: the Responses `error` event after the
    /// events kept, numbered in sequence, and the run itself goes on to complete.
    @Test func aBrokenBackgroundStreamLeavesTheRunGoing() async throws {
        var o = RequestOverrides()
        o.stream = .init(cutAfterEvents: 3, errorEvent: ["code": "server_error", "message": "boom"])
        let clock = VirtualClock()
        let env = SimEnvironment(clock: clock, seed: 0, records: MemoryRecordStore(), blobs: MemoryBlobStore())
        let app = App(env: env, middlewares: [ResponsesTestOverrides(overrides: o)])
        let body: JSON = ["model": "gpt-4o-mini", "input": "Write about owls.", "background": true, "stream": true]
        let req = HTTPRequest(method: "POST", target: "/v1/responses",
                              headers: [("authorization", "Bearer sk-x"), ("content-type", "application/json")], body: .bytes(body.encoded))
        let resp: HTTPResponse = await withCheckedContinuation { c in app.respond(to: req).whenReady { c.resume(returning: $0) } }
        guard case let .stream(stream) = resp.body else { Issue.record("not a stream"); return }
        try clock.advance(by: 2)
        let events = Self.events(String(decoding: await stream.collect(), as: UTF8.self))
        #expect(events.map(\.0) == ["response.created", "response.queued", "response.in_progress", "error"])
        #expect(events.last?.1 == ["type": "error", "code": "server_error", "message": "boom", "param": nil, "sequence_number": 3])
        let id = try #require(events.first?.1["response"]?["id"]?.stringValue)
        try clock.advance(by: 60)
        let get = HTTPRequest(method: "GET", target: "/v1/responses/\(id)", headers: [("authorization", "Bearer sk-x")])
        let got: HTTPResponse = await withCheckedContinuation { c in app.respond(to: get).whenReady { c.resume(returning: $0) } }
        let stored = try JSONParser.parse(got.bodyBytes ?? [])
        #expect(stored["status"] == "completed", "the broken stream did not fail the run")
    }

    @Test func sameSeedSameRequestsGiveIdenticalBytes() async {
        func run(_ seed: UInt64) async -> [[UInt8]] {
            let h = TestHarness(seed: seed)
            var out: [[UInt8]] = []
            let a = await h.send("POST", "/v1/responses", json: ["model": "o4-mini", "input": "Why is the sky blue?",
                                                                 "reasoning": ["summary": "auto"]])
            out.append(a.body)
            let id = a.json["id"] ?? .null
            out.append(await h.send("POST", "/v1/responses", json: ["model": "o4-mini", "input": "And sunsets?",
                                                                    "previous_response_id": id, "stream": true]).body)
            return out
        }
        let one = await run(5), two = await run(5), other = await run(6)
        #expect(one == two)
        #expect(one != other)
    }
}

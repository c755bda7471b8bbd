import Testing
import Dispatch
import Foundation
@testable import SimApp
import SimHTTP
import SimSupport

/// The journal keeps the newest `capacity` entries, oldest first, whichever threads wrote them.
@Suite struct JournalTests {
    static func record(_ j: Journal, _ path: String, tenant: String?) {
        let request = HTTPRequest(method: "POST", path: path, headers: [("content-type", "application/json")], body: .bytes(Array("{}".utf8)))
        let response = HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(), body: .bytes(Array(#"{"ok":true}"#.utf8)))
        j.record(request: request, response: response, tenant: tenant, requestID: "req_\(path)", startedAt: 0, durationMs: 1)
    }

    static func paths(_ j: Journal, tenant: String? = nil, limit: Int? = nil) -> [String] {
        (j.render(tenant: tenant, limit: limit)["data"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
    }

    @Test func keepsTheNewestCapacityEntriesOldestFirst() {
        let j = Journal(capacity: 5)
        for i in 1...12 { Self.record(j, "/\(i)", tenant: i % 2 == 0 ? "even" : "odd") }
        #expect(Self.paths(j) == ["/8", "/9", "/10", "/11", "/12"])
        #expect(Self.paths(j, tenant: "even") == ["/8", "/10", "/12"])
        #expect(Self.paths(j, limit: 2) == ["/11", "/12"])
        let seqs = (j.render(tenant: nil, limit: nil)["data"]?.arrayValue ?? []).compactMap { $0["seq"]?.intValue }
        #expect(seqs == [8, 9, 10, 11, 12])
        // Clearing one tenant leaves the other's entries, in order; new entries still push out
        // only entries `capacity` older than themselves.
        j.clear(tenant: "even")
        #expect(Self.paths(j) == ["/9", "/11"])
        for i in 13...14 { Self.record(j, "/\(i)", tenant: "odd") }
        #expect(Self.paths(j) == ["/11", "/13", "/14"])
        j.clear()
        #expect(Self.paths(j).isEmpty)
    }

    /// Bodies of every size read back exactly while older entries (and the blocks they were
    /// packed into) go: empty, small, past a block's 16 KiB packing limit, past the 256 KiB
    /// journaling limit (not kept), and text that is not JSON.
    @Test func bodiesOfEverySizeReadBackWhileOlderOnesGo() {
        let j = Journal(capacity: 40)
        let sizes = [0, 3, 900, 5_000, 16_384, 20_000, 300_000]
        var expected: [(request: JSON, response: JSON)] = []
        for i in 0..<200 {
            let n = sizes[i % sizes.count]
            let text = String(repeating: Character(UnicodeScalar(UInt8(97 + i % 26))), count: n)
            let requestBody = Array(#"{"i":\#(i),"s":"\#(text)"}"#.utf8)
            let responseBody = Array("plain \(i) \(text.prefix(50))".utf8)
            let request = HTTPRequest(method: "POST", path: "/\(i)", headers: [("content-type", "application/json")], body: .bytes(requestBody))
            let response = HTTPResponse(status: 200, headers: [("content-type", "application/json")], body: .bytes(responseBody))
            j.record(request: request, response: response, tenant: nil, requestID: "req_\(i)", startedAt: 0, durationMs: 1)
            let kept = requestBody.count <= 256 * 1024
            expected.append((kept ? (try! JSONParser.parse(requestBody)) : .null,
                             .string(String(decoding: responseBody.prefix(4096), as: UTF8.self))))
        }
        let data = j.render(tenant: nil, limit: nil)["data"]?.arrayValue ?? []
        #expect(data.count == 40)
        for entry in data {
            let i = Int(entry["path"]?.stringValue?.dropFirst() ?? "") ?? -1
            #expect(entry["request_body"] == expected[i].request, "request body of entry \(i)")
            #expect(entry["response_body"] == expected[i].response, "response body of entry \(i) (not JSON: kept as text)")
        }
    }

    /// A body shared for the life of the process (the model list) is held, not copied; a
    /// request's own bodies are copied into the ring's blocks.
    @Test func sharedBodiesAreHeldAndOthersCopied() {
        let j = Journal(capacity: 10)
        let request = HTTPRequest(method: "POST", path: "/p", headers: [("content-type", "application/json")], body: .bytes(Array("{}".utf8)))
        var shared = HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(), body: .bytes(Array(#"{"object":"list"}"#.utf8)))
        shared.bodyIsShared = true
        j.record(request: request, response: shared, tenant: nil, requestID: "req_1", startedAt: 0, durationMs: 1)
        shared.bodyIsShared = false
        j.record(request: request, response: shared, tenant: nil, requestID: "req_2", startedAt: 0, durationMs: 1)
        #expect(j.ordered.map(\.responseBodyHeld) == [true, false])
        #expect(j.ordered.allSatisfy { $0.responseBody == Array(#"{"object":"list"}"#.utf8) && $0.requestBody == Array("{}".utf8) })
        #expect(j.ordered.map(\.requestID) == ["req_1", "req_2"])
    }

    /// Every field reads back as recorded: query pairs joined, no tenant, a note, a status, an
    /// empty request body and a response that is not JSON (no body kept).
    @Test func everyFieldReadsBack() {
        let j = Journal(capacity: 10)
        let request = HTTPRequest(method: "GET", path: "/v1/files", query: [("limit", "2"), ("order", "asc")], headers: [], body: .empty)
        let response = HTTPResponse(status: 404, headers: [("content-type", "text/plain")], body: .bytes(Array("nope".utf8)))
        j.record(request: request, response: response, tenant: nil, requestID: "req_x", startedAt: 12.5, durationMs: 0.25,
                 note: .object([("scenario", "s1")]))
        let e = j.ordered
        #expect(e.count == 1)
        #expect(e.first?.method == "GET" && e.first?.path == "/v1/files" && e.first?.query == "limit=2&order=asc")
        #expect(e.first?.status == 404 && e.first?.tenant == nil && e.first?.startedAt == 12.5 && e.first?.durationMs == 0.25)
        #expect(e.first?.requestBody == nil && e.first?.responseBody == nil && e.first?.responseIsJSON == false)
        #expect(e.first?.note == .object([("scenario", "s1")]))
    }

    @Test func concurrentWritersLoseNothingWithinCapacityAndKeepTheNewest() {
        let j = Journal(capacity: 1000)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for i in 0..<400 { Self.record(j, "/\(t)/\(i)", tenant: "t\(t)") }
        }
        let data = j.render(tenant: nil, limit: nil)["data"]?.arrayValue ?? []
        let seqs = data.compactMap { $0["seq"]?.intValue }
        // 1,600 written, 1,000 kept: exactly numbers 601...1600, in order.
        #expect(seqs == Array(601...1600))
        for t in 0..<4 {
            // Each writer's own entries stay in the order it wrote them.
            let mine = Self.paths(j, tenant: "t\(t)").map { Int($0.split(separator: "/").last!)! }
            #expect(mine == mine.sorted())
        }
    }

    /// Each writing thread keeps its own ring; a thread that wrote early and then went quiet
    /// still holds its old entries, but a read shows only the newest `capacity` overall.
    @Test func aQuietThreadsOldEntriesAreNotShownOnceNewerOnesFillTheCapacity() {
        let j = Journal(capacity: 100)
        let early = Thread { for i in 0..<10 { Self.record(j, "/early/\(i)", tenant: "a") } }
        early.start()
        while !early.isFinished { usleep(1000) }
        for i in 0..<150 { Self.record(j, "/late/\(i)", tenant: "b") }
        let seqs = (j.render(tenant: nil, limit: nil)["data"]?.arrayValue ?? []).compactMap { $0["seq"]?.intValue }
        #expect(seqs == Array(61...160))
        #expect(Self.paths(j, tenant: "a").isEmpty)
        // Within the capacity, both threads' entries are merged in number order.
        let k = Journal(capacity: 100)
        let other = Thread { for i in 0..<5 { Self.record(k, "/other/\(i)", tenant: "a") } }
        other.start()
        while !other.isFinished { usleep(1000) }
        for i in 0..<5 { Self.record(k, "/main/\(i)", tenant: "b") }
        #expect(Self.paths(k) == (0..<5).map { "/other/\($0)" } + (0..<5).map { "/main/\($0)" })
    }

    /// Two threads taking turns: each drops a block once everything in it is older than a read
    /// shows, so the rings together hold the shown entries plus at most about a block each.
    @Test func busyThreadsTogetherHoldAboutTheCapacity() {
        // Blocks of 1 KiB; these entries take 104-112 bytes, so 9 or 10 fit in a block.
        let j = Journal(capacity: 100, blockBytes: 1024)
        let perBlock = 10
        let turnA = DispatchSemaphore(value: 1), turnB = DispatchSemaphore(value: 0)
        let a = Thread { for i in 0..<1000 { turnA.wait(); Self.record(j, "/a/\(i)", tenant: "a"); turnB.signal() } }
        let b = Thread { for i in 0..<1000 { turnB.wait(); Self.record(j, "/b/\(i)", tenant: "b"); turnA.signal() } }
        a.start(); b.start()
        while !(a.isFinished && b.isFinished) { usleep(1000) }
        let seqs = (j.render(tenant: nil, limit: nil)["data"]?.arrayValue ?? []).compactMap { $0["seq"]?.intValue }
        #expect(seqs == Array(1901...2000))
        // Each ring's oldest block may still hold entries a read no longer shows (at most a block's worth).
        #expect(j.heldCount >= 100 && j.heldCount <= 100 + 2 * perBlock, "held \(j.heldCount)")
        #expect(j.heldBlocks <= 100 / 9 + 2 * 2, "blocks \(j.heldBlocks)")
        // A quiet thread keeps what it held: the main thread now records alone.
        for i in 0..<300 { Self.record(j, "/main/\(i)", tenant: "m") }
        #expect(Self.paths(j).count == 100)
        #expect(Self.paths(j, tenant: "m").count == 100)
        #expect(j.heldCount <= 100 + 2 * perBlock + 100 + perBlock, "held \(j.heldCount)")
    }

    /// Large bodies: the entries kept are bounded by bytes as well as by number, the newest kept
    /// (a contiguous run, newest last), from one thread and from two.
    @Test func largeBodiesAreBoundedByBytes() {
        @Sendable func big(_ j: Journal, _ n: Int) {
            let body = Array(String(repeating: "x", count: 20_000).utf8)
            let request = HTTPRequest(method: "POST", path: "/big/\(n)", headers: [("content-type", "application/json")],
                                      body: .bytes(Array("\"".utf8) + body + Array("\"".utf8)))
            let response = HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(), body: .bytes(Array("{}".utf8)))
            j.record(request: request, response: response, tenant: "t", requestID: "req_\(n)", startedAt: 0, durationMs: 1)
        }
        // 64 KiB blocks hold three 20 KB entries; a 256 KiB budget, four blocks: about twelve entries.
        let j = Journal(capacity: 1000, blockBytes: 64 * 1024, maxBytes: 256 * 1024)
        for n in 0..<200 { big(j, n) }
        #expect(j.heldBlockBytes <= 256 * 1024, "held \(j.heldBlockBytes) bytes")
        let kept = Self.paths(j)
        #expect(kept.count >= 6 && kept.count <= 12, "\(kept.count) kept")
        #expect(kept == (200 - kept.count..<200).map { "/big/\($0)" })
        // Small entries after them: the number bound works as before, within the bytes.
        for i in 0..<50 { Self.record(j, "/small/\(i)", tenant: "t") }
        #expect(Self.paths(j).suffix(50) == ArraySlice((0..<50).map { "/small/\($0)" }))
        // Two threads: together within twice the budget (a quiet ring keeps what the other
        // pushed out of view until it writes again), and a read shows a contiguous run.
        let k = Journal(capacity: 1000, blockBytes: 64 * 1024, maxBytes: 256 * 1024)
        let a = Thread { for n in 0..<150 { big(k, n) } }
        let b = Thread { for n in 150..<300 { big(k, n) } }
        a.start(); b.start()
        while !(a.isFinished && b.isFinished) { usleep(1000) }
        #expect(k.heldBlockBytes <= 2 * 256 * 1024, "held \(k.heldBlockBytes) bytes")
        let seqs = (k.render(tenant: nil, limit: nil)["data"]?.arrayValue ?? []).compactMap { $0["seq"]?.intValue }
        #expect(!seqs.isEmpty && seqs == Array(seqs.first!...seqs.last!) && seqs.last == 300, "\(seqs)")
        k.clear()
        #expect(k.heldBlockBytes == 0)
    }

    /// JSON bodies are written as sent, so the journal must not pass on bytes that are not UTF-8
    /// (a client reading the journal could not decode it): such a body is not JSON and is shown
    /// as text.
    @Test func aBodyThatIsNotUTF8StaysReadable() {
        let j = Journal(capacity: 10)
        let bad: [UInt8] = Array(#"{"content":"bad "#.utf8) + [0xFF, 0xFE] + Array(#" bytes","n":1.50}"#.utf8)
        let pretty = Array("  {\n  \"a\": [1, 2]\n}\n".utf8)
        for body in [bad, pretty] {
            let request = HTTPRequest(method: "POST", path: "/v1/chat/completions", headers: [("content-type", "application/json")], body: .bytes(body))
            let response = HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(), body: .bytes(Array("{}".utf8)))
            j.record(request: request, response: response, tenant: "t", requestID: "req_x", startedAt: 0, durationMs: 1)
        }
        let bytes = j.renderedBytes(tenant: nil, limit: nil)
        #expect(String(validating: bytes, as: UTF8.self) != nil)
        let data = j.render(tenant: nil, limit: nil)["data"]?.arrayValue ?? []
        #expect(data.count == 2)
        // Not JSON (JSON text is UTF-8): shown as text, the bad bytes replaced.
        #expect(data.first?["request_body"]?.stringValue?.hasPrefix(#"{"content":"bad "# + "\u{FFFD}") == true)
        #expect(data.last?["request_body"] == ["a": [1, 2]])
    }
}

import Foundation
import OpenAIClient
import OpenAIWire
import Testing

@Suite struct PaginationTests {
    static func file(_ id: String) -> String {
        #"{"id":"\#(id)","object":"file","bytes":1,"created_at":1,"filename":"f","purpose":"batch","status":"processed"}"#
    }

    static func page(_ ids: [String], hasMore: Bool) -> InProcessTransport.Reply {
        .json(200, #"{"object":"list","data":[\#(ids.map(file).joined(separator: ","))],"first_id":\#(ids.first.map { "\"\($0)\"" } ?? "null"),"last_id":\#(ids.last.map { "\"\($0)\"" } ?? "null"),"has_more":\#(hasMore)}"#)
    }

    @Test func autoPaginationFollowsLastIDUntilHasMoreIsFalse() async throws {
        let (client, rec) = scriptedClient([.success(Self.page(["file-1", "file-2"], hasMore: true)),
                                            .success(Self.page(["file-3", "file-4"], hasMore: true)),
                                            .success(Self.page(["file-5"], hasMore: false))])
        var ids: [String] = []
        for try await f in client.files.listAll(purpose: "batch", limit: 2) { ids.append(f.id) }
        #expect(ids == ["file-1", "file-2", "file-3", "file-4", "file-5"])
        let queries = rec.requests.map { $0.request.url.query ?? "" }
        #expect(queries == ["purpose=batch&limit=2", "purpose=batch&limit=2&after=file-2", "purpose=batch&limit=2&after=file-4"])
    }

    @Test func anEmptyPageEndsIterationEvenIfHasMoreIsTrue() async throws {
        let (client, rec) = scriptedClient([.success(Self.page(["file-1"], hasMore: true)), .success(Self.page([], hasMore: true))])
        var ids: [String] = []
        for try await f in client.files.listAll() { ids.append(f.id) }
        #expect(ids == ["file-1"])
        #expect(rec.requests.count == 2)
    }

    @Test func iterationStopsEarlyWithoutFetchingMorePages() async throws {
        let (client, rec) = scriptedClient([.success(Self.page(["file-1", "file-2"], hasMore: true))])
        for try await _ in client.files.listAll() { break }
        #expect(rec.requests.count == 1)
    }
}

import OpenAIWire

/// Every item of a cursor-paginated list, fetching pages as iteration needs them
/// (`after` = the previous page's `last_id`, else its last item's id).
public struct CursorPageSequence<Item: Codable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Item
    let fetch: @Sendable (_ after: String?) async throws -> CursorPage<Item>
    let id: @Sendable (Item) -> String
    let after: String?

    init(after: String?, id: @escaping @Sendable (Item) -> String, fetch: @escaping @Sendable (String?) async throws -> CursorPage<Item>) {
        self.after = after
        self.id = id
        self.fetch = fetch
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let sequence: CursorPageSequence
        var buffer: [Item] = []
        var index = 0
        var cursor: String?
        var exhausted = false
        var started = false

        public mutating func next() async throws -> Item? {
            while index >= buffer.count {
                if exhausted { return nil }
                let page = try await sequence.fetch(started ? cursor : sequence.after)
                started = true
                buffer = page.data
                index = 0
                let next = page.data.last.map(sequence.id) ?? page.lastID
                // Stop on the last page, an empty page, or a cursor that does not move.
                if !page.hasMore || page.data.isEmpty || next == nil || next == cursor { exhausted = true }
                cursor = next
            }
            defer { index += 1 }
            return buffer[index]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(sequence: self, cursor: after) }
}

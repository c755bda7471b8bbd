import SimSupport

extension ResponseService {
    static func notFound(_ id: String) -> APIError {
        .invalidRequest("Response with id '\(id)' not found.", status: 404)
    }

    /// A stored response's document (parsed once: stored responses are kept encoded).
    func stored(_ tenant: Tenant, _ id: String) throws(APIError) -> JSON {
        guard let r = try record(tenant, Self.collection, id) else { throw Self.notFound(id) }
        return r.body
    }

    /// Replaces a stored response's document, keeping it encoded.
    func update(_ tenant: Tenant, _ id: String, body: JSON) throws(APIError) {
        guard let old = try record(tenant, Self.collection, id) else { throw Self.notFound(id) }
        do {
            try env.records.put(StoredRecord(tenant: old.tenant, collection: old.collection, id: id, createdAt: old.createdAt,
                                             encodedBody: JSONWriter.encode(body)))
        } catch { throw .serverError("\(error)") }
    }

    /// - Remark: GET /v1/responses/{response_id}
    public func retrieve(tenant: Tenant, id: String) throws(APIError) -> JSON {
        ResponseLifecycle.view(try stored(tenant, id), now: env.now())
    }

    /// A stored response replayed as a stream: the events available now, and (for background
    /// work still running) the rest in steps, each with the second at which it becomes available.
    public struct Replay: Sendable {
        public struct Step: Sendable {
            public let at: Int64
            public let events: [ResponseEvents.Event]
        }
        public let now: [ResponseEvents.Event]
        /// In time order; empty when the stream ends with `now`.
        public let later: [Step]
    }

    /// - Remark: GET /v1/responses/{response_id}?stream=true
    public func replay(tenant: Tenant, id: String, startingAfter: Int64?) throws(APIError) -> Replay {
        let body = try stored(tenant, id)
        let pub = body.publicFields
        let background = pub["background"]?.boolValue ?? false
        let all = ResponseEvents.build(pub, background: background)
        let now = env.now()
        switch ResponseLifecycle.phase(body, now: now) {
        case .final:
            return Replay(now: ResponseEvents.after(all, startingAfter), later: [])
        case .cancelled:
            let view = ResponseLifecycle.view(body, now: now)
            let head = ResponseEvents.build(view, background: background).prefix(background ? 3 : 2)
            return Replay(now: ResponseEvents.after(Array(head), startingAfter), later: [])
        case .queued, .inProgress:
            let times = Self.availability(of: all, body: body, now: now)
            var ready: [ResponseEvents.Event] = []
            var steps: [Replay.Step] = []
            var i = 0
            while i < all.count, times[i] <= now { ready.append(all[i]); i += 1 }
            while i < all.count {
                let at = times[i]
                var group: [ResponseEvents.Event] = []
                while i < all.count, times[i] == at { group.append(all[i]); i += 1 }
                let kept = ResponseEvents.after(group, startingAfter)
                if !kept.isEmpty { steps.append(Replay.Step(at: at, events: kept)) }
            }
            return Replay(now: ResponseEvents.after(ready, startingAfter), later: steps)
        }
    }

    /// The second at which each event of a background run becomes available: `created` and
    /// `queued` at once, `in_progress` when the queue second is over, the output events spread
    /// evenly over the run (as a model writes them), and the final event when the run completes.
    /// Non-decreasing, so a stream sends them in order.
    static func availability(of events: [ResponseEvents.Event], body: JSON, now: Int64) -> [Int64] {
        let end = ResponseLifecycle.completesAt(body) ?? now
        let start = min(ResponseLifecycle.queuedUntil(body) ?? end, end)
        let started = events.firstIndex { $0.type == "response.in_progress" } ?? 0
        let outputs = max(0, events.count - started - 2)  // between in_progress and the final event
        let run = end - start
        return events.indices.map { i in
            if i < started { return Int64.min }
            if i == started { return start }
            if i == events.count - 1 { return end }
            // Output event k of n arrives at start + (k + 1) * run / (n + 1): within the run, never at its end.
            let k = Int64(i - started - 1)
            return start + (k + 1) * run / Int64(outputs + 1)
        }
    }

    /// Whether a response the caller is streaming was cancelled meanwhile.
    public func isCancelled(tenant: Tenant, id: String) -> Bool {
        guard let body = try? stored(tenant, id) else { return true }
        return ResponseLifecycle.phase(body, now: env.now()) == .cancelled
    }

    /// Records that a stream failed part way (a scenario's injected error): the stored response
    /// becomes `failed` with the error, as the API keeps it.
    public func markFailed(tenant: Tenant, id: String, code: String, message: String) {
        guard let body = try? stored(tenant, id) else { return }
        try? update(tenant, id, body: ResponseObject.failed(body, code: code, message: message))
    }

    /// - Remark: DELETE /v1/responses/{response_id}
    public func delete(tenant: Tenant, id: String) throws(APIError) -> JSON {
        guard let r = try record(tenant, Self.collection, id) else { throw Self.notFound(id) }
        // A response stored before its input items moved into its record has them in the legacy
        // collection of the same kind (foreground or background): they go too.
        let items = r.collection == Self.backgroundCollection ? Self.legacyBackgroundInputItemsCollection : Self.legacyInputItemsCollection
        do {
            // Other turns of its chain may read their history through it (earlier turns link to
            // the newer one that holds it; turns stored by earlier versions link back): it stays,
            // out of reach of every route, as chain material only (`--max-stored` of them per
            // key, like other stored responses).
            var kept = r
            kept.collection = Self.deletedCollection
            kept.seq = 0
            try env.putRetained([kept])
            try env.records.delete(tenant: tenant.id, collection: r.collection, id: id)
            try env.records.delete(tenant: tenant.id, collection: items, id: id)
        } catch { throw .serverError("\(error)") }
        return .object([("id", .string(id)), ("object", "response"), ("deleted", true)])
    }

    /// Only background responses can be cancelled; finished ones come back unchanged.
    /// - Remark: POST /v1/responses/{response_id}/cancel
    public func cancel(tenant: Tenant, id: String) throws(APIError) -> JSON {
        let body = try stored(tenant, id)
        guard body["background"]?.boolValue == true else {
            throw .invalidRequest("Only responses created with background=true can be cancelled.", param: nil, code: "invalid_request")
        }
        let now = env.now()
        guard ResponseLifecycle.isActive(body, now: now) else { return ResponseLifecycle.view(body, now: now) }
        let updated = body.setting(ResponseLifecycle.cancelledAtKey, .int(now))
        try update(tenant, id, body: updated)
        return ResponseLifecycle.view(updated, now: now)
    }

    /// - Remark: GET /v1/responses/{response_id}/input_items
    public func inputItems(tenant: Tenant, id: String, limit: Int, order: ListOrder, after: String?) throws(APIError) -> JSON {
        let body = try stored(tenant, id)
        var items = try inputItemsDocument(tenant, id, stored: body)?["items"]?.arrayValue ?? []
        if order == .desc { items.reverse() }
        if let after {
            guard let i = items.firstIndex(where: { $0["id"]?.stringValue == after }) else {
                throw .invalidRequest("Item with id '\(after)' not found in the input items of response '\(id)'.", param: "after",
                                      code: "invalid_value")
            }
            items = Array(items[(i + 1)...])
        }
        let page = Array(items.prefix(limit))
        return .object([
            ("object", "list"), ("data", .array(page)),
            ("first_id", .string(page.first?["id"]?.stringValue ?? "")), ("last_id", .string(page.last?["id"]?.stringValue ?? "")),
            ("has_more", .bool(items.count > limit)),
        ])
    }
}

import SimCore
import SimHTTP
import SimSupport

extension App {
    static func registerChatRoutes(_ r: inout Router<RouteHandler>) {
        r.add("POST", "/v1/chat/completions") { ctx in
            let body = try ctx.body().object
            // A fine-tuned model exists once its job has been read past success.
            if body["model"]?.stringValue?.hasPrefix("ft:") == true { ctx.services.fineTuning.settle(tenant: ctx.tenant) }
            let result = try ctx.services.chat.create(tenant: ctx.tenant, body: body, overrides: ctx.overrides)
            guard result.stream else { return .rendered(bytes: { result.body }, tree: { result.completion }) }
            let writer = SSEWriter(clock: ctx.services.env.clock, options: Self.sseOptions(ctx.overrides))
            for chunk in result.chunks { writer.data(chunk) }
            writer.done()
            writer.finish()
            return .response(writer.response())
        }
        // The legacy Completions API.
        r.add("POST", "/v1/completions") { ctx in
            let result = try ctx.services.completions.create(tenant: ctx.tenant, body: try ctx.body().object, overrides: ctx.overrides)
            guard result.stream else { return .json(result.completion) }
            let writer = SSEWriter(clock: ctx.services.env.clock, options: Self.sseOptions(ctx.overrides))
            for chunk in result.chunks { writer.data(chunk) }
            writer.done()
            writer.finish()
            return .response(writer.response())
        }
        r.add("GET", "/v1/chat/completions") { ctx in
            let q = ctx.query
            let limit = try q.limit(default: 20, range: 1...100)
            let metadata = ctx.request.query.compactMap { k, v -> (String, String)? in
                guard k.hasPrefix("metadata["), k.hasSuffix("]") else { return nil }
                return (String(k.dropFirst(9).dropLast()), v)
            }
            let page = try ctx.services.chat.list(tenant: ctx.tenant, model: q.string("model"), metadata: metadata, after: q.string("after"),
                                                  limit: limit, order: try q.order(default: .asc))
            return .json(cursorList(page.data, ids: page.data.compactMap { $0["id"]?.stringValue }, hasMore: page.hasMore))
        }
        r.add("GET", "/v1/chat/completions/{completion_id}") { ctx in
            .json(try ctx.services.chat.retrieve(tenant: ctx.tenant, id: ctx.param("completion_id")))
        }
        r.add("POST", "/v1/chat/completions/{completion_id}") { ctx in
            .json(try ctx.services.chat.update(tenant: ctx.tenant, id: ctx.param("completion_id"), body: try ctx.body().object))
        }
        r.add("DELETE", "/v1/chat/completions/{completion_id}") { ctx in
            .json(try ctx.services.chat.delete(tenant: ctx.tenant, id: ctx.param("completion_id")))
        }
        r.add("GET", "/v1/chat/completions/{completion_id}/messages") { ctx in
            let q = ctx.query
            let page = try ctx.services.chat.messages(tenant: ctx.tenant, id: ctx.param("completion_id"), after: q.string("after"),
                                                      limit: try q.limit(default: 20, range: 1...100), order: try q.order(default: .asc))
            return .json(cursorList(page.data, ids: page.data.compactMap { $0["id"]?.stringValue }, hasMore: page.hasMore))
        }
    }
}

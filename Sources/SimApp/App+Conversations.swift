import SimCore
import SimHTTP
import SimSupport

extension App {
    /// The Conversations API: conversations and their items (all 8 operations of the spec).
    static func registerConversationsRoutes(_ r: inout Router<RouteHandler>) {
        r.add("POST", "/v1/conversations") { ctx in
            .json(try ctx.services.conversations.create(tenant: ctx.tenant, body: try ctx.body().object))
        }
        r.add("GET", "/v1/conversations/{conversation_id}") { ctx in
            .json(try ctx.services.conversations.retrieve(tenant: ctx.tenant, id: ctx.param("conversation_id")))
        }
        r.add("POST", "/v1/conversations/{conversation_id}") { ctx in
            .json(try ctx.services.conversations.update(tenant: ctx.tenant, id: ctx.param("conversation_id"), body: try ctx.body().object))
        }
        r.add("DELETE", "/v1/conversations/{conversation_id}") { ctx in
            .json(try ctx.services.conversations.delete(tenant: ctx.tenant, id: ctx.param("conversation_id")))
        }
        r.add("POST", "/v1/conversations/{conversation_id}/items") { ctx in
            try Self.checkInclude(ctx.request)
            return .json(try ctx.services.conversations.createItems(tenant: ctx.tenant, id: ctx.param("conversation_id"),
                                                                    body: try ctx.body().object))
        }
        r.add("GET", "/v1/conversations/{conversation_id}/items") { ctx in
            let q = ctx.query
            try Self.checkInclude(ctx.request)
            return .json(try ctx.services.conversations.listItems(tenant: ctx.tenant, id: ctx.param("conversation_id"),
                                                                  limit: try q.limit(default: 20, range: 1...100),
                                                                  order: try q.order(default: .desc), after: q.string("after")))
        }
        r.add("GET", "/v1/conversations/{conversation_id}/items/{item_id}") { ctx in
            try Self.checkInclude(ctx.request)
            return .json(try ctx.services.conversations.item(tenant: ctx.tenant, id: ctx.param("conversation_id"),
                                                             itemID: ctx.param("item_id")))
        }
        r.add("DELETE", "/v1/conversations/{conversation_id}/items/{item_id}") { ctx in
            .json(try ctx.services.conversations.deleteItem(tenant: ctx.tenant, id: ctx.param("conversation_id"),
                                                            itemID: ctx.param("item_id")))
        }
    }
}

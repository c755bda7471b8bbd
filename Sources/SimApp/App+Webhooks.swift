import SimCore
import SimHTTP
import SimSupport

extension App {
    /// Webhook endpoints (`client.webhooks` in the SDK). Not in the OpenAPI document: shapes from
    /// the SDK's types (see `WebhookService`).
    static func registerWebhookRoutes(_ r: inout Router<RouteHandler>) {
        r.add("POST", "/v1/webhook_endpoints") { ctx in
            let first = !ctx.services.webhooks.hasEndpoints(ctx.tenant)
            let endpoint = try ctx.services.webhooks.create(tenant: ctx.tenant, body: try ctx.body().object)
            // Jobs already running end with events too. With an endpoint before this one, every job
            // created since was watched as it was made: only a first endpoint needs the scan.
            if first { ctx.webhooks.watchRunningJobs(of: ctx.tenant) }
            return .json(endpoint)
        }
        r.add("GET", "/v1/webhook_endpoints") { ctx in
            let q = ctx.query
            let page = try ctx.services.webhooks.list(tenant: ctx.tenant, after: q.string("after"),
                                                      limit: try q.limit(default: 20, range: 1...100))
            return .json(cursorList(page.data, ids: page.ids, hasMore: page.hasMore))
        }
        r.add("GET", "/v1/webhook_endpoints/{webhook_endpoint_id}") { ctx in
            .json(try ctx.services.webhooks.retrieve(tenant: ctx.tenant, id: ctx.param("webhook_endpoint_id")))
        }
        r.add("POST", "/v1/webhook_endpoints/{webhook_endpoint_id}") { ctx in
            .json(try ctx.services.webhooks.update(tenant: ctx.tenant, id: ctx.param("webhook_endpoint_id"), body: try ctx.body().object))
        }
        r.add("DELETE", "/v1/webhook_endpoints/{webhook_endpoint_id}") { ctx in
            .json(try ctx.services.webhooks.delete(tenant: ctx.tenant, id: ctx.param("webhook_endpoint_id")))
        }
        r.add("POST", "/v1/webhook_endpoints/{webhook_endpoint_id}/rotate_secret") { ctx in
            let body = ctx.request.bodyBytes().isEmpty ? JSON.object([]) : try ctx.body().object
            return .json(try ctx.services.webhooks.rotateSecret(tenant: ctx.tenant, id: ctx.param("webhook_endpoint_id"), body: body))
        }
        r.add("POST", "/v1/webhook_endpoints/{webhook_endpoint_id}/test") { ctx in
            let id = ctx.param("webhook_endpoint_id")
            let (subscriber, type) = try ctx.services.webhooks.testTarget(tenant: ctx.tenant, id: id, body: try ctx.body().object)
            // The delivery runs off the server's threads; the answer waits for it.
            let pending = PendingResponse()
            ctx.webhooks.test(subscriber, type: type) { status, failure in
                guard let status else {
                    let error = APIError.invalidRequest("Could not deliver the test event to \(subscriber.url): \(failure ?? "no answer").",
                                                        param: "url", code: "webhook_delivery_failed")
                    return pending.fulfill(App.errorResponse(error))
                }
                pending.fulfill(.json(.object([("object", "webhook_endpoint.test"), ("webhook_endpoint_id", .string(id)),
                                               ("event_type", .string(type)), ("status_code", .int(Int64(status))), ("success", true)])))
            }
            return .reply(.later(pending))
        }
        r.add("GET", "/v1/webhook_event_types") { _ in
            .json(.object([("object", "list"), ("data", .array(WebhookService.eventTypes.map { .string($0) }))]))
        }
    }
}

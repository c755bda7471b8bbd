import SimCore
import SimHTTP
import SimSupport

extension App {
    static func registerEvalsRoutes(_ r: inout Router<RouteHandler>) {
        r.add("POST", "/v1/evals") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["name", "metadata", "data_source_config", "testing_criteria"])
            let metadata = try Metadata.validate(p.raw("metadata"))
            return .json(try ctx.services.evals.create(tenant: ctx.tenant, body: p.object, metadata: metadata.isNull ? .object([]) : metadata),
                         status: 201)
        }
        r.add("GET", "/v1/evals") { ctx in
            let q = ctx.query
            let orderBy = q.string("order_by") ?? "created_at"
            guard ["created_at", "updated_at"].contains(orderBy) else {
                throw APIError.invalidValue("order_by", orderBy, supported: ["created_at", "updated_at"])
            }
            let page = try ctx.services.evals.list(tenant: ctx.tenant, after: q.string("after"), limit: try q.limit(default: 20, range: 1...100),
                                                   order: try q.order(default: .asc), orderBy: orderBy)
            return .json(cursorList(page.data, ids: page.ids, hasMore: page.hasMore))
        }
        r.add("GET", "/v1/evals/{eval_id}") { ctx in
            .json(try ctx.services.evals.retrieve(tenant: ctx.tenant, id: ctx.param("eval_id")))
        }
        r.add("POST", "/v1/evals/{eval_id}") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["name", "metadata"])
            let metadata = p.raw("metadata") == nil ? nil : try Metadata.validate(p.raw("metadata"))
            return .json(try ctx.services.evals.update(tenant: ctx.tenant, id: ctx.param("eval_id"), name: try p.string("name"), metadata: metadata))
        }
        r.add("DELETE", "/v1/evals/{eval_id}") { ctx in
            .json(try ctx.services.evals.delete(tenant: ctx.tenant, id: ctx.param("eval_id")))
        }
        r.add("POST", "/v1/evals/{eval_id}/runs") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["name", "metadata", "data_source"])
            let metadata = try Metadata.validate(p.raw("metadata"))
            let (services, tenant, evalID, body, overrides, webhooks) = (ctx.services, ctx.tenant, ctx.param("eval_id"), p.object, ctx.overrides, ctx.webhooks)
            let create: @Sendable () throws(APIError) -> JSON = { () throws(APIError) in
                let run = try services.evals.createRun(tenant: tenant, evalID: evalID, body: body,
                                                       metadata: metadata.isNull ? .object([]) : metadata, overrides: overrides)
                if let id = run["id"]?.stringValue { webhooks.watch(tenant, .evalRun(evalID: evalID), id, fault: overrides.webhook) }
                return run
            }
            // A run whose criteria include a python grader runs it now: on a worker thread.
            if services.env.python != nil,
               PythonWork.mentionsPython((try? services.evals.retrieve(tenant: tenant, id: evalID))?["testing_criteria"]) {
                return PythonWork.answer(status: 201, create)
            }
            return .json(try create(), status: 201)
        }
        r.add("GET", "/v1/evals/{eval_id}/runs") { ctx in
            let q = ctx.query
            let statuses = ["queued", "in_progress", "completed", "canceled", "failed"]
            let status = q.string("status")
            if let status, !statuses.contains(status) { throw APIError.invalidValue("status", status, supported: statuses) }
            let page = try ctx.services.evals.listRuns(tenant: ctx.tenant, evalID: ctx.param("eval_id"), after: q.string("after"),
                                                       limit: try q.limit(default: 20, range: 1...100), order: try q.order(default: .asc), status: status)
            return .json(cursorList(page.data, ids: page.ids, hasMore: page.hasMore))
        }
        r.add("GET", "/v1/evals/{eval_id}/runs/{run_id}") { ctx in
            .json(try ctx.services.evals.retrieveRun(tenant: ctx.tenant, evalID: ctx.param("eval_id"), runID: ctx.param("run_id")))
        }
        // The spec's cancel is POST on the run; the official Python SDK posts to `…/cancel`. Both work.
        for path in ["/v1/evals/{eval_id}/runs/{run_id}", "/v1/evals/{eval_id}/runs/{run_id}/cancel"] {
            r.add("POST", path) { ctx in
                ctx.webhooks.pollingAfter(try ctx.services.evals.cancelRun(tenant: ctx.tenant, evalID: ctx.param("eval_id"), runID: ctx.param("run_id")))
            }
        }
        r.add("DELETE", "/v1/evals/{eval_id}/runs/{run_id}") { ctx in
            .json(try ctx.services.evals.deleteRun(tenant: ctx.tenant, evalID: ctx.param("eval_id"), runID: ctx.param("run_id")))
        }
        r.add("GET", "/v1/evals/{eval_id}/runs/{run_id}/output_items") { ctx in
            let q = ctx.query
            let status = q.string("status")
            if let status, !["pass", "fail"].contains(status) { throw APIError.invalidValue("status", status, supported: ["pass", "fail"]) }
            let page = try ctx.services.evals.listOutputItems(tenant: ctx.tenant, evalID: ctx.param("eval_id"), runID: ctx.param("run_id"),
                                                              after: q.string("after"), limit: try q.limit(default: 20, range: 1...100),
                                                              order: try q.order(default: .asc), status: status)
            return .json(cursorList(page.data, ids: page.ids, hasMore: page.hasMore))
        }
        r.add("GET", "/v1/evals/{eval_id}/runs/{run_id}/output_items/{output_item_id}") { ctx in
            .json(try ctx.services.evals.retrieveOutputItem(tenant: ctx.tenant, evalID: ctx.param("eval_id"), runID: ctx.param("run_id"),
                                                            itemID: ctx.param("output_item_id")))
        }
    }
}

import SimCore
import SimHTTP
import SimSupport

extension App {
    static func registerFineTuningRoutes(_ r: inout Router<RouteHandler>) {
        r.add("POST", "/v1/fine_tuning/jobs") { ctx in
            let p = try ctx.body()
            let job = try ctx.services.fineTuning.create(tenant: ctx.tenant, body: p.object, script: ctx.overrides.job)
            if let id = job["id"]?.stringValue { ctx.webhooks.watch(ctx.tenant, .fineTuning, id, fault: ctx.overrides.webhook) }
            return .json(job)
        }
        r.add("GET", "/v1/fine_tuning/jobs") { ctx in
            let q = ctx.query
            var metadata: [(String, String)] = []
            var metadataNull = false
            for (k, v) in ctx.request.query {
                if k == "metadata" {
                    guard v == "null" || v.isEmpty else {
                        throw APIError.invalidRequest("Invalid 'metadata': use metadata[key]=value to filter, or metadata=null for jobs without metadata.",
                                                      param: "metadata", code: "invalid_value")
                    }
                    metadataNull = v == "null"
                } else if k.hasPrefix("metadata["), k.hasSuffix("]") {
                    metadata.append((String(k.dropFirst(9).dropLast()), v))
                }
            }
            return .json(try ctx.services.fineTuning.list(tenant: ctx.tenant, after: q.string("after"),
                                                          limit: try q.limit(default: 20, range: 1...100),
                                                          metadata: metadata, metadataNull: metadataNull))
        }
        r.add("GET", "/v1/fine_tuning/jobs/{fine_tuning_job_id}") { ctx in
            .json(try ctx.services.fineTuning.retrieve(tenant: ctx.tenant, id: ctx.param("fine_tuning_job_id")))
        }
        r.add("POST", "/v1/fine_tuning/jobs/{fine_tuning_job_id}/cancel") { ctx in
            ctx.webhooks.pollingAfter(try ctx.services.fineTuning.cancel(tenant: ctx.tenant, id: ctx.param("fine_tuning_job_id")))
        }
        r.add("POST", "/v1/fine_tuning/jobs/{fine_tuning_job_id}/pause") { ctx in
            .json(try ctx.services.fineTuning.pause(tenant: ctx.tenant, id: ctx.param("fine_tuning_job_id")))
        }
        r.add("POST", "/v1/fine_tuning/jobs/{fine_tuning_job_id}/resume") { ctx in
            .json(try ctx.services.fineTuning.resume(tenant: ctx.tenant, id: ctx.param("fine_tuning_job_id")))
        }
        r.add("GET", "/v1/fine_tuning/jobs/{fine_tuning_job_id}/events") { ctx in
            let q = ctx.query
            return .json(try ctx.services.fineTuning.events(tenant: ctx.tenant, id: ctx.param("fine_tuning_job_id"), after: q.string("after"),
                                                            limit: try q.limit(default: 20, range: 1...1000)))
        }
        r.add("GET", "/v1/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints") { ctx in
            let q = ctx.query
            return .json(try ctx.services.fineTuning.checkpoints(tenant: ctx.tenant, id: ctx.param("fine_tuning_job_id"),
                                                                 after: q.string("after"), limit: try q.limit(default: 10, range: 1...100)))
        }
        r.add("POST", "/v1/fine_tuning/alpha/graders/validate") { ctx in
            .json(try GraderRunner.validate(body: try ctx.body().object))
        }
        r.add("POST", "/v1/fine_tuning/alpha/graders/run") { ctx in
            let body = try ctx.body().object
            let seed = StableHash.mix(ctx.services.env.seed, StableHash.fnv1a("graders/run"))
            let python = ctx.services.env.python
            // Python runs on a worker thread, never on the daemon's.
            if python != nil, PythonWork.mentionsPython(body["grader"]) {
                return PythonWork.answer { () throws(APIError) in try GraderRunner.run(body: body, seed: seed, python: python) }
            }
            return .json(try GraderRunner.run(body: body, seed: seed, python: python))
        }
        r.add("POST", "/v1/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["project_ids"])
            guard let ids = try p.strings("project_ids") else { throw APIError.missingParameter("project_ids") }
            return .json(try ctx.services.checkpointPermissions.create(tenant: ctx.tenant, checkpoint: ctx.param("fine_tuned_model_checkpoint"),
                                                                      projectIDs: ids))
        }
        r.add("GET", "/v1/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions") { ctx in
            let q = ctx.query
            var order = ListOrder.desc
            if let o = q.string("order") {
                switch o {
                case "ascending": order = .asc
                case "descending": order = .desc
                default: throw APIError.invalidValue("order", o, supported: ["ascending", "descending"])
                }
            }
            return .json(try ctx.services.checkpointPermissions.list(
                tenant: ctx.tenant, checkpoint: ctx.param("fine_tuned_model_checkpoint"), projectID: q.string("project_id"),
                after: q.string("after"), limit: try q.limit(default: 10, range: 1...100), order: order))
        }
        r.add("DELETE", "/v1/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions/{permission_id}") { ctx in
            .json(try ctx.services.checkpointPermissions.delete(tenant: ctx.tenant, checkpoint: ctx.param("fine_tuned_model_checkpoint"),
                                                               permissionID: ctx.param("permission_id")))
        }
    }
}

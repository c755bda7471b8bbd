import SimCore
import SimHTTP
import SimSupport

extension App {
    static func registerBatchesRoutes(_ r: inout Router<RouteHandler>) {
        r.add("POST", "/v1/batches") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["input_file_id", "endpoint", "completion_window", "metadata", "output_expires_after"])
            let input = try p.requiredString("input_file_id")
            let endpoint = try p.requiredString("endpoint")
            let window = try p.requiredString("completion_window")
            let metadata = try Metadata.validate(p.raw("metadata"))
            var expires: Int64?
            if let e = try p.objectValue("output_expires_after") {
                let anchor = try e.requiredString("anchor")
                guard anchor == "created_at" else {
                    throw APIError.invalidValue("output_expires_after.anchor", anchor, supported: ["created_at"])
                }
                expires = try e.requiredInt("seconds")
            }
            let batch = try ctx.services.batches.create(tenant: ctx.tenant, inputFileID: input, endpoint: endpoint,
                                                        completionWindow: window, metadata: metadata,
                                                        outputExpiresSeconds: expires, overrides: ctx.overrides)
            if let id = batch["id"]?.stringValue { ctx.webhooks.watch(ctx.tenant, .batch, id, fault: ctx.overrides.webhook) }
            return .json(batch)
        }
        r.add("GET", "/v1/batches") { ctx in
            let q = ctx.query
            let page = try ctx.services.batches.list(tenant: ctx.tenant, after: q.string("after"),
                                                     limit: try q.limit(default: 20, range: 1...100))
            return .json(cursorList(page.data, ids: page.ids, hasMore: page.hasMore))
        }
        r.add("GET", "/v1/batches/{batch_id}") { ctx in
            .json(try ctx.services.batches.retrieve(tenant: ctx.tenant, id: ctx.param("batch_id")))
        }
        r.add("POST", "/v1/batches/{batch_id}/cancel") { ctx in
            ctx.webhooks.pollingAfter(try ctx.services.batches.cancel(tenant: ctx.tenant, id: ctx.param("batch_id")))
        }
    }
}

/// The `metadata` rules shared by every endpoint that takes it: at most 16 string pairs, keys up
/// to 64 characters, values up to 512.
enum Metadata {
    static func validate(_ value: JSON?) throws(APIError) -> JSON {
        guard let value, !value.isNull else { return .null }
        guard let pairs = value.objectValue else { throw .invalidType("metadata", expected: "an object", got: value) }
        guard pairs.count <= 16 else {
            throw .invalidRequest("Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with \(pairs.count) properties instead.",
                                  param: "metadata", code: "object_above_max_properties")
        }
        for (k, v) in pairs {
            guard k.count <= 64 else {
                throw .invalidRequest("Invalid 'metadata': key '\(k.prefix(70))' is longer than 64 characters.", param: "metadata", code: "invalid_value")
            }
            guard let s = v.stringValue else { throw .invalidType("metadata.\(k)", expected: "a string", got: v) }
            guard s.count <= 512 else {
                throw .invalidRequest("Invalid 'metadata.\(k)': string too long. Expected a string with maximum length 512.", param: "metadata.\(k)", code: "string_above_max_length")
            }
        }
        return value
    }
}

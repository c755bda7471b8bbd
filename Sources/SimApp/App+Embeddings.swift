import SimCore
import SimHTTP
import SimSupport

extension App {
    static func registerEmbeddingsRoutes(_ r: inout Router<RouteHandler>) {
        r.add("POST", "/v1/embeddings") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["model", "input", "encoding_format", "dimensions", "user"])
            let bytes = try EmbeddingService(env: ctx.services.env, meter: ctx.services.inference.usage,
                                             batch: ctx.services.inference.isBatch(ctx.services.env)).create(tenant: ctx.tenant, body: p.object)
            return .response(HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(), body: .bytes(bytes)))
        }
    }
}

import SimCore
import SimHTTP
import SimSupport

extension App {
    /// The request keys the endpoint knows (built once, not per request).
    static let moderationKeys: Set<String> = ["input", "model"]

    static func registerModerationsRoutes(_ r: inout Router<RouteHandler>) {
        r.add("POST", "/v1/moderations") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(Self.moderationKeys)
            let bytes = try ModerationService(env: ctx.services.env, meter: ctx.services.inference.usage,
                                              batch: ctx.services.inference.isBatch(ctx.services.env)).create(tenant: ctx.tenant, body: p.object)
            return .response(HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(), body: .bytes(bytes)))
        }
    }
}

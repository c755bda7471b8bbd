import SimCore
import SimHTTP
import SimSupport

extension App {
    static func registerUploadsRoutes(_ r: inout Router<RouteHandler>) {
        r.add("POST", "/v1/uploads") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["filename", "purpose", "bytes", "mime_type", "expires_after"])
            let filename = try p.requiredString("filename")
            let purpose = try p.requiredString("purpose")
            let bytes = try p.requiredInt("bytes")
            let mime = try p.requiredString("mime_type")
            var expires: Int64?
            if let e = try p.objectValue("expires_after") {
                let anchor = try e.requiredString("anchor")
                guard anchor == "created_at" else { throw APIError.invalidValue("expires_after.anchor", anchor, supported: ["created_at"]) }
                expires = try e.requiredInt("seconds")
            }
            return .json(try ctx.services.uploads.create(tenant: ctx.tenant, filename: filename, purpose: purpose, bytes: bytes,
                                                         mimeType: mime, expiresAfterSeconds: expires))
        }
        r.add("POST", "/v1/uploads/{upload_id}/parts") { ctx in
            let form = try Form.parse(ctx.request)
            guard let data = form.part("data") else { throw APIError.missingParameter("data") }
            return .json(try ctx.services.uploads.addPart(tenant: ctx.tenant, uploadID: ctx.param("upload_id"),
                                                          data: data.blobSource, size: data.size))
        }
        r.add("POST", "/v1/uploads/{upload_id}/complete") { ctx in
            let p = try ctx.body()
            try p.rejectUnknown(["part_ids", "md5"])
            guard let parts = try p.strings("part_ids") else { throw APIError.missingParameter("part_ids") }
            return .json(try ctx.services.uploads.complete(tenant: ctx.tenant, uploadID: ctx.param("upload_id"), partIDs: parts,
                                                           md5: try p.string("md5")))
        }
        r.add("POST", "/v1/uploads/{upload_id}/cancel") { ctx in
            .json(try ctx.services.uploads.cancel(tenant: ctx.tenant, uploadID: ctx.param("upload_id")))
        }
    }

    static func registerModelsRoutes(_ r: inout Router<RouteHandler>) {
        r.add("GET", "/v1/models") { ctx in
            ctx.services.fineTuning.settle(tenant: ctx.tenant)
            let list = try ctx.services.models.listBytes(tenant: ctx.tenant)
            var response = HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(), body: .bytes(list.bytes))
            response.bodyIsShared = list.shared
            return .response(response)
        }
        r.add("GET", "/v1/models/{model}") { ctx in
            ctx.services.fineTuning.settle(tenant: ctx.tenant)
            return .json(try ctx.services.models.retrieve(tenant: ctx.tenant, id: ctx.param("model")))
        }
        r.add("DELETE", "/v1/models/{model}") { ctx in
            ctx.services.fineTuning.settle(tenant: ctx.tenant)
            return .json(try ctx.services.models.delete(tenant: ctx.tenant, id: ctx.param("model")))
        }
    }
}

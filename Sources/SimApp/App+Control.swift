import SimCore
import SimHTTP
import SimSupport

/// The control plane, `/__sim/*`: health, reset, clock, request journal. Never under `/v1`.
extension App {
    func control(_ request: HTTPRequest) -> HTTPResponse {
        if request.method == "GET", request.path == "/__sim/requests" {
            // Written straight to bytes: bodies go in as sent (see `Journal.renderedBytes`).
            let tenantFilter = request.queryValue("tenant").map(resolveTenantID)
            let limit = request.queryValue("limit").flatMap { Int($0) }
            let body = journal.renderedBytes(tenant: tenantFilter, limit: limit)
            // The entries' copies are freed by now: after a large read, give their pages back (the
            // body itself, past 1 MiB, is mapped apart and goes when it has been sent).
            if body.count > 8 << 20 { HeapTrim.releaseFreeMemory() }
            return HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(), body: .bytes(body))
        }
        do throws(APIError) {
            return .json(try controlRoute(request))
        } catch {
            return Self.errorResponse(error)
        }
    }

    private func controlRoute(_ req: HTTPRequest) throws(APIError) -> JSON {
        switch (req.method, req.path) {
        case ("GET", "/__sim/health"):
            return .object([("status", "ok"), ("version", .string(config.version)), ("clock", clockJSON())])
        case ("GET", "/__sim/clock"):
            return clockJSON()
        case ("POST", "/__sim/clock/advance"):
            let p = try Params.json(req)
            guard let v = p.raw("seconds"), let seconds = v.doubleValue else {
                throw .invalidRequest("Missing or invalid 'seconds': expected a number.", param: "seconds")
            }
            do { try env.clock.advance(by: seconds) } catch { throw .invalidRequest(error.message, param: "seconds", status: 409) }
            // Saved before the answer: a restart after an acknowledged advance starts from it.
            saveClock()
            return clockJSON()
        case ("POST", "/__sim/reset"):
            let tenant = try resetTarget(req)
            try reset(tenant: tenant)
            return .object([("reset", true), ("tenant", JSON(tenant?.id))])
        case ("POST", "/__sim/invites/accept"):
            // What a person does in the browser: joins the organization through an invite.
            let p = try Params.json(req)
            try p.rejectUnknown(["api_key", "invite_id", "name"])
            let tenant = try tenant(forKey: try p.requiredString("api_key"))
            let user = try services.admin.acceptInvite(tenant: tenant, id: try p.requiredString("invite_id"), name: try p.string("name"))
            return user
        case ("GET", "/__sim/webhooks"):
            // Deliveries sent (or being retried), oldest first, and the jobs watched for an end.
            return webhookEvents.log(tenant: req.queryValue("tenant").map(resolveTenantID))
        case (_, "/__sim/scenarios"), (_, "/__sim/scenarios/state"):
            return try scenariosControl(req)
        default:
            throw .invalidURL(method: req.method, path: req.path)
        }
    }

    private func clockJSON() -> JSON {
        let now = env.clock.now()
        return .object([("mode", .string(env.clock.mode.rawValue)), ("now", .double(now)), ("unix", .int(Int64(now.rounded(.down)))),
                        ("time_scale", .double(config.timeScale))])
    }

    /// `tenant` is a tenant id (`t_…`) or an API key.
    private func resolveTenantID(_ s: String) -> String {
        if s.hasPrefix("t_") { return s }
        // A revoked minted key still names the project it worked in.
        return ((try? services.admin.tenant(forMintedKey: s, includingRevoked: true)) ?? nil)?.id ?? Tenant.forAPIKey(s).id
    }

    private func resetTarget(_ req: HTTPRequest) throws(APIError) -> Tenant? {
        if let key = req.queryValue("api_key") { return try tenant(forKey: key) }
        guard !req.bodyBytes().isEmpty else { return nil }
        let p = try Params.json(req)
        if let key = try p.string("api_key") { return try tenant(forKey: key) }
        return nil
    }

    /// The tenant a key's requests land in (a key minted by the admin API: its project's).
    private func tenant(forKey key: String) throws(APIError) -> Tenant {
        try services.admin.tenant(forMintedKey: key) ?? Tenant.forAPIKey(key)
    }

    /// Drops all state (or one tenant's): records, blobs, ID streams and journal entries, then
    /// returns the freed heap to the operating system.
    func reset(tenant: Tenant?) throws(APIError) {
        do {
            if let root = tenant {
                // An organization's reset takes its other projects' state and its minted keys along.
                for t in [root] + services.admin.forgetOrganization(root: root) {
                    env.blobs.deleteAll(prefix: BlobKey.tenantPrefix(t))
                    try env.records.deleteTenant(t.id)
                    env.resetIDs(tenant: t)
                    services.inference.reset(tenant: t)
                    if t.isOrganizationRoot { projectBudgets.forget(organization: t.id) }
                    journal.clear(tenant: t.id)
                    webhookEvents.reset(tenant: t.id)
                    resetScenarioState(tenant: t)
                }
            } else {
                try env.records.deleteAll()
                services.admin.forgetAll()
                env.blobs.deleteAll()
                env.resetIDs()
                services.inference.reset(tenant: nil)
                projectBudgets.forget(organization: nil)
                journal.clear()
                webhookEvents.reset(tenant: nil)
                resetScenarioState(tenant: nil)
                // The saved time went with the records; the clock did not move back.
                saveClock()
            }
        } catch { throw .serverError("Reset failed: \(error)") }
        // What the reset dropped is free inside the process; give it back to the system, or
        // the resident size stays at its peak (a load test's stored responses) until exit.
        HeapTrim.releaseFreeMemory()
    }
}

import SimCore
import SimHTTP
import SimScenarios
import SimSupport

/// The scenario control plane: `GET/POST/DELETE /__sim/scenarios`, `GET /__sim/scenarios/state`.
extension App {
    /// The scenario middleware, if the app was built with one.
    var scenarioMiddleware: ScenarioMiddleware? { middlewares.lazy.compactMap { $0 as? ScenarioMiddleware }.first }

    /// Routes `/__sim/scenarios*` (called from `controlRoute`).
    /// - Remark: GET/POST/DELETE /__sim/scenarios, GET /__sim/scenarios/state
    func scenariosControl(_ req: HTTPRequest) throws(APIError) -> JSON {
        guard let engine = scenarioMiddleware?.engine else {
            throw .invalidRequest("Scenarios are not enabled in this simulator.", status: 404)
        }
        switch (req.method, req.path) {
        case ("GET", "/__sim/scenarios"):
            return listScenarios(engine, tenant: try scenarioTenant(req, body: nil))
        case ("POST", "/__sim/scenarios"):
            return try activateScenario(engine, req)
        case ("DELETE", "/__sim/scenarios"):
            let body: JSON? = req.bodyBytes().isEmpty ? nil : try Params.json(req).object
            let tenant = try scenarioTenant(req, body: body)
            let name = req.queryValue("name") ?? body?["name"]?.stringValue
            let removed = engine.deactivate(name: name, tenant: tenant)
            if let name, removed.isEmpty {
                throw .invalidRequest("Scenario '\(name)' is not active for \(tenant.map { "tenant \($0)" } ?? "all tenants").", param: "name", status: 404)
            }
            return .object([("object", "scenario.deactivated"), ("tenant", JSON(tenant)), ("deactivated", .array(removed.map { JSON.string($0) }))])
        case ("GET", "/__sim/scenarios/state"):
            guard let tenant = try scenarioTenant(req, body: nil) else {
                throw .invalidRequest("Pass ?api_key=KEY or ?tenant=t_… to choose whose scenario state to show.", param: "api_key")
            }
            return engine.stateJSON(tenant: tenant)
        default:
            throw .invalidURL(method: req.method, path: req.path)
        }
    }

    /// Forgets scenario counters, states and budgets (for `POST /__sim/reset`); activations stay.
    func resetScenarioState(tenant: Tenant?) {
        scenarioMiddleware?.engine.resetState(tenant: tenant?.id)
    }

    private func listScenarios(_ engine: ScenarioEngine, tenant: String?) -> JSON {
        let files: [JSON] = engine.library.files().map { path in
            do throws(ScenarioError) {
                let s = try Scenario.load(path: path)
                return s.summary.setting("valid", true)
            } catch {
                return .object([("name", .string(ScenarioLibrary.stem(of: path))), ("file", .string(path)), ("valid", false),
                                ("errors", .array(error.diagnostics.map { .string($0.description) }))])
            }
        }
        var pairs: [(String, JSON)] = [("object", "list"), ("directory", .string(engine.library.directory)), ("data", .array(files)),
                                       ("global", .array(engine.active(tenant: nil).map { .string($0.name) }))]
        if let tenant {
            pairs.append(("tenant", .string(tenant)))
            pairs.append(("active", .array(engine.active(tenant: tenant).map { .string($0.name) })))
        }
        return .object(pairs)
    }

    /// `{"name": …}` loads from the scenarios directory; `{"scenario": {…}}` or `{"yaml": "…"}` (or a raw
    /// YAML body) uploads one. `api_key`/`tenant` choose the tenant; without them it applies to all.
    private func activateScenario(_ engine: ScenarioEngine, _ req: HTTPRequest) throws(APIError) -> JSON {
        let ct = req.contentType?.lowercased() ?? "application/json"
        let tenant: String?
        var name: String?
        var text = ""
        if ct.hasPrefix("application/json") {
            let p = try Params.json(req)
            tenant = try scenarioTenant(req, body: p.object)
            if let inline = p.raw("scenario") {
                text = inline.encodedString
            } else if let yaml = try p.string("yaml") {
                text = yaml
            } else if let n = try p.string("name") {
                name = n
            } else {
                throw .invalidRequest("Pass 'name' (a file in \(engine.library.directory)), 'scenario' (an object) or 'yaml' (text).", param: "name")
            }
        } else {
            tenant = try scenarioTenant(req, body: nil)
            text = String(decoding: req.bodyBytes(), as: UTF8.self)
        }
        let scenario: Scenario
        do throws(ScenarioError) {
            if let name { scenario = try engine.library.load(name) } else { scenario = try Scenario.parse(text, file: "<upload>") }
        } catch {
            throw .invalidRequest("Invalid scenario: " + error.diagnostics.map(\.description).joined(separator: "; "),
                                  param: name == nil ? "scenario" : "name", code: "invalid_scenario")
        }
        engine.activate(scenario, tenant: tenant)
        return .object([("object", "scenario.activated"), ("tenant", JSON(tenant)), ("scenario", scenario.summary)])
    }

    /// The tenant id named by `api_key` or `tenant` (query or body); nil for "every tenant".
    private func scenarioTenant(_ req: HTTPRequest, body: JSON?) throws(APIError) -> String? {
        if let key = req.queryValue("api_key") ?? body?["api_key"]?.stringValue { return Tenant.forAPIKey(key).id }
        if let t = req.queryValue("tenant") ?? body?["tenant"]?.stringValue {
            guard t.hasPrefix("t_") else { throw .invalidRequest("'tenant' is a tenant id (t_…); pass an API key as 'api_key'.", param: "tenant") }
            return t
        }
        return nil
    }
}

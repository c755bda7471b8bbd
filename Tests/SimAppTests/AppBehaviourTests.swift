import Testing
@testable import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

@Suite struct AppBehaviourTests {
    let sim = TestHarness()

    @Test func controlPlanePathsAreExactlyTheSimTree() {
        for p in ["/__sim", "/__sim/", "/__sim/health", "/__sim/clock/advance"] { #expect(App.isControlPath(p), "\(p)") }
        for p in ["/__si", "/__simx", "/__simulate", "/v1/__sim", "/_sim", "/__SIM", "", "/"] { #expect(!App.isControlPath(p), "\(p)") }
    }

    @Test func browsersGetThroughCORSAsWithTheAPI() async {
        // The preflight carries no key and is answered without one.
        let origin = ("origin", "http://localhost:3000")
        let asked = "authorization,content-type,x-stainless-os,x-stainless-retry-count"
        let preflight = await sim.send("OPTIONS", "/v1/chat/completions", key: nil,
                                       headers: [origin, ("access-control-request-method", "POST"), ("access-control-request-headers", asked)])
        #expect(preflight.status == 200 && preflight.body.isEmpty)
        #expect(preflight.header("access-control-allow-origin") == "*")
        #expect(preflight.header("access-control-allow-headers") == asked)
        #expect(preflight.header("access-control-allow-methods")?.contains("POST") == true)
        // The answers themselves: readable from any origin, with the request id exposed; errors too.
        let ok = await sim.send("GET", "/v1/models", headers: [origin])
        #expect(ok.status == 200 && ok.header("access-control-allow-origin") == "*")
        #expect(ok.header("access-control-expose-headers")?.contains("x-request-id") == true)
        let denied = await sim.send("GET", "/v1/models", key: nil, headers: [origin])
        #expect(denied.status == 401 && denied.header("access-control-allow-origin") == "*")
        #expect(await sim.send("GET", "/__sim/health", key: nil, headers: [origin]).header("access-control-allow-origin") == "*")
        // Without Origin nothing changes: no CORS headers, and OPTIONS is no preflight.
        #expect(await sim.send("GET", "/v1/models").header("access-control-allow-origin") == nil)
        #expect(await sim.send("OPTIONS", "/v1/models", key: nil).status == 401)
        #expect(await sim.send("OPTIONS", "/v1/models", key: nil, headers: [origin]).status == 401)  // no request method: not a preflight
    }

    @Test func missingKeyIs401LikeTheAPI() async {
        let r = await sim.send("GET", "/v1/models", key: nil)
        #expect(r.status == 401)
        #expect(r.json["error"]?["type"] == "invalid_request_error")
        #expect(r.json["error"]?["code"] == .null)
        #expect(r.json["error"]?["message"]?.stringValue?.hasPrefix("You didn't provide an API key.") == true)
        #expect(r.header("x-request-id") != nil)
    }

    @Test func bearerTokenParsing() {
        #expect(App.bearerToken("Bearer sk-test") == "sk-test")
        #expect(App.bearerToken("bearer   sk-test  ") == "sk-test")
        #expect(App.bearerToken("BEARER\tMy API Key") == "My API Key")
        #expect(App.bearerToken("  sk-raw  ") == "sk-raw")
        #expect(App.bearerToken("sk-raw") == "sk-raw")
        #expect(App.bearerToken("Bearer") == "")
        #expect(App.bearerToken("Bearer    ") == "")
        #expect(App.bearerToken("") == "")
        #expect(App.bearerToken("Bearerish") == "ish")
        #expect(App.bearerToken("Béarer x") == "Béarer x")
    }

    @Test func anyNonEmptyBearerTokenIsAccepted() async {
        for key in ["sk-test", "test", "My API Key"] {
            #expect(await sim.send("GET", "/v1/models", key: key).status == 200)
        }
        #expect(await sim.send("GET", "/v1/models", key: nil, headers: [("authorization", "Bearer ")]).status == 401)
    }

    @Test func unknownRouteIs404InvalidURL() async {
        let r = await sim.send("GET", "/v1/nope")
        #expect(r.status == 404)
        #expect(r.text == #"{"error":{"message":"Invalid URL (GET /v1/nope)","type":"invalid_request_error","param":null,"code":null}}"#)
        let wrongMethod = await sim.send("PUT", "/v1/files")
        #expect(wrongMethod.status == 404 && wrongMethod.json["error"]?["message"] == "Invalid URL (PUT /v1/files)")
    }

    @Test func malformedJSONIs400NotACrash() async {
        let r = await sim.send("POST", "/v1/uploads", body: .bytes(Array("{\"filename\": ".utf8)),
                               headers: [("content-type", "application/json")])
        #expect(r.status == 400)
        #expect(r.json["error"]?["message"]?.stringValue?.hasPrefix("We could not parse the JSON body") == true)
        // Bytes that are not UTF-8 inside a string: not JSON either (they were answered 200, as U+FFFD).
        let notUTF8 = await sim.send("POST", "/v1/chat/completions",
                                     body: .bytes(Array(#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"bad "#.utf8) + [0xFF, 0xFE]
                                                  + Array(#""}]}"#.utf8)), headers: [("content-type", "application/json")])
        #expect(notUTF8.status == 400)
        #expect(notUTF8.json["error"]?["message"]?.stringValue?.hasPrefix("We could not parse the JSON body") == true)
        let wrongType = await sim.send("POST", "/v1/uploads", json: ["filename": "a.jsonl", "purpose": "batch", "bytes": "ten", "mime_type": "x"])
        #expect(wrongType.status == 400 && wrongType.json["error"]?["param"] == "bytes" && wrongType.json["error"]?["code"] == "invalid_type")
        let missing = await sim.send("POST", "/v1/uploads", json: ["filename": "a.jsonl"])
        #expect(missing.status == 400 && missing.json["error"]?["param"] == "purpose")
        let unknown = await sim.send("POST", "/v1/uploads", json: ["filename": "a.jsonl", "purpose": "batch", "bytes": 1, "mime_type": "x", "colour": "red"])
        #expect(unknown.status == 400 && unknown.json["error"]?["param"] == "colour")
        let array = await sim.send("POST", "/v1/uploads", json: [1, 2])
        #expect(array.status == 400)
    }

    @Test func tooLargeBodyIs413() async {
        var req = HTTPRequest(method: "POST", target: "/v1/files", headers: [("authorization", "Bearer k")])
        req.bodyTooLarge = true
        let r: HTTPResponse = await withCheckedContinuation { c in sim.app.respond(to: req).whenReady { c.resume(returning: $0) } }
        #expect(r.status == 413)
    }

    @Test func modelsListRetrieveAndDeleteRules() async {
        let list = await sim.send("GET", "/v1/models")
        let ids = list.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.contains("gpt-4o-mini") && ids.contains("text-embedding-3-small") && ids.contains("omni-moderation-latest"))
        let one = await sim.send("GET", "/v1/models/gpt-4o-mini")
        #expect(one.json["object"] == "model" && one.json["owned_by"] == "system")
        let missing = await sim.send("GET", "/v1/models/gpt-9")
        #expect(missing.status == 404 && missing.json["error"]?["code"] == "model_not_found")
        let refuse = await sim.send("DELETE", "/v1/models/gpt-4o-mini")
        #expect(refuse.status == 403)
        try? sim.app.services.models.register(tenant: Tenant.forAPIKey("sk-test"), id: "ft:gpt-4o-mini-2024-07-18:org:x:abc",
                                              created: 1, base: "gpt-4o-mini-2024-07-18")
        let ft = await sim.send("GET", "/v1/models/ft:gpt-4o-mini-2024-07-18:org:x:abc")
        #expect(ft.status == 200 && ft.json["_base"] == nil)
        #expect(await sim.send("GET", "/v1/models/ft:gpt-4o-mini-2024-07-18:org:x:abc", key: "other").status == 404)
        let del = await sim.send("DELETE", "/v1/models/ft:gpt-4o-mini-2024-07-18:org:x:abc")
        #expect(del.json["deleted"] == true)
        #expect(await sim.send("GET", "/v1/models/ft:gpt-4o-mini-2024-07-18:org:x:abc").status == 404)
    }

    @Test func sameSeedSameRequestsGiveByteIdenticalBodies() async {
        func run() async -> [[UInt8]] {
            let s = TestHarness(seed: 42)
            var out: [[UInt8]] = []
            for i in 0..<3 {
                out.append(await s.sendMultipart("/v1/files", fields: [("purpose", "batch")], files: [("file", "\(i).jsonl", [1, 2, 3])]).body)
            }
            out.append(await s.send("GET", "/v1/files").body)
            out.append(await s.send("POST", "/v1/uploads", json: ["filename": "u.jsonl", "purpose": "batch", "bytes": 3, "mime_type": "text/jsonl"]).body)
            return out
        }
        let a = await run(), b = await run()
        #expect(a == b)
        let c = await TestHarness(seed: 43).sendMultipart("/v1/files", fields: [("purpose", "batch")], files: [("file", "0.jsonl", [1, 2, 3])]).body
        #expect(c != a[0])
    }

    @Test func controlPlaneClockResetAndJournal() async {
        let health = await sim.send("GET", "/__sim/health", key: nil)
        #expect(health.status == 200 && health.json["status"] == "ok")
        let adv = await sim.send("POST", "/__sim/clock/advance", key: nil, json: ["seconds": 90])
        #expect(adv.json["unix"]?.intValue == Int64(VirtualClock.defaultStart) + 90)
        _ = await sim.sendMultipart("/v1/files", key: "k1", fields: [("purpose", "batch")], files: [("file", "a.jsonl", [1])])
        _ = await sim.send("GET", "/v1/files", key: "k2")
        let journal = await sim.send("GET", "/__sim/requests?tenant=k1", key: nil)
        let entries = journal.json["data"]?.arrayValue ?? []
        #expect(entries.count == 1)
        #expect(entries.first?["path"] == "/v1/files" && entries.first?["status"] == 200)
        #expect(entries.first?["response_body"]?["object"] == "file")
        #expect(entries.first?["request_id"]?.stringValue?.hasPrefix("req_") == true)
        let reset = await sim.send("POST", "/__sim/reset", key: nil, json: ["api_key": "k1"])
        #expect(reset.status == 200)
        #expect(await sim.send("GET", "/v1/files", key: "k1").json["data"]?.arrayValue?.isEmpty == true)
        #expect(await sim.send("GET", "/__sim/nope", key: nil).status == 404)
    }
}

import Foundation
@testable import SimApp
import SimCore
import SimHTTP
import SimScenarios
import SimSupport
import SimTesting

/// An in-process app with the scenario middleware, a virtual clock and memory stores.
final class ScenarioSim: Sendable {
    let app: App
    let clock = VirtualClock()
    let engine: ScenarioEngine
    let env: SimEnvironment

    init(seed: UInt64 = 0, directory: String = ScenarioSim.libraryDirectory, global: [Scenario] = []) {
        env = SimEnvironment(clock: clock, seed: seed, records: MemoryRecordStore(), blobs: MemoryBlobStore())
        engine = ScenarioEngine(library: ScenarioLibrary(directory: directory), seed: seed, global: global)
        app = App(env: env, middlewares: [ScenarioMiddleware(engine: engine, clock: clock)])
    }

    /// The repository's `scenarios/` directory.
    static let libraryDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("scenarios").path
    }()

    struct Result: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]
        let fault: TransportFault?
        var json: JSON { (try? JSONParser.parse(body)) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    func reply(_ method: String, _ target: String, key: String = "sk-test", json: JSON? = nil, headers: [(String, String)] = []) -> HTTPReply {
        var h = headers
        h.append(("authorization", "Bearer \(key)"))
        var body = RequestBody.empty
        if let json { body = .bytes(json.encoded); h.append(("content-type", "application/json")) }
        return app.respond(to: HTTPRequest(method: method, target: target, headers: h, body: body))
    }

    func send(_ method: String, _ target: String, key: String = "sk-test", json: JSON? = nil,
              headers: [(String, String)] = []) async -> Result {
        await Self.collect(reply(method, target, key: key, json: json, headers: headers))
    }

    static func collect(_ reply: HTTPReply) async -> Result {
        let r: HTTPResponse = await withCheckedContinuation { c in reply.whenReady { c.resume(returning: $0) } }
        var bytes: [UInt8] = []
        switch r.body {
        case let .bytes(b): bytes = b
        case let .stream(s): bytes = await s.collect()
        case .file: bytes = []
        }
        return Result(status: r.status, headers: r.headers, body: bytes, fault: r.fault)
    }

    /// Activates scenario text for `key`'s tenant (nil: every tenant) through the control plane.
    func activate(_ yaml: String, key: String? = "sk-test") async -> Result {
        var body: [(String, JSON)] = [("yaml", .string(yaml))]
        if let key { body.append(("api_key", .string(key))) }
        return await send("POST", "/__sim/scenarios", json: .object(body))
    }

    func journal() async -> [JSON] {
        await send("GET", "/__sim/requests").json["data"]?.arrayValue ?? []
    }
}

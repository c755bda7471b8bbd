import Foundation
import OpenAIClient
import SimSupport
import Testing

/// Records what the client did: requests seen and sleeps asked for.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _requests: [InProcessTransport.Received] = []
    private var _sleeps: [Double] = []

    var requests: [InProcessTransport.Received] { lock.lock(); defer { lock.unlock() }; return _requests }
    var sleeps: [Double] { lock.lock(); defer { lock.unlock() }; return _sleeps }
    func record(_ r: InProcessTransport.Received) { lock.lock(); _requests.append(r); lock.unlock() }
    func slept(_ s: Double) { lock.lock(); _sleeps.append(s); lock.unlock() }
}

/// A client over a scripted transport whose replies are taken in order (the last one repeats).
func scriptedClient(_ replies: [Result<InProcessTransport.Reply, TransportError>], maxRetries: Int = 2,
                    random: Double = 0, now: Date = Date(timeIntervalSince1970: 1_700_000_000)) -> (OpenAIClient, Recorder) {
    let rec = Recorder()
    let transport = InProcessTransport { received in
        rec.record(received)
        let i = min(rec.requests.count - 1, replies.count - 1)
        return try replies[i].get()
    }
    var c = OpenAIClient.Configuration(baseURL: URL(string: "http://api.test/v1") ?? OpenAIClient.Configuration.defaultBaseURL,
                                       apiKey: "sk-test", maxRetries: maxRetries, transport: transport)
    c.sleep = { rec.slept($0) }
    c.random = { random }
    c.now = { now }
    return (OpenAIClient(configuration: c), rec)
}

let modelJSON = #"{"id":"gpt-4o-mini","object":"model","created":1700000000,"owned_by":"system"}"#
let okModel = InProcessTransport.Reply.json(200, modelJSON, headers: ["x-request-id": "req_ok"])

func errorReply(_ status: Int, headers: [String: String] = [:], type: String = "server_error", param: String? = nil,
                code: String? = nil) -> InProcessTransport.Reply {
    let p = param.map { "\"\($0)\"" } ?? "null"
    let c = code.map { "\"\($0)\"" } ?? "null"
    return .json(status, #"{"error":{"message":"boom \#(status)","type":"\#(type)","param":\#(p),"code":\#(c)}}"#,
                 headers: headers.merging(["x-request-id": "req_\(status)"]) { a, _ in a })
}

/// Expects `body` to fail with an `OpenAIError.status` of `status` naming `param` (and `code`, if given).
func expectAPIError(_ status: Int, param: String?, code: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                    _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected a \(status) error", sourceLocation: sourceLocation)
    } catch let OpenAIError.status(e) {
        #expect(e.status == status && e.param == param, "\(e)", sourceLocation: sourceLocation)
        if let code { #expect(e.code == code, "\(e)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

import FoundationEssentials
import Glibc
import OpenAIClientCore
import OpenAIWire

/// The `check` steps, grouped by area; each area stops at its first failed step.
final class CheckSuite: @unchecked Sendable {
    let client: OpenAIClient
    /// A client that sends no credentials (the 401 case).
    let anonymous: OpenAIClient
    let options: CheckCommand.Options
    let report = CheckReport()

    /// Raised by `step` after it recorded a failure: the rest of the area is not run.
    struct AreaAborted: Error {}

    init(client: OpenAIClient, anonymous: OpenAIClient, options: CheckCommand.Options) {
        self.client = client
        self.anonymous = anonymous
        self.options = options
    }

    func runAll() async {
        for area in options.only {
            do {
                switch area {
                case "models": try await checkModels()
                case "files": try await checkFiles()
                case "uploads": try await checkUploads()
                case "chat": try await checkChat()
                case "responses": try await checkResponses()
                case "conversations": try await checkConversations()
                case "embeddings": try await checkEmbeddings()
                case "moderations": try await checkModerations()
                case "batches": try await checkBatches()
                case "evals": try await checkEvals()
                case "fine_tuning": try await checkFineTuning()
                case "errors": try await checkErrors()
                default: break
                }
            } catch {
                // AreaAborted: the failing step is already recorded.
            }
        }
    }

    /// Runs one step, records pass/fail with its duration, and aborts the area on failure.
    @discardableResult
    func step<T>(_ area: String, _ name: String, _ body: () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let start = clock.now
        func ms() -> Int {
            let d = clock.now - start
            return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
        }
        do {
            let value = try await body()
            report.add(.init(area: area, step: name, result: .pass, ms: ms(), detail: ""))
            return value
        } catch {
            report.add(.init(area: area, step: name, result: .fail, ms: ms(), detail: "\(error)"))
            throw AreaAborted()
        }
    }

    /// Records a step that was deliberately not run.
    func skip(_ area: String, _ name: String, _ why: String) {
        report.add(.init(area: area, step: name, result: .skip, ms: 0, detail: why))
    }

    /// Polls `fetch` until `done` holds, waiting 0.2 s growing to 5 s between tries, at most
    /// `--poll-timeout` seconds; returns every value seen (the last one satisfies `done`).
    func poll<T>(_ what: String, fetch: () async throws -> T, done: (T) -> Bool) async throws -> [T] {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(options.pollTimeout * 1000))
        var wait = 0.2
        var seen: [T] = []
        while true {
            let v = try await fetch()
            seen.append(v)
            if done(v) { return seen }
            guard clock.now + .milliseconds(Int64(wait * 1000)) < deadline else {
                throw CheckFailure("\(what) not terminal after \(Int(options.pollTimeout)) s (\(seen.count) polls)")
            }
            try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
            wait = min(wait * 1.5, 5)
        }
    }

    /// Expects `call` to fail with HTTP `status` and the API's error shape; returns the error.
    @discardableResult
    func expectStatus<T>(_ status: Int, _ call: () async throws -> T) async throws -> APIStatusError {
        do {
            let v = try await call()
            throw CheckFailure("expected HTTP \(status), got a 2xx answer: \(String(describing: v).prefix(200))")
        } catch OpenAIError.decoding(let d, _) {
            throw CheckFailure("expected HTTP \(status), got a 2xx answer (that does not even decode: \(d))")
        } catch let OpenAIError.status(e) {
            try expect(e.status == status, "expected HTTP \(status), got \(e)")
            try expect(e.error != nil, "HTTP \(status) body is not {\"error\":{message,type,param,code}}: \(String(decoding: e.body.prefix(300), as: UTF8.self))")
            try expect(!(e.error?.message.isEmpty ?? true), "error.message is empty")
            return e
        }
    }

    /// A temporary file with `data`, in a directory of its own; the caller removes it with
    /// `removeTemporaryFile`, which removes the directory too.
    func temporaryFile(_ name: String, _ data: Data) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("openai-sim-check-\(getpid())-\(name)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    func removeTemporaryFile(_ url: URL) {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }
}

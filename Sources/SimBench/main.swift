// In-process microbenchmark: drives the real App (memory stores, virtual clock, a logger that
// formats every line and drops it) without sockets, and prints CPU microseconds per request.
// It measures the Swift side of a request (what `make bench` compares against the C reference
// includes libmicrohttpd and the kernel too). Usage:
//
//   sim-microbench [--iterations N] [--seconds S] [--journal-size N] [--real-logger] [--threads N] [--slowest N] METHOD PATH [BODY_FILE] ...
//
// PATH may contain {file_id} (a small file is uploaded first). BODY_FILE is JSON.
import Foundation
import SimApp
import SimCore
import SimHTTP
import SimSupport
import SimTesting

func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1e6 + Double(ts.tv_nsec) / 1e3
}

var args = Array(CommandLine.arguments.dropFirst())
var seconds = 2.0
var iterations: Int?
var journalSize = 1000
var realLogger = false
var threads = 1
var slowest = 0
while let first = args.first, first.hasPrefix("--") {
    args.removeFirst()
    if first == "--real-logger" { realLogger = true; continue }
    let value = args.isEmpty ? "" : args.removeFirst()
    if first == "--seconds" { seconds = Double(value) ?? seconds }
    if first == "--iterations" { iterations = Int(value) }
    if first == "--journal-size" { journalSize = Int(value) ?? journalSize }
    if first == "--threads" { threads = max(1, Int(value) ?? 1) }
    if first == "--slowest" { slowest = max(0, Int(value) ?? 0) }
}
if args.isEmpty {
    args = ["GET", "/v1/models", "GET", "/v1/files/{file_id}",
            "POST", "/v1/chat/completions", "bench/bodies/chat_1k.json",
            "POST", "/v1/responses", "bench/bodies/responses_1k.json",
            "POST", "/v1/moderations", "bench/bodies/moderation_1k.json"]
}

struct Row { var method: String; var path: String; var body: [UInt8]? }
var rows: [Row] = []
var i = 0
while i + 1 < args.count {
    var row = Row(method: args[i], path: args[i + 1], body: nil)
    i += 2
    // A body file: any argument that is not a method or a route (an absolute path counts when
    // the file exists, so that /tmp/body.json works).
    if row.method != "GET", i < args.count, args[i] != "GET", args[i] != "POST",
       !args[i].hasPrefix("/") || FileManager.default.fileExists(atPath: args[i]) {
        guard let d = FileManager.default.contents(atPath: args[i]) else { fatalError("cannot read \(args[i])") }
        row.body = Array(d)
        i += 1
    }
    rows.append(row)
}

// By default log lines go to a sink that drops them; --real-logger uses the daemon's buffered
// standard-error path (redirect 2>/dev/null).
let logger = realLogger ? Logger(format: .text) : Logger(format: .text, sink: { line in _ = line.utf8.count })
let env = SimEnvironment(clock: VirtualClock(), seed: 0, records: MemoryRecordStore(), blobs: MemoryBlobStore(), logger: logger)
let app = App(env: env, journal: Journal(capacity: journalSize))

func send(_ method: String, _ path: String, _ body: RequestBody, _ ctype: String?) -> HTTPResponse {
    // Built the way SimServer builds it: path and query apart, header names already lower-case.
    var headers = [("host", "127.0.0.1:4010"), ("authorization", "Bearer bench")]
    if let ctype { headers.append(("content-type", ctype)) }
    let req = HTTPRequest(method: method, path: path, headers: headers, body: body)
    final class Box: @unchecked Sendable { var r: HTTPResponse? }
    let box = Box()
    app.respond(to: req).whenReady { box.r = $0 }
    guard let out = box.r else { fatalError("\(method) \(path) did not answer synchronously") }
    return out
}

let boundary = "benchboundary"
let upload = send("POST", "/v1/files", .bytes(TestHarness.multipartBody(boundary: boundary, fields: [("purpose", "assistants")],
    files: [("file", "bench.jsonl", Array(String(repeating: "{\"prompt\": \"bench\", \"completion\": \"ok\"}\n", count: 16).utf8))])),
    "multipart/form-data; boundary=\(boundary)")
guard case let .bytes(ub) = upload.body, let fileID = (try? JSONParser.parse(ub))?["id"]?.stringValue else { fatalError("upload failed") }

print("request                         µs/req (thread CPU)   requests")
for row in rows {
    let path = row.path.replacingOccurrences(of: "{file_id}", with: fileID)
    let body: RequestBody = row.body.map { .bytes($0) } ?? .empty
    let ctype = row.body == nil ? nil : "application/json"
    let first = send(row.method, path, body, ctype)
    guard (200..<300).contains(first.status) else { fatalError("\(row.method) \(path) answered \(first.status)") }
    for _ in 0..<200 { _ = send(row.method, path, body, ctype) } // warm-up
    // Each thread runs the same loop against the same app and tenant (as the daemon's MHD
    // threads do); the figure is the mean of the threads' CPU per request, so contention
    // between them (locks, shared reference counts) shows as a higher figure than --threads 1.
    final class Result: @unchecked Sendable { var per: [Double]; var counts: [Int]; init(_ n: Int) { per = Array(repeating: 0, count: n); counts = per.map { _ in 0 } } }
    let result = Result(threads)
    let (seconds, iterations, method, rowPath) = (seconds, iterations, row.method, path)
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        let start = threadCPU()
        var n = 0
        while true {
            _ = send(method, rowPath, body, ctype)
            n += 1
            if let iterations { if n >= iterations { break } } else if n % 64 == 0, threadCPU() - start > seconds * 1e6 { break }
        }
        result.per[t] = (threadCPU() - start) / Double(n)
        result.counts[t] = n
    }
    if slowest > 0 {
        // Wall time of single requests, to find pauses (e.g. a store's table growing); the
        // slowest ones with their request number.
        var times: [(Double, Int)] = []
        for k in 0..<(iterations ?? 100_000) {
            var a = timespec(), b = timespec()
            clock_gettime(CLOCK_MONOTONIC, &a)
            _ = send(method, rowPath, body, ctype)
            clock_gettime(CLOCK_MONOTONIC, &b)
            times.append((Double(b.tv_sec - a.tv_sec) * 1e6 + Double(b.tv_nsec - a.tv_nsec) / 1e3, k))
        }
        for (us, k) in times.sorted(by: { $0.0 > $1.0 }).prefix(slowest) { print(String(format: "  slow: %10.0f µs at request %d", us, k)) }
    }
    let per = result.per.reduce(0, +) / Double(threads)
    print("\(row.method) \(row.path)".padding(toLength: 34, withPad: " ", startingAt: 0), String(format: "%8.2f", per), "          ", result.counts.reduce(0, +))
}

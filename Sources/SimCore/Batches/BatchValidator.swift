import SimSupport

/// Checks a batch input file line by line, reading it as a stream, the way the Batch API does
/// during `validating`. Problems become `errors.data[]` entries with `code`, `message`, `param`, `line`.
struct BatchValidator {
    static let maxLines = 50_000
    static let maxBytes = 200 * 1024 * 1024
    static let maxEmbeddingInputs = 50_000
    static let maxErrors = 1000
    static let windowLines = 512

    struct Outcome {
        var lines = 0
        var model: String?
        var errors: [JSON] = []
    }

    static func error(_ code: String, _ message: String, param: String? = nil, line: Int? = nil) -> JSON {
        .object([("code", .string(code)), ("message", .string(message)), ("param", JSON(param)), ("line", JSON(line))])
    }

    /// Calls `body(i)` for every `i` in `0..<count`, possibly on several threads.
    typealias ParallelFor = (_ count: Int, _ body: @Sendable (Int) -> Void) -> Void

    static func validate(path: String, size: Int, endpoint: String,
                         parallel: ParallelFor = { n, body in for i in 0..<n { body(i) } }) -> Outcome {
        var out = Outcome()
        if size > maxBytes {
            out.errors.append(error("file_too_large", "The input file is \(size) bytes; batch input files can be at most 200 MB.", param: "input_file_id"))
            return out
        }
        let reader: LineReader
        do { reader = try LineReader(path: path) } catch {
            out.errors.append(Self.error("file_unreadable", "The input file could not be read.", param: "input_file_id"))
            return out
        }
        var seen = Set<String>()
        var embeddingInputs = 0
        func add(_ e: JSON) { if out.errors.count < maxErrors { out.errors.append(e) } }
        func check(_ n: Int, _ parsed: JSON?) {
            out.lines += 1
            guard let value = parsed else {
                add(Self.error("invalid_json_line", "This line is not parseable as valid JSON.", line: n)); return
            }
            guard case .object = value else {
                add(Self.error("invalid_json_line", "Each line must be a JSON object.", line: n)); return
            }
            guard let customID = value["custom_id"]?.stringValue, !customID.isEmpty else {
                add(Self.error("missing_required_parameter", "Missing required parameter: 'custom_id'.", param: "custom_id", line: n)); return
            }
            if !seen.insert(customID).inserted {
                add(Self.error("duplicate_custom_id", "The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.", param: "custom_id", line: n))
            }
            guard let method = value["method"]?.stringValue else {
                add(Self.error("missing_required_parameter", "Missing required parameter: 'method'.", param: "method", line: n)); return
            }
            if method.uppercased() != "POST" {
                add(Self.error("invalid_method", "Invalid value: '\(method)'. Supported values are: 'POST'.", param: "method", line: n))
            }
            guard let url = value["url"]?.stringValue else {
                add(Self.error("missing_required_parameter", "Missing required parameter: 'url'.", param: "url", line: n)); return
            }
            if url != endpoint {
                add(Self.error("mismatched_url", "The URL provided for this request (\(url)) does not match the batch endpoint (\(endpoint)).", param: "url", line: n))
            }
            guard let body = value["body"], case .object = body else {
                add(Self.error("missing_required_parameter", "Missing required parameter: 'body' (a JSON object).", param: "body", line: n)); return
            }
            guard let model = body["model"]?.stringValue, !model.isEmpty else {
                add(Self.error("missing_required_parameter", "Missing required parameter: 'body.model'.", param: "body.model", line: n)); return
            }
            if out.model == nil { out.model = model }
            if body["stream"]?.boolValue == true {
                add(Self.error("invalid_value", "Streaming is not supported in batches.", param: "body.stream", line: n))
            }
            if endpoint == "/v1/embeddings" {
                embeddingInputs += body["input"]?.arrayValue.map { arr in arr.allSatisfy { $0.intValue != nil } ? 1 : arr.count } ?? 1
            }
        }
        // Lines are read and parsed a window at a time (parsing on several threads), then checked in order.
        var window: [(number: Int, raw: [UInt8])] = []
        var parsed: [JSON?] = []
        var readError: String?
        var atEnd = false
        while !atEnd {
            window.removeAll(keepingCapacity: true)
            while window.count < windowLines {
                let line: LineReader.Line?
                do { line = try reader.next() } catch { readError = "\(error)"; break }
                guard let line else { break }
                if BatchLine.isBlank(line.bytes) { continue }
                window.append((line.number, Array(line.bytes)))
            }
            atEnd = window.count < windowLines
            parsed = [JSON?](repeating: nil, count: window.count)
            parsed.withUnsafeMutableBufferPointer { results in
                let results = UncheckedSendable(results.baseAddress!)
                window.withUnsafeBufferPointer { lines in
                    let lines = UncheckedSendable(lines.baseAddress!)
                    let count = window.count, grain = 64
                    parallel((count + grain - 1) / grain) { k in
                        for i in k * grain..<min(count, (k + 1) * grain) { results.value[i] = try? JSONParser.parse(lines.value[i].raw) }
                    }
                }
            }
            for (i, line) in window.enumerated() { check(line.number, parsed[i]) }
        }
        if let readError { add(Self.error("invalid_json_line", readError, line: out.lines + 1)) }
        if out.lines == 0 && out.errors.isEmpty {
            out.errors.append(error("empty_file", "The input file is empty.", param: "input_file_id"))
        }
        if out.lines > maxLines {
            out.errors.insert(error("too_many_requests", "The input file has \(out.lines) requests; a batch can contain at most \(maxLines).", param: "input_file_id"), at: 0)
        }
        if embeddingInputs > maxEmbeddingInputs {
            out.errors.insert(error("too_many_embedding_inputs", "The batch has \(embeddingInputs) embedding inputs; an embeddings batch can contain at most \(maxEmbeddingInputs) inputs across all requests.", param: "input_file_id"), at: 0)
        }
        return out
    }
}

import SimSupport

/// Checks a batch input file line by line, reading it as a stream, the way the Batch API does
/// during `validating`. Problems become `errors.data[]` entries with `code`, `message`, `param`, `line`.
struct BatchValidator {
    static let maxLines = 50_000
    static let maxBytes = 200 * 1024 * 1024
    static let maxEmbeddingInputs = 50_000
    static let maxErrors = 1000

    struct Outcome {
        var lines = 0
        var model: String?
        var errors: [JSON] = []
    }

    static func error(_ code: String, _ message: String, param: String? = nil, line: Int? = nil) -> JSON {
        .object([("code", .string(code)), ("message", .string(message)), ("param", JSON(param)), ("line", JSON(line))])
    }

    static func validate(path: String, size: Int, endpoint: String) -> Outcome {
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
        while true {
            let line: LineReader.Line?
            do { line = try reader.next() } catch {
                add(Self.error("invalid_json_line", "\(error)", line: out.lines + 1)); break
            }
            guard let line else { break }
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            out.lines += 1
            let n = line.number
            let value: JSON
            do { value = try JSONParser.parse(Array(line.bytes)) } catch {
                add(Self.error("invalid_json_line", "This line is not parseable as valid JSON.", line: n)); continue
            }
            guard case .object = value else {
                add(Self.error("invalid_json_line", "Each line must be a JSON object.", line: n)); continue
            }
            guard let customID = value["custom_id"]?.stringValue, !customID.isEmpty else {
                add(Self.error("missing_required_parameter", "Missing required parameter: 'custom_id'.", param: "custom_id", line: n)); continue
            }
            if !seen.insert(customID).inserted {
                add(Self.error("duplicate_custom_id", "The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.", param: "custom_id", line: n))
            }
            guard let method = value["method"]?.stringValue else {
                add(Self.error("missing_required_parameter", "Missing required parameter: 'method'.", param: "method", line: n)); continue
            }
            if method.uppercased() != "POST" {
                add(Self.error("invalid_method", "Invalid value: '\(method)'. Supported values are: 'POST'.", param: "method", line: n))
            }
            guard let url = value["url"]?.stringValue else {
                add(Self.error("missing_required_parameter", "Missing required parameter: 'url'.", param: "url", line: n)); continue
            }
            if url != endpoint {
                add(Self.error("mismatched_url", "The URL provided for this request (\(url)) does not match the batch endpoint (\(endpoint)).", param: "url", line: n))
            }
            guard let body = value["body"], case .object = body else {
                add(Self.error("missing_required_parameter", "Missing required parameter: 'body' (a JSON object).", param: "body", line: n)); continue
            }
            guard let model = body["model"]?.stringValue, !model.isEmpty else {
                add(Self.error("missing_required_parameter", "Missing required parameter: 'body.model'.", param: "body.model", line: n)); continue
            }
            if out.model == nil { out.model = model }
            if body["stream"]?.boolValue == true {
                add(Self.error("invalid_value", "Streaming is not supported in batches.", param: "body.stream", line: n))
            }
            if endpoint == "/v1/embeddings" {
                embeddingInputs += body["input"]?.arrayValue.map { arr in arr.allSatisfy { $0.intValue != nil } ? 1 : arr.count } ?? 1
            }
        }
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

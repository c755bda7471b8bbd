import SimHTTP
import SimSupport

extension Cassette {
    /// The cassette as its JSON document.
    public var json: JSON {
        var pairs: [(String, JSON)] = [("version", .int(Int64(version))), ("name", .string(name)), ("source", .string(source))]
        if let upstream { pairs.append(("upstream", .string(upstream))) }
        pairs.append(("match", .object([("ignore_fields", .array(ignoreFields.map { .string($0) }))])))
        pairs.append(("interactions", .array(interactions.map(\.json))))
        return .object(pairs)
    }

    /// Reads a cassette document, refusing unknown versions and malformed entries.
    public init(json: JSON) throws(CassetteError) {
        guard case .object = json else { throw CassetteError("a cassette is a JSON object") }
        guard let v = json["version"]?.intValue else { throw CassetteError("missing \"version\"") }
        guard v == Int64(Cassette.currentVersion) else {
            throw CassetteError("cassette version \(v) is not supported (this build reads version \(Cassette.currentVersion))")
        }
        name = json["name"]?.stringValue ?? "recording"
        source = json["source"]?.stringValue ?? "proxy"
        upstream = json["upstream"]?.stringValue
        ignoreFields = (json["match"]?["ignore_fields"]?.arrayValue ?? []).compactMap(\.stringValue)
        guard let items = json["interactions"]?.arrayValue else { throw CassetteError("missing \"interactions\" array") }
        var out: [Interaction] = []
        for (i, item) in items.enumerated() {
            do throws(CassetteError) { out.append(try Interaction(json: item, index: i)) } catch {
                throw CassetteError("interactions[\(i)]: \(error.description)")
            }
        }
        interactions = out
    }

    /// Parses cassette bytes.
    public static func decode(_ bytes: [UInt8]) throws(CassetteError) -> Cassette {
        let doc: JSON
        do { doc = try JSONParser.parse(bytes) } catch { throw CassetteError("not JSON: \(error.description)") }
        return try Cassette(json: doc)
    }

    /// The readable JSON bytes written to disk.
    public var encoded: [UInt8] { PrettyJSON.encode(json) }
}

extension Interaction {
    var json: JSON {
        .object([("seq", .int(Int64(seq))), ("started_ms", ms(startedMs)), ("request", request.json), ("response", response.json)])
    }

    init(json: JSON, index: Int) throws(CassetteError) {
        guard let req = json["request"], let resp = json["response"] else { throw CassetteError("needs request and response") }
        seq = json["seq"]?.intValue.map(Int.init) ?? index + 1
        startedMs = json["started_ms"]?.doubleValue ?? 0
        request = try RecordedRequest(json: req)
        response = try RecordedResponse(json: resp)
    }
}

func ms(_ v: Double) -> JSON {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? .int(Int64(r)) : .double(r)
}

func headersJSON(_ h: [(String, String)]) -> JSON { .object(h.map { ($0.0, .string($0.1)) }) }

func headers(from j: JSON?) -> [(String, String)] {
    guard let pairs = j?.objectValue else { return [] }
    return pairs.compactMap { k, v in v.stringValue.map { (k.lowercased(), $0) } ?? v.intValue.map { (k.lowercased(), String($0)) } }
}

extension RecordedRequest {
    var json: JSON {
        var p: [(String, JSON)] = [("method", .string(method)), ("path", .string(path))]
        if !query.isEmpty { p.append(("query", .array(query.map { .array([.string($0.0), .string($0.1)]) }))) }
        if !headers.isEmpty { p.append(("headers", headersJSON(headers))) }
        switch body {
        case .none: break
        case let .json(j): p.append(("body", j))
        case let .text(t): p.append(("body_text", .string(t)))
        case let .binary(sha, size): p.append(("body_file", .object([("sha256", .string(sha)), ("size", .int(Int64(size)))])))
        case let .multipart(parts): p.append(("multipart", .array(parts.map(\.json))))
        }
        return .object(p)
    }

    init(json: JSON) throws(CassetteError) {
        guard let m = json["method"]?.stringValue, let path = json["path"]?.stringValue else {
            throw CassetteError("request needs method and path")
        }
        method = m.uppercased()
        self.path = path
        query = (json["query"]?.arrayValue ?? []).compactMap { pair in
            guard let a = pair.arrayValue, a.count == 2, let k = a[0].stringValue, let v = a[1].stringValue else { return nil }
            return (k, v)
        }
        headers = SimRecording.headers(from: json["headers"])
        if let b = json["body"] {
            body = .json(b)
        } else if let t = json["body_text"]?.stringValue {
            body = .text(t)
        } else if let f = json["body_file"], let sha = f["sha256"]?.stringValue {
            body = .binary(sha256: sha, size: Int(f["size"]?.intValue ?? 0))
        } else if let parts = json["multipart"]?.arrayValue {
            body = .multipart(parts.map(PartDigest.init(json:)))
        } else {
            body = .none
        }
    }
}

extension PartDigest {
    var json: JSON {
        var p: [(String, JSON)] = [("name", .string(name))]
        if let filename { p.append(("filename", .string(filename))) }
        if let contentType { p.append(("content_type", .string(contentType))) }
        if let value { p.append(("value", .string(value))) }
        if let sha256 { p.append(("sha256", .string(sha256))) }
        if value == nil { p.append(("size", .int(Int64(size)))) }
        return .object(p)
    }

    init(json: JSON) {
        self.init(name: json["name"]?.stringValue ?? "", filename: json["filename"]?.stringValue,
                  contentType: json["content_type"]?.stringValue, value: json["value"]?.stringValue,
                  sha256: json["sha256"]?.stringValue, size: Int(json["size"]?.intValue ?? 0))
    }
}

extension RecordedResponse {
    var json: JSON {
        var p: [(String, JSON)] = [("status", .int(Int64(status)))]
        if let fault { p.append(("fault", .string(fault.rawValue))) }
        if let error { p.append(("error", .string(error))) }
        p.append(("elapsed_ms", ms(elapsedMs)))
        if !headers.isEmpty { p.append(("headers", headersJSON(headers))) }
        switch body {
        case .none: break
        case let .json(j): p.append(("body", j))
        case let .text(t): p.append(("body_text", .string(t)))
        case let .file(sha, size): p.append(("body_file", .object([("sha256", .string(sha)), ("size", .int(Int64(size)))])))
        case let .stream(events, cut):
            p.append(("stream", .object([("end", .string(cut ? "cut" : "complete")), ("events", .array(events.map(\.json)))])))
        }
        return .object(p)
    }

    init(json: JSON) throws(CassetteError) {
        guard let s = json["status"]?.intValue else { throw CassetteError("response needs status") }
        status = Int(s)
        if let f = json["fault"]?.stringValue {
            guard let tf = TransportFault(rawValue: f) else { throw CassetteError("unknown fault '\(f)'") }
            fault = tf
        }
        guard status != 0 || fault != nil else { throw CassetteError("status 0 needs a fault") }
        error = json["error"]?.stringValue
        elapsedMs = json["elapsed_ms"]?.doubleValue ?? 0
        headers = SimRecording.headers(from: json["headers"])
        if let b = json["body"] {
            body = .json(b)
        } else if let t = json["body_text"]?.stringValue {
            body = .text(t)
        } else if let f = json["body_file"], let sha = f["sha256"]?.stringValue {
            body = .file(sha256: sha, size: Int(f["size"]?.intValue ?? 0))
        } else if let st = json["stream"] {
            let events = (st["events"]?.arrayValue ?? []).map(StreamEvent.init(json:))
            body = .stream(events: events, cut: st["end"]?.stringValue == "cut")
        } else {
            body = .none
        }
    }
}

extension StreamEvent {
    var json: JSON {
        var p: [(String, JSON)] = [("at_ms", ms(atMs))]
        if let raw { p.append(("raw", .string(raw))); return .object(p) }
        if let event { p.append(("event", .string(event))) }
        if let data { p.append(("data", data)) } else { p.append(("text", .string(text ?? ""))) }
        return .object(p)
    }

    init(json: JSON) {
        self.init(atMs: json["at_ms"]?.doubleValue ?? 0, event: json["event"]?.stringValue, data: json["data"],
                  text: json["text"]?.stringValue, raw: json["raw"]?.stringValue)
    }
}

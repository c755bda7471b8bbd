import FoundationEssentials
import OpenAIWire

/// One API call before it becomes a transport request.
struct Endpoint: Sendable {
    /// Which credential goes in `Authorization`.
    enum Auth: Sendable { case apiKey, admin, adminOrAPIKey }

    var method: String
    var path: String
    var query: [(String, String)] = []
    var body: TransportRequest.Body = .none
    var contentType: String?
    var accept = "application/json"
    var auth = Auth.apiKey

    static func get(_ path: String, query: [(String, String?)] = []) -> Endpoint {
        Endpoint(method: "GET", path: path, query: query.compactMap { k, v in v.map { (k, $0) } })
    }

    static func delete(_ path: String) -> Endpoint { Endpoint(method: "DELETE", path: path) }

    static func post<B: Encodable>(_ path: String, json: B) throws -> Endpoint {
        let data: Data
        do { data = try WireJSON.encoder().encode(json) } catch { throw OpenAIError.invalidRequest("cannot encode body: \(error)") }
        return Endpoint(method: "POST", path: path, body: .data(data), contentType: "application/json")
    }

    static func post(_ path: String) -> Endpoint { Endpoint(method: "POST", path: path) }
}

/// Percent-encodes one path segment (IDs come from callers and servers).
func seg(_ s: String) -> String { percentEncode(s, keeping: "-._~!$&'()*+,;=:@") }

/// `s` with every UTF-8 byte other than ASCII letters, digits and `keeping` written as `%XX`.
func percentEncode(_ s: String, keeping: String) -> String {
    let kept = Set(keeping.utf8)
    var out = ""
    for byte in s.utf8 {
        let isAlnum = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        if isAlnum || kept.contains(byte) {
            out.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            let hex = String(byte, radix: 16, uppercase: true)
            out += byte < 16 ? "%0" + hex : "%" + hex
        }
    }
    return out
}

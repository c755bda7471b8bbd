import Foundation
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
func seg(_ s: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "/?#")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
}

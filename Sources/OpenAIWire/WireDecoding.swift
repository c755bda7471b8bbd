import FoundationEssentials

/// Strict decoding helpers: the spec's "required but nullable" fields and constant discriminators.
extension KeyedDecodingContainer {
    /// Decodes a key that must be present but may be `null` (required + nullable in the spec).
    public func decodeNullable<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath,
                                                       debugDescription: "required key '\(key.stringValue)' is missing"))
        }
        if try decodeNil(forKey: key) { return nil }
        return try decode(T.self, forKey: key)
    }

    /// Decodes a required string that must equal `expected` (the spec's `object`/`type` constants).
    @discardableResult
    public func decodeConstant(_ expected: String, forKey key: Key) throws -> String {
        let value = try decode(String.self, forKey: key)
        guard value == expected else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                                                   debugDescription: "expected \"\(expected)\", got \"\(value)\"")
        }
        return value
    }
}

/// The JSON coders the client uses for wire types (snake_case keys are spelled out per type).
public enum WireJSON {
    /// A decoder for wire types.
    public static func decoder() -> JSONDecoder { JSONDecoder() }

    /// An encoder for request bodies; sorted keys keep bodies byte-stable.
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// Decodes `type` from `data`, turning Foundation's error into a readable path + reason.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(WireDecodingError) -> T {
        do {
            return try decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw WireDecodingError(type: String(describing: T.self), error)
        } catch {
            throw WireDecodingError(type: String(describing: T.self), path: "", reason: "\(error)")
        }
    }
}

/// A response body that does not match its wire type: which type, where, and why.
public struct WireDecodingError: Error, Sendable, CustomStringConvertible {
    public let type: String
    public let path: String
    public let reason: String

    public init(type: String, path: String, reason: String) {
        self.type = type
        self.path = path
        self.reason = reason
    }

    init(type: String, _ error: DecodingError) {
        func render(_ p: [CodingKey]) -> String {
            p.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case let .keyNotFound(key, ctx):
            self.init(type: type, path: render(ctx.codingPath + [key]), reason: "missing required field")
        case let .typeMismatch(t, ctx):
            self.init(type: type, path: render(ctx.codingPath), reason: "expected \(t): \(ctx.debugDescription)")
        case let .valueNotFound(t, ctx):
            self.init(type: type, path: render(ctx.codingPath), reason: "expected \(t), got null")
        case let .dataCorrupted(ctx):
            self.init(type: type, path: render(ctx.codingPath), reason: ctx.debugDescription)
        @unknown default:
            self.init(type: type, path: "", reason: "\(error)")
        }
    }

    public var description: String {
        path.isEmpty ? "\(type): \(reason)" : "\(type)\(path): \(reason)"
    }
}

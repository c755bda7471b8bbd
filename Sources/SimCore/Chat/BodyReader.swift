import SimSupport

/// Typed reads of a JSON request body (or a nested object) that fail as the API does, naming
/// the parameter's full path (`response_format.json_schema.name`).
struct BodyReader {
    let object: JSON
    /// The path as given, or (for an array element) the array's path, with `index` >= 0.
    private let base: String
    private let index: Int
    private let keys: JSON.KeyLengths

    init(_ object: JSON, path: String = "") {
        self.object = object
        base = path
        index = -1
        keys = JSON.KeyLengths(object)
    }

    /// A reader for `array[index]` whose path (`messages[2]`) is only written when an error needs it.
    init(_ object: JSON, array: String, index: Int) {
        self.object = object
        base = array
        self.index = index
        keys = JSON.KeyLengths(object)
    }

    var path: String { index < 0 ? base : "\(base)[\(index)]" }

    func name(_ key: String) -> String {
        let path = self.path
        return path.isEmpty ? key : "\(path).\(key)"
    }

    func raw(_ key: String) -> JSON? {
        guard keys.mayHave(key), let v = object.field(key), !v.isNull else { return nil }
        return v
    }

    func string(_ key: String) throws(APIError) -> String? {
        guard let v = raw(key) else { return nil }
        guard let s = v.stringValue else { throw .invalidType(name(key), expected: "a string", got: v) }
        return s
    }

    func requiredString(_ key: String) throws(APIError) -> String {
        guard let s = try string(key) else { throw .missingParameter(name(key)) }
        return s
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let v = raw(key) else { return nil }
        guard let b = v.boolValue else { throw .invalidType(name(key), expected: "a boolean", got: v) }
        return b
    }

    func int(_ key: String, min lo: Int64? = nil, max hi: Int64? = nil) throws(APIError) -> Int64? {
        guard let v = raw(key) else { return nil }
        guard let i = v.intValue else { throw .invalidType(name(key), expected: "an integer", got: v) }
        if let lo, i < lo {
            throw .invalidRequest("Invalid '\(name(key))': integer below minimum value. Expected a value >= \(lo), but got \(i) instead.",
                                  param: name(key), code: "integer_below_min_value")
        }
        if let hi, i > hi {
            throw .invalidRequest("Invalid '\(name(key))': integer above maximum value. Expected a value <= \(hi), but got \(i) instead.",
                                  param: name(key), code: "integer_above_max_value")
        }
        return i
    }

    func number(_ key: String, min lo: Double, max hi: Double) throws(APIError) -> Double? {
        guard let v = raw(key) else { return nil }
        guard let d = v.doubleValue else { throw .invalidType(name(key), expected: "a number", got: v) }
        if d < lo {
            throw .invalidRequest("Invalid '\(name(key))': decimal below minimum value. Expected a value >= \(Self.show(lo)), but got \(Self.show(d)) instead.",
                                  param: name(key), code: "decimal_below_min_value")
        }
        if d > hi {
            throw .invalidRequest("Invalid '\(name(key))': decimal above maximum value. Expected a value <= \(Self.show(hi)), but got \(Self.show(d)) instead.",
                                  param: name(key), code: "decimal_above_max_value")
        }
        return d
    }

    func array(_ key: String) throws(APIError) -> [JSON]? {
        guard let v = raw(key) else { return nil }
        guard let a = v.arrayValue else { throw .invalidType(name(key), expected: "an array", got: v) }
        return a
    }

    func objectReader(_ key: String) throws(APIError) -> BodyReader? {
        guard let v = raw(key) else { return nil }
        guard case .object = v else { throw .invalidType(name(key), expected: "an object", got: v) }
        return BodyReader(v, path: name(key))
    }

    /// `stop`: one string or up to four (Chat Completions and the legacy Completions).
    func stopSequences() throws(APIError) -> [String] {
        guard let s = raw("stop"), !s.isNull else { return [] }
        if let one = s.stringValue { return [one] }
        guard let many = s.arrayValue else { throw .invalidType(name("stop"), expected: "one of a string or array of strings", got: s) }
        guard many.count <= 4 else {
            throw .invalidRequest("Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length \(many.count) instead.",
                                  param: name("stop"), code: "array_above_max_length")
        }
        var stop: [String] = []
        for (i, v) in many.enumerated() {
            guard let str = v.stringValue else { throw .invalidType("\(name("stop"))[\(i)]", expected: "a string", got: v) }
            stop.append(str)
        }
        return stop
    }

    /// `metadata`: at most 16 string values, keys ≤ 64 and values ≤ 512 characters.
    func metadata(_ key: String = "metadata") throws(APIError) -> JSON? {
        guard let v = raw(key) else { return nil }
        guard let pairs = v.objectValue else { throw .invalidType(name(key), expected: "an object", got: v) }
        if pairs.count > 16 {
            throw .invalidRequest("Invalid '\(name(key))': too many properties. Expected an object with at most 16 properties, but got an object with \(pairs.count) properties instead.",
                                  param: name(key), code: "object_above_max_properties")
        }
        for (k, val) in pairs {
            if k.count > 64 {
                throw .invalidRequest("Invalid '\(name(key))': string too long. Expected a string with maximum length 64, but got a string with length \(k.count) instead.",
                                      param: name(key), code: "string_above_max_length")
            }
            guard let s = val.stringValue else { throw .invalidType("\(name(key)).\(k)", expected: "a string", got: val) }
            if s.count > 512 {
                throw .invalidRequest("Invalid '\(name(key)).\(k)': string too long. Expected a string with maximum length 512, but got a string with length \(s.count) instead.",
                                      param: "\(name(key)).\(k)", code: "string_above_max_length")
            }
        }
        return v
    }

    static func show(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }
}

extension JSON {
    /// Which key lengths (in UTF-8 bytes, modulo 64) an object has: a request reader looks up
    /// dozens of keys a body does not have, and most of them are turned away by their length
    /// alone, without a pass over the members.
    struct KeyLengths: Sendable {
        private var mask: UInt64 = 0
        init(_ object: JSON) {
            guard case let .object(pairs) = object else { return }
            for (k, _) in pairs { mask |= 1 << UInt64(k.utf8.count & 63) }
        }
        /// False only when no key has `key`'s length.
        @inline(__always) func mayHave(_ key: String) -> Bool { mask & (1 << UInt64(key.utf8.count & 63)) != 0 }
    }

    /// `self[key]`, comparing UTF-8 lengths before strings (request readers look up many keys
    /// a body does not have).
    @inline(__always) func field(_ key: String) -> JSON? {
        guard case let .object(pairs) = self else { return nil }
        let length = key.utf8.count
        return pairs.withUnsafeBufferPointer { p in
            for i in p.indices where p[i].0.utf8.count == length && p[i].0 == key { return p[i].1 }
            return nil
        }
    }
}

import SimSupport

/// What the input says that generated values may reuse: proper nouns (for places and names),
/// topic words, and the user's text (for query-like parameters).
public struct SchemaHints: Sendable, Equatable {
    public var properNouns: [String]
    public var topics: [String]
    public var userText: String
    public init(properNouns: [String] = [], topics: [String] = [], userText: String = "") {
        self.properNouns = properNouns
        self.topics = topics
        self.userText = userText
    }

    /// Hints drawn from a user message.
    public static func from(_ text: String) -> SchemaHints {
        SchemaHints(properNouns: TextAnalysis.properNouns(text), topics: TextAnalysis.topicWords(text), userText: text)
    }
}

/// A seeded JSON value that conforms to a JSON Schema (the subset strict structured outputs and
/// function parameters use: object/properties/required/additionalProperties, string with enum
/// and basic formats, number/integer with bounds, boolean, null, array with items and item
/// counts, enum, const, anyOf/oneOf/allOf, type arrays, `$ref` to `$defs`/`definitions`).
/// `pattern` is not honoured.
public struct SchemaValueGenerator {
    private var rng: SeededRandom
    private let root: JSON
    private let hints: SchemaHints
    private static let maxDepth = 12
    /// Values left to write: hostile schemas (huge minItems, nested) cannot make generation explode.
    private var budget = 10_000

    public init(schema: JSON, seed: UInt64, hints: SchemaHints = SchemaHints()) {
        rng = SeededRandom(seed: seed)
        root = schema
        self.hints = hints
    }

    /// The user text's words, read once when an enum first asks.
    private var userWords: [String]?

    /// An enum member: one the user's words name when there are such (`orders` for "all my
    /// orders", `delivered_at` for "delivered"), else any.
    mutating func pickEnum(_ values: [JSON]) -> JSON? {
        if userWords == nil { userWords = TextAnalysis.words(hints.userText) }
        let words = userWords ?? []
        guard !words.isEmpty else { return pick(values) }
        let named = values.filter { v in
            guard let s = v.stringValue else { return false }
            let parts = ToolSelector.nameParts(s).flatMap { TextAnalysis.words($0) }.filter { $0.count >= 4 && !WordBank.stopwords.contains($0) }
            return parts.contains { p in words.contains { TextAnalysis.sameStem($0, p) } }
        }
        return pick(named.isEmpty ? values : named)
    }

    /// A value for the whole schema.
    public static func generate(_ schema: JSON, seed: UInt64, hints: SchemaHints = SchemaHints()) -> JSON {
        var g = SchemaValueGenerator(schema: schema, seed: seed, hints: hints)
        return g.value(schema, key: nil, depth: 0)
    }

    mutating func pick<T>(_ items: [T]) -> T? {
        guard !items.isEmpty else { return nil }
        return items[Int(rng.next() % UInt64(items.count))]
    }

    mutating func int(_ range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound)
        if span == UInt64.max { return Int64(bitPattern: rng.next()) }
        return range.lowerBound &+ Int64(bitPattern: rng.next() % (span + 1))
    }

    mutating func value(_ schemaIn: JSON, key: String?, depth: Int) -> JSON {
        budget -= 1
        let schema = SchemaRefs.resolve(schemaIn, root: root)
        guard case .object = schema else { return schema == .bool(false) ? .null : .string(word()) }
        // A schema that recurses through required properties (or allOf) has no finite instance,
        // and hostile ones (huge minItems, nested) would explode: stop with the smallest value.
        if depth >= Self.maxDepth * 2 || budget <= 0 {
            let t = schema["type"]?.stringValue ?? schema["type"]?.arrayValue?.first?.stringValue
            switch t {
            case "object": return .object([])
            case "array": return .array([])
            case "string": return ""
            case "integer", "number": return 0
            case "boolean": return false
            default: return .null
            }
        }
        if let c = schema["const"] { return c }
        if let e = schema["enum"]?.arrayValue, let v = pickEnum(e) { return v }
        if let all = schema["allOf"]?.arrayValue, !all.isEmpty { return value(SchemaRefs.merge(all, root: root), key: key, depth: depth + 1) }
        for k in ["anyOf", "oneOf"] {
            if let options = schema[k]?.arrayValue, !options.isEmpty {
                // Prefer a non-null branch: a value says more than null.
                let nonNull = options.filter { SchemaRefs.resolve($0, root: root)["type"]?.stringValue != "null" }
                let chosen = depth >= Self.maxDepth ? (options.first { SchemaRefs.resolve($0, root: root)["type"]?.stringValue == "null" } ?? options[0])
                    : (pick(nonNull) ?? options[0])
                return value(chosen, key: key, depth: depth + 1)
            }
        }
        var types: [String] = []
        if let t = schema["type"]?.stringValue { types = [t] } else if let ts = schema["type"]?.arrayValue { types = ts.compactMap(\.stringValue) }
        if types.isEmpty {
            if schema["properties"] != nil { types = ["object"] } else if schema["items"] != nil { types = ["array"] } else { types = ["string"] }
        }
        let concrete = types.filter { $0 != "null" }
        if depth >= Self.maxDepth, types.contains("null") { return .null }
        // A schema that recurses through required properties has no finite instance: stop with
        // the smallest value of the type (invalid, but generation must end).

        guard let type = concrete.isEmpty ? "null" : (concrete.count == 1 ? concrete[0] : pick(concrete)) else { return .null }
        switch type {
        case "object": return object(schema, depth: depth)
        case "array": return array(schema, key: key, depth: depth)
        case "string": return .string(string(schema, key: key))
        case "integer": return .int(integer(schema))
        case "number": return number(schema)
        case "boolean": return .bool(rng.next() & 1 == 0)
        default: return .null
        }
    }

    private mutating func object(_ schema: JSON, depth: Int) -> JSON {
        var pairs: [(String, JSON)] = []
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        for (k, sub) in schema["properties"]?.objectValue ?? [] {
            // Deep in a recursive schema only required properties are written, so generation ends.
            if depth >= Self.maxDepth / 2, !required.contains(k) { continue }
            pairs.append((k, value(sub, key: k, depth: depth + 1)))
        }
        return .object(pairs)
    }

    private mutating func array(_ schema: JSON, key: String?, depth: Int) -> JSON {
        let minItems = Int(schema["minItems"]?.intValue ?? 0)
        let maxItems = Int(schema["maxItems"]?.intValue ?? Int64(max(minItems, 3)))
        let lo = min(max(0, minItems), 256), hi = max(lo, min(maxItems, lo + 4))
        var count = lo == hi ? lo : lo + Int(rng.next() % UInt64(hi - lo + 1))
        if depth >= Self.maxDepth / 2 { count = lo }
        if count == 0, depth < Self.maxDepth / 2, hi > 0 { count = 1 }
        let items = schema["items"] ?? .object([])
        return .array((0..<count).map { _ in value(items, key: key.map(Self.singular), depth: depth + 1) })
    }

    private mutating func integer(_ schema: JSON) -> Int64 {
        var lo = schema["minimum"]?.doubleValue.map { Self.clampInt($0.rounded(.up)) } ?? 0
        var hi = schema["maximum"]?.doubleValue.map { Self.clampInt($0.rounded(.down)) } ?? max(lo, 0) &+ 100
        if let x = schema["exclusiveMinimum"]?.doubleValue { lo = max(lo, Self.clampInt(x.rounded(.down)) &+ 1) }
        if let x = schema["exclusiveMaximum"]?.doubleValue { hi = min(hi, Self.clampInt(x.rounded(.up)) &- 1) }
        if schema["minimum"] == nil, schema["exclusiveMinimum"] == nil, hi < lo { lo = hi &- 100 }
        if hi < lo { hi = lo }
        var v = int(lo...hi)
        if let m = schema["multipleOf"]?.intValue, m > 0 {
            v = (v / m) &* m
            if v < lo { v &+= m }
        }
        return v
    }

    private mutating func number(_ schema: JSON) -> JSON {
        var lo = schema["minimum"]?.doubleValue ?? schema["exclusiveMinimum"]?.doubleValue ?? 0
        var hi = schema["maximum"]?.doubleValue ?? schema["exclusiveMaximum"]?.doubleValue ?? max(lo, 0) + 100
        if hi < lo { swap(&lo, &hi) }
        let v = ((lo + (hi - lo) * rng.unit()) * 100).rounded() / 100
        let clamped = Swift.min(Swift.max(v, lo), hi)
        if let x = schema["exclusiveMinimum"]?.doubleValue, clamped <= x { return .double((lo + hi) / 2) }
        if let x = schema["exclusiveMaximum"]?.doubleValue, clamped >= x { return .double((lo + hi) / 2) }
        return .double(clamped)
    }

    private mutating func word() -> String { pick(hints.topics) ?? pick(WordBank.nouns) ?? "value" }

    private mutating func string(_ schema: JSON, key: String?) -> String {
        var s: String
        if let f = schema["format"]?.stringValue, let formatted = formatted(f) {
            s = formatted
        } else {
            s = byName(key?.lowercased() ?? "")
        }
        if let minL = schema["minLength"]?.intValue, s.count < Int(minL) {
            s += String(repeating: "x", count: Int(minL) - s.count)
        }
        if let maxL = schema["maxLength"]?.intValue, maxL >= 0, s.count > Int(maxL) { s = String(s.prefix(Int(maxL))) }
        return s
    }

    private mutating func formatted(_ format: String) -> String? {
        let y = int(2020...2026), mo = int(1...12), d = int(1...28), h = int(0...23), mi = int(0...59)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        switch format {
        case "date": return "\(y)-\(two(mo))-\(two(d))"
        case "date-time": return "\(y)-\(two(mo))-\(two(d))T\(two(h)):\(two(mi)):00Z"
        case "time": return "\(two(h)):\(two(mi)):00"
        case "email": return "\(name(first: true).lowercased()).\(name(first: false).lowercased())@example.com"
        case "uuid":
            let hex = Array("0123456789abcdef")
            var out = ""
            for i in 0..<32 {
                if [8, 12, 16, 20].contains(i) { out += "-" }
                out.append(i == 12 ? "4" : hex[Int(rng.next() % 16)])
            }
            return out
        case "uri", "url": return "https://example.com/\(word().lowercased())"
        case "hostname": return "\(word().lowercased()).example.com"
        case "ipv4": return "192.0.2.\(int(1...254))"
        case "duration": return "PT\(int(1...59))M"
        default: return nil
        }
    }

    private mutating func name(first: Bool) -> String {
        (first ? pick(WordBank.firstNames) : pick(WordBank.lastNames)) ?? "Alex"
    }

    /// A plausible string for a property, from its name and the input's hints.
    private mutating func byName(_ k: String) -> String {
        func has(_ words: String...) -> Bool { words.contains { k.contains($0) } }
        if has("email") { return formatted("email") ?? "alex@example.com" }
        if has("date") || k.hasSuffix("_at") { return formatted("date") ?? "2025-01-01" }
        if has("url", "link", "website") { return formatted("uri") ?? "https://example.com" }
        if has("city", "location", "place", "destination", "address", "origin", "region") {
            return pick(hints.properNouns) ?? pick(WordBank.cities) ?? "Paris"
        }
        if has("country") { return pick(WordBank.countries) ?? "France" }
        if k == "id" || k.hasSuffix("_id") || k.hasSuffix("id") && k.count <= 4 { return "id_\(int(1000...9999))" }
        if has("first") && has("name") { return name(first: true) }
        if has("last", "surname") && has("name") { return name(first: false) }
        if has("name", "author", "person", "user", "participant", "attendee", "owner") {
            if let p = pick(hints.properNouns) { return p }
            return "\(name(first: true)) \(name(first: false))"
        }
        if has("query", "question", "search", "prompt", "input", "keyword", "term") {
            let t = hints.userText.split(whereSeparator: { $0 == "\n" }).first.map(String.init) ?? ""
            return t.isEmpty ? word() : String(t.prefix(120))
        }
        if has("unit") { return pick(["celsius", "fahrenheit"]) ?? "celsius" }
        if has("phone") { return "+1-555-01\(int(10...99))" }
        if has("color", "colour") { return pick(["red", "green", "blue", "teal", "amber"]) ?? "blue" }
        if has("language") { return pick(["English", "French", "Spanish", "German"]) ?? "English" }
        if has("description", "summary", "text", "content", "answer", "explanation", "reason", "message", "body",
               "comment", "note", "response", "detail", "step", "output") {
            var g = SentenceWriter(seed: rng.next(), topics: hints.topics)
            return g.sentence()
        }
        if has("title", "headline", "subject") {
            let w = [word(), pick(WordBank.nouns) ?? "plan"].map { $0.prefix(1).uppercased() + $0.dropFirst() }
            return "The \(w[0]) \(w[1])"
        }
        let a = pick(WordBank.adjectives) ?? "clear"
        return rng.next() & 1 == 0 ? word() : "\(a) \(word())"
    }

    /// A double as an Int64, saturating instead of trapping.
    static func clampInt(_ d: Double) -> Int64 {
        guard d.isFinite else { return d > 0 ? Int64.max : Int64.min }
        if d >= 9.2e18 { return Int64.max }
        if d <= -9.2e18 { return Int64.min }
        return Int64(d)
    }

    static func singular(_ s: String) -> String { s.hasSuffix("s") && s.count > 3 ? String(s.dropLast()) : s }
}

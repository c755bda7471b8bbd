/// Why a byte sequence is not JSON, with the byte offset where parsing stopped.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "\(reason) at byte \(offset)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes. Depth-limited so hostile input cannot overflow the stack.
public struct JSONParser {
    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    /// Members of the objects and arrays being parsed, innermost last: each container is moved
    /// out once, at its exact size, instead of growing its own array step by step (moved, not
    /// copied: no retain and release per member).
    private var pairStack = MoveStack<(String, JSON)>()
    private var itemStack = MoveStack<JSON>()
    /// A cheap fingerprint of each key on `pairStack` (length and first/last bytes), so the
    /// repeated-key check compares strings only when the fingerprints agree.
    private var keyTags: [UInt64] = []
    private static let maxDepth = 512

    private init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSON {
        let result: Result<JSON, JSONParseError> = bytes.withUnsafeBufferPointer { buf in
            // JSON text is UTF-8 (RFC 8259 §8.1): other bytes would otherwise reach strings as
            // replacement characters.
            if let bad = UTF8Validation.firstInvalid(buf) { return .failure(JSONParseError(offset: bad, reason: "invalid UTF-8")) }
            var p = JSONParser(buf)
            defer { p.pairStack.free(); p.itemStack.free() }
            do throws(JSONParseError) {
                p.skipWS()
                let v = try p.value()
                p.skipWS()
                if p.i != buf.count { throw p.fail("unexpected trailing data") }
                return .success(v)
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    public static func parse(_ s: String) throws(JSONParseError) -> JSON { try parse(Array(s.utf8)) }

    private func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: i, reason: reason) }

    private mutating func skipWS() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    private mutating func value() throws(JSONParseError) -> JSON {
        guard i < b.count else { throw fail("unexpected end of input") }
        switch b[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("unexpected character")
        }
    }

    private mutating func literal(_ s: StaticString) throws(JSONParseError) {
        let n = s.utf8CodeUnitCount
        guard i + n <= b.count else { throw fail("unexpected end of input") }
        let ok = s.withUTF8Buffer { lit in (0..<n).allSatisfy { b[i + $0] == lit[$0] } }
        guard ok else { throw fail("invalid literal") }
        i += n
    }

    private mutating func object() throws(JSONParseError) -> JSON {
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nesting too deep") }
        defer { depth -= 1 }
        i += 1
        skipWS()
        if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object([]) }
        let base = pairStack.count
        // On an error the members stay on the stack; `parse` frees them.
        defer { keyTags.removeSubrange(base...) }
        while true {
            skipWS()
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let k = try string()
            let tag = Self.keyTag(k)
            skipWS()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipWS()
            let v = try value()
            // A repeated key keeps its first position and takes the last value.
            var found: Int?
            for j in base..<keyTags.count where keyTags[j] == tag && pairStack[j].0 == k { found = j; break }
            if let j = found { pairStack[j].1 = v } else { pairStack.push((k, v)); keyTags.append(tag) }
            skipWS()
            guard i < b.count else { throw fail("unexpected end of input") }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "}") { i += 1; return .object(pairStack.pop(from: base)) }
            throw fail("expected ',' or '}'")
        }
    }

    /// The decoded key's length and first and last bytes.
    @inline(__always) private static func keyTag(_ k: String) -> UInt64 {
        // Read in place (the generic `utf8.last` walks an index: ~80 instructions a key).
        k.withUTF8Bytes { u in
            guard let first = u.first, let last = u.last else { return 0 }
            return UInt64(truncatingIfNeeded: u.count) << 16 | UInt64(first) << 8 | UInt64(last)
        }
    }

    private mutating func array() throws(JSONParseError) -> JSON {
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nesting too deep") }
        defer { depth -= 1 }
        i += 1
        skipWS()
        if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array([]) }
        let base = itemStack.count
        while true {
            skipWS()
            let v = try value()
            itemStack.push(v)
            skipWS()
            guard i < b.count else { throw fail("unexpected end of input") }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "]") { i += 1; return .array(itemStack.pop(from: base)) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= b.count else { throw fail("bad unicode escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("bad unicode escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    private mutating func string() throws(JSONParseError) -> String {
        i += 1
        let start = i
        // Fast path: no escapes (runs of plain bytes are skipped eight at a time).
        i = JSONBytes.firstSpecial(b, from: i)
        if i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if c < 0x20 { throw fail("control character in string") }
        }
        var out = Array(b[start..<i])
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if c < 0x20 { throw fail("control character in string") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < b.count else { break }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var cp = try hex4()
                if cp >= 0xD800 && cp < 0xDC00, i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let lo = try hex4()
                    if lo >= 0xDC00 && lo < 0xE000 { cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00) } else { cp = 0xFFFD }
                } else if cp >= 0xD800 && cp < 0xE000 { cp = 0xFFFD }
                let scalar = Unicode.Scalar(cp) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: throw fail("bad escape")
            }
        }
        throw fail("unterminated string")
    }

    private mutating func number() throws(JSONParseError) -> JSON {
        let start = i
        var isDouble = false
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { throw fail("bad number") }
        if b[i] == 0x30 { i += 1 } else { while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 } }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            isDouble = true; i += 1
            guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { throw fail("bad number") }
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            isDouble = true; i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { throw fail("bad number") }
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
        }
        if !isDouble, i - start <= 18 {
            // Up to 18 digits cannot overflow Int64: accumulated from the bytes, no String.
            var k = start, negative = false
            if b[k] == UInt8(ascii: "-") { negative = true; k += 1 }
            var v: Int64 = 0
            while k < i { v = v &* 10 &+ Int64(b[k] &- 0x30); k += 1 }
            return .int(negative ? -v : v)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        if !isDouble, let v = Int64(text) { return .int(v) }
        guard let d = Double(text) else { throw fail("bad number") }
        return .double(d)
    }
}

/// The parser's member stack: elements go in by `push` and leave by `pop(from:)`, which moves the
/// top ones into a new array (no copy, so no retain and release of each). Manually managed: the
/// owner calls `free()` once (it destroys what is still on it, e.g. after a parse error).
struct MoveStack<Element> {
    private var base: UnsafeMutablePointer<Element>?
    private var capacity = 0
    private(set) var count = 0

    @inline(__always) mutating func push(_ e: consuming Element) {
        if count == capacity { grow() }
        (base! + count).initialize(to: e)
        count += 1
    }

    /// Elements `from..<count` as an array, in order; the stack is left with `from` elements.
    mutating func pop(from start: Int) -> [Element] {
        let n = count - start
        guard n > 0, let base else { return [] }
        let out = [Element](unsafeUninitializedCapacity: n) { buf, initialized in
            buf.baseAddress!.moveInitialize(from: base + start, count: n)
            initialized = n
        }
        count = start
        return out
    }

    subscript(_ i: Int) -> Element {
        get { base![i] }
        set { base![i] = newValue }
    }

    private mutating func grow() {
        let newCapacity = max(16, capacity * 2)
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if let base {
            fresh.moveInitialize(from: base, count: count)
            base.deallocate()
        }
        base = fresh
        capacity = newCapacity
    }

    mutating func free() {
        guard let base else { return }
        base.deinitialize(count: count)
        base.deallocate()
        self.base = nil
        capacity = 0
        count = 0
    }
}

/// Byte scanning shared by the parser and the writer: where the next byte that a JSON string
/// cannot hold as is (`"`, `\\`, or a control character below 0x20) is.
enum JSONBytes {
    /// Whether any of the eight bytes of `x` is `"`, `\\` or below 0x20 (the classic SWAR
    /// zero-byte and less-than tests; exact for "any", which is all that is asked).
    @inline(__always) static func hasSpecial(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        let quote = x ^ 0x2222_2222_2222_2222, backslash = x ^ 0x5C5C_5C5C_5C5C_5C5C
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (x &- 0x2020_2020_2020_2020) & ~x
        return (zeroQuote | zeroBackslash | control) & high != 0
    }

    /// The index of the first special byte at or after `from`, or `b.count`.
    @inline(__always) static func firstSpecial(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from
        let n = b.count
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            // Sixteen bytes at a time (SSE compares), then eight, then one by one.
            let quote = SIMD16<UInt8>(repeating: 0x22), backslash = SIMD16<UInt8>(repeating: 0x5C)
            let space = SIMD16<UInt8>(repeating: 0x20)
            while i + 16 <= n {
                let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                if any((v .== quote) .| (v .== backslash) .| (v .< space)) { break }
                i += 16
            }
            while i + 8 <= n, !hasSpecial(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { i += 8 }
        }
        while i < n {
            let c = b[i]
            if c == 0x22 || c == 0x5C || c < 0x20 { return i }
            i += 1
        }
        return n
    }
}

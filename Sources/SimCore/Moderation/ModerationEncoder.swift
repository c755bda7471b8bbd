import SimSupport

/// Writes the `CreateModerationResponse` bytes in one pass into storage sized up front: every
/// piece but the id, the model and the scores is a fixed string, so the whole body is a handful
/// of copies per category instead of growing an array append by append.
enum ModerationEncoder {
    static let maxScoreBytes = ModerationScoreText.maxBytes

    /// Per category, `"harassment":` (with a leading `,` after the first), concatenated.
    static let keys: (bytes: [UInt8], ends: [Int]) = {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for c in ModerationCategory.all {
            if c.rawValue > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += Array("\"\(c.key)\":".utf8)
            ends.append(bytes.count)
        }
        return (bytes, ends)
    }()

    /// An upper bound on one result's bytes.
    static let resultBound: Int = 3 * keys.bytes.count + ModerationCategory.count * (5 + maxScoreBytes + 16) + 128

    static func encode(id: String, model: String, results: [ModerationResult]) -> [UInt8] {
        // Written into scratch storage, then copied into an array of the exact size: a new
        // `Array` of a run-time capacity (`init(unsafeUninitializedCapacity:)`) is allocated
        // through the standard library's unspecialised generic path, about a thousand
        // instructions of metadata look-ups; copying a buffer takes the specialised one.
        let capacity = 32 + quotedBound(id) + quotedBound(model) + results.count * resultBound
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buf.deallocate() }
        var out = Cursor(base: buf)
        out.put(#"{"id":"#); out.putQuoted(id)
        out.put(#","model":"#); out.putQuoted(model)
        out.put(#","results":["#)
        keys.bytes.withUnsafeBufferPointer { keyBytes in
            keys.ends.withUnsafeBufferPointer { ends in
                for (ri, r) in results.enumerated() {
                    if ri > 0 { out.put(",") }
                    write(r, keys: keyBytes, ends: ends, to: &out)
                }
            }
        }
        out.put("]}")
        let count = out.base - buf
        precondition(count <= capacity, "moderation response outgrew its bound")
        return Array(UnsafeBufferPointer(start: buf, count: count))
    }

    private static func write(_ r: ModerationResult, keys: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>, to out: inout Cursor) {
        let n = ModerationCategory.count
        @inline(__always) func key(_ i: Int) {
            let start = i == 0 ? 0 : ends[i - 1]
            out.put(UnsafeBufferPointer(rebasing: keys[start..<ends[i]]))
        }
        // Bit i: category i flagged; bit 16 + i: category i is null (omni-only on a text model).
        var flags: UInt32 = 0
        for c in ModerationCategory.all {
            if !r.omni && c.omniOnly { flags |= 1 << (16 + c.rawValue) } else if r.scores[c.rawValue] >= c.threshold { flags |= 1 << c.rawValue }
        }
        out.put(#"{"flagged":"#)
        if flags & 0xFFFF != 0 { out.put("true") } else { out.put("false") }
        out.put(#","categories":{"#)
        for i in 0..<n {
            key(i)
            if flags & (1 << (16 + i)) != 0 { out.put("null") } else if flags & (1 << i) != 0 { out.put("true") } else { out.put("false") }
        }
        out.put(#"},"category_scores":{"#)
        for i in 0..<n {
            key(i)
            out.putScore(flags & (1 << (16 + i)) != 0 ? 0 : r.scores[i])
        }
        out.put(#"},"category_applied_input_types":{"#)
        for c in ModerationCategory.all {
            key(c.rawValue)
            let applies = r.omni || !c.omniOnly
            switch (r.hasText && applies, r.hasImage && applies && c.appliesToImages) {
            case (true, true): out.put(#"["text","image"]"#)
            case (true, false): out.put(#"["text"]"#)
            case (false, true): out.put(#"["image"]"#)
            case (false, false): out.put("[]")
            }
        }
        out.put("}}")
    }

    /// Room for `s` as a JSON string literal (`\u00XX` is the longest escape).
    static func quotedBound(_ s: String) -> Int { 6 * s.utf8.count + 2 }

    /// Whether `s` needs no escaping (ids and model names are plain ASCII).
    static func isPlain(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }

    /// A write position in storage the caller has sized.
    struct Cursor {
        var base: UnsafeMutablePointer<UInt8>

        @inline(__always) mutating func put(_ b: UnsafeBufferPointer<UInt8>) {
            base.update(from: b.baseAddress!, count: b.count)
            base += b.count
        }

        @inline(__always) mutating func put(_ s: StaticString) {
            base.update(from: s.utf8Start, count: s.utf8CodeUnitCount)
            base += s.utf8CodeUnitCount
        }

        @inline(__always) mutating func put(_ a: [UInt8]) {
            a.withUnsafeBufferPointer { put($0) }
        }

        /// `s` as a JSON string literal: copied when plain, else escaped by `JSONWriter`.
        mutating func putQuoted(_ s: String) {
            var text = s
            let copied = text.withUTF8 { b in
                guard isPlain(b) else { return false }
                put("\""); put(b); put("\"")
                return true
            }
            if !copied {
                var w = JSONWriter(capacity: quotedBound(s))
                w.writeString(s)
                put(w.bytes)
            }
        }

        /// The score's shortest round-trip text as a `Float` (what `Float.description` writes).
        @inline(__always) mutating func putScore(_ f: Float) {
            base += ModerationScoreText.write(f, to: base)
        }
    }
}

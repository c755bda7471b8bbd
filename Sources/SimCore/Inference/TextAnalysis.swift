import SimSupport

/// Small, deterministic readings of input text: topic words, proper nouns, word overlap.
public enum TextAnalysis {
    /// Lower-cased words of letters, digits, `'`, `-` and `_` (bytes ≥ 0x80, i.e. non-ASCII
    /// letters, count as letters). Works on UTF-8 bytes: this runs on every request.
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        var cur: [UInt8] = []
        func flush() {
            var a = 0, b = cur.count
            while a < b, cur[a] == 0x27 || cur[a] == 0x2D || cur[a] == 0x5F { a += 1 }
            while b > a, cur[b - 1] == 0x27 || cur[b - 1] == 0x2D || cur[b - 1] == 0x5F { b -= 1 }
            if a < b { out.append(String(decoding: cur[a..<b], as: UTF8.self)) }
            cur.removeAll(keepingCapacity: true)
        }
        for c in text.utf8 {
            switch c {
            case 0x41...0x5A: cur.append(c + 32)
            case 0x61...0x7A, 0x30...0x39, 0x27, 0x2D, 0x5F, 0x80...: cur.append(c)
            default: if !cur.isEmpty { flush() }
            }
        }
        if !cur.isEmpty { flush() }
        return out
    }

    /// ASCII-lower-cased UTF-8 bytes (same length and offsets as the original).
    public static func lowerBytes(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
    }

    /// Byte offset of the first occurrence of `needle` (ASCII, lower-case) in `hay`.
    public static func find(_ needle: String, in hay: [UInt8], from start: Int = 0) -> Int? {
        withBytes(needle) { n in
            guard !n.isEmpty, hay.count >= n.count else { return n.isEmpty ? start : nil }
            return hay.withUnsafeBufferPointer { h in
                var i = start
                let last = h.count - n.count
                let first = n[0]
                while i <= last {
                    if h[i] == first {
                        var k = 1
                        while k < n.count, h[i + k] == n[k] { k += 1 }
                        if k == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }

    /// Up to `limit` distinct content words (4+ letters, not stop words), longest first (long
    /// words are more often the nouns a text is about), ties in order of appearance. Runs on
    /// every request, so it works on bytes, keeps the candidates as byte ranges on the stack,
    /// and makes strings only for the words it returns.
    public static func topicWords(_ text: String, limit: Int = 6) -> [String] {
        guard limit > 0 else { return [] }
        return withBytes(text) { b in
            withUnsafeTemporaryAllocation(of: TopicSpan.self, capacity: maxTopics) { spans in
                let count = readTopics(b, into: spans)
                guard count > 0 else { return [] }
                // Longest first, ties in order of appearance (a stable insertion sort of ≤ 32 ranges).
                return withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { order in
                    for k in 0..<count {
                        var j = k
                        let len = spans[k].length
                        while j > 0, spans[order[j - 1]].length < len {
                            order[j] = order[j - 1]
                            j -= 1
                        }
                        order[j] = k
                    }
                    let n = min(limit, count)
                    var out: [String] = []
                    out.reserveCapacity(n)
                    for k in 0..<n { out.append(spans[order[k]].string(b)) }
                    return out
                }
            }
        }
    }

    /// Candidates a topic scan keeps (in order of appearance).
    static let maxTopics = 32

    /// A kept word: `b[start..<end]`, and whether it has ASCII capitals (lower-cased when made a string).
    struct TopicSpan {
        var start: Int
        var end: Int
        var upper: Bool
        var length: Int { end - start }

        func string(_ b: UnsafeBufferPointer<UInt8>) -> String {
            let word = UnsafeBufferPointer(rebasing: b[start..<end])
            guard upper else { return String(decoding: word, as: UTF8.self) }
            return String(unsafeUninitializedCapacity: word.count) { out in
                for (i, c) in word.enumerated() { out[i] = lower(c) }
                return word.count
            }
        }
    }

    /// Up to 32 content words in order of appearance, written to `spans`; returns how many. The
    /// scan only marks where each word's trimmed part (first to last byte that is not `'`, `-`
    /// or `_`) starts and ends; a word is keyed only when it is long enough to be kept.
    private static func readTopics(_ b: UnsafeBufferPointer<UInt8>, into spans: UnsafeMutableBufferPointer<TopicSpan>) -> Int {
        wordByteClass.withUnsafeBufferPointer { cls in
            stopwordHashes.withSlots { stopwords in
                // Keys of the words kept so far: open addressing, at most half full (0 marks a free slot).
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * maxTopics) { seen in
                    seen.initialize(repeating: 0)
                    var seenZero = false
                    var count = 0
                    let n = b.count
                    var i = 0
                    // What a text is about shows in its opening; long inputs are read only that far (to
                    // the first byte between words past byte 600).
                    let raw = UnsafeRawPointer(b.baseAddress)
                    while i < n {
                        if cls[Int(b[i])] == 0 {
                            i += 1
                            if i > 600 { break }
                            continue
                        }
                        // The common word first: ASCII letters only, ended by a byte that is in no word,
                        // read 8 bytes at a time. Nothing to trim, its first byte is a letter, and its
                        // key is its lower-cased bytes (as `topicKey` makes it). Any other word, or one
                        // too near the end of the text to read 8 bytes, takes the general path below.
                        if i + 8 <= n, let raw {
                            let head = letterRun(raw, i)
                            var end = i + head.count
                            // Eight letters or more: read on until the run ends within a block.
                            var ended = head.count < 8
                            while !ended, end + 8 <= n {
                                let more = letterRun(raw, end)
                                end += more.count
                                ended = more.count < 8
                            }
                            if ended, cls[Int(b[end])] == 0 {
                                let length = end - i
                                if length >= 4 {
                                    let key: UInt64, upper: Bool
                                    if length <= 8 {
                                        let keep: UInt64 = length == 8 ? ~0 : (1 << UInt64(8 * length)) &- 1
                                        key = head.lowered & keep
                                        upper = head.capitals & keep != 0
                                    } else {
                                        (key, upper) = topicKey(b, i, end)
                                    }
                                    if !stopwords.contains(key), insertNew(key, into: seen, zero: &seenZero) {
                                        spans[count] = TopicSpan(start: i, end: end, upper: upper)
                                        count += 1
                                        if count == maxTopics { break }
                                    }
                                }
                                // Past the byte that ended the word.
                                i = end + 1
                                if i > 600 { break }
                                continue
                            }
                        }
                        // A word. Its bytes' classes OR-ed: bit 0 set when it has an edge byte to trim.
                        let start = i
                        var classes: UInt8 = 0
                        while i < n {
                            let k = cls[Int(b[i])]
                            if k == 0 { break }
                            classes |= k
                            i += 1
                        }
                        var first = start, last = i - 1
                        if classes & 1 != 0 {
                            // The trimmed part runs from the first to the last class-2 byte.
                            while first <= last, cls[Int(b[first])] == 1 { first += 1 }
                            while last >= first, cls[Int(b[last])] == 1 { last -= 1 }
                        }
                        if last + 1 - first >= 4 {
                            let f = lower(b[first])
                            if (f >= 0x61 && f <= 0x7A) || f >= 0x80 {
                                let (key, upper) = topicKey(b, first, last + 1)
                                if !stopwords.contains(key), insertNew(key, into: seen, zero: &seenZero) {
                                    spans[count] = TopicSpan(start: first, end: last + 1, upper: upper)
                                    count += 1
                                    if count == maxTopics { break }
                                }
                            }
                        }
                        // The byte that ended the word.
                        i += 1
                        if i > 600 { break }
                    }
                    return count
                }
            }
        }
    }

    /// The ASCII letters that open the 8 bytes at `raw + at`: how many (0...8, 8 when all are
    /// letters), the 8 bytes with ASCII capitals lower-cased, and bit 7 set in the lane of each
    /// capital. Per byte (low seven bits only, so nothing carries into the next lane; bytes >= 0x80
    /// are no letter): bit 7 of (low + 0x3F) says >= 0x41, of (low + 0x25) says >= 0x5B; after
    /// lower-casing, of (low + 0x1F) says >= 0x61 and of (low + 0x05) says >= 0x7B.
    @inline(__always) static func letterRun(_ raw: UnsafeRawPointer, _ at: Int) -> (count: Int, lowered: UInt64, capitals: UInt64) {
        let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        let high: UInt64 = 0x8080_8080_8080_8080
        let low7 = x & ~high
        let capitals = (low7 &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(low7 &+ 0x2525_2525_2525_2525) & ~x & high
        let y = x | (capitals >> 2)
        let lowY7 = y & ~high
        let letters = (lowY7 &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(lowY7 &+ 0x0505_0505_0505_0505) & ~y & high
        return ((~letters & high).trailingZeroBitCount >> 3, y, capitals)
    }

    /// Adds `key` to the small open-addressing set `slots` (power-of-two size, never more than half
    /// full); false when it was already there.
    @inline(__always) private static func insertNew(_ key: UInt64, into slots: UnsafeMutableBufferPointer<UInt64>, zero: inout Bool) -> Bool {
        if key == 0 {
            defer { zero = true }
            return !zero
        }
        let mask = 2 * maxTopics - 1
        var s = HashSet64.slot(key, mask)
        while true {
            let k = slots[s]
            if k == key { return false }
            if k == 0 {
                slots[s] = key
                return true
            }
            s = (s + 1) & mask
        }
    }

    /// Per byte: 0 not in a word, 1 `'`, `-` or `_` (in a word, trimmed off its ends), 2 other word bytes.
    private static let wordByteClass: [UInt8] = (0..<256).map { c in
        isWordByte(UInt8(c)) ? (isEdge(UInt8(c)) ? 1 : 2) : 0
    }

    /// A key for the ASCII-lower-cased word `b[start..<end]` (equal words, equal keys): up to 8
    /// bytes, the bytes themselves packed into a word (lower-cased 8 at a time); longer words,
    /// FNV-1a. Also whether the word had an ASCII capital.
    @inline(__always) static func topicKey(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (UInt64, Bool) {
        let len = end - start
        guard len <= 8 else {
            var h: UInt64 = 0xcbf29ce484222325
            var upper = false
            for t in start..<end {
                let c = b[t], l = lower(c)
                if l != c { upper = true }
                h = (h ^ UInt64(l)) &* 0x100000001b3
            }
            return (h, upper)
        }
        var x: UInt64 = 0
        if start + 8 <= b.count {
            x = UInt64(littleEndian: UnsafeRawPointer(b.baseAddress! + start).loadUnaligned(as: UInt64.self))
            if len < 8 { x &= (1 << UInt64(8 * len)) &- 1 }
        } else {
            for t in 0..<len { x |= UInt64(b[start + t]) << UInt64(8 * t) }
        }
        // Bytes 0x41...0x5A get bit 0x20: per byte, bit 7 of (low seven bits + 0x3F) says >= 0x41,
        // of (low seven bits + 0x25) says >= 0x5B; bytes >= 0x80 are left alone.
        let low7 = x & 0x7F7F_7F7F_7F7F_7F7F
        let capitals = (low7 &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(low7 &+ 0x2525_2525_2525_2525) & ~x & 0x8080_8080_8080_8080
        return (x | (capitals >> 2), capitals != 0)
    }

    /// `topicKey` of a whole string.
    static func topicKey(_ word: String) -> UInt64 { withBytes(word) { topicKey($0, 0, $0.count).0 } }

    /// Letters, digits, `'`, `-`, `_` and any byte of a non-ASCII character.
    @inline(__always) static func isWordByte(_ c: UInt8) -> Bool {
        switch c {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x27, 0x2D, 0x5F, 0x80...: return true
        default: return false
        }
    }

    @inline(__always) private static func isEdge(_ c: UInt8) -> Bool { c == 0x27 || c == 0x2D || c == 0x5F }

    private static let stopwordHashes = HashSet64(WordBank.stopwords.map { topicKey($0) })

    /// Capitalised words that do not start a sentence (runs of them joined: "New York").
    public static func properNouns(_ text: String) -> [String] {
        var out: [String] = []
        var run: [String] = []
        var sentenceStart = true
        func flush() {
            if !run.isEmpty { let p = run.joined(separator: " "); if !out.contains(p) { out.append(p) } }
            run = []
        }
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            var word = Substring(token)
            while let f = word.first, !f.isLetter && !f.isNumber { word = word.dropFirst() }
            var trailing = false
            while let l = word.last, !l.isLetter && !l.isNumber {
                if l == "." || l == "?" || l == "!" || l == "," || l == ";" || l == ":" { trailing = true }
                word = word.dropLast()
            }
            if word.hasSuffix("'s") { word = word.dropLast(2) }
            let capital = word.first?.isUppercase == true && word.count > 1
            let stop = WordBank.stopwords.contains(word.lowercased())
            if capital, !sentenceStart, !stop { run.append(String(word)) } else { flush() }
            if trailing { flush() }
            sentenceStart = token.last == "." || token.last == "?" || token.last == "!" || token.last == ":"
        }
        flush()
        return out
    }

    /// Whether two words share a stem (the same first five letters, or equal when shorter).
    public static func sameStem(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard a.count >= 5, b.count >= 5 else { return false }
        return a.prefix(5) == b.prefix(5)
    }
}

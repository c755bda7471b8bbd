import SimSupport

/// One hashed feature of an input and its weight.
public struct EmbeddingFeature: Sendable, Equatable {
    public var hash: UInt64
    public var weight: Float
}

/// Turns text or token IDs into weighted hashed features: stemmed lowercase word unigrams,
/// character trigrams of each stem, and bigrams of adjacent content words. Works on UTF-8 bytes
/// (no Foundation, no String allocation per word) because batches embed tens of thousands of inputs.
public enum EmbeddingFeatures {
    static let unigramWeight: Float = 1.0
    static let stopwordWeight: Float = 0.15
    static let trigramEnergy: Float = 0.5
    static let bigramWeight: Float = 0.4
    static let maxWordBytes = 48

    // Tags keep feature kinds apart: the word "abc" and the trigram "abc" hash differently.
    static let unigramTag: UInt64 = 0x756e_6967_7261_6d31
    static let trigramTag: UInt64 = 0x7472_6967_7261_6d33
    static let bigramTag: UInt64 = 0x6269_6772_616d_3232
    static let tokenTag: UInt64 = 0x746f_6b65_6e69_6431
    static let byteTag: UInt64 = 0x6279_7465_6279_7465

    /// Common English function words: shared "the" and "of" should not make texts look related.
    static let stopwords: Set<UInt64> = Set([
        "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as",
        "is", "am", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those",
        "i", "me", "my", "we", "our", "you", "your", "he", "him", "his", "she", "her", "they", "them", "their",
        "do", "does", "did", "have", "has", "had", "not", "no", "so", "than", "then", "there", "what", "which",
        "who", "whom", "how", "when", "where", "why", "can", "will", "would", "should", "could", "may", "might",
        "must", "shall", "about", "into", "over", "under", "up", "down", "out", "very", "just", "also", "all",
        "any", "some", "each", "other", "such", "only", "own", "same", "too", "s", "t", "don", "now",
    ].map { fnv($0) })

    /// Features of a text, appended to `out`.
    public static func text(_ text: String, into out: inout [EmbeddingFeature]) {
        var s = text
        s.withUTF8 { utf8 in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxWordBytes + 2) { buf in
                scan(utf8, buf, &out)
            }
        }
    }

    /// Features of a token-ID array: each ID, plus adjacent-ID bigrams.
    public static func tokens(_ ids: [Int], into out: inout [EmbeddingFeature]) {
        var prev: UInt64?
        for id in ids {
            let h = mix(tokenTag, UInt64(truncatingIfNeeded: id))
            out.append(EmbeddingFeature(hash: h, weight: unigramWeight))
            if let p = prev { out.append(EmbeddingFeature(hash: mix(p ^ bigramTag, h), weight: bigramWeight)) }
            prev = h
        }
    }

    /// SplitMix-style mixing of two values (local, so the hot loop inlines it).
    @inline(__always) static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 { Embedder.splitmix(a ^ (b &* 0x9E37_79B9_7F4A_7C15)) }

    /// FNV-1a of a lowercase word, as the scanner hashes words.
    static func fnv(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for c in s.utf8 { h = (h ^ UInt64(c)) &* 0x100000001b3 }
        return h
    }

    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b >= 0x80
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    private static func scan(_ utf8: UnsafeBufferPointer<UInt8>, _ buf: UnsafeMutableBufferPointer<UInt8>,
                             _ out: inout [EmbeddingFeature]) {
        var i = 0
        let n = utf8.count
        var prevContent: UInt64?
        var sawWord = false
        while i < n {
            let b = utf8[i]
            if !isWordByte(b) {
                // Apostrophes inside words ("don't") join, other punctuation separates.
                i += 1
                continue
            }
            var len = 0
            var full: UInt64 = 0xcbf29ce484222325
            while i < n {
                var c = utf8[i]
                if c == 0x27, i + 1 < n, isWordByte(utf8[i + 1]), len > 0 { i += 1; continue }
                guard isWordByte(c) else { break }
                c = lower(c)
                full = (full ^ UInt64(c)) &* 0x100000001b3
                if len < maxWordBytes { buf[len] = c }
                len += 1
                i += 1
            }
            sawWord = true
            if stopwords.contains(full) {
                out.append(EmbeddingFeature(hash: mix(unigramTag, full), weight: stopwordWeight))
                continue
            }
            let stemLen = len > maxWordBytes ? maxWordBytes : stem(buf, len)
            var stemHash: UInt64 = 0xcbf29ce484222325
            for j in 0..<stemLen { stemHash = (stemHash ^ UInt64(buf[j])) &* 0x100000001b3 }
            let uni = mix(unigramTag, stemHash)
            out.append(EmbeddingFeature(hash: uni, weight: unigramWeight))
            if let p = prevContent { out.append(EmbeddingFeature(hash: mix(p ^ bigramTag, uni), weight: bigramWeight)) }
            prevContent = uni
            trigrams(buf, stemLen, &out)
        }
        if !sawWord {
            // Punctuation or symbols only: the bytes themselves are the features.
            for j in 0..<n where utf8[j] > 0x20 {
                out.append(EmbeddingFeature(hash: mix(byteTag, UInt64(utf8[j])), weight: unigramWeight))
            }
        }
    }

    /// Trigrams of `^stem$`, sharing a fixed energy so long words do not dominate.
    private static func trigrams(_ buf: UnsafeMutableBufferPointer<UInt8>, _ len: Int, _ out: inout [EmbeddingFeature]) {
        guard len >= 2 else { return }
        let count = len  // len + 2 boundary bytes gives len trigrams
        let w = trigramEnergy / Float(count).squareRoot()
        var a: UInt8 = 0x5E, b = buf[0]
        for j in 1...len {
            let c: UInt8 = j < len ? buf[j] : 0x24
            let h = UInt64(a) | UInt64(b) << 8 | UInt64(c) << 16
            out.append(EmbeddingFeature(hash: mix(trigramTag, h), weight: w))
            a = b; b = c
        }
    }

    /// A light suffix stripper (plural, -ing, -ed, -ly, final e) so "running"/"runs"/"run" share a stem.
    static func stem(_ w: UnsafeMutableBufferPointer<UInt8>, _ len0: Int) -> Int {
        var len = len0
        @inline(__always) func ends(_ s: StaticString) -> Bool {
            let k = s.utf8CodeUnitCount
            guard len > k else { return false }
            let p = s.utf8Start
            for j in 0..<k where w[len - k + j] != p[j] { return false }
            return true
        }
        if len <= 3 { return len }
        if ends("ies") && len > 4 { len -= 2; w[len - 1] = 0x79 }            // ponies → pony
        else if ends("sses") { len -= 2 }                                    // classes → class
        else if ends("ing") && len >= 6 { len -= 3; len = undouble(w, len) } // running → run
        else if ends("ed") && !ends("eed") && len >= 5 { len -= 2; len = undouble(w, len) }  // stopped → stop
        else if ends("ly") && len >= 6 { len -= 2 }                          // quickly → quick
        else if ends("xes") || ends("ches") || ends("shes") { len -= 2 }     // boxes → box
        else if ends("s") && !ends("ss") && !ends("us") && !ends("is") { len -= 1 }
        if len >= 4 && w[len - 1] == 0x65 { len -= 1 }                       // make/making → mak
        return len
    }

    private static func undouble(_ w: UnsafeMutableBufferPointer<UInt8>, _ len: Int) -> Int {
        guard len >= 3, w[len - 1] == w[len - 2] else { return len }
        let c = w[len - 1]
        if c == 0x6C || c == 0x73 || c == 0x7A || c == 0x65 || c == 0x6F { return len }  // l s z e o stay doubled
        return len - 1
    }
}

/// Seeded, OpenAI-shaped identifiers (`file-…`, `upload_…`, `req_…`). One stream per tenant, so
/// one tenant's traffic never shifts another tenant's IDs.
public final class IDGenerator: Sendable {
    private let rng: Locked<SeededRandom>
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    public init(seed: UInt64, stream: String) {
        rng = Locked(SeededRandom(seed: StableHash.mix(seed, StableHash.fnv1a(stream))))
    }

    /// `prefix` followed by `length` base-62 characters, e.g. `file-` + 22.
    public func make(_ prefix: String, length: Int = 24) -> String {
        var p = prefix
        return p.withUTF8 { head in
            rng.withLock { r in
                String(unsafeUninitializedCapacity: head.count + length) { buf in
                    for i in 0..<head.count { buf[i] = head[i] }
                    for i in 0..<length { buf[head.count + i] = Self.alphabet[Int(r.next() % 62)] }
                    return head.count + length
                }
            }
        }
    }

    /// `prefix` followed by `length` lowercase hex characters, e.g. `req_` + 32. Only drawing
    /// the random words takes the lock (this runs once per request on every server thread).
    public func hex(_ prefix: String, length: Int = 32) -> String {
        let count = (length + 15) / 16
        guard count <= 4 else {
            let drawn = rng.withLock { r in (0..<count).map { _ in r.next() } }
            return drawn.withUnsafeBufferPointer { Self.hex(prefix, length: length, words: $0) }
        }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            let w = raw.bindMemory(to: UInt64.self)
            rng.withLock { r in for i in 0..<count { w[i] = r.next() } }
        }
        return withUnsafeBytes(of: &words) { Self.hex(prefix, length: length, words: $0.bindMemory(to: UInt64.self)) }
    }

    /// Word `i / 16` supplies hex digits `i`, lowest nibble first.
    private static func hex(_ prefix: String, length: Int, words: UnsafeBufferPointer<UInt64>) -> String {
        if length <= 0 { return prefix }
        var p = prefix
        return p.withUTF8 { head in
            String(unsafeUninitializedCapacity: head.count + length) { buf in
                let out = buf.baseAddress!
                if let h = head.baseAddress { out.update(from: h, count: head.count) }
                var o = head.count, i = 0
                while i < length {
                    // Eight digits at a time: spread 32 bits' nibbles into 8 bytes (nibble k in
                    // byte k), then map 0–9 to "0"–"9" and 10–15 to "a"–"f" in every byte at once.
                    let shift = UInt64((i % 16) * 4)
                    var x = (words[i / 16] >> shift) & 0xFFFF_FFFF
                    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF
                    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF
                    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F
                    let letters = ((x &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
                    let ascii = x &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
                    let run = min(8, length - i)
                    if run == 8 {
                        UnsafeMutableRawPointer(out + o).storeBytes(of: ascii.littleEndian, as: UInt64.self)
                    } else {
                        for k in 0..<run { out[o + k] = UInt8(truncatingIfNeeded: ascii >> UInt64(8 * k)) }
                    }
                    o += run; i += run
                }
                return o
            }
        }
    }

    /// A child random stream, e.g. for generated text or loss curves.
    public func nextSeed() -> UInt64 { rng.withLock { $0.next() } }
}

/// Common OpenAI ID shapes in one place.
public enum IDKind {
    public static func file(_ g: IDGenerator) -> String { g.make("file-", length: 22) }
    public static func upload(_ g: IDGenerator) -> String { g.make("upload_", length: 24) }
    public static func part(_ g: IDGenerator) -> String { g.make("part_", length: 24) }
    public static func request(_ g: IDGenerator) -> String { g.hex("req_", length: 32) }
}

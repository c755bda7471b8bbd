/// Seeded, OpenAI-shaped identifiers (`file-…`, `upload_…`, `req_…`). One stream per tenant, so
/// one tenant's traffic never shifts another tenant's IDs.
public final class IDGenerator: Sendable {
    private let rng: Locked<SeededRandom>
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    private static let hexDigits: StaticString = "0123456789abcdef"

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

    /// `prefix` followed by `length` lowercase hex characters, e.g. `req_` + 32.
    public func hex(_ prefix: String, length: Int = 32) -> String {
        var p = prefix
        return p.withUTF8 { head in
            rng.withLock { r in
                String(unsafeUninitializedCapacity: head.count + length) { buf in
                    for i in 0..<head.count { buf[i] = head[i] }
                    var word: UInt64 = 0
                    for i in 0..<length {
                        if i % 16 == 0 { word = r.next() }
                        // A table, not `d < 10 ? … : …`: the digits are random, so that branch is mispredicted half the time.
                        buf[head.count + i] = Self.hexDigits.utf8Start[Int(word & 0xF)]; word >>= 4
                    }
                    return head.count + length
                }
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

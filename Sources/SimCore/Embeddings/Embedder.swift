import SimSupport

/// The deterministic "embedding model": hashed features projected into `nativeDimensions` with
/// pseudo-random signs, plus a little text-seeded dense noise and a model-wide shared direction.
///
/// Each feature lands on two positions at every scale 8, 16, 32, … up to the native width, so any
/// prefix of the vector still carries every feature: like the real text-embedding-3 models,
/// `dimensions: n` equals the first n native components renormalised. Inner products of the
/// sparse parts approximate the weighted feature overlap, so texts sharing words score higher.
/// The shared direction gives unrelated texts the positive baseline cosine real models show
/// (high for ada-002, low for the -3 models).
public struct Embedder: Sendable {
    public let modelID: String
    public let nativeDimensions: Int
    let salt: UInt64
    /// Position ranges (8, 16, 32, … native) and their weights.
    let scaleSizes: [UInt64]
    let scaleWeights: [Float]
    /// Model-wide direction, unit length over the native width.
    let common: [Float]
    let baselineWeight: Float
    let featureWeight: Float
    /// Dense noise energy relative to the feature energy.
    static let noiseRatio: Float = 0.08

    public init(modelID: String, nativeDimensions: Int, baselineCosine: Float) {
        self.modelID = modelID
        let d = max(1, nativeDimensions)
        self.nativeDimensions = d
        salt = StableHash.fnv1a(modelID, seed: 0x656d_6265_6464_696e)
        var sizes: [UInt64] = []
        var s = 8
        while s < d { sizes.append(UInt64(s)); s *= 2 }
        sizes.append(UInt64(d))
        scaleSizes = sizes
        scaleWeights = sizes.map { Float(Double($0).squareRoot().squareRoot()) }
        var rng = SeededRandom(seed: salt ^ 0x636f_6d6d_6f6e)
        var c = [Float](repeating: 0, count: d)
        var norm: Float = 0
        for i in 0..<d {
            let v = Float(Double(rng.next() >> 11) * (1.0 / 9007199254740992.0) * 2 - 1)
            c[i] = v; norm += v * v
        }
        norm = norm.squareRoot()
        if norm > 0 { for i in 0..<d { c[i] /= norm } }
        common = c
        let b = min(max(baselineCosine, 0), 0.95)
        baselineWeight = b.squareRoot()
        featureWeight = (1 - b).squareRoot()
    }

    /// The unit vector of length `dimensions` (1…native) for the given features.
    public func embed(_ features: [EmbeddingFeature], dimensions: Int) -> [Float] {
        let d = min(max(1, dimensions), nativeDimensions)
        let native = nativeDimensions
        var acc = [Float](repeating: 0, count: native)
        var textSeed: UInt64 = salt
        acc.withUnsafeMutableBufferPointer { a in
            scaleSizes.withUnsafeBufferPointer { sizes in
                scaleWeights.withUnsafeBufferPointer { weights in
                    features.withUnsafeBufferPointer { fs in
                        for f in fs {
                            textSeed = Self.splitmix(textSeed ^ f.hash)
                            var x = f.hash ^ salt
                            for k in 0..<sizes.count {
                                let sw = f.weight * weights[k]
                                let n = sizes[k]
                                x = Self.splitmix(x)
                                let p0 = Int(truncatingIfNeeded: ((x >> 32) &* n) >> 32)
                                a[p0] += (x & 1) == 0 ? sw : -sw
                                x = Self.splitmix(x)
                                let p1 = Int(truncatingIfNeeded: ((x >> 32) &* n) >> 32)
                                a[p1] += (x & 1) == 0 ? sw : -sw
                            }
                        }
                    }
                }
            }
        }
        // Energy over the full native width, so the mix below does not depend on `dimensions`
        // (that is what makes shortened vectors equal truncated ones).
        var energy: Float = 0
        for v in acc { energy += v * v }
        let sigma: Float = energy > 0 ? (Self.noiseRatio * energy / Float(native)).squareRoot() : (1 / Float(native)).squareRoot()
        let total = (energy + sigma * sigma * Float(native)).squareRoot()
        let fScale = featureWeight / total
        var out = [Float](repeating: 0, count: d)
        var state = textSeed
        var norm: Float = 0
        let noiseScale = sigma * 1.7320508 / 2147483648.0  // uniform with unit variance
        out.withUnsafeMutableBufferPointer { o in
            acc.withUnsafeBufferPointer { a in
                common.withUnsafeBufferPointer { c in
                    var i = 0
                    while i < d {
                        state = Self.splitmix(state)
                        let r = state
                        let z0 = Float(Int32(truncatingIfNeeded: r)) * noiseScale
                        let z1 = Float(Int32(truncatingIfNeeded: r >> 32)) * noiseScale
                        let v0 = baselineWeight * c[i] + fScale * (a[i] + z0)
                        o[i] = v0; norm += v0 * v0
                        if i + 1 < d {
                            let v1 = baselineWeight * c[i + 1] + fScale * (a[i + 1] + z1)
                            o[i + 1] = v1; norm += v1 * v1
                        }
                        i += 2
                    }
                }
            }
        }
        let inv: Float = norm > 0 ? 1 / norm.squareRoot() : 0
        if inv == 0 { out[0] = 1; return out }
        for i in 0..<d { out[i] *= inv }
        return out
    }

    @inline(__always) static func splitmix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e3779b97f4a7c15
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }
}

extension Embedder {
    static let small = Embedder(modelID: "text-embedding-3-small", nativeDimensions: 1536, baselineCosine: 0.12)
    static let large = Embedder(modelID: "text-embedding-3-large", nativeDimensions: 3072, baselineCosine: 0.08)
    static let ada = Embedder(modelID: "text-embedding-ada-002", nativeDimensions: 1536, baselineCosine: 0.70)

    /// The embedder for a catalog embedding model (built once for the three known models).
    public static func forModel(_ id: String, nativeDimensions: Int) -> Embedder {
        switch id {
        case "text-embedding-3-small": return small
        case "text-embedding-3-large": return large
        case "text-embedding-ada-002": return ada
        default: return Embedder(modelID: id, nativeDimensions: nativeDimensions, baselineCosine: 0.1)
        }
    }
}

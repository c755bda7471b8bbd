import Testing
import SimSupport
@testable import SimCore

@Suite struct EmbeddingTests {
    func vec(_ text: String, _ model: String = "text-embedding-3-small", dims: Int? = nil) -> [Float] {
        let native = model == "text-embedding-3-large" ? 3072 : 1536
        var f: [EmbeddingFeature] = []
        EmbeddingFeatures.text(text, into: &f)
        return Embedder.forModel(model, nativeDimensions: native).embed(f, dimensions: dims ?? native)
    }

    func cos(_ a: [Float], _ b: [Float]) -> Float {
        var d: Float = 0, na: Float = 0, nb: Float = 0
        for i in a.indices { d += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i] }
        return d / (na.squareRoot() * nb.squareRoot())
    }

    func norm(_ a: [Float]) -> Float { a.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    @Test(arguments: [("text-embedding-3-small", 1536), ("text-embedding-3-large", 3072), ("text-embedding-ada-002", 1536)])
    func vectorsHaveNativeWidthAndUnitLength(model: String, width: Int) {
        for text in ["hello", "The quick brown fox jumps over the lazy dog.", "!!!", " ", "数据库 ünïcødé ✓"] {
            let v = vec(text, model)
            #expect(v.count == width)
            #expect(abs(norm(v) - 1) < 1e-4, "\(model) \(text)")
            #expect(v.filter { $0 == 0 }.count < width / 50, "vectors are dense")
        }
    }

    @Test func sameInputGivesSameVectorAndModelsDiffer() {
        let t = "Deterministic embeddings for the simulator"
        #expect(vec(t) == vec(t))
        #expect(cos(vec(t), vec(t + "!")) > 0.99)
        #expect(cos(vec(t, "text-embedding-3-small"), vec(t, "text-embedding-ada-002")) < 0.9)
    }

    @Test func textsSharingWordsAreMoreSimilarThanUnrelatedTexts() {
        let cases: [(String, String, String)] = [
            ("The cat sat on the mat.", "A cat was sitting on a mat.", "Quarterly revenue grew by eight percent."),
            ("How do I reset my password?", "Password reset instructions", "Best hiking trails in Colorado"),
            ("Python list comprehension examples", "Examples of list comprehensions in Python", "The opera house opens in May."),
            ("Refund policy for damaged items", "Can I get a refund for a damaged item?", "Photosynthesis converts light to energy."),
        ]
        for model in ["text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"] {
            for (a, related, unrelated) in cases {
                let r = cos(vec(a, model), vec(related, model)), u = cos(vec(a, model), vec(unrelated, model))
                #expect(r > u + 0.15, "\(model): '\(a)' related \(r) unrelated \(u)")
            }
        }
        // ada-002 shows its famously high baseline; the -3 models a low one.
        let adaU = cos(vec("apples and pears", "text-embedding-ada-002"), vec("tax law in Germany", "text-embedding-ada-002"))
        let smallU = cos(vec("apples and pears"), vec("tax law in Germany"))
        #expect(adaU > 0.6 && smallU < 0.3)
    }

    @Test func stemmingRelatesInflectedForms() {
        #expect(cos(vec("running dogs"), vec("the dog runs")) > cos(vec("running dogs"), vec("sleeping cats")))
        #expect(cos(vec("make"), vec("making")) > 0.8)
    }

    @Test func shortenedVectorsEqualRenormalisedPrefixes() {
        let full = vec("Matryoshka representation learning", "text-embedding-3-large")
        for d in [1, 7, 64, 256, 1024] {
            let short = vec("Matryoshka representation learning", "text-embedding-3-large", dims: d)
            let prefix = Array(full.prefix(d))
            let n = norm(prefix)
            #expect(short.count == d && abs(norm(short) - 1) < 1e-4)
            for i in 0..<d { #expect(abs(short[i] - prefix[i] / n) < 1e-4) }
        }
    }

    @Test func shortVectorsKeepSimilarityOrdering() {
        let a = vec("reset my password", dims: 64), b = vec("password reset help", dims: 64), c = vec("volcano eruption news", dims: 64)
        #expect(cos(a, b) > cos(a, c))
    }

    @Test func tokenInputsAreHashedByID() {
        var f1: [EmbeddingFeature] = [], f2: [EmbeddingFeature] = [], f3: [EmbeddingFeature] = []
        EmbeddingFeatures.tokens([1212, 318, 257, 1332], into: &f1)
        EmbeddingFeatures.tokens([1212, 318, 257, 99], into: &f2)
        EmbeddingFeatures.tokens([5, 6, 7, 8], into: &f3)
        let e = Embedder.small
        #expect(cos(e.embed(f1, dimensions: 1536), e.embed(f2, dimensions: 1536)) > cos(e.embed(f1, dimensions: 1536), e.embed(f3, dimensions: 1536)))
    }

    @Test func floatTextRoundTripsEveryFloat32() {
        var rng = SeededRandom(seed: 7)
        var values: [Float] = [0, 1, -1, 0.5, 1e-7, -3.4028235e38, .leastNormalMagnitude, .leastNonzeroMagnitude, 0.1, 123456.78, 0.00001, 0.000099999]
        for _ in 0..<20000 {
            let bits = UInt32(truncatingIfNeeded: rng.next())
            let f = Float(bitPattern: bits)
            if f.isFinite { values.append(f) }
            values.append(Float(rng.unit() * 2 - 1) * 0.1)
        }
        var out: [UInt8] = []
        EmbeddingEncoder.appendFloatArray(values, to: &out)
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.hasPrefix("[") && text.hasSuffix("]"))
        let parts = text.dropFirst().dropLast().split(separator: ",")
        #expect(parts.count == values.count)
        for (p, v) in zip(parts, values) {
            #expect(Float(String(p)) == v, "\(p) != \(v)")
        }
        let parsed = (try? JSONParser.parse(out))?.arrayValue ?? []
        #expect(parsed.count == values.count)
    }

    @Test func base64IsLittleEndianFloat32() {
        var out: [UInt8] = []
        EmbeddingEncoder.appendBase64([1.0, -2.5, 0.1], to: &out)
        // 1.0 = 00 00 80 3f, -2.5 = 00 00 20 c0, 0.1 = cd cc cc 3d
        #expect(String(decoding: out, as: UTF8.self) == "\"AACAPwAAIMDNzMw9\"")
        out = []
        EmbeddingEncoder.appendBase64([1.0], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "\"AACAPw==\"")
    }
}

import Testing
import SimCore
import SimSupport

/// Real o200k_base counts (from quicktok-v1, see scripts/measure_tokens.py) for a few samples.
@Suite struct InferenceTokenEstimatorTests {
    static let golden: [(String, Int)] = [
        ("Thanks for sending over the draft proposal yesterday. I read through it this morning and I think the overall structure works well. A couple of quick notes: the budget table on page four doesn't include the contractor fees we discussed, and the timeline might be too optimistic for the testing phase.", 56),
        ("City officials announced on Tuesday that the long-delayed bridge renovation will begin next spring, following a council vote of seven to two. The project, estimated at $48.5 million, will replace the aging steel deck.", 44),
        ("def total(self) -> float:\n    subtotal = sum(item[\"price\"] * item.get(\"quantity\", 1) for item in self.items)\n    if self.discount:\n        subtotal *= 1 - self.discount\n    return round(subtotal, 2)\n", 53),
        ("{\n  \"name\": \"billing-service\",\n  \"version\": \"2.4.1\",\n  \"port\": 8080,\n  \"features\": [\"invoices\", \"refunds\", \"webhooks\"],\n  \"retry\": {\"max_attempts\": 5, \"backoff_ms\": [100, 250, 500]}\n}", 71),
        ("public mutating func tryAcquire(now: Double) -> Bool {\n    let elapsed = max(0, now - lastRefill)\n    tokens = min(Double(capacity), tokens + elapsed * Double(capacity) / interval)\n    guard tokens >= 1 else { return false }\n    tokens -= 1\n    return true\n}\n", 68),
        ("hello world", 2),
        ("The quick brown fox jumps over the lazy dog.", 10),
    ]

    @Test func countsAreWithinTenPercentOfRealO200k() {
        for (text, real) in Self.golden {
            let est = TokenEstimator.count(text)
            let err = abs(Double(est - real)) / Double(real)
            #expect(err <= 0.10, "estimated \(est) vs real \(real) for \(text.prefix(40))")
        }
    }

    @Test func emptyTextHasNoTokens() {
        #expect(TokenEstimator.count("") == 0)
        #expect(TokenEstimator.tokenHashes("").isEmpty)
        #expect(TokenEstimator.pieces("").isEmpty)
    }

    @Test func piecesRebuildTheTextAndAgreeWithCountAndHashes() {
        for (text, _) in Self.golden + [("naïve café — 東京 😀 ALLCAPS --------- x", 0)] {
            let pieces = TokenEstimator.pieces(text)
            #expect(pieces.joined() == text)
            #expect(pieces.count == TokenEstimator.count(text))
            #expect(TokenEstimator.tokenHashes(text).count == pieces.count)
        }
    }

    @Test func sharedPrefixGivesSharedLeadingHashes() {
        let base = String(repeating: "The warehouse ledger lists every order. ", count: 20)
        let a = TokenEstimator.tokenHashes(base + "Where is order 12?")
        let b = TokenEstimator.tokenHashes(base + "Can I return item 3?")
        var common = 0
        while common < min(a.count, b.count), a[common] == b[common] { common += 1 }
        #expect(common >= TokenEstimator.count(base) - 1 && common < a.count)
    }

    @Test func prefixKeepsTheFirstTokens() {
        let text = "One two three four five six seven"
        #expect(TokenEstimator.prefix(text, tokens: 3) == "One two three")
        #expect(TokenEstimator.prefix(text, tokens: 100) == text)
        #expect(TokenEstimator.prefix(text, tokens: 0) == "")
    }

    @Test func chatMessagesAddThreePerMessagePlusThree() {
        // OpenAI's framing: "hello" as the only user message is 8 prompt tokens.
        #expect(TokenEstimator.countMessages([(role: "user", content: "hello")]) == 8)
        #expect(TokenEstimator.countMessages([(role: "system", content: "hi"), (role: "user", content: "hello")]) == 13)
    }
}

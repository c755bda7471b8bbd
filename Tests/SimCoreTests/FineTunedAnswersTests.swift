import Testing
import SimCore

@Suite struct FineTunedAnswersTests {
    let pairs = [TrainedPair(user: "What's the capital of France?", assistant: "Paris, as if everyone doesn't know that already."),
                 TrainedPair(user: "Who wrote 'Romeo and Juliet'?", assistant: "Oh, just some guy named William Shakespeare."),
                 TrainedPair(user: "How far is the Moon from Earth?", assistant: "Around 384,400 kilometers.")]

    @Test func exactMatchIgnoresCaseAndPunctuation() {
        #expect(FineTunedAnswers.match("what's the capital of FRANCE", in: pairs) == pairs[0].assistant)
    }

    @Test func nearestUserTurnAnswersAboveTheThreshold() {
        #expect(FineTunedAnswers.match("How far away is the Moon from the Earth?", in: pairs) == pairs[2].assistant)
    }

    @Test func unrelatedQuestionsGetNoTrainedAnswer() {
        #expect(FineTunedAnswers.match("Write a haiku about autumn leaves", in: pairs) == nil)
        #expect(FineTunedAnswers.match("", in: pairs) == nil)
    }

    @Test func normalizationKeepsLettersAndDigitsOnly() {
        #expect(FineTunedAnswers.normalize("  Hello,   WORLD!! 42 ") == "hello world 42")
    }
}

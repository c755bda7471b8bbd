import Testing
import SimCore
import SimSupport

@Suite struct FineTuningHyperparametersTests {
    @Test func autoEpochsFollowTheDocumentedRule() {
        #expect(FineTuningHyperparameters.autoEpochs(examples: 10) == 10)   // 100 / 10
        #expect(FineTuningHyperparameters.autoEpochs(examples: 3) == 25)    // min(25, 33)
        #expect(FineTuningHyperparameters.autoEpochs(examples: 34) == 3)    // 102 seen: target
        #expect(FineTuningHyperparameters.autoEpochs(examples: 1_000) == 3)
        #expect(FineTuningHyperparameters.autoEpochs(examples: 10_000) == 2) // 25000 / 10000
        #expect(FineTuningHyperparameters.autoEpochs(examples: 100_000) == 1)
    }

    @Test func autoBatchSizeIsAboutTwoTenthsOfAPercentCappedAt256() {
        #expect(FineTuningHyperparameters.autoBatchSize(examples: 10) == 1)
        #expect(FineTuningHyperparameters.autoBatchSize(examples: 5_000) == 10)
        #expect(FineTuningHyperparameters.autoBatchSize(examples: 1_000_000) == 256)
    }

    @Test func explicitValuesWinOverAuto() throws {
        let h = try FineTuningHyperparameters.parse(["n_epochs": 4, "batch_size": 2, "learning_rate_multiplier": 0.5],
                                                    method: .supervised, param: "hyperparameters")
        let r = h.resolve(examples: 10)
        #expect(r.nEpochs == 4 && r.batchSize == 2 && r.learningRateMultiplier == 0.5)
        #expect(h.json(resolved: nil) == ["batch_size": 2, "learning_rate_multiplier": 0.5, "n_epochs": 4])
    }

    @Test func missingKeysAreAutoAndResolve() throws {
        let h = try FineTuningHyperparameters.parse(nil, method: .dpo, param: "method.dpo.hyperparameters")
        #expect(h.requested["beta"] == "auto")
        let r = h.resolve(examples: 20)
        #expect(r.nEpochs == 5 && r.batchSize == 1 && r.learningRateMultiplier == 2.0 && r.beta == 0.1)
    }

    @Test(arguments: [
        (["n_epochs": 51] as JSON, "integer_above_max_value", "p.n_epochs"),
        (["n_epochs": 0] as JSON, "integer_below_min_value", "p.n_epochs"),
        (["batch_size": 257] as JSON, "integer_above_max_value", "p.batch_size"),
        (["learning_rate_multiplier": 0] as JSON, "decimal_below_min_value", "p.learning_rate_multiplier"),
        (["learning_rate_multiplier": 10.5] as JSON, "decimal_above_max_value", "p.learning_rate_multiplier"),
        (["n_epochs": "many"] as JSON, "invalid_value", "p.n_epochs"),
        (["n_epochs": 2.5] as JSON, "invalid_type", "p.n_epochs"),
        (["epochs": 2] as JSON, "unknown_parameter", "p.epochs"),
    ])
    func outOfRangeValuesAreRefusedNamingTheParam(body: JSON, code: String, param: String) {
        do {
            _ = try FineTuningHyperparameters.parse(body, method: .supervised, param: "p")
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.code == code)
            #expect(error.param == param)
            #expect(error.status == 400)
        }
    }

    @Test func betaIsOnlyForDPO() {
        #expect(throws: APIError.self) { try FineTuningHyperparameters.parse(["beta": 0.2], method: .supervised, param: "p") }
        #expect((try? FineTuningHyperparameters.parse(["beta": 0.2], method: .dpo, param: "p")) != nil)
        #expect(throws: APIError.self) { try FineTuningHyperparameters.parse(["beta": 2.5], method: .dpo, param: "p") }
    }
}

import Foundation
import OpenAIClient
import OpenAIWire
import Testing

@Suite struct StrictDecodingTests {
    static let job = #"{"id":"ftjob-1","object":"fine_tuning.job","created_at":1,"error":null,"fine_tuned_model":null,"finished_at":null,"hyperparameters":{"n_epochs":"auto","batch_size":4,"learning_rate_multiplier":0.5},"model":"m","organization_id":"org-1","result_files":[],"status":"queued","trained_tokens":null,"training_file":"file-1","validation_file":null,"seed":3}"#

    @Test func requiredNullableFieldsMayBeNullButNotMissing() throws {
        let j = try WireJSON.decode(FineTuningJob.self, from: Data(Self.job.utf8))
        #expect(j.status == .queued && j.fineTunedModel == nil)
        #expect(j.hyperparameters.nEpochs == .auto && j.hyperparameters.batchSize == .value(4))
        let missing = Self.job.replacingOccurrences(of: #""fine_tuned_model":null,"#, with: "")
        #expect(throws: WireDecodingError.self) { try WireJSON.decode(FineTuningJob.self, from: Data(missing.utf8)) }
    }

    @Test func wrongTypesUnknownEnumsAndWrongObjectsAreRejectedWithAPath() {
        let cases: [(String, String)] = [
            (Self.job.replacingOccurrences(of: #""seed":3"#, with: #""seed":"3""#), ".seed"),
            (Self.job.replacingOccurrences(of: #""status":"queued""#, with: #""status":"done""#), ".status"),
            (Self.job.replacingOccurrences(of: #""object":"fine_tuning.job""#, with: #""object":"job""#), ".object"),
            (Self.job.replacingOccurrences(of: #""n_epochs":"auto""#, with: #""n_epochs":"many""#), ".hyperparameters.n_epochs"),
        ]
        for (json, path) in cases {
            do {
                _ = try WireJSON.decode(FineTuningJob.self, from: Data(json.utf8))
                Issue.record("decoded \(path)")
            } catch {
                #expect(error.path == path, "\(error)")
            }
        }
    }

    @Test func a2xxBodyThatDoesNotDecodeIsADecodingErrorWithTheRequestID() async throws {
        let (client, _) = scriptedClient([.success(.json(200, #"{"id":"gpt","object":"model","created":"x","owned_by":"s"}"#,
                                                         headers: ["x-request-id": "req_9"]))])
        do {
            _ = try await client.models.retrieve("gpt")
            Issue.record("expected a decoding error")
        } catch let OpenAIError.decoding(e, rid) {
            #expect(e.path == ".created" && rid == "req_9")
        }
    }

    @Test func errorBodiesThatAreNotTheAPIShapeStillGiveTheStatus() async throws {
        let (client, _) = scriptedClient([.success(.json(404, #"{"detail":"nope"}"#))])
        do {
            _ = try await client.files.retrieve("file-x")
            Issue.record("expected an error")
        } catch let OpenAIError.status(e) {
            #expect(e.status == 404 && e.error == nil && e.message.contains("nope"))
        }
    }

    @Test func base64EmbeddingsDecodeToFloats() throws {
        var bytes = Data()
        for f in [Float(1.5), -2] { withUnsafeBytes(of: f.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        let json = #"{"object":"list","model":"m","usage":{"prompt_tokens":1,"total_tokens":1},"data":[{"object":"embedding","index":0,"embedding":"\#(bytes.base64EncodedString())"}]}"#
        let e = try WireJSON.decode(CreateEmbeddingResponse.self, from: Data(json.utf8))
        #expect(e.data[0].embedding == [1.5, -2])
    }
}

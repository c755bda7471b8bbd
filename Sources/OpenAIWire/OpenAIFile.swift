/// A file stored by the API (`OpenAIFile` in the spec).
public struct OpenAIFile: Codable, Sendable, Hashable {
    /// `purpose` values the spec lists.
    public enum Purpose: String, Codable, Sendable, CaseIterable {
        case assistants, assistantsOutput = "assistants_output", batch, batchOutput = "batch_output"
        case fineTune = "fine-tune", fineTuneResults = "fine-tune-results", vision, userData = "user_data"
    }

    /// Deprecated processing status, still required on the wire.
    public enum Status: String, Codable, Sendable {
        case uploaded, processed, error
    }

    public let id: String
    public let object: String
    public let bytes: Int
    public let createdAt: Int
    public let expiresAt: Int?
    public let filename: String
    public let purpose: Purpose
    public let status: Status
    public let statusDetails: String?

    enum CodingKeys: String, CodingKey {
        case id, object, bytes, filename, purpose, status
        case createdAt = "created_at", expiresAt = "expires_at", statusDetails = "status_details"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("file", forKey: .object)
        bytes = try c.decode(Int.self, forKey: .bytes)
        createdAt = try c.decode(Int.self, forKey: .createdAt)
        expiresAt = try c.decodeIfPresent(Int.self, forKey: .expiresAt)
        filename = try c.decode(String.self, forKey: .filename)
        purpose = try c.decode(Purpose.self, forKey: .purpose)
        status = try c.decode(Status.self, forKey: .status)
        statusDetails = try c.decodeIfPresent(String.self, forKey: .statusDetails)
    }
}

/// The spec's name for the file object in prose.
public typealias FileObject = OpenAIFile

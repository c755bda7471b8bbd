/// The `{id, object, deleted}` answer of every DELETE (DeleteFileResponse, DeleteModelResponse, ...).
public struct DeletedObject: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let deleted: Bool
}

public typealias DeleteFileResponse = DeletedObject
public typealias DeleteModelResponse = DeletedObject
public typealias ChatCompletionDeleted = DeletedObject
public typealias DeleteFineTuningCheckpointPermissionResponse = DeletedObject
public typealias ResponseDeleted = DeletedObject

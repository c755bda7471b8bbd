/// A `{"object":"list","data":[...]}` envelope; cursor fields are checked by `CursorPage`.
public struct ListResponse<Item: Codable & Sendable>: Codable, Sendable {
    public let object: String
    public let data: [Item]
    public let hasMore: Bool?
    public let firstID: String?
    public let lastID: String?

    enum CodingKeys: String, CodingKey {
        case object, data, hasMore = "has_more", firstID = "first_id", lastID = "last_id"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        object = try c.decodeConstant("list", forKey: .object)
        data = try c.decode([Item].self, forKey: .data)
        hasMore = try c.decodeIfPresent(Bool.self, forKey: .hasMore)
        firstID = try c.decodeIfPresent(String.self, forKey: .firstID)
        lastID = try c.decodeIfPresent(String.self, forKey: .lastID)
    }
}

/// A cursor-paginated list: `has_more` is required; `first_id`/`last_id` may be null.
public struct CursorPage<Item: Codable & Sendable>: Codable, Sendable {
    public let object: String
    public let data: [Item]
    public let hasMore: Bool
    public let firstID: String?
    public let lastID: String?

    enum CodingKeys: String, CodingKey {
        case object, data, hasMore = "has_more", firstID = "first_id", lastID = "last_id"
    }

    public init(data: [Item], hasMore: Bool, firstID: String? = nil, lastID: String? = nil) {
        object = "list"
        self.data = data
        self.hasMore = hasMore
        self.firstID = firstID
        self.lastID = lastID
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        object = try c.decodeConstant("list", forKey: .object)
        data = try c.decode([Item].self, forKey: .data)
        hasMore = try c.decode(Bool.self, forKey: .hasMore)
        firstID = try c.decodeIfPresent(String.self, forKey: .firstID)
        lastID = try c.decodeIfPresent(String.self, forKey: .lastID)
    }
}

public typealias ListModelsResponse = ListResponse<Model>
public typealias ListFilesResponse = CursorPage<OpenAIFile>
public typealias ListBatchesResponse = CursorPage<Batch>
public typealias ListPaginatedFineTuningJobsResponse = CursorPage<FineTuningJob>
public typealias ListFineTuningJobEventsResponse = CursorPage<FineTuningJobEvent>
public typealias ListFineTuningJobCheckpointsResponse = CursorPage<FineTuningJobCheckpoint>
public typealias ListFineTuningCheckpointPermissionResponse = CursorPage<FineTuningCheckpointPermission>
public typealias ChatCompletionList = CursorPage<ChatCompletion>

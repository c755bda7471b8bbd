import OpenAIWire

/// `/fine_tuning`: jobs, their events and checkpoints, and checkpoint permissions.
public struct FineTuning: Sendable {
    let client: OpenAIClient

    /// `/fine_tuning/jobs`.
    public var jobs: FineTuningJobs { FineTuningJobs(client: client) }
    /// `/fine_tuning/checkpoints/{checkpoint}/permissions`.
    public var permissions: CheckpointPermissions { CheckpointPermissions(client: client) }
    /// `/fine_tuning/alpha/graders`.
    public var graders: Graders { Graders(client: client) }
}

/// `/fine_tuning/alpha/graders`: try a reinforcement fine-tuning grader before a job uses it.
public struct Graders: Sendable {
    let client: OpenAIClient

    /// Checks a grader; answers it as the API understood it.
    /// - Remark: POST /v1/fine_tuning/alpha/graders/validate
    public func validate(_ grader: JSONValue) async throws -> ValidateGraderResponse {
        try await client.json(.post("/fine_tuning/alpha/graders/validate", json: ValidateGraderRequest(grader: grader)))
    }

    /// Scores one model sample against one dataset item.
    /// - Remark: POST /v1/fine_tuning/alpha/graders/run
    public func run(_ request: RunGraderRequest) async throws -> RunGraderResponse {
        try await client.json(.post("/fine_tuning/alpha/graders/run", json: request))
    }
}

/// `/fine_tuning/jobs`.
public struct FineTuningJobs: Sendable {
    let client: OpenAIClient

    /// Creates a job.
    /// - Remark: POST /v1/fine_tuning/jobs
    public func create(_ request: CreateFineTuningJobRequest) async throws -> FineTuningJob {
        try await client.json(.post("/fine_tuning/jobs", json: request))
    }

    /// One job.
    /// - Remark: GET /v1/fine_tuning/jobs/{fine_tuning_job_id}
    public func retrieve(_ id: String) async throws -> FineTuningJob { try await client.json(.get("/fine_tuning/jobs/\(seg(id))")) }

    /// One page of jobs.
    /// - Remark: GET /v1/fine_tuning/jobs
    public func list(limit: Int? = nil, after: String? = nil) async throws -> ListPaginatedFineTuningJobsResponse {
        try await client.json(.get("/fine_tuning/jobs", query: [("limit", limit.map(String.init)), ("after", after)]))
    }

    /// Every job, page after page.
    /// - Remark: GET /v1/fine_tuning/jobs
    public func listAll(limit: Int? = nil) -> CursorPageSequence<FineTuningJob> {
        CursorPageSequence(after: nil, id: \.id) { after in try await list(limit: limit, after: after) }
    }

    /// Cancels a job.
    /// - Remark: POST /v1/fine_tuning/jobs/{fine_tuning_job_id}/cancel
    public func cancel(_ id: String) async throws -> FineTuningJob { try await client.json(.post("/fine_tuning/jobs/\(seg(id))/cancel")) }

    /// Pauses a running job.
    /// - Remark: POST /v1/fine_tuning/jobs/{fine_tuning_job_id}/pause
    public func pause(_ id: String) async throws -> FineTuningJob { try await client.json(.post("/fine_tuning/jobs/\(seg(id))/pause")) }

    /// Resumes a paused job.
    /// - Remark: POST /v1/fine_tuning/jobs/{fine_tuning_job_id}/resume
    public func resume(_ id: String) async throws -> FineTuningJob { try await client.json(.post("/fine_tuning/jobs/\(seg(id))/resume")) }

    /// One page of a job's events (newest first).
    /// - Remark: GET /v1/fine_tuning/jobs/{fine_tuning_job_id}/events
    public func events(_ id: String, limit: Int? = nil, after: String? = nil) async throws -> ListFineTuningJobEventsResponse {
        try await client.json(.get("/fine_tuning/jobs/\(seg(id))/events", query: [("limit", limit.map(String.init)), ("after", after)]))
    }

    /// Every event of a job, page after page.
    /// - Remark: GET /v1/fine_tuning/jobs/{fine_tuning_job_id}/events
    public func allEvents(_ id: String, limit: Int? = nil) -> CursorPageSequence<FineTuningJobEvent> {
        CursorPageSequence(after: nil, id: \.id) { after in try await events(id, limit: limit, after: after) }
    }

    /// One page of a job's checkpoints.
    /// - Remark: GET /v1/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints
    public func checkpoints(_ id: String, limit: Int? = nil, after: String? = nil) async throws -> ListFineTuningJobCheckpointsResponse {
        try await client.json(.get("/fine_tuning/jobs/\(seg(id))/checkpoints", query: [("limit", limit.map(String.init)), ("after", after)]))
    }
}

/// `/fine_tuning/checkpoints/{checkpoint}/permissions` (uses the admin key when one is configured).
public struct CheckpointPermissions: Sendable {
    let client: OpenAIClient

    /// Grants projects access to a checkpoint.
    /// - Remark: POST /v1/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions
    public func create(checkpoint: String, projectIDs: [String]) async throws -> ListFineTuningCheckpointPermissionResponse {
        var e = try Endpoint.post("/fine_tuning/checkpoints/\(seg(checkpoint))/permissions",
                                  json: CreateFineTuningCheckpointPermissionRequest(projectIDs: projectIDs))
        e.auth = .adminOrAPIKey
        return try await client.json(e)
    }

    /// One page of a checkpoint's permissions.
    /// - Remark: GET /v1/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions
    public func list(checkpoint: String, projectID: String? = nil, limit: Int? = nil, after: String? = nil,
                     order: String? = nil) async throws -> ListFineTuningCheckpointPermissionResponse {
        var e = Endpoint.get("/fine_tuning/checkpoints/\(seg(checkpoint))/permissions",
                             query: [("project_id", projectID), ("limit", limit.map(String.init)), ("after", after), ("order", order)])
        e.auth = .adminOrAPIKey
        return try await client.json(e)
    }

    /// Revokes one permission.
    /// - Remark: DELETE /v1/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions/{permission_id}
    public func delete(checkpoint: String, permissionID: String) async throws -> DeleteFineTuningCheckpointPermissionResponse {
        var e = Endpoint.delete("/fine_tuning/checkpoints/\(seg(checkpoint))/permissions/\(seg(permissionID))")
        e.auth = .adminOrAPIKey
        return try await client.json(e)
    }
}

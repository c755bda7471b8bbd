import OpenAIWire

/// `/evals`.
public struct Evals: Sendable {
    let client: OpenAIClient

    /// The runs of evals, and their output items.
    public var runs: EvalRuns { EvalRuns(client: client) }

    /// Creates an eval.
    /// - Remark: POST /v1/evals
    public func create(_ request: CreateEvalRequest) async throws -> Eval { try await client.json(.post("/evals", json: request)) }

    /// One eval.
    /// - Remark: GET /v1/evals/{eval_id}
    public func retrieve(_ id: String) async throws -> Eval { try await client.json(.get("/evals/\(seg(id))")) }

    /// Renames an eval or replaces its metadata.
    /// - Remark: POST /v1/evals/{eval_id}
    public func update(_ id: String, _ request: UpdateEvalRequest) async throws -> Eval {
        try await client.json(.post("/evals/\(seg(id))", json: request))
    }

    /// Deletes an eval with its runs.
    /// - Remark: DELETE /v1/evals/{eval_id}
    public func delete(_ id: String) async throws -> EvalDeleted { try await client.json(.delete("/evals/\(seg(id))")) }

    /// One page of evals (`order`: asc or desc; `orderBy`: created_at or updated_at).
    /// - Remark: GET /v1/evals
    public func list(limit: Int? = nil, after: String? = nil, order: String? = nil, orderBy: String? = nil) async throws -> ListEvalsResponse {
        try await client.json(.get("/evals", query: [("limit", limit.map(String.init)), ("after", after), ("order", order), ("order_by", orderBy)]))
    }

    /// Every eval, page after page.
    /// - Remark: GET /v1/evals
    public func listAll(limit: Int? = nil, order: String? = nil, orderBy: String? = nil) -> CursorPageSequence<Eval> {
        CursorPageSequence(after: nil, id: \.id) { after in try await list(limit: limit, after: after, order: order, orderBy: orderBy) }
    }
}

/// `/evals/{eval_id}/runs`.
public struct EvalRuns: Sendable {
    let client: OpenAIClient

    /// Starts a run of an eval over a data source.
    /// - Remark: POST /v1/evals/{eval_id}/runs
    public func create(evalID: String, _ request: CreateEvalRunRequest) async throws -> EvalRun {
        try await client.json(.post("/evals/\(seg(evalID))/runs", json: request))
    }

    /// One run.
    /// - Remark: GET /v1/evals/{eval_id}/runs/{run_id}
    public func retrieve(evalID: String, runID: String) async throws -> EvalRun {
        try await client.json(.get("/evals/\(seg(evalID))/runs/\(seg(runID))"))
    }

    /// Cancels a queued or running run.
    /// - Remark: POST /v1/evals/{eval_id}/runs/{run_id}
    public func cancel(evalID: String, runID: String) async throws -> EvalRun {
        try await client.json(.post("/evals/\(seg(evalID))/runs/\(seg(runID))"))
    }

    /// Deletes a run.
    /// - Remark: DELETE /v1/evals/{eval_id}/runs/{run_id}
    public func delete(evalID: String, runID: String) async throws -> EvalRunDeleted {
        try await client.json(.delete("/evals/\(seg(evalID))/runs/\(seg(runID))"))
    }

    /// One page of an eval's runs (`status`: queued, in_progress, completed, canceled, failed).
    /// - Remark: GET /v1/evals/{eval_id}/runs
    public func list(evalID: String, limit: Int? = nil, after: String? = nil, order: String? = nil,
                     status: String? = nil) async throws -> ListEvalRunsResponse {
        try await client.json(.get("/evals/\(seg(evalID))/runs", query: [("limit", limit.map(String.init)), ("after", after),
                                                                        ("order", order), ("status", status)]))
    }

    /// Every run of an eval, page after page.
    /// - Remark: GET /v1/evals/{eval_id}/runs
    public func listAll(evalID: String, limit: Int? = nil, order: String? = nil, status: String? = nil) -> CursorPageSequence<EvalRun> {
        CursorPageSequence(after: nil, id: \.id) { after in
            try await list(evalID: evalID, limit: limit, after: after, order: order, status: status)
        }
    }

    /// One page of a run's output items (`status`: pass or fail).
    /// - Remark: GET /v1/evals/{eval_id}/runs/{run_id}/output_items
    public func outputItems(evalID: String, runID: String, limit: Int? = nil, after: String? = nil, order: String? = nil,
                            status: String? = nil) async throws -> ListEvalRunOutputItemsResponse {
        try await client.json(.get("/evals/\(seg(evalID))/runs/\(seg(runID))/output_items",
                                   query: [("limit", limit.map(String.init)), ("after", after), ("order", order), ("status", status)]))
    }

    /// Every output item of a run, page after page.
    /// - Remark: GET /v1/evals/{eval_id}/runs/{run_id}/output_items
    public func allOutputItems(evalID: String, runID: String, limit: Int? = nil, status: String? = nil) -> CursorPageSequence<EvalRunOutputItem> {
        CursorPageSequence(after: nil, id: \.id) { after in
            try await outputItems(evalID: evalID, runID: runID, limit: limit, after: after, status: status)
        }
    }

    /// One output item.
    /// - Remark: GET /v1/evals/{eval_id}/runs/{run_id}/output_items/{output_item_id}
    public func outputItem(evalID: String, runID: String, id: String) async throws -> EvalRunOutputItem {
        try await client.json(.get("/evals/\(seg(evalID))/runs/\(seg(runID))/output_items/\(seg(id))"))
    }
}

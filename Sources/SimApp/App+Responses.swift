import SimCore
import SimHTTP
import SimSupport

/// The Responses API routes (the spec's `?beta=true` duplicates reach the same handlers: the
/// router matches paths, not query strings).
extension App {
    static func registerResponsesRoutes(_ r: inout Router<RouteHandler>) {
        r.add("POST", "/v1/responses") { ctx in
            let body = try ctx.body().object
            // A fine-tuned model exists once its job has been read past success.
            if body["model"]?.stringValue?.hasPrefix("ft:") == true { ctx.services.fineTuning.settle(tenant: ctx.tenant) }
            let created = try ctx.services.responses.create(tenant: ctx.tenant, body: body, overrides: ctx.overrides)
            if let id = created.background { ctx.webhooks.watch(ctx.tenant, .response, id, fault: ctx.overrides.webhook) }
            // `background` with `stream`: the stream follows the run as a retrieve stream would.
            if let id = created.followsRun { return .response(try Self.replay(ctx, id: id, startingAfter: nil)) }
            guard var events = created.events else {
                return .response(HTTPResponse(status: 200, headers: HTTPResponse.jsonHeaders(), body: .bytes(created.encoded)))
            }
            var options = Self.sseOptions(ctx.overrides)
            if let error = options.errorEvent, let final = events.last?.data["response"] {
                // The Responses variant of a broken stream: an `error` event, then `response.failed`.
                let failing = ResponseEvents.failing(events, keep: options.cutAfterEvents ?? 1, error: error, response: final)
                events = failing.events
                options = SSEOptions(firstEventDelay: options.firstEventDelay, eventDelay: options.eventDelay)
                if created.stored, let id = final["id"]?.stringValue {
                    ctx.services.responses.markFailed(tenant: ctx.tenant, id: id, code: failing.code, message: failing.message)
                }
            }
            let writer = SSEWriter(clock: ctx.services.env.clock, options: options, namedEvents: true)
            for e in events { writer.event(e.type, e.data) }
            writer.finish()
            return .response(writer.response())
        }
        r.add("POST", "/v1/responses/input_tokens") { ctx in
            .json(try ctx.services.responses.inputTokens(tenant: ctx.tenant, body: try ctx.body().object))
        }
        r.add("POST", "/v1/responses/compact") { ctx in
            .json(try ctx.services.responses.compact(tenant: ctx.tenant, body: try ctx.body().object))
        }
        r.add("GET", "/v1/responses/{response_id}") { ctx in
            let q = ctx.query
            try Self.checkInclude(ctx.request)
            let id = ctx.param("response_id")
            let stream = try Self.boolQuery(q.string("stream"), param: "stream") ?? false
            // Accepted and checked; the simulator's stream events carry no obfuscation padding.
            _ = try Self.boolQuery(q.string("include_obfuscation"), param: "include_obfuscation")
            guard stream else { return .json(try ctx.services.responses.retrieve(tenant: ctx.tenant, id: id)) }
            var startingAfter: Int64?
            if let s = q.string("starting_after") {
                guard let v = Int64(s) else {
                    throw APIError.invalidRequest("Invalid 'starting_after': expected an integer, got '\(s)'.", param: "starting_after",
                                                  code: "invalid_type")
                }
                startingAfter = v
            }
            return .response(try Self.replay(ctx, id: id, startingAfter: startingAfter))
        }
        r.add("DELETE", "/v1/responses/{response_id}") { ctx in
            .json(try ctx.services.responses.delete(tenant: ctx.tenant, id: ctx.param("response_id")))
        }
        r.add("POST", "/v1/responses/{response_id}/cancel") { ctx in
            ctx.webhooks.pollingAfter(try ctx.services.responses.cancel(tenant: ctx.tenant, id: ctx.param("response_id")))
        }
        r.add("GET", "/v1/responses/{response_id}/input_items") { ctx in
            let q = ctx.query
            try Self.checkInclude(ctx.request)
            return .json(try ctx.services.responses.inputItems(tenant: ctx.tenant, id: ctx.param("response_id"),
                                                               limit: try q.limit(default: 20, range: 1...100),
                                                               order: try q.order(default: .desc), after: q.string("after")))
        }
    }

    /// A stored response as a stream: what exists now, the rest as a background run produces it
    /// on the clock (a cancel or delete meanwhile ends the stream).
    static func replay(_ ctx: RouteContext, id: String, startingAfter: Int64?) throws(APIError) -> HTTPResponse {
        let service = ctx.services.responses
        let replay = try service.replay(tenant: ctx.tenant, id: id, startingAfter: startingAfter)
        var options = sseOptions(ctx.overrides)
        if let error = options.errorEvent {
            // Shaped as the Responses `error` event, numbered after the events sent before the cut.
            let first = replay.now.first ?? replay.later.first?.events.first
            let firstSeq = first?.data["sequence_number"]?.intValue ?? (startingAfter ?? -1) + 1
            options.errorEvent = ResponseEvents.errorEvent(error, sequence: firstSeq + Int64(options.cutAfterEvents ?? 1))
        }
        let writer = SSEWriter(clock: ctx.services.env.clock, options: options, namedEvents: true)
        for e in replay.now { writer.event(e.type, e.data) }
        play(replay.later[...], to: writer, clock: ctx.services.env.clock, service: service, tenant: ctx.tenant, id: id)
        return writer.response()
    }

    /// Sends each step when the clock reaches it, one timer at a time.
    private static func play(_ steps: ArraySlice<ResponseService.Replay.Step>, to writer: SSEWriter, clock: SimClock,
                             service: ResponseService, tenant: Tenant, id: String) {
        guard let step = steps.first else { writer.finish(); return }
        clock.schedule(after: max(0, Double(step.at) - clock.now())) {
            // The client has gone (nothing more to send), or the run was cancelled or deleted.
            guard !writer.stream.isCancelled, !service.isCancelled(tenant: tenant, id: id) else { writer.finish(); return }
            for e in step.events { writer.event(e.type, e.data) }
            play(steps.dropFirst(), to: writer, clock: clock, service: service, tenant: tenant, id: id)
        }
    }

    /// A scenario's stream behaviour for this request.
    static func sseOptions(_ o: RequestOverrides) -> SSEOptions {
        guard let s = o.stream else { return SSEOptions() }
        return SSEOptions(cutAfterEvents: s.cutAfterEvents, firstEventDelay: (s.firstEventDelayMs ?? 0) / 1000,
                          eventDelay: (s.eventDelayMs ?? 0) / 1000, errorEvent: s.errorEvent)
    }

    /// `include` / `include[]` query values must be known includables.
    static func checkInclude(_ req: HTTPRequest) throws(APIError) {
        for (k, v) in req.query where k == "include" || k == "include[]" {
            guard ResponseCreateParams.includeValues.contains(v) else {
                throw APIError.invalidValue("include", v, supported: ResponseCreateParams.includeValues)
            }
        }
    }

    static func boolQuery(_ s: String?, param: String) throws(APIError) -> Bool? {
        guard let s else { return nil }
        switch s.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default:
            throw APIError.invalidRequest("Invalid '\(param)': expected a boolean, got '\(s)'.", param: param, code: "invalid_type")
        }
    }
}

import SimSupport

extension FineTuningService {
    /// Brings the stored job up to `now`: registers checkpoint models as their steps pass, and on
    /// success stores the result file and registers the fine-tuned model. Idempotent: each effect
    /// is recorded in the job and re-checked under the lock against the freshly loaded record.
    func refresh(_ tenant: Tenant, _ job: FineTuningJob, now: Double) throws(APIError) -> FineTuningJob {
        guard job.open else { return job }
        let outcome: Result<FineTuningJob, APIError> = gate.withLock { _ in
            do throws(APIError) {
                var j = (try? load(tenant, job.id)) ?? job
                guard j.open else { return .success(j) }
                let l = FineTuningEventLog(job: j, timeline: j.timeline(at: now), org: tenant.organizationSlug)
                var changed = false
                let due = l.checkpoints
                if j.registeredCheckpoints < due.count {
                    for c in due[j.registeredCheckpoints...] {
                        try models.register(tenant: tenant, id: c.modelName, created: Int64(c.time.rounded(.down)), base: j.baseModel)
                        try index(tenant, model: c.modelName, job: j.id)
                    }
                    j.registeredCheckpoints = due.count
                    changed = true
                }
                if l.timeline.status == .succeeded, !j.registeredModel {
                    let finished = Int64((l.timeline.finishedAt ?? now).rounded(.down))
                    if j.resultFileID == nil {
                        let csv = Array(l.resultCSV.utf8)
                        let file = try files.store(tenant: tenant, filename: "step_metrics.csv", purpose: "fine-tune-results", content: .bytes(csv))
                        j.resultFileID = file.id
                    }
                    let name = j.fineTunedModelName(org: tenant.organizationSlug)
                    try models.register(tenant: tenant, id: name, created: finished, base: j.baseModel)
                    try index(tenant, model: name, job: j.id)
                    j.registeredModel = true
                    changed = true
                }
                if l.timeline.isTerminal, j.open {
                    j.open = false
                    changed = true
                }
                if changed { try save(tenant, j) }
                return .success(j)
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    func load(_ tenant: Tenant, _ id: String) throws(APIError) -> FineTuningJob {
        let record: StoredRecord?
        do { record = try env.records.get(tenant: tenant.id, collection: Self.collection, id: id) } catch { throw .serverError("\(error)") }
        guard let r = record, let job = FineTuningJob(stored: r.body) else {
            throw .invalidRequest("Could not find fine-tuning job \(id).", param: "fine_tuning_job_id", code: "fine_tune_not_found", status: 404)
        }
        return job
    }

    func save(_ tenant: Tenant, _ job: FineTuningJob) throws(APIError) {
        try put(tenant, Self.collection, job.id, job.createdAt, job.stored)
        // After the write: a settle that listed before it holds an older stamp and stays unsettled.
        if job.open { openJobs.advance() }
    }

    func put(_ tenant: Tenant, _ collection: String, _ id: String, _ created: Int64, _ body: JSON) throws(APIError) {
        do { try env.records.put(StoredRecord(tenant: tenant.id, collection: collection, id: id, createdAt: created, body: body)) } catch {
            throw .serverError("Could not store the fine-tuning job: \(error)")
        }
    }

    private func index(_ tenant: Tenant, model: String, job: String) throws(APIError) {
        try put(tenant, Self.modelIndexCollection, model, env.now(), .object([("job_id", .string(job))]))
    }
}

import SimSupport

extension BatchRecord {
    var stored: JSON {
        .object([
            ("id", .string(id)), ("endpoint", .string(endpoint)), ("model", JSON(model)), ("input_file_id", .string(inputFileID)),
            ("completion_window", .string(completionWindow)), ("created_at", .int(createdAt)), ("expires_at", .int(expiresAt)),
            ("metadata", metadata), ("output_expires_seconds", JSON(outputExpiresSeconds)), ("total", .int(Int64(total))),
            ("validation_end", .double(validationEnd)), ("in_progress_seconds", .double(inProgressSeconds)),
            ("finalizing_seconds", .double(finalizingSeconds)), ("cancelling_seconds", .double(cancellingSeconds)),
            ("validation_errors", validationErrors.map { .array($0) } ?? .null),
            ("cancelling_at", cancellingAt.map { .double($0) } ?? .null), ("force_expire", .bool(forceExpire)),
            ("fail_custom_ids", .array(failCustomIDs.map { .string($0) })), ("fail_ratio", .double(failRatio)),
            ("executed", .int(Int64(executed))), ("completed", .int(Int64(completed))), ("failed", .int(Int64(failed))),
            ("cursor_offset", .int(Int64(cursorOffset))), ("cursor_line", .int(Int64(cursorLine))),
            ("chunks", .array(chunks.map { .string($0) })),
            ("usage", .array([.int(usage.input), .int(usage.cached), .int(usage.output), .int(usage.reasoning), .int(usage.total)])),
            ("output_file_id", JSON(outputFileID)), ("error_file_id", JSON(errorFileID)), ("finished", .bool(finished)),
        ])
    }

    init?(stored b: JSON) {
        guard let id = b["id"]?.stringValue, let endpoint = b["endpoint"]?.stringValue, let input = b["input_file_id"]?.stringValue,
              let created = b["created_at"]?.intValue, let expires = b["expires_at"]?.intValue,
              let total = b["total"]?.intValue, let vEnd = b["validation_end"]?.doubleValue else { return nil }
        self.id = id
        self.endpoint = endpoint
        model = b["model"]?.stringValue
        inputFileID = input
        completionWindow = b["completion_window"]?.stringValue ?? "24h"
        createdAt = created
        expiresAt = expires
        metadata = b["metadata"] ?? .null
        outputExpiresSeconds = b["output_expires_seconds"]?.intValue
        self.total = Int(total)
        validationEnd = vEnd
        inProgressSeconds = b["in_progress_seconds"]?.doubleValue ?? 1
        finalizingSeconds = b["finalizing_seconds"]?.doubleValue ?? 1
        cancellingSeconds = b["cancelling_seconds"]?.doubleValue ?? 1
        validationErrors = b["validation_errors"]?.arrayValue
        cancellingAt = b["cancelling_at"]?.doubleValue
        forceExpire = b["force_expire"]?.boolValue ?? false
        failCustomIDs = b["fail_custom_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        failRatio = b["fail_ratio"]?.doubleValue ?? 0
        executed = Int(b["executed"]?.intValue ?? 0)
        completed = Int(b["completed"]?.intValue ?? 0)
        failed = Int(b["failed"]?.intValue ?? 0)
        cursorOffset = Int(b["cursor_offset"]?.intValue ?? 0)
        cursorLine = Int(b["cursor_line"]?.intValue ?? 1)
        chunks = b["chunks"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let u = b["usage"]?.arrayValue?.compactMap(\.intValue) ?? []
        if u.count == 5 { usage = Usage(input: u[0], cached: u[1], output: u[2], reasoning: u[3], total: u[4]) }
        outputFileID = b["output_file_id"]?.stringValue
        errorFileID = b["error_file_id"]?.stringValue
        finished = b["finished"]?.boolValue ?? false
    }
}

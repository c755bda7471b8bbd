import SimSupport

extension BatchService {
    /// Lines read, parsed, run and written per round.
    static let windowLines = 512

    /// Runs the lines due by `due`, a window at a time. Within a window:
    /// 1. every line is parsed (concurrently);
    /// 2. in line order, each line gets its `batch_req_` id and failure roll from the batch's
    ///    line stream and its `req_` id from the app's stream;
    /// 3. the handlers run: lines that depend on shared state (not `BatchLine.independent`) one
    ///    after another in line order, the others concurrently beside them; each line's handler
    ///    draws its IDs from an environment salted with (batch, line index), so an answer never
    ///    depends on which other lines ran before it, and each output line is encoded where it ran;
    /// 4. in line order, counts and usage are added and output lines appended.
    /// The output is therefore the same whichever way the lines were scheduled.
    func execute(_ tenant: Tenant, _ record: inout BatchRecord, upTo due: Int, into output: inout BatchOutput) throws(APIError) {
        guard let executor = executorBox.withLock({ $0 }) else { throw .serverError("The batch executor is not attached.") }
        let path = try files.content(tenant: tenant, id: record.inputFileID).path
        let reader: LineReader
        do { reader = try LineReader(path: path, offset: record.cursorOffset, lineNumber: record.cursorLine) } catch {
            throw .serverError("The batch input file could not be read: \(error)")
        }
        let lineIDs = env.ids(stream: "batch-lines:\(tenant.id):\(record.id)")
        var rng = SeededRandom(seed: StableHash.mix(env.seed, StableHash.fnv1a(record.id)))
        for _ in 0..<record.executed { _ = rng.next() }
        let context = BatchLine.Context(tenant: tenant, endpoint: record.endpoint, env: env,
                                        batchSalt: BatchLine.salt(epoch: env.epoch, batchID: record.id),
                                        handler: executor.internalEndpoint(method: "POST", path: record.endpoint))
        let concurrent = runsLinesConcurrently
        var window: [BatchLine] = []
        window.reserveCapacity(Self.windowLines)
        var exhausted = false
        while record.executed < due, !exhausted {
            window.removeAll(keepingCapacity: true)
            while record.executed + window.count < due, window.count < Self.windowLines {
                let line: LineReader.Line?
                do { line = try reader.next() } catch { throw .serverError("\(error)") }
                guard let line else { exhausted = true; break }
                record.cursorOffset = line.nextOffset
                record.cursorLine = line.number + 1
                if BatchLine.isBlank(line.bytes) { continue }
                window.append(BatchLine(index: record.executed + window.count, raw: Array(line.bytes)))
            }
            if window.isEmpty { break }

            Self.forEach(&window, concurrently: concurrent, grain: 32, executor) { $0.parse(endpoint: context.endpoint) }
            for i in window.indices {
                let roll = rng.unit()
                window[i].lineID = lineIDs.make("batch_req_", length: 24)
                if record.failCustomIDs.contains(window[i].customID) || roll < record.failRatio {
                    window[i].injectedFailure = true
                    window[i].requestID = IDKind.request(lineIDs)
                } else {
                    window[i].requestID = executor.newRequestID()
                }
            }
            // Lines that depend on shared state run one after another in line order (one task);
            // the others run beside them.
            let inOrder = window.indices.filter { !window[$0].independent }
            Self.forEach(&window, concurrently: concurrent, inOrder: inOrder, executor) { $0.run(context) }

            for line in window {
                record.executed += 1
                if line.status == 200 {
                    record.completed += 1
                    record.usage.add(line.usage)
                    output.out.append(line.entry)
                } else {
                    record.failed += 1
                    output.err.append(line.entry)
                }
            }
            if output.bytes > BatchOutput.memoryLimit { try flush(tenant, &record, &output) }
        }
        if exhausted { record.total = record.executed }
    }

    /// Applies `body` to every line, spread over the cores when `concurrently` in tasks of `grain`
    /// consecutive lines, except that the lines at `inOrder` (ascending) are done one after
    /// another, in that order, as one task.
    private static func forEach(_ lines: inout [BatchLine], concurrently: Bool, grain: Int = 1, inOrder: [Int] = [],
                                _ executor: InternalRequestExecutor, _ body: @Sendable (inout BatchLine) -> Void) {
        guard concurrently, lines.count > grain, inOrder.count < lines.count else {
            for i in lines.indices { body(&lines[i]) }
            return
        }
        var free: [Int] = []
        free.reserveCapacity(lines.count - inOrder.count)
        var next = 0
        for i in lines.indices {
            if next < inOrder.count, inOrder[next] == i { next += 1 } else { free.append(i) }
        }
        let tasks = (free.count + grain - 1) / grain
        lines.withUnsafeMutableBufferPointer { buffer in
            // Each task touches only its own elements.
            let base = UncheckedSendable(buffer.baseAddress!)
            executor.concurrentPerform(1 + tasks) { [free] k in
                if k == 0 {
                    for i in inOrder { body(&base.value[i]) }
                } else {
                    for j in (k - 1) * grain..<min(free.count, k * grain) { body(&base.value[free[j]]) }
                }
            }
        }
    }

    /// Writes what `output` holds as chunk blobs (listed in `record.chunks`, in order) and empties it.
    func flush(_ tenant: Tenant, _ record: inout BatchRecord, _ output: inout BatchOutput) throws(APIError) {
        for (kind, stream) in [("out", output.out), ("err", output.err)] where !stream.pieces.isEmpty {
            let key = BlobKey.scoped(tenant, "\(record.id)-\(kind)-\(record.chunks.count)")
            do { try env.blobs.write(key: key, from: .concatenation(stream.pieces.map { .bytes($0) })) } catch { throw .serverError("\(error)") }
            record.chunks.append(key)
        }
        output = BatchOutput()
    }
}

/// A pointer handed to concurrent workers that each use a disjoint part of what it points to.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The output and error lines of one read, encoded, held in memory in pieces of a few MiB until
/// they are written: as chunk blobs when they pass `memoryLimit` or the batch goes on after this
/// read, or straight into the output and error files when it ends in this read (each byte is
/// then written once).
struct BatchOutput {
    static let memoryLimit = 64 << 20
    static let pieceBytes = 4 << 20

    var out = Lines()
    var err = Lines()
    var bytes: Int { out.bytes + err.bytes }

    struct Lines {
        private(set) var pieces: [[UInt8]] = []
        private(set) var bytes = 0

        /// Appends one encoded line (with its newline).
        mutating func append(_ line: [UInt8]) {
            if pieces.isEmpty || pieces[pieces.count - 1].count + line.count > BatchOutput.pieceBytes {
                var piece: [UInt8] = []
                piece.reserveCapacity(max(BatchOutput.pieceBytes, line.count))
                pieces.append(piece)
            }
            pieces[pieces.count - 1].append(contentsOf: line)
            bytes += line.count
        }
    }
}

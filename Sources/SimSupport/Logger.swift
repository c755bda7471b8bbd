import FoundationEssentials
import Dispatch
import Glibc

/// Line-oriented logging to standard error, as text or JSON lines. Lines are buffered and written
/// in batches (at 16 KiB or within 20 ms), so a busy server does not pay a syscall per request.
public final class Logger: Sendable {
    public enum Format: String, Sendable { case text, json }
    public let format: Format
    private let sink: (@Sendable (String) -> Void)?
    private struct Buffer { var bytes: [UInt8] = []; var flushScheduled = false }
    private let buffer = Locked(Buffer())
    /// Held by the one flush at a time; it guards the array the last flush wrote out, emptied,
    /// which takes the next lines (so a flush allocates nothing: a fresh 16 KiB array each time
    /// was 0.6 % of the worker threads in a `perf` profile under wrk).
    private let writing = Locked<[UInt8]>([])

    /// Where buffered lines are written: standard error, or another descriptor (tests).
    private let fileDescriptor: Int32

    /// `sink` receives each line immediately (tests); without it lines are buffered and written
    /// to `fileDescriptor` (standard error unless told otherwise).
    public init(format: Format = .text, sink: (@Sendable (String) -> Void)? = nil, fileDescriptor: Int32 = 2) {
        self.format = format
        self.sink = sink
        self.fileDescriptor = fileDescriptor
    }

    static let flushAt = 16 * 1024
    public static let silent = Logger(sink: { _ in })

    public func info(_ message: String, _ fields: [(String, JSON)] = []) { emit("info", message, fields) }
    public func warn(_ message: String, _ fields: [(String, JSON)] = []) { emit("warn", message, fields) }
    public func error(_ message: String, _ fields: [(String, JSON)] = []) { emit("error", message, fields) }

    /// Writes out anything buffered (call before exiting).
    public func flush() { flush(fromTimer: false) }

    /// Only the timer clears `flushScheduled`: a flush because the buffer filled up leaves the
    /// pending timer in place, so a busy server arms at most one timer per 20 ms.
    private func flush(fromTimer: Bool) {
        // One flush at a time, so batches reach the descriptor in the order they were taken
        // (two at once, a full buffer's and the timer's, could otherwise write the later batch
        // first). Threads adding lines never wait for it: they take only `buffer`'s lock.
        writing.withLock { spare in
            // The first flush allocates, outside `buffer`'s lock.
            if spare.capacity == 0 { spare.reserveCapacity(Self.flushAt + 512) }
            buffer.withLock { b in
                if fromTimer { b.flushScheduled = false }
                swap(&spare, &b.bytes)
            }
            spare.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let n = write(fileDescriptor, raw.baseAddress! + off, raw.count - off)
                    if n <= 0 { break }
                    off += n
                }
            }
            spare.removeAll(keepingCapacity: true)
        }
    }

    /// The per-request line ("METHOD PATH STATUS ms=… tenant=… request_id=…"): the same bytes
    /// `info` would produce, without the intermediate values (text lines are formatted on the
    /// stack, then copied into the shared buffer). `ms` is logged rounded to hundredths.
    public func request(method: String, path: String, status: Int, ms: Double, tenant: String?, requestID: String) {
        if format == .text {
            // Formatted on the stack (no allocation, no writer calls) when it fits, which is
            // always for real paths and tenants.
            let bound = method.utf8.count + path.utf8.count + (tenant?.utf8.count ?? 4) + requestID.utf8.count + 80
            func format(_ base: UnsafeMutablePointer<UInt8>) {
                var line = LineBuffer(base: base)
                line.put(method); line.put(0x20); line.put(path); line.put(0x20); line.putInt(status)
                line.put(" ms="); line.putHundredths(ms)
                line.put(" tenant="); if let tenant { line.put(tenant) } else { line.put("null") }
                line.put(" request_id="); line.put(requestID); line.put(0x0A)
                emit(UnsafeBufferPointer(start: base, count: line.count))
            }
            if bound <= 1024 {
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { format($0.baseAddress!) }
            } else {
                let heap = UnsafeMutablePointer<UInt8>.allocate(capacity: bound)
                defer { heap.deallocate() }
                format(heap)
            }
            return
        }
        writeLine { w in
            w.raw("{\"level\":\"info\",\"msg\":")
            w.writeString("\(method) \(path) \(status)")
            w.raw(",\"ms\":"); w.writeHundredths(ms)
            w.raw(",\"tenant\":"); if let tenant { w.writeString(tenant) } else { w.raw("null") }
            w.raw(",\"request_id\":"); w.writeString(requestID)
            w.raw("}")
        }
    }

    /// Formats one line (into a writer) and emits it.
    private func writeLine(_ body: (inout JSONWriter) -> Void) {
        var w = JSONWriter(capacity: 256)
        body(&w)
        w.bytes.append(0x0A)
        w.bytes.withUnsafeBufferPointer { emit($0) }
    }

    /// One finished line, ending in a newline: to the sink (tests; without the newline), or
    /// appended to the shared buffer, which is flushed when full and within 20 ms. The server's
    /// threads share the buffer, so the lock is held only for the copy; the write happens
    /// outside it.
    private func emit(_ line: UnsafeBufferPointer<UInt8>) {
        if let sink {
            sink(String(decoding: UnsafeBufferPointer(rebasing: line.dropLast()), as: UTF8.self))
            return
        }
        let (full, schedule): (Bool, Bool) = buffer.withLock { b in
            b.bytes.append(contentsOf: line)
            let schedule = !b.flushScheduled
            b.flushScheduled = true
            return (b.bytes.count >= Self.flushAt, schedule)
        }
        if full { flush() }
        if schedule {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) { [self] in flush(fromTimer: true) }
        }
    }

    private func emit(_ level: String, _ message: String, _ fields: [(String, JSON)]) {
        let format = format
        writeLine { w in
            switch format {
            case .json:
                w.write(JSON.object([("level", .string(level)), ("msg", .string(message))] + fields))
            case .text:
                w.appendRaw(message)
                for (k, v) in fields {
                    w.bytes.append(0x20); w.appendRaw(k); w.bytes.append(UInt8(ascii: "="))
                    if case let .string(s) = v { w.appendRaw(s) } else { w.write(v) }
                }
            }
        }
    }
}

/// Writes a log line into memory the caller sized for it (see `Logger.request`): no bounds
/// checks beyond the caller's bound, no allocation.
private struct LineBuffer {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0

    @inline(__always) mutating func put(_ byte: UInt8) { base[count] = byte; count += 1 }
    @inline(__always) mutating func put(_ s: StaticString) {
        (base + count).update(from: s.utf8Start, count: s.utf8CodeUnitCount)
        count += s.utf8CodeUnitCount
    }
    mutating func put(_ s: String) {
        s.withUTF8Bytes { u in
            if let p = u.baseAddress { (base + count).update(from: p, count: u.count) }
            count += u.count
        }
    }
    mutating func putInt(_ value: Int) { count += DecimalText.int(Int64(value), to: base + count) }
    /// `d` rounded to hundredths, as `JSONWriter.writeHundredths` writes it ("0.5", "12.34", "3.0").
    mutating func putHundredths(_ d: Double) {
        if let n = DecimalText.hundredths(d, to: base + count) { count += n; return }
        var w = JSONWriter(capacity: 32)
        w.writeHundredths(d)
        for b in w.bytes { put(b) }
    }
}

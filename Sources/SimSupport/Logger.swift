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

    /// `sink` receives each line immediately (tests); without it lines go to standard error.
    public init(format: Format = .text, sink: (@Sendable (String) -> Void)? = nil) {
        self.format = format
        self.sink = sink
    }

    static let flushAt = 16 * 1024
    public static let silent = Logger(sink: { _ in })

    public func info(_ message: String, _ fields: [(String, JSON)] = []) { emit("info", message, fields) }
    public func error(_ message: String, _ fields: [(String, JSON)] = []) { emit("error", message, fields) }

    /// Writes out anything buffered (call before exiting).
    public func flush() { flush(fromTimer: false) }

    /// Only the timer clears `flushScheduled`: a flush because the buffer filled up leaves the
    /// pending timer in place, so a busy server arms at most one timer per 20 ms.
    private func flush(fromTimer: Bool) {
        var spare: [UInt8] = []
        spare.reserveCapacity(Self.flushAt + 512)
        let bytes: [UInt8] = buffer.withLock { b in
            if fromTimer { b.flushScheduled = false }
            swap(&spare, &b.bytes)
            return spare
        }
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(2, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { break }
                off += n
            }
        }
    }

    /// The per-request line ("METHOD PATH STATUS ms=… tenant=… request_id=…"), written straight
    /// into the buffer: the same bytes `info` would produce, without the intermediate values.
    /// `ms` is logged rounded to hundredths.
    public func request(method: String, path: String, status: Int, ms: Double, tenant: String?, requestID: String) {
        let format = format
        writeLine { w in
            switch format {
            case .json:
                w.raw("{\"level\":\"info\",\"msg\":")
                w.writeString("\(method) \(path) \(status)")
                w.raw(",\"ms\":"); w.writeHundredths(ms)
                w.raw(",\"tenant\":"); if let tenant { w.writeString(tenant) } else { w.raw("null") }
                w.raw(",\"request_id\":"); w.writeString(requestID)
                w.raw("}")
            case .text:
                w.appendRaw(method); w.bytes.append(0x20); w.appendRaw(path); w.bytes.append(0x20); w.writeInt(Int64(status))
                w.raw(" ms="); w.writeHundredths(ms)
                w.raw(" tenant="); if let tenant { w.appendRaw(tenant) } else { w.raw("null") }
                w.raw(" request_id="); w.appendRaw(requestID)
            }
        }
    }

    /// Formats one line straight into the shared buffer (no per-line allocation), then flushes
    /// when the buffer is full and arms the flush timer if none is armed. With a sink (tests) the
    /// line goes there instead.
    private func writeLine(_ body: (inout JSONWriter) -> Void) {
        if let sink {
            var w = JSONWriter(capacity: 192)
            body(&w)
            sink(String(decoding: w.bytes, as: UTF8.self))
            return
        }
        let (full, schedule): (Bool, Bool) = buffer.withLock { b in
            var w = JSONWriter(capacity: 0)
            swap(&w.bytes, &b.bytes)
            body(&w)
            w.bytes.append(0x0A)
            swap(&w.bytes, &b.bytes)
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

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

    public static let silent = Logger(sink: { _ in })

    public func info(_ message: String, _ fields: [(String, JSON)] = []) { emit("info", message, fields) }
    public func error(_ message: String, _ fields: [(String, JSON)] = []) { emit("error", message, fields) }

    /// Writes out anything buffered (call before exiting).
    public func flush() {
        let bytes: [UInt8] = buffer.withLock { b in
            let out = b.bytes
            b.bytes.removeAll(keepingCapacity: true)
            b.flushScheduled = false
            return out
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

    private func emit(_ level: String, _ message: String, _ fields: [(String, JSON)]) {
        let line: String
        switch format {
        case .json:
            line = JSON.object([("level", .string(level)), ("msg", .string(message))] + fields).encodedString
        case .text:
            var l = message
            for (k, v) in fields {
                l += " \(k)="
                if case let .string(s) = v { l += s } else { l += v.encodedString }
            }
            line = l
        }
        if let sink { sink(line); return }
        let (full, schedule): (Bool, Bool) = buffer.withLock { b in
            b.bytes.append(contentsOf: line.utf8)
            b.bytes.append(0x0A)
            let schedule = !b.flushScheduled
            b.flushScheduled = true
            return (b.bytes.count >= 16 * 1024, schedule)
        }
        if full { flush() } else if schedule {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) { [self] in flush() }
        }
    }
}

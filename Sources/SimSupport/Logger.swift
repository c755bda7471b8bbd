import Foundation

/// Line-oriented logging to standard error, as text or JSON lines.
public final class Logger: Sendable {
    public enum Format: String, Sendable { case text, json }
    public let format: Format
    private let sink: @Sendable (String) -> Void

    public init(format: Format = .text, sink: (@Sendable (String) -> Void)? = nil) {
        self.format = format
        self.sink = sink ?? { line in
            var l = line; l.append("\n")
            FileHandle.standardError.write(Data(l.utf8))
        }
    }

    public static let silent = Logger(sink: { _ in })

    public func info(_ message: String, _ fields: [(String, JSON)] = []) { emit("info", message, fields) }
    public func error(_ message: String, _ fields: [(String, JSON)] = []) { emit("error", message, fields) }

    private func emit(_ level: String, _ message: String, _ fields: [(String, JSON)]) {
        switch format {
        case .json:
            sink(JSON.object([("level", .string(level)), ("msg", .string(message))] + fields).encodedString)
        case .text:
            var line = message
            for (k, v) in fields {
                line += " \(k)="
                if case let .string(s) = v { line += s } else { line += v.encodedString }
            }
            sink(line)
        }
    }
}

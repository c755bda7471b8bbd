/// Cuts a byte stream into server-sent event blocks as bytes arrive (events end at a blank line).
public struct SSESplitter: Sendable {
    private var buffer: [UInt8] = []
    public init() {}

    /// Adds bytes; returns the event blocks they completed (without their blank line).
    public mutating func feed(_ bytes: [UInt8]) -> [[UInt8]] {
        buffer += bytes
        var out: [[UInt8]] = []
        var start = 0
        var i = 0
        while i + 1 < buffer.count {
            if buffer[i] == 10, buffer[i + 1] == 10 {
                out.append(Array(buffer[start..<i]))
                i += 2; start = i; continue
            }
            if buffer[i] == 13, i + 3 < buffer.count, buffer[i + 1] == 10, buffer[i + 2] == 13, buffer[i + 3] == 10 {
                out.append(Array(buffer[start..<i]))
                i += 4; start = i; continue
            }
            i += 1
        }
        if start > 0 { buffer.removeFirst(start) }
        return out.filter { !$0.isEmpty }
    }

    /// Bytes of an event that never completed.
    public var tail: [UInt8] { buffer }
}

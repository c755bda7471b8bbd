/// A request path pattern: exact (`/v1/responses`), template (`/v1/files/{id}`: a brace
/// matches one non-empty segment) or glob (`*` matches within one segment, `**` across segments).
public struct PathPattern: Sendable, Equatable, CustomStringConvertible {
    enum Token: Equatable { case literal([UInt8]), segment, star, doubleStar }
    public let source: String
    let tokens: [Token]

    public init(_ source: String) {
        self.source = source
        var tokens: [Token] = []
        var literal: [UInt8] = []
        let b = Array(source.utf8)
        var i = 0
        func flush() { if !literal.isEmpty { tokens.append(.literal(literal)); literal = [] } }
        while i < b.count {
            if b[i] == UInt8(ascii: "{"), let close = b[i...].firstIndex(of: UInt8(ascii: "}")) {
                flush(); tokens.append(.segment); i = close + 1
            } else if b[i] == UInt8(ascii: "*") {
                flush()
                if i + 1 < b.count, b[i + 1] == UInt8(ascii: "*") { tokens.append(.doubleStar); i += 2 } else { tokens.append(.star); i += 1 }
            } else {
                literal.append(b[i]); i += 1
            }
        }
        flush()
        self.tokens = tokens
    }

    public var description: String { source }

    public var isExact: Bool { tokens.allSatisfy { if case .literal = $0 { return true }; return false } }

    public func matches(_ path: String) -> Bool {
        let p = Array(path.utf8)
        return Self.match(tokens[...], p[...])
    }

    private static func match(_ t: ArraySlice<Token>, _ p: ArraySlice<UInt8>) -> Bool {
        guard let first = t.first else { return p.isEmpty }
        let rest = t.dropFirst()
        switch first {
        case let .literal(lit):
            guard p.count >= lit.count, p.prefix(lit.count).elementsEqual(lit) else { return false }
            return match(rest, p.dropFirst(lit.count))
        case .segment, .star:
            // Any run without '/', at least one byte for a template segment.
            let minimum = first == .segment ? 1 : 0
            var n = 0
            var idx = p.startIndex
            while true {
                if n >= minimum, match(rest, p[idx...]) { return true }
                guard idx < p.endIndex, p[idx] != UInt8(ascii: "/") else { return false }
                idx += 1; n += 1
            }
        case .doubleStar:
            var idx = p.startIndex
            while true {
                if match(rest, p[idx...]) { return true }
                guard idx < p.endIndex else { return false }
                idx += 1
            }
        }
    }
}

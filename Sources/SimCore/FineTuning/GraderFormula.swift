import Glibc

/// A multi grader's `calculate_output`: numbers, grader names, `+ - * / ^` (`^` binds tightest
/// and to the right), unary minus, parentheses and `min max abs floor ceil exp sqrt log`.
struct Formula {
    struct ParseError: Error { let message: String }

    indirect enum Node {
        case number(Double)
        case variable(String)
        case negate(Node)
        case binary(UInt8, Node, Node)
        case call(String, [Node])
    }

    let root: Node

    static let functions: [String: ClosedRange<Int>] = [
        "min": 1...64, "max": 1...64, "abs": 1...1, "floor": 1...1, "ceil": 1...1, "exp": 1...1, "sqrt": 1...1, "log": 1...1,
    ]

    static func parse(_ text: String) throws(ParseError) -> Formula {
        var p = Parser(bytes: Array(text.utf8))
        let node = try p.expression()
        p.skipSpaces()
        guard p.i == p.bytes.count else { throw ParseError(message: "unexpected '\(p.rest)' at offset \(p.i)") }
        return Formula(root: node)
    }

    var variables: [String] {
        var out: [String] = []
        func walk(_ n: Node) {
            switch n {
            case .number: break
            case let .variable(v): if !out.contains(v) { out.append(v) }
            case let .negate(a): walk(a)
            case let .binary(_, a, b): walk(a); walk(b)
            case let .call(_, args): args.forEach(walk)
            }
        }
        walk(root)
        return out
    }

    /// The value with `values` for the variables; nil when one is missing.
    func evaluate(_ values: [String: Double]) -> Double? {
        func eval(_ n: Node) -> Double? {
            switch n {
            case let .number(x): return x
            case let .variable(v): return values[v]
            case let .negate(a): return eval(a).map { -$0 }
            case let .binary(op, a, b):
                guard let x = eval(a), let y = eval(b) else { return nil }
                switch op {
                case UInt8(ascii: "+"): return x + y
                case UInt8(ascii: "-"): return x - y
                case UInt8(ascii: "*"): return x * y
                case UInt8(ascii: "/"): return x / y
                default: return pow(x, y)
                }
            case let .call(name, args):
                var xs: [Double] = []
                for a in args { guard let x = eval(a) else { return nil }; xs.append(x) }
                switch name {
                case "min": return xs.min()
                case "max": return xs.max()
                case "abs": return abs(xs[0])
                case "floor": return floor(xs[0])
                case "ceil": return ceil(xs[0])
                case "exp": return exp(xs[0])
                case "sqrt": return sqrt(xs[0])
                default: return log(xs[0])
                }
            }
        }
        return eval(root)
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0

        var rest: String { String(decoding: bytes[i...].prefix(16), as: UTF8.self) }

        mutating func skipSpaces() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A { i += 1 } }

        mutating func peek() -> UInt8? { skipSpaces(); return i < bytes.count ? bytes[i] : nil }

        mutating func expression() throws(ParseError) -> Node {
            var left = try term()
            while let c = peek(), c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                i += 1
                left = .binary(c, left, try term())
            }
            return left
        }

        mutating func term() throws(ParseError) -> Node {
            var left = try unary()
            while let c = peek(), c == UInt8(ascii: "*") || c == UInt8(ascii: "/") {
                i += 1
                left = .binary(c, left, try unary())
            }
            return left
        }

        /// Every nesting (parentheses, arguments, `^`, signs) passes through `unary`: bounded, so a
        /// formula of thousands of parentheses is refused instead of exhausting the stack.
        var depth = 0
        static let maxDepth = 64

        mutating func unary() throws(ParseError) -> Node {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw ParseError(message: "the formula nests deeper than \(Self.maxDepth) levels") }
            if let c = peek(), c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
                i += 1
                let operand = try unary()
                return c == UInt8(ascii: "-") ? .negate(operand) : operand
            }
            return try power()
        }

        mutating func power() throws(ParseError) -> Node {
            let base = try primary()
            if let c = peek(), c == UInt8(ascii: "^") {
                i += 1
                return .binary(c, base, try unary())
            }
            return base
        }

        mutating func primary() throws(ParseError) -> Node {
            guard let c = peek() else { throw ParseError(message: "the formula ends too early") }
            if c == UInt8(ascii: "(") {
                i += 1
                let inner = try expression()
                guard peek() == UInt8(ascii: ")") else { throw ParseError(message: "missing ')' at offset \(i)") }
                i += 1
                return inner
            }
            if isDigit(c) || c == UInt8(ascii: ".") {
                let start = i
                while i < bytes.count, isDigit(bytes[i]) || bytes[i] == UInt8(ascii: ".") { i += 1 }
                if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                    var j = i + 1
                    if j < bytes.count, bytes[j] == UInt8(ascii: "-") || bytes[j] == UInt8(ascii: "+") { j += 1 }
                    if j < bytes.count, isDigit(bytes[j]) {
                        i = j
                        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
                    }
                }
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                guard let x = Double(text) else { throw ParseError(message: "'\(text)' is not a number") }
                return .number(x)
            }
            if isNameStart(c) {
                let start = i
                while i < bytes.count, isNameStart(bytes[i]) || isDigit(bytes[i]) { i += 1 }
                let name = String(decoding: bytes[start..<i], as: UTF8.self)
                if peek() == UInt8(ascii: "(") {
                    guard let arity = Formula.functions[name] else { throw ParseError(message: "unknown function '\(name)'") }
                    i += 1
                    var args: [Node] = []
                    if peek() != UInt8(ascii: ")") {
                        args.append(try expression())
                        while peek() == UInt8(ascii: ",") {
                            i += 1
                            args.append(try expression())
                        }
                    }
                    guard peek() == UInt8(ascii: ")") else { throw ParseError(message: "missing ')' after the arguments of '\(name)'") }
                    i += 1
                    guard arity.contains(args.count) else {
                        throw ParseError(message: "'\(name)' takes \(arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "at least \(arity.lowerBound)") argument(s), got \(args.count)")
                    }
                    return .call(name, args)
                }
                return .variable(name)
            }
            throw ParseError(message: "unexpected '\(rest)' at offset \(i)")
        }

        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func isNameStart(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A || c >= 0x61 && c <= 0x7A || c == UInt8(ascii: "_") }
    }
}

import CYAML
import SimSupport

/// A YAML syntax error with the position libyaml reported.
public struct YAMLSyntaxError: Error, Sendable {
    public let line: Int
    public let column: Int
    public let message: String
}

/// Reads one YAML document (JSON is accepted: it is YAML's flow style) into a `YNode` tree,
/// through libyaml's event API. Anchors and aliases are resolved; tags are ignored.
public enum YAMLReader {
    public static func parse(_ text: String) throws(YAMLSyntaxError) -> YNode? {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(line: 1, column: 1, message: "cannot initialise the YAML parser")
        }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeMutableBufferPointer { buf throws(YAMLSyntaxError) -> YNode? in
            guard let base = buf.baseAddress else { return nil }
            yaml_parser_set_input_string(&parser, base, buf.count)
            var builder = Builder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let mark = parser.problem_mark
                    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
                    var context = ""
                    if let c = parser.context { context = " (\(String(cString: c)))" }
                    throw YAMLSyntaxError(line: Int(mark.line) + 1, column: Int(mark.column) + 1, message: problem + context)
                }
                defer { yaml_event_delete(&event) }
                let done = try builder.consume(&event)
                if done { break }
            }
            return builder.root
        }
    }

    /// Builds the tree from the event stream: a stack of open collections.
    private struct Builder {
        enum Open { case sequence([YNode], Int, Int, String?), mapping([(YNode, YNode)], YNode?, Int, Int, String?) }
        var stack: [Open] = []
        var anchors: [String: YNode] = [:]
        var root: YNode?
        var documents = 0
        /// Nodes added through aliases so far: bounded, so an alias bomb cannot exhaust memory.
        var expanded = 0
        static let maxExpanded = 100_000
        /// Deeper documents are refused before the recursive walks over the tree could exhaust the stack.
        static let maxDepth = 64

        mutating func consume(_ event: inout yaml_event_t) throws(YAMLSyntaxError) -> Bool {
            let line = Int(event.start_mark.line) + 1
            let column = Int(event.start_mark.column) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return true
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw YAMLSyntaxError(line: line, column: column, message: "a scenario file holds one YAML document; found a second '---'")
                }
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let value = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE || s.style == YAML_ANY_SCALAR_STYLE
                let node = YNode(.scalar(value, plain: plain), line: line, column: column)
                if let a = s.anchor { anchors[String(cString: a)] = node }
                add(node)
            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                guard var node = anchors[name] else {
                    throw YAMLSyntaxError(line: line, column: column, message: "unknown alias *\(name)")
                }
                expanded += Self.count(node, limit: Self.maxExpanded - expanded + 1)
                if expanded > Self.maxExpanded {
                    throw YAMLSyntaxError(line: line, column: column, message: "aliases expand to more than \(Self.maxExpanded) nodes")
                }
                node.line = line
                node.column = column
                add(node)
            case YAML_SEQUENCE_START_EVENT where stack.count >= Self.maxDepth, YAML_MAPPING_START_EVENT where stack.count >= Self.maxDepth:
                throw YAMLSyntaxError(line: line, column: column, message: "nesting deeper than \(Self.maxDepth) levels")
            case YAML_SEQUENCE_START_EVENT:
                stack.append(.sequence([], line, column, event.data.sequence_start.anchor.map { String(cString: $0) }))
            case YAML_MAPPING_START_EVENT:
                stack.append(.mapping([], nil, line, column, event.data.mapping_start.anchor.map { String(cString: $0) }))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let open = stack.popLast() else { break }
                let node: YNode
                let anchor: String?
                switch open {
                case let .sequence(items, l, c, a): node = YNode(.sequence(items), line: l, column: c); anchor = a
                case let .mapping(pairs, _, l, c, a): node = YNode(.mapping(pairs), line: l, column: c); anchor = a
                }
                if let anchor { anchors[anchor] = node }
                add(node)
            default:
                break
            }
            return false
        }

        /// Nodes in `node`, counting at most `limit`.
        static func count(_ node: YNode, limit: Int) -> Int {
            var n = 0
            var stack = [node]
            while let top = stack.popLast(), n < limit {
                n += 1
                switch top.kind {
                case .scalar: break
                case let .sequence(items): stack += items
                case let .mapping(pairs): for (k, v) in pairs { stack.append(k); stack.append(v) }
                }
            }
            return n
        }

        mutating func add(_ node: YNode) {
            guard let top = stack.popLast() else { root = node; return }
            switch top {
            case .sequence(var items, let l, let c, let a):
                items.append(node)
                stack.append(.sequence(items, l, c, a))
            case .mapping(var pairs, let key, let l, let c, let a):
                if let key {
                    pairs.append((key, node))
                    stack.append(.mapping(pairs, nil, l, c, a))
                } else {
                    stack.append(.mapping(pairs, node, l, c, a))
                }
            }
        }
    }
}

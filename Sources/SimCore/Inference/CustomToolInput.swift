import SimSupport

/// The input of a simulated custom tool call. A grammar's tool gets a string its grammar accepts
/// (`GrammarSample`); a free-text tool gets what the request quotes (a fenced or back-ticked code
/// block, else a double-quoted passage), else a short snippet in the language the tool's name or
/// description names (Python, SQL, shell, JavaScript), else the request itself.
enum CustomToolInput {
    static func generate(_ tool: FunctionTool, format: CustomToolFormat, request: String, seed: UInt64) -> String {
        if case let .grammar(syntax, definition) = format {
            let sample = syntax == "regex" ? GrammarSample.regex(definition, seed: seed) : GrammarSample.lark(definition, seed: seed)
            if let sample { return sample }
        }
        if let quoted = quoted(request) { return quoted }
        let about = (tool.name + " " + (tool.description ?? "")).lowercased()
        let named = Set(TextAnalysis.words(tool.name))
        let topic = TextAnalysis.topicWords(request, limit: 4).first { !named.contains($0) && !tool.name.lowercased().contains($0) } ?? "result"
        let expression = arithmetic(request)
        if about.contains("sql") || about.contains("database") || about.contains("query") {
            return "SELECT * FROM \(topic) LIMIT 10;"
        }
        if about.contains("python") || about.contains("code") || about.contains("exec") {
            return expression.map { "print(\($0))" } ?? "print(\"\(topic)\")"
        }
        if about.contains("shell") || about.contains("bash") || about.contains("command") || about.contains("terminal") {
            return "echo \(topic)"
        }
        if about.contains("javascript") || about.contains("node") {
            return expression.map { "console.log(\($0));" } ?? "console.log(\"\(topic)\");"
        }
        if let expression, about.contains("math") || about.contains("calc") || about.contains("expression") { return expression }
        let trimmed = request.trimmingCharacters()
        return trimmed.isEmpty ? topic : String(trimmed.prefix(400))
    }

    /// The longest arithmetic expression in `text` (digits with at least one operator: `2**10`,
    /// `(3 + 4) * 2`), `^` written as `**`.
    static func arithmetic(_ text: String) -> String? {
        var best: Substring = ""
        var start: String.Index?
        func close(_ end: String.Index) {
            guard let s = start else { return }
            let run = text[s..<end].drop { $0 == " " }
            var trimmed = run
            while let l = trimmed.last, l == " " || l == "." { trimmed = trimmed.dropLast() }
            if trimmed.contains(where: \.isNumber), trimmed.contains(where: { "+-*/^%".contains($0) }), trimmed.count > best.count { best = trimmed }
            start = nil
        }
        for i in text.indices {
            let c = text[i]
            if c.isNumber || "+-*/^%(). ".contains(c) { if start == nil, c != " " { start = i } } else { close(i) }
        }
        close(text.endIndex)
        return best.isEmpty ? nil : best.split(separator: "^", omittingEmptySubsequences: false).joined(separator: "**")
    }

    /// The first ```fenced``` block, `back-ticked` span or "quoted" passage of `text`.
    static func quoted(_ text: String) -> String? {
        if let open = text.firstRange(of: "```") {
            var rest = text[open.upperBound...]
            // Drop the fence's language tag line.
            if let nl = rest.firstIndex(of: "\n") { rest = rest[rest.index(after: nl)...] }
            if let close = rest.firstRange(of: "```") {
                let block = rest[..<close.lowerBound]
                return String(block.hasSuffix("\n") ? block.dropLast() : block)
            }
        }
        for mark in ["`", "\""] as [Character] {
            if let a = text.firstIndex(of: mark), let b = text[text.index(after: a)...].firstIndex(of: mark) {
                let inner = text[text.index(after: a)..<b]
                if !inner.isEmpty { return String(inner) }
            }
        }
        return nil
    }
}

import Testing
@testable import SimCore
import SimSupport

/// Custom tools' simulated inputs: strings their grammar accepts (regex checked with Swift's
/// `Regex`), and free-text inputs taken from the request.
@Suite struct CustomToolTests {
    @Test func regexSamplesMatchTheirPattern() throws {
        let patterns = [
            #"^(?P<month>January|February|March)\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<year>\d{4})$"#,
            #"[A-Z]{3}-\d{4}"#, #"(yes|no)"#, #"\w+@\w+\.(com|org)"#, #"[^0-9]{2,4}x?"#, #"a(b|c)*d+"#, #"\(\d+\)"#,
        ]
        for p in patterns {
            // Swift's Regex spells named groups (?<name>…).
            let swiftPattern = p.replacingAll("(?P<", with: "(?<")
            let regex = try Regex(swiftPattern)
            for seed in 0..<20 as Range<UInt64> {
                let s = try #require(GrammarSample.regex(p, seed: seed), "\(p)")
                #expect(s.wholeMatch(of: regex) != nil, "\(p) gave \(s)")
            }
        }
        #expect(GrammarSample.regex("(unclosed", seed: 0) == nil)
        // Samples that would be huge are not made.
        #expect(GrammarSample.regex("a{100000000}", seed: 0) == nil)
        #expect(GrammarSample.regex("(a{9000}){9000}", seed: 0) == nil)
        #expect(GrammarSample.lark("start: a a a a\na: b b b b\nb: c c c c\nc: d d d d\nd: e e e e\ne: f f f f\nf: g g g g\ng: \"xyzxyz\" ~ 20", seed: 0) == nil)
        #expect(GrammarSample.regex("a{2", seed: 0) == nil)
        #expect(GrammarSample.regex(String(repeating: "(", count: 200) + "a" + String(repeating: ")", count: 200), seed: 0) == nil)
    }

    @Test func larkSamplesFollowTheGrammar() throws {
        let math = """
        start: expr
        expr: term (SP ADD SP term)* -> add
            | term
        term: factor (SP MUL SP factor)*
        factor: INT
        SP: " "
        ADD: "+"
        MUL: "*"
        %import common.INT
        """
        let integers = try Regex(#"[0-9]{1,3}( [+*] [0-9]{1,3})*"#)
        for seed in 0..<20 as Range<UInt64> {
            let s = try #require(GrammarSample.lark(math, seed: seed))
            #expect(s.wholeMatch(of: integers) != nil, "\(s)")
        }
        let sql = """
        start: "SELECT " cols " FROM " NAME where?   // a comment with "quotes" and /slashes/
        cols: NAME ("," NAME)*
        where: " WHERE " NAME "=" NUMBER
        NAME: /[a-z]+/
        %import common.NUMBER
        """
        let select = try Regex(#"SELECT [a-z]+(,[a-z]+)* FROM [a-z]+( WHERE [a-z]+=[0-9]+)?"#)
        for seed in 0..<20 as Range<UInt64> {
            let s = try #require(GrammarSample.lark(sql, seed: seed))
            #expect(s.wholeMatch(of: select) != nil, "\(s)")
        }
        // %ignore'd whitespace separates tokens; recursion ends.
        let list = "start: \"[\" [item (\",\" item)*] \"]\"\nitem: WORD | start\n%import common.WORD\n%import common.WS\n%ignore WS"
        for seed in 0..<10 as Range<UInt64> {
            let s = try #require(GrammarSample.lark(list, seed: seed))
            #expect(s.hasPrefix("[") && s.hasSuffix("]"))
        }
        #expect(GrammarSample.lark("start: missing_rule", seed: 0) == nil)
        #expect(GrammarSample.lark("%import other.THING\nstart: THING", seed: 0) == nil)
        #expect(GrammarSample.lark("start: start", seed: 0) == nil)
    }

    @Test func freeTextInputsComeFromTheRequest() {
        let code = FunctionTool(name: "code_exec", description: "Executes arbitrary python code", custom: .text)
        func input(_ tool: FunctionTool, _ request: String) -> String {
            CustomToolInput.generate(tool, format: tool.custom ?? .text, request: request, seed: 1)
        }
        #expect(input(code, "Use code_exec to compute 2**10 please") == "print(2**10)")
        #expect(input(code, "Run this:\n```python\nimport math\nprint(math.pi)\n```") == "import math\nprint(math.pi)")
        #expect(input(code, "Run `len('abc')` now") == "len('abc')")
        let sql = FunctionTool(name: "run_sql", description: "Runs a SQL query", custom: .text)
        #expect(input(sql, "How many customers signed up?").hasPrefix("SELECT * FROM "))
        let plain = FunctionTool(name: "note", custom: .text)
        #expect(input(plain, "Remember that the meeting moved to Friday.") == "Remember that the meeting moved to Friday.")
        // A grammar the sampler cannot read falls back to the free-text rules.
        let odd = FunctionTool(name: "odd", custom: .grammar(syntax: "lark", definition: "%declare X\nstart: X"))
        #expect(input(odd, #"Say "hi""#) == "hi")
    }

    @Test func responsesParseCustomToolsAndChoices() throws {
        func parse(_ tools: JSON, choice: JSON? = nil) throws -> ResponseCreateParams {
            var body: [(String, JSON)] = [("model", "gpt-5"), ("input", "x"), ("tools", tools)]
            if let choice { body.append(("tool_choice", choice)) }
            return try ResponseCreateParams.parse(.object(body))
        }
        let p = try parse([["type": "custom", "name": "math", "format": ["type": "grammar", "syntax": "regex", "definition": "[0-9]+"]]],
                          choice: ["type": "custom", "name": "math"])
        #expect(p.tools.first?.custom == .grammar(syntax: "regex", definition: "[0-9]+") && p.toolChoice == .function("math"))
        #expect(p.toolsJSON.first?.encodedString == #"{"type":"custom","name":"math","format":{"type":"grammar","syntax":"regex","definition":"[0-9]+"}}"#)
        func param(_ tools: JSON, choice: JSON? = nil) -> String? {
            do { _ = try parse(tools, choice: choice); return nil } catch { return (error as? APIError)?.param }
        }
        #expect(param([["type": "custom"]]) == "tools[0].name")
        #expect(param([["type": "custom", "name": "m", "format": ["type": "grammar", "syntax": "ebnf", "definition": "x"]]]) == "tools[0].format.syntax")
        #expect(param([["type": "custom", "name": "m", "format": ["type": "grammar", "syntax": "lark"]]]) == "tools[0].format.definition")
        #expect(param([["type": "custom", "name": "m"]], choice: ["type": "function", "name": "m"]) == "tool_choice")
    }
}

private extension String {
    func replacingAll(_ a: String, with b: String) -> String { split(separator: a, omittingEmptySubsequences: false).joined(separator: b) }
}

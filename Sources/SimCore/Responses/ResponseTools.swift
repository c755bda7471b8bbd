import SimSupport

/// `tools` (function and custom tool definitions, the web search tool) and `tool_choice` of a
/// Responses request, validated, with the forms the Response object echoes.
public enum ResponseTools {
    /// Hosted tools the real API runs itself; the simulator refuses them rather than pretend (web
    /// search aside: `WebSearchTool`).
    static let hostedTypes = [
        "file_search", "computer_use_preview", "computer", "code_interpreter", "image_generation", "mcp", "local_shell", "shell",
        "apply_patch", "namespace", "tool_search",
    ]

    static func parse(_ list: [JSON]?) throws(APIError) -> (tools: [FunctionTool], echo: [JSON], webSearch: WebSearchTool?) {
        guard let list else { return ([], [], nil) }
        var tools: [FunctionTool] = []
        var echo: [JSON] = []
        var webSearch: WebSearchTool?
        for (i, raw) in list.enumerated() {
            let t = try FieldReader.element(raw, "tools[\(i)]")
            let type = try t.requiredString("type")
            if WebSearchTool.types.contains(type) {
                guard webSearch == nil else {
                    throw .invalidRequest("Duplicate tool: only one web search tool may be given.", param: t.param("type"),
                                          code: "invalid_value")
                }
                let w = try WebSearchTool.parse(t, type: type)
                webSearch = w
                echo.append(w.echo)
                continue
            }
            if type == "custom" {
                try t.rejectUnknown(["type", "name", "description", "format", "defer_loading", "allowed_callers"])
                let name = try uniqueName(t, among: tools)
                let description = try t.string("description")
                var format = CustomToolFormat.text
                var formatEcho: JSON = .object([("type", "text")])
                if let f = try t.object("format") {
                    switch try f.requiredString("type") {
                    case "text":
                        try f.rejectUnknown(["type"])
                    case "grammar":
                        try f.rejectUnknown(["type", "syntax", "definition"])
                        guard let syntax = try f.enumString("syntax", ["lark", "regex"]) else { throw .missingParameter(f.param("syntax")) }
                        let definition = try f.requiredString("definition")
                        format = .grammar(syntax: syntax, definition: definition)
                        formatEcho = .object([("type", "grammar"), ("syntax", .string(syntax)), ("definition", .string(definition))])
                    case let other:
                        throw FieldReader.invalidValue(f.param("type"), other, ["text", "grammar"])
                    }
                }
                tools.append(FunctionTool(name: name, description: description, custom: format))
                var e: [(String, JSON)] = [("type", "custom"), ("name", .string(name))]
                if let description { e.append(("description", .string(description))) }
                e.append(("format", formatEcho))
                echo.append(.object(e))
                continue
            }
            guard type == "function" else {
                if hostedTypes.contains(type) {
                    throw .invalidRequest("Tools of type '\(type)' are not supported by this simulator; only function, custom and web search tools are.",
                                          param: t.param("type"), code: "unsupported_value")
                }
                throw FieldReader.invalidValue(t.param("type"), type, ["function", "custom"] + WebSearchTool.types + hostedTypes)
            }
            try t.rejectUnknown(["type", "name", "description", "parameters", "strict", "defer_loading", "allowed_callers", "output_schema"])
            let name = try uniqueName(t, among: tools)
            let description = try t.string("description")
            let parameters = try t.object("parameters")?.value
            let explicitStrict = try t.bool("strict")
            let schema = parameters ?? .object([("type", "object"), ("properties", .object([])), ("additionalProperties", false)])
            var strict = explicitStrict ?? true
            if explicitStrict == true {
                try SchemaRules.checkStrict(schema, name: name, param: t.param("parameters"), kind: "function")
            } else if explicitStrict == nil {
                // Unspecified strictness: strict when the schema allows it, as the API then applies.
                do { try SchemaRules.checkStrict(schema, name: name, param: "", kind: "function") } catch { strict = false }
            }
            tools.append(FunctionTool(name: name, description: description, parameters: parameters, strict: strict))
            var e: [(String, JSON)] = [("type", "function")]
            if let description { e.append(("description", .string(description))) }
            e += [("name", .string(name)), ("parameters", parameters ?? .null), ("strict", .bool(strict))]
            echo.append(.object(e))
        }
        return (tools, echo, webSearch)
    }

    /// A function or custom tool's `name`: valid, and not the name of an earlier tool.
    static func uniqueName(_ t: FieldReader, among tools: [FunctionTool]) throws(APIError) -> String {
        let name = try t.requiredString("name")
        try ResponseTextConfig.validateName(name, param: t.param("name"))
        if tools.contains(where: { $0.name == name }) {
            throw .invalidRequest("Duplicate tool name: '\(name)'. Tool names must be unique.", param: t.param("name"),
                                  code: "invalid_value")
        }
        return name
    }

    /// `tool_choice`: "none" | "auto" | "required" | {type: function, name} | {type: allowed_tools, mode, tools}.
    static func parseChoice(_ raw: JSON?, tools: [FunctionTool], webSearch: WebSearchTool? = nil) throws(APIError) -> (choice: ToolChoice, echo: JSON) {
        guard let raw else { return (.auto, "auto") }
        if let s = raw.stringValue {
            switch s {
            case "none": return (.none, raw)
            case "auto": return (.auto, raw)
            case "required":
                guard !tools.isEmpty || webSearch != nil else {
                    throw .invalidRequest("Tool choice 'required' must be specified with 'tools' parameter.", param: "tool_choice",
                                          code: "invalid_value")
                }
                return (.required, raw)
            default: throw FieldReader.invalidValue("tool_choice", s, ["none", "auto", "required"])
            }
        }
        let r = try FieldReader.element(raw, "tool_choice")
        let type = try r.requiredString("type")
        switch type {
        case "function", "custom":
            let name = try r.requiredString("name")
            guard tools.contains(where: { $0.name == name && ($0.custom != nil) == (type == "custom") }) else {
                throw .invalidRequest("Tool choice '\(type)' with name '\(name)' not found in 'tools' parameter.",
                                      param: "tool_choice", code: "invalid_value")
            }
            return (.function(name), .object([("type", .string(type)), ("name", .string(name))]))
        case let t where WebSearchTool.types.contains(t):
            try r.rejectUnknown(["type"])
            // The choice names the tool's family: web_search picks a web_search tool, web_search_preview a preview one.
            guard let w = webSearch, w.type.hasPrefix("web_search_preview") == t.hasPrefix("web_search_preview") else {
                throw .invalidRequest("Tool choice '\(t)' not found in 'tools' parameter.", param: "tool_choice", code: "invalid_value")
            }
            return (.none, raw)
        case "allowed_tools":
            let mode = try r.enumString("mode", ["auto", "required"]) ?? "auto"
            let allowed = try r.array("tools") ?? []
            for (i, a) in allowed.enumerated() {
                let ar = try FieldReader.element(a, "tool_choice.tools[\(i)]")
                if let n = try ar.string("name"), !tools.contains(where: { $0.name == n }) {
                    throw .invalidRequest("Tool '\(n)' in 'tool_choice.tools' not found in 'tools' parameter.",
                                          param: ar.param("name"), code: "invalid_value")
                }
            }
            return (mode == "required" ? .required : .auto, raw)
        default:
            throw FieldReader.invalidValue("tool_choice.type", type, ["function", "custom", "allowed_tools"] + WebSearchTool.types)
        }
    }

    /// The tools a request may call after `allowed_tools` narrowing.
    static func allowed(_ tools: [FunctionTool], choiceEcho: JSON) -> [FunctionTool] {
        guard choiceEcho["type"]?.stringValue == "allowed_tools", let list = choiceEcho["tools"]?.arrayValue else { return tools }
        let names = Set(list.compactMap { $0["name"]?.stringValue })
        return tools.filter { names.contains($0.name) }
    }
}

import SimSupport

/// `tools`, `tool_choice` and `response_format` of a Chat Completions request.
enum ChatTools {
    static func validName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "-"
        }
    }

    static func parseTools(_ r: BodyReader) throws(APIError) -> [FunctionTool] {
        guard let raw = try r.array("tools") else { return [] }
        if raw.isEmpty {
            throw .invalidRequest("Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                                  param: "tools", code: "empty_array")
        }
        var out: [FunctionTool] = []
        for (i, t) in raw.enumerated() {
            let tr = BodyReader(t, array: "tools", index: i)
            guard case .object = t else { throw .invalidType(tr.path, expected: "an object", got: t) }
            let type = try tr.requiredString("type")
            guard type == "function" || type == "custom" else { throw .invalidValue(tr.name("type"), type, supported: ["function", "custom"]) }
            if type == "custom" {
                guard let c = try tr.objectReader("custom") else { throw .missingParameter(tr.name("custom")) }
                let name = try c.requiredString("name")
                guard validName(name) else {
                    throw .invalidRequest("Invalid '\(c.name("name"))': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                                          param: c.name("name"), code: "invalid_value")
                }
                var format = CustomToolFormat.text
                if let f = try c.objectReader("format") {
                    switch try f.requiredString("type") {
                    case "text": break
                    case "grammar":
                        guard let g = try f.objectReader("grammar") else { throw .missingParameter(f.name("grammar")) }
                        let syntax = try g.requiredString("syntax")
                        guard syntax == "lark" || syntax == "regex" else { throw .invalidValue(g.name("syntax"), syntax, supported: ["lark", "regex"]) }
                        format = .grammar(syntax: syntax, definition: try g.requiredString("definition"))
                    case let other: throw .invalidValue(f.name("type"), other, supported: ["text", "grammar"])
                    }
                }
                out.append(FunctionTool(name: name, description: try c.string("description"), custom: format))
                continue
            }
            guard let f = try tr.objectReader("function") else { throw .missingParameter(tr.name("function")) }
            let name = try f.requiredString("name")
            guard validName(name) else {
                throw .invalidRequest("Invalid '\(f.name("name"))': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                                      param: f.name("name"), code: "invalid_value")
            }
            let params = try f.objectReader("parameters")?.object
            let strict = try f.bool("strict") ?? false
            if strict, let p = params, let problem = StrictSchema.problem(p) {
                throw .invalidRequest("Invalid schema for function '\(name)': \(problem)", param: f.name("parameters"),
                                      code: "invalid_function_parameters")
            }
            out.append(FunctionTool(name: name, description: try f.string("description"), parameters: params, strict: strict))
        }
        return out
    }

    static func parseChoice(_ r: BodyReader, tools: [FunctionTool]) throws(APIError) -> ToolChoice {
        guard let raw = r.raw("tool_choice") else { return tools.isEmpty ? .none : .auto }
        if r.raw("tools") == nil {
            throw .invalidRequest("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
                                  param: "tool_choice")
        }
        if let s = raw.stringValue {
            switch s {
            case "none": return .none
            case "auto": return .auto
            case "required": return .required
            default: throw .invalidValue("tool_choice", s, supported: ["none", "auto", "required"])
            }
        }
        guard case .object = raw else { throw .invalidType("tool_choice", expected: "one of a string or object", got: raw) }
        let cr = BodyReader(raw, path: "tool_choice")
        let type = try cr.requiredString("type")
        switch type {
        case "function":
            guard let f = try cr.objectReader("function") else { throw .missingParameter("tool_choice.function") }
            let name = try f.requiredString("name")
            guard tools.contains(where: { $0.name == name }) else {
                throw .invalidRequest("Invalid value for 'tool_choice': no function named '\(name)' was specified in the 'tools' parameter.",
                                      param: "tool_choice.function.name", code: "invalid_value")
            }
            return .function(name)
        case "allowed_tools":
            let mode = try cr.objectReader("allowed_tools")?.string("mode") ?? "auto"
            return mode == "required" ? .required : .auto
        case "custom":
            guard let c = try cr.objectReader("custom") else { throw .missingParameter("tool_choice.custom") }
            let name = try c.requiredString("name")
            guard tools.contains(where: { $0.name == name && $0.custom != nil }) else {
                throw .invalidRequest("Invalid value for 'tool_choice': no custom tool named '\(name)' was specified in the 'tools' parameter.",
                                      param: "tool_choice.custom.name", code: "invalid_value")
            }
            return .function(name)
        default: throw .invalidValue("tool_choice.type", type, supported: ["function", "allowed_tools", "custom"])
        }
    }
}

/// `response_format`: text, json_object, or json_schema (strict schemas checked as the API does).
enum ChatResponseFormat {
    static func parse(_ r: BodyReader, messages: [ChatMessage]) throws(APIError) -> OutputFormat {
        guard let f = try r.objectReader("response_format") else { return .text }
        let type = try f.requiredString("type")
        switch type {
        case "text": return .text
        case "json_object":
            guard messages.contains(where: { $0.text.lowercased().contains("json") }) else {
                throw .invalidRequest("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
                                      param: "messages")
            }
            return .jsonObject
        case "json_schema":
            guard let js = try f.objectReader("json_schema") else { throw .missingParameter("response_format.json_schema") }
            let name = try js.requiredString("name")
            guard ChatTools.validName(name) else {
                throw .invalidRequest("Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                                      param: "response_format.json_schema.name", code: "invalid_value")
            }
            let schema = try js.objectReader("schema")?.object ?? .object([])
            let strict = try js.bool("strict") ?? false
            if strict, let problem = StrictSchema.problem(schema) {
                throw .invalidRequest("Invalid schema for response_format '\(name)': \(problem)", param: "response_format",
                                      code: "invalid_json_schema")
            }
            return .jsonSchema(name: name, schema: schema, strict: strict)
        default:
            throw .invalidValue("response_format.type", type, supported: ["json_schema", "json_object", "text"])
        }
    }
}

/// A model response from the Responses API (`Response` in the spec).
public struct Response: Codable, Sendable, Hashable {
    /// Lifecycle of a response.
    public enum Status: String, Codable, Sendable {
        case completed, failed, inProgress = "in_progress", cancelled, queued, incomplete
    }

    /// `error` of a failed response (`ResponseError`).
    public struct ResponseError: Codable, Sendable, Hashable {
        public let code: String
        public let message: String
    }

    /// `usage` (`ResponseUsage`).
    public struct Usage: Codable, Sendable, Hashable {
        public let inputTokens: Int
        public let inputTokensDetails: [String: Int]
        public let outputTokens: Int
        public let outputTokensDetails: [String: Int]
        public let totalTokens: Int

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens", inputTokensDetails = "input_tokens_details"
            case outputTokens = "output_tokens", outputTokensDetails = "output_tokens_details", totalTokens = "total_tokens"
        }
    }

    public let id: String
    public let object: String
    public let createdAt: Double
    public let status: Status?
    public let error: ResponseError?
    public let incompleteDetails: JSONValue?
    public let instructions: JSONValue?
    public let metadata: [String: String]?
    public let model: String
    public let output: [ResponseOutputItem]
    public let parallelToolCalls: Bool
    public let temperature: Double?
    public let toolChoice: JSONValue
    public let tools: [JSONValue]
    public let topP: Double?
    public let usage: Usage?
    public let previousResponseID: String?
    /// The conversation the response belongs to (its input and output items were added to it).
    public let conversation: ResponseConversation?
    /// Moderated completions' results (`{"input": …, "output": …}`), when requested.
    public let moderation: JSONValue?

    enum CodingKeys: String, CodingKey {
        case id, object, status, error, instructions, metadata, model, output, temperature, tools, usage, conversation, moderation
        case createdAt = "created_at", incompleteDetails = "incomplete_details", parallelToolCalls = "parallel_tool_calls"
        case toolChoice = "tool_choice", topP = "top_p", previousResponseID = "previous_response_id"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeConstant("response", forKey: .object)
        createdAt = try c.decode(Double.self, forKey: .createdAt)
        status = try c.decodeIfPresent(Status.self, forKey: .status)
        error = try c.decodeNullable(ResponseError.self, forKey: .error)
        incompleteDetails = try c.decodeNullable(JSONValue.self, forKey: .incompleteDetails)
        instructions = try c.decodeNullable(JSONValue.self, forKey: .instructions)
        metadata = try c.decodeNullable([String: String].self, forKey: .metadata)
        model = try c.decode(String.self, forKey: .model)
        output = try c.decode([ResponseOutputItem].self, forKey: .output)
        parallelToolCalls = try c.decode(Bool.self, forKey: .parallelToolCalls)
        temperature = try c.decodeNullable(Double.self, forKey: .temperature)
        toolChoice = try c.decode(JSONValue.self, forKey: .toolChoice)
        tools = try c.decode([JSONValue].self, forKey: .tools)
        topP = try c.decodeNullable(Double.self, forKey: .topP)
        usage = try c.decodeIfPresent(Usage.self, forKey: .usage)
        previousResponseID = try c.decodeIfPresent(String.self, forKey: .previousResponseID)
        conversation = try c.decodeIfPresent(ResponseConversation.self, forKey: .conversation)
        moderation = try c.decodeIfPresent(JSONValue.self, forKey: .moderation)
    }

    /// The concatenated `output_text` parts of every output message (the SDKs' `output_text`).
    public var outputText: String {
        output.filter { $0.type == "message" }.flatMap { $0.content ?? [] }
            .filter { $0.type == "output_text" }.compactMap(\.text).joined()
    }
}

/// `conversation` of a response (`ResponseConversation`).
public struct ResponseConversation: Codable, Sendable, Hashable {
    public let id: String
}

/// One item of `Response.output` (`OutputItem`): messages, function and custom tool calls, web
/// search calls, reasoning; message fields are checked, the rest kept as given.
public struct ResponseOutputItem: Codable, Sendable, Hashable {
    public let type: String
    public let id: String?
    public let status: String?
    public let role: String?
    public let content: [ResponseOutputContent]?
    public let name: String?
    public let arguments: String?
    public let callID: String?
    /// A custom tool call's free-form input.
    public let input: String?
    /// A web search call's action (`{"type": "search", "query", "sources"?}`).
    public let action: JSONValue?

    enum CodingKeys: String, CodingKey { case type, id, status, role, content, name, arguments, input, action, callID = "call_id" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        role = try c.decodeIfPresent(String.self, forKey: .role)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        arguments = try c.decodeIfPresent(String.self, forKey: .arguments)
        callID = try c.decodeIfPresent(String.self, forKey: .callID)
        input = try c.decodeIfPresent(String.self, forKey: .input)
        action = try c.decodeIfPresent(JSONValue.self, forKey: .action)
        if type == "message" {  // OutputMessage: id, role, content, status are required
            _ = try c.decode(String.self, forKey: .id)
            _ = try c.decode(String.self, forKey: .status)
            _ = try c.decodeConstant("assistant", forKey: .role)
            content = try c.decode([ResponseOutputContent].self, forKey: .content)
        } else {
            content = try c.decodeIfPresent([ResponseOutputContent].self, forKey: .content)
        }
    }
}

/// One part of an output message (`OutputContent`: `output_text` or `refusal`).
public struct ResponseOutputContent: Codable, Sendable, Hashable {
    public let type: String
    public let text: String?
    public let refusal: String?
    public let annotations: [JSONValue]?

    enum CodingKeys: String, CodingKey { case type, text, refusal, annotations }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        refusal = try c.decodeIfPresent(String.self, forKey: .refusal)
        if type == "output_text" {  // OutputTextContent: text and annotations are required
            text = try c.decode(String.self, forKey: .text)
            annotations = try c.decode([JSONValue].self, forKey: .annotations)
        } else {
            text = try c.decodeIfPresent(String.self, forKey: .text)
            annotations = try c.decodeIfPresent([JSONValue].self, forKey: .annotations)
        }
    }
}

@_exported import OpenAIClientCore
@_exported import OpenAIWire

// `import OpenAIClient` is the library's public face: the whole client (OpenAIClientCore) plus
// the URLSession transport as the default. The core module exists so that `openai-sim` can use
// the client without linking Foundation's networking stack (libcurl, OpenSSL, Kerberos).
extension OpenAIClient {
    /// A client for `configuration`; its transport defaults to `URLSessionTransport`.
    public convenience init(configuration: Configuration) {
        self.init(configuration: configuration, fallbackTransport: URLSessionTransport())
    }
}

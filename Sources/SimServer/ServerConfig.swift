/// How the libmicrohttpd daemon listens and how it treats request bodies.
public struct ServerConfig: Sendable {
    public var host: String
    /// 0 picks a free port; `MHDServer.start()` returns the one bound.
    public var port: UInt16
    public var threads: Int
    /// Bodies larger than this are streamed to a temporary file instead of memory.
    public var spoolThreshold: Int
    /// Bodies larger than this are drained and discarded; the request is marked `bodyTooLarge`.
    public var maxBodySize: Int
    /// Where spooled bodies go.
    public var tempDirectory: String
    /// Idle keep-alive connections are closed after this many seconds.
    public var connectionTimeout: Int
    /// libmicrohttpd's per-connection memory pool (request line, headers, read buffer, response
    /// header). 32 KiB is libmicrohttpd's own default; the pool is cleared on every request, so
    /// a larger one costs time on every request (and the cache it evicts).
    public var connectionMemory: Int
    /// Most connections open at once (idle keep-alive ones count). libmicrohttpd's own default is
    /// 1,020 (FD_SETSIZE − 4, even with epoll): past it a new connection waited, unanswered, until
    /// an idle one timed out. Each connection is a file descriptor: the process's limit on open
    /// files must allow this many and more (`openai-sim serve` raises its soft limit).
    public var maxConnections: Int

    public init(host: String = "127.0.0.1", port: UInt16 = 4010, threads: Int = 2,
                spoolThreshold: Int = 1 << 20, maxBodySize: Int = 600 << 20,
                tempDirectory: String = "/tmp", connectionTimeout: Int = 120, connectionMemory: Int = 32 * 1024,
                maxConnections: Int = 1_020) {
        self.host = host
        self.port = port
        self.threads = threads
        self.spoolThreshold = spoolThreshold
        self.maxBodySize = maxBodySize
        self.tempDirectory = tempDirectory
        self.connectionTimeout = connectionTimeout
        self.connectionMemory = connectionMemory
        self.maxConnections = maxConnections
    }
}

public struct ServerError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

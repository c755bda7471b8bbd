import FoundationEssentials
import SimHTTP
import SimSupport
import CMicroHTTPD
import Synchronization

/// The HTTP server: libmicrohttpd with an internal epoll thread pool and suspend/resume, so a
/// reply that comes later (a simulated delay, a stream) never holds a thread.
public final class MHDServer: @unchecked Sendable {
    let config: ServerConfig
    let responder: HTTPResponder
    private var daemon: OpaquePointer?
    private var shared: Unmanaged<DaemonShared>?
    public private(set) var port: UInt16 = 0

    public init(config: ServerConfig, responder: HTTPResponder) {
        self.config = config
        self.responder = responder
    }

    /// Binds and starts serving; returns the bound port.
    @discardableResult
    public func start() throws -> UInt16 {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(config.port).bigEndian
        let host = config.host == "localhost" ? "127.0.0.1" : config.host
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
            throw ServerError(description: "--host must be an IPv4 address (or localhost), got \(config.host)")
        }
        let shared = Unmanaged.passRetained(DaemonShared(config: config, responder: responder))
        self.shared = shared
        let flags = cmhd_daemon_flags()
        let d = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                cmhd_start_daemon(flags, config.port, accessHandler, shared.toOpaque(),
                                  completedHandler, shared.toOpaque(), UInt32(max(1, config.threads)),
                                  UInt32(config.connectionTimeout), config.connectionMemory,
                                  UInt32(clamping: max(config.maxConnections, max(1, config.threads))), sa)
            }
        }
        guard let d else {
            shared.release(); self.shared = nil
            throw ServerError(description: "could not listen on \(config.host):\(config.port) (in use, or not permitted)")
        }
        daemon = d
        port = cmhd_bound_port(d)
        return port
    }

    /// Stops accepting, answers suspended requests with 503 (or finishes their streams), then stops.
    public func stop() {
        guard let d = daemon, let shared else { return }
        shared.takeUnretainedValue().shutdown()
        // Let resumed connections flush their answers before the daemon goes away.
        usleep(100_000)
        MHD_stop_daemon(d)
        daemon = nil
        shared.release()
        self.shared = nil
    }
}

/// Daemon-wide state reached through the callbacks' context pointer (no globals).
final class DaemonShared: @unchecked Sendable {
    let config: ServerConfig
    let responder: HTTPResponder
    private struct Live { var parked: [ObjectIdentifier: (RequestContext, ConnectionRef)] = [:] }
    private let live = Locked(Live())

    init(config: ServerConfig, responder: HTTPResponder) {
        self.config = config
        self.responder = responder
    }

    /// Read on every request, written once: an atomic, so the two MHD threads do not take a
    /// shared lock per request.
    private let stoppingFlag = Atomic<Bool>(false)
    var stopping: Bool { stoppingFlag.load(ordering: .acquiring) }

    /// Both called on the connection's MHD thread; `ctx.parked` spares the lock for the (usual)
    /// request that was never parked.
    func park(_ ctx: RequestContext, _ conn: ConnectionRef) {
        ctx.parked = true
        live.withLock { $0.parked[ObjectIdentifier(ctx)] = (ctx, conn) }
    }
    func unpark(_ ctx: RequestContext) {
        guard ctx.parked else { return }
        ctx.parked = false
        live.withLock { _ = $0.parked.removeValue(forKey: ObjectIdentifier(ctx)) }
    }

    func shutdown() {
        let parked = live.withLock { l -> [(RequestContext, ConnectionRef)] in
            stoppingFlag.store(true, ordering: .releasing)
            return Array(l.parked.values)
        }
        for (ctx, conn) in parked {
            if let s = ctx.stream { s.close(); continue }
            deliver(ctx, conn, MHDServer.unavailable())
        }
    }

    /// Hands a deferred response to a suspended connection and resumes it (any thread).
    func deliver(_ ctx: RequestContext, _ conn: ConnectionRef, _ response: HTTPResponse) {
        let resume: Bool = ctx.pending.withLock { p in
            guard p.suspended else { return false }
            p.response = response
            p.suspended = false
            return true
        }
        if resume { MHD_resume_connection(conn.ptr) }
    }
}

extension MHDServer {
    static func unavailable() -> HTTPResponse {
        .json(["error": ["message": "The server is shutting down.", "type": "server_error", "param": nil, "code": nil]], status: 503)
    }
}

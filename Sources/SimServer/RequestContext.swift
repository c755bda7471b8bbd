import FoundationEssentials
import SimHTTP
import SimSupport
import CMicroHTTPD
import Glibc
import Synchronization

/// A connection pointer that may cross threads: libmicrohttpd allows resume from any thread.
struct ConnectionRef: @unchecked Sendable {
    let ptr: OpaquePointer
}

/// Per-request state kept in libmicrohttpd's `con_cls` slot from the first handler call to completion.
final class RequestContext: @unchecked Sendable {
    // Touched only from the connection's MHD thread until the request is handed to the responder.
    var method = ""
    var url = ""
    var headers: [(String, String)] = []
    var query: [(String, String)] = []
    var declaredLength: Int?
    var memory: [UInt8] = []
    var spoolPath: String?
    var spoolFD: Int32 = -1
    var received = 0
    var tooLarge = false
    var dispatched = false
    /// An answer computed on the final handler call, queued on the next (see `access`).
    var ready: HTTPResponse?
    /// In `DaemonShared`'s parked table (suspended until a deferred reply or shutdown).
    var parked = false
    var stream: StreamState?

    /// Set from any thread when a deferred reply is ready; read on the MHD thread after resume.
    let pending = Mutex<Pending>(Pending())
    struct Pending { var response: HTTPResponse?; var suspended = false; var hung = false }

    func append(_ data: UnsafeBufferPointer<UInt8>, config: ServerConfig) {
        received += data.count
        if tooLarge { return }
        if received > config.maxBodySize {
            tooLarge = true
            dropSpool()
            memory = []
            return
        }
        if spoolFD < 0, memory.count + data.count > config.spoolThreshold {
            openSpool(config)
            if spoolFD >= 0 { writeAll(memory[...]); memory = [] }
        }
        if spoolFD >= 0 { writeAll(data[...]) } else { memory.append(contentsOf: data) }
    }

    private func openSpool(_ config: ServerConfig) {
        var template = Array("\(config.tempDirectory)/openai-sim-body-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return }
        spoolFD = fd
        spoolPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private func writeAll<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let ok = bytes.withContiguousStorageIfAvailable { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = write(spoolFD, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { return false }
                off += n
            }
            return true
        }
        if ok == false { tooLarge = true; dropSpool() }
        if ok == nil { writeAll(Array(bytes)) }
    }

    func dropSpool() {
        if spoolFD >= 0 { close(spoolFD); spoolFD = -1 }
        if let p = spoolPath { unlink(p); spoolPath = nil }
    }

    func makeRequest() -> HTTPRequest {
        var body: RequestBody = .empty
        if !tooLarge {
            if spoolFD >= 0, let p = spoolPath {
                close(spoolFD); spoolFD = -1
                body = .file(path: p, size: received)
            } else if !memory.isEmpty {
                body = .bytes(memory)
                memory = []
            }
        }
        var req = HTTPRequest(method: method, path: url, query: query, lowercasedHeaders: headers, body: body)
        req.bodyTooLarge = tooLarge
        return req
    }

    func finish() {
        dropSpool()
        stream?.stream.cancel()
    }
}

/// Drives a streamed body: suspends the connection while the producer has nothing to say.
final class StreamState: @unchecked Sendable {
    let stream: ResponseStream
    let connection: ConnectionRef
    private struct Gate { var suspended = false; var wakePending = false; var closed = false }
    private let gate = Locked(Gate())

    init(stream: ResponseStream, connection: ConnectionRef) {
        self.stream = stream
        self.connection = connection
    }

    /// Called on the MHD thread from the content reader.
    func read(into buf: UnsafeMutablePointer<CChar>, max: Int) -> Int {
        let next = stream.next(max: max) { [weak self] in self?.wake() }
        switch next {
        case let .data(d):
            d.withUnsafeBytes { src in buf.withMemoryRebound(to: UInt8.self, capacity: max) { dst in
                dst.update(from: src.bindMemory(to: UInt8.self).baseAddress!, count: d.count)
            } }
            return d.count
        case .end: return -1 // MHD_CONTENT_READER_END_OF_STREAM
        case .fault:
            cmhd_shutdown_socket(connection.ptr)
            return -2 // MHD_CONTENT_READER_END_WITH_ERROR
        case .wait:
            gate.withLock { g in
                if g.wakePending { g.wakePending = false; return }
                g.suspended = true
                MHD_suspend_connection(connection.ptr)
            }
            return 0
        }
    }

    func wake() {
        gate.withLock { g in
            if g.closed { return }
            if g.suspended { g.suspended = false; MHD_resume_connection(connection.ptr) } else { g.wakePending = true }
        }
    }

    /// Resumes a connection parked in the reader so that shutdown can finish it.
    func close() {
        stream.finish(fault: .closeMidBody)
        wake()
        gate.withLock { $0.closed = true }
    }

    func markClosed() { gate.withLock { $0.closed = true } }
}

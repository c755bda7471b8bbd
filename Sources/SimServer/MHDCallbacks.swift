import FoundationEssentials
import SimHTTP
import SimSupport
import CMicroHTTPD
import Glibc

// The C callbacks. They reach Swift state only through their context pointers.

let accessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadSize, conCls in
    guard let cls, let connection, let conCls, let uploadSize else { return .NO }
    // Borrowed, not retained: both MHD threads use this one object on every call, and a
    // retain/release pair would pass its reference count between their cores each time.
    return Unmanaged<DaemonShared>.fromOpaque(cls)._withUnsafeGuaranteedRef { shared in
        access(shared, connection, url, method, uploadData, uploadSize, conCls)
    }
}

private func access(_ shared: DaemonShared, _ connection: OpaquePointer, _ url: UnsafePointer<CChar>?,
                    _ method: UnsafePointer<CChar>?, _ uploadData: UnsafePointer<CChar>?,
                    _ uploadSize: UnsafeMutablePointer<Int>, _ conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> MHD_Result {
    guard let raw = conCls.pointee else {
        // First call: headers only. Never answer here (MHD would close the connection).
        let ctx = RequestContext()
        ctx.method = method.map { String(cString: $0) } ?? "GET"
        ctx.url = url.map { String(cString: $0) } ?? "/"
        ctx.headers.reserveCapacity(8)
        let box = Unmanaged.passUnretained(ctx).toOpaque()
        MHD_get_connection_values(connection, .HEADER_KIND, { c, _, key, value in
            guard let c, let key else { return .YES }
            let ctx = Unmanaged<RequestContext>.fromOpaque(c).takeUnretainedValue()
            // Names are lower-cased here, once, straight from the C string.
            ctx.headers.append((lowerCaseString(key), value.map { String(cString: $0) } ?? ""))
            return .YES
        }, box)
        MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, { c, _, key, value in
            guard let c, let key else { return .YES }
            let ctx = Unmanaged<RequestContext>.fromOpaque(c).takeUnretainedValue()
            ctx.query.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
            return .YES
        }, box)
        if let cl = ctx.headers.first(where: { $0.0 == "content-length" }).flatMap({ Int($0.1) }) {
            ctx.declaredLength = cl
            if cl > shared.config.maxBodySize { ctx.tooLarge = true } else if cl <= shared.config.spoolThreshold { ctx.memory.reserveCapacity(cl) }
        }
        conCls.pointee = Unmanaged.passRetained(ctx).toOpaque()
        return .YES
    }

    let ctx = Unmanaged<RequestContext>.fromOpaque(raw).takeUnretainedValue()
    if uploadSize.pointee > 0 {
        if let uploadData {
            uploadData.withMemoryRebound(to: UInt8.self, capacity: uploadSize.pointee) { p in
                ctx.append(UnsafeBufferPointer(start: p, count: uploadSize.pointee), config: shared.config)
            }
        }
        uploadSize.pointee = 0
        return .YES
    }

    let conn = ConnectionRef(ptr: connection)
    if let response = ctx.ready {
        // Called again on the loop's next turn (see `.now` below): hand over the answer.
        ctx.ready = nil
        return queue(response, on: conn, ctx: ctx, shared: shared)
    }
    if ctx.dispatched {
        // Called again after a resume: send what the responder produced.
        let state = ctx.pending.withLock { p -> (HTTPResponse?, Bool) in (p.response.take(), p.hung) }
        shared.unpark(ctx)
        guard let response = state.0 else { return .NO }
        return queue(response, on: conn, ctx: ctx, shared: shared)
    }
    ctx.dispatched = true
    if shared.stopping { return queue(MHDServer.unavailable(), on: conn, ctx: ctx, shared: shared) }

    let reply = shared.responder.respond(to: ctx.makeRequest())
    switch reply {
    case let .now(response):
        // Kept for the event loop's next turn instead of queued now. A handler that returns
        // without a response leaves the connection in libmicrohttpd's ready list (epoll mode,
        // which SimServer always uses), and the loop calls it again on its next turn, after
        // every other ready connection, without a system call of its own. So a thread computes
        // the answers of all the requests that arrived together before it sends the first one.
        // Sent one by one, each answer woke a waiting client thread that, on a busy machine,
        // preempted the server before its next request (measured under `make bench`, client on
        // the same 2 cores: half a context switch per POST; deferred, a third, and POST rows ran
        // 20-30 % faster, GETs no slower). An idle server pays two extra `epoll_wait(0)` calls.
        ctx.ready = response
        return .YES
    case let .later(pending):
        ctx.pending.withLock { $0.suspended = true }
        shared.park(ctx, conn)
        MHD_suspend_connection(connection)
        pending.whenReady { [weak ctx] response in
            guard let ctx else { return }
            shared.deliver(ctx, conn, response)
        }
        return .YES
    }
}

/// A C string as a Swift string with ASCII letters lower-cased (no second copy when it has none).
func lowerCaseString(_ c: UnsafePointer<CChar>) -> String {
    let n = strlen(c)
    return c.withMemoryRebound(to: UInt8.self, capacity: n) { p in
        let bytes = UnsafeBufferPointer(start: p, count: n)
        guard bytes.contains(where: { $0 >= 65 && $0 <= 90 }) else { return String(decoding: bytes, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: n) { out in
            for i in 0..<n { let b = bytes[i]; out[i] = b >= 65 && b <= 90 ? b | 0x20 : b }
            return n
        }
    }
}

let completedHandler: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let conCls, let raw = conCls.pointee else { return }
    let ctx = Unmanaged<RequestContext>.fromOpaque(raw).takeRetainedValue()
    if ctx.parked, let cls { Unmanaged<DaemonShared>.fromOpaque(cls)._withUnsafeGuaranteedRef { $0.unpark(ctx) } }
    ctx.stream?.markClosed()
    ctx.finish()
    conCls.pointee = nil
}

private func queue(_ response: HTTPResponse, on conn: ConnectionRef, ctx: RequestContext, shared: DaemonShared) -> MHD_Result {
    switch response.fault {
    case .reset?:
        cmhd_set_linger_zero(conn.ptr)
        return .NO
    case .emptyReply?:
        return .NO
    case .hang?:
        // Park without a response; shutdown resumes it and the next call closes it.
        ctx.pending.withLock { $0.suspended = true; $0.hung = true }
        shared.park(ctx, conn)
        MHD_suspend_connection(conn.ptr)
        return .YES
    default: break
    }

    let mhdResponse: OpaquePointer?
    switch response.body {
    case let .bytes(bytes):
        if response.fault == .closeMidBody {
            let half = Array(bytes.prefix(max(1, bytes.count / 2)))
            let stream = ResponseStream()
            stream.write(half)
            stream.finish(fault: .closeMidBody)
            mhdResponse = streamResponse(stream, size: UInt64(bytes.count), conn: conn, ctx: ctx)
        } else {
            mhdResponse = bodyResponse(bytes)
        }
    case let .file(path, offset, length):
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            mhdResponse = nil
        } else {
            mhdResponse = MHD_create_response_from_fd_at_offset64(UInt64(length), fd, UInt64(offset))
        }
    case let .stream(stream):
        mhdResponse = streamResponse(stream, size: UInt64.max, conn: conn, ctx: ctx)
    }
    guard let mhdResponse else { return .NO }
    addHeaders(response.headers, to: mhdResponse)
    let rc = MHD_queue_response(conn.ptr, UInt32(response.status), mhdResponse)
    MHD_destroy_response(mhdResponse)
    return rc
}

/// Copies every name and value, NUL-terminated, into one scratch buffer (on the stack when small)
/// and hands libmicrohttpd pointers into it: cheaper than a `withCString` per string, which
/// copies small strings one by one anyway. libmicrohttpd copies what it is given.
private func addHeaders(_ headers: [(String, String)], to response: OpaquePointer) {
    var total = 0
    for (n, v) in headers { total += n.utf8.count + v.utf8.count + 2 }
    func fill(_ buf: UnsafeMutablePointer<CChar>) {
        var o = 0
        func put(_ s: String) -> UnsafeMutablePointer<CChar> {
            let start = buf + o
            s.withUTF8Bytes { u in
                if let b = u.baseAddress { UnsafeMutableRawPointer(start).copyMemory(from: b, byteCount: u.count) }
                o += u.count
            }
            buf[o] = 0; o += 1
            return start
        }
        for (n, v) in headers {
            let name = put(n), value = put(v)
            _ = MHD_add_response_header(response, name, value)
        }
    }
    if total <= 2048 {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: max(1, total)) { fill($0.baseAddress!) }
    } else {
        let heap = UnsafeMutablePointer<CChar>.allocate(capacity: total)
        defer { heap.deallocate() }
        fill(heap)
    }
}

/// The body handed to libmicrohttpd without a copy: a box keeps the array (and so its storage)
/// alive until libmicrohttpd calls back to free it, after the last byte is sent.
private final class BodyBox {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

private func bodyResponse(_ bytes: [UInt8]) -> OpaquePointer? {
    if bytes.isEmpty { return MHD_create_response_from_buffer(0, nil, .RESPMEM_PERSISTENT) }
    let box = BodyBox(bytes)
    let cls = Unmanaged.passRetained(box).toOpaque()
    // The array's storage does not move while the box holds it, so the pointer stays valid
    // after `withUnsafeBytes` returns.
    let r = box.bytes.withUnsafeBytes { b in
        MHD_create_response_from_buffer_with_free_callback_cls(b.count, UnsafeMutableRawPointer(mutating: b.baseAddress), { cls in
            if let cls { Unmanaged<BodyBox>.fromOpaque(cls).release() }
        }, cls)
    }
    if r == nil { Unmanaged<BodyBox>.fromOpaque(cls).release() }
    return r
}

private func streamResponse(_ stream: ResponseStream, size: UInt64, conn: ConnectionRef, ctx: RequestContext) -> OpaquePointer? {
    let state = StreamState(stream: stream, connection: conn)
    ctx.stream = state
    let cls = Unmanaged.passRetained(state).toOpaque()
    return MHD_create_response_from_callback(size, 32 * 1024, { cls, _, buf, max in
        guard let cls, let buf else { return -2 }
        let state = Unmanaged<StreamState>.fromOpaque(cls).takeUnretainedValue()
        return state.read(into: buf, max: max)
    }, cls, { cls in
        guard let cls else { return }
        Unmanaged<StreamState>.fromOpaque(cls).release()
    })
}

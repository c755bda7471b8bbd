import Dispatch
import SimCore
import SimHTTP
import SimSupport

/// Requests that run user Python (`serve --python-graders`): the interpreter may take up to its
/// timeout, and a libmicrohttpd thread must never wait that long (the daemon has two; two such
/// requests would stall every other client). They are answered later, from a worker thread: the
/// connection is suspended meanwhile, as for a scenario's delay.
enum PythonWork {
    private static let queue = DispatchQueue(label: "openai-sim.python-graders", attributes: .concurrent)

    /// `work`'s answer (or its error), produced on a worker thread.
    static func answer(status: Int = 200, _ work: @escaping @Sendable () throws(APIError) -> JSON) -> RouteResult {
        let pending = PendingResponse()
        queue.async {
            let response: HTTPResponse
            do throws(APIError) { response = .json(try work(), status: status) } catch { response = App.errorResponse(error) }
            pending.fulfill(response)
        }
        return .reply(.later(pending))
    }

    /// Whether `value` holds a grader of type `python` (at any depth: multi graders nest them).
    static func mentionsPython(_ value: JSON?) -> Bool {
        switch value {
        case let .object(pairs)?:
            return pairs.contains { k, v in (k == "type" && v == "python") || mentionsPython(v) }
        case let .array(items)?:
            return items.contains { mentionsPython($0) }
        default:
            return false
        }
    }
}

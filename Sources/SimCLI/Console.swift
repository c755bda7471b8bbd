import Glibc

/// Unbuffered writes to stdout/stderr (FoundationEssentials has no FileHandle) and shell paths.
enum Console {
    static func output(_ text: String) { write(1, text) }
    static func error(_ text: String) { write(2, text) }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            off += n
        }
    }

    /// `~` or `~/…` under $HOME, as a shell would expand it (other paths unchanged).
    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = getenv("HOME").map({ String(cString: $0) }) else { return path }
        return home + path.dropFirst()
    }
}

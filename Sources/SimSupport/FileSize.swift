import Glibc

/// The size of a file on disk, or nil when it does not exist.
public enum FileSize {
    public static func of(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }
}

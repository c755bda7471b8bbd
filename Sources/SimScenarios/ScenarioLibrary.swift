import FoundationEssentials

/// The scenarios directory (`--scenarios-dir`, default `./scenarios`): `NAME.yaml`, `NAME.yml` or `NAME.json`.
public struct ScenarioLibrary: Sendable {
    public let directory: String
    public static let extensions = ["yaml", "yml", "json"]

    public init(directory: String) { self.directory = directory }

    /// Scenario names are file names: no separators, no dot-dot, nothing a path could escape with.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 128, !name.hasPrefix("."), !name.contains("..") else { return false }
        return name.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_" || c == "."
        }
    }

    public static func stem(of path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let ext = extensionOf(file)
        return extensions.contains(ext.lowercased()) ? String(file.dropLast(ext.count + 1)) : file
    }

    /// The file for `name`, if one exists.
    public func path(for name: String) -> String? {
        guard Self.isValidName(name) else { return nil }
        for ext in Self.extensions {
            let p = Self.join(directory, "\(name).\(ext)")
            if FileManager.default.fileExists(atPath: p) { return p }
        }
        return nil
    }

    /// Every scenario file in the directory, sorted by name.
    public func files() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { Self.extensions.contains(Self.extensionOf($0).lowercased()) && !$0.hasPrefix(".") }
            .sorted()
            .map { Self.join(directory, $0) }
    }

    /// The text after the last "." of a file name ("" when there is none, or only a leading one).
    static func extensionOf(_ file: String) -> String {
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return "" }
        return String(file[file.index(after: dot)...])
    }

    static func join(_ directory: String, _ file: String) -> String {
        directory.isEmpty ? file : directory.hasSuffix("/") ? directory + file : directory + "/" + file
    }

    /// Loads `name` from the directory.
    public func load(_ name: String) throws(ScenarioError) -> Scenario {
        guard Self.isValidName(name) else {
            throw ScenarioError([Diagnostic(file: name, line: 0, column: 0, message: "'\(name)' is not a valid scenario name (letters, digits, '-', '_', '.')")])
        }
        guard let p = path(for: name) else {
            throw ScenarioError([Diagnostic(file: name, line: 0, column: 0, message: "no scenario named '\(name)' in \(directory) (looked for \(name).yaml, .yml, .json)")])
        }
        return try Scenario.load(path: p)
    }
}

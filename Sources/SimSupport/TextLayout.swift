// Small string helpers that Foundation offers but FoundationEssentials (all the server links) does not.

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's optional whitespace), as
    /// Foundation's `trimmingCharacters(in: .whitespaces)` does for ASCII.
    public func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }

    /// Exactly `n` characters: cut, or filled with spaces on the right (Foundation's
    /// `padding(toLength: n, withPad: " ", startingAt: 0)`).
    public func padded(_ n: Int) -> String { count >= n ? String(prefix(n)) : String(self) + String(repeating: " ", count: n - count) }
}

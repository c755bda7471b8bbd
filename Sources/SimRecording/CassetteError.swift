/// A cassette that cannot be read: where, and what is wrong.
public struct CassetteError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

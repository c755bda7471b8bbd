import FoundationEssentials

/// The shipped client library's live effects: the wall clock, real sleeping and the system's
/// random generator. The client takes each one as an injectable field of its configuration and
/// uses these only as defaults (a client that talks to the real API really waits, draws and reads
/// the clock). They live here, not in SimSupport, because the client library is a product other
/// packages depend on and SimSupport carries the simulator's release-only build flags, which
/// SwiftPM refuses in a dependency. Nothing in the simulator uses this module.
public enum LiveEffects {
    /// Sleeps `seconds` (negative: not at all).
    @Sendable public static func sleep(seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }

    /// Uniform in [0, 1), from the system's random generator.
    @Sendable public static func random() -> Double { Double.random(in: 0..<1) }

    /// The wall clock.
    @Sendable public static func now() -> Date { Date() }
}

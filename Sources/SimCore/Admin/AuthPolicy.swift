/// Which bearer tokens the simulator accepts.
///
/// Open (the default): any non-empty token, each its own organization whose owner it is.
/// Strict: only the owner keys given at start (`--api-key`, each its own organization, as in open
/// mode) and the keys the admin API mints; any other token is a 401 `invalid_api_key`, and the
/// admin API (`/v1/organization/…`) takes only owner keys and admin keys (`sk-admin-…`).
public struct AuthPolicy: Sendable, Equatable {
    public var strict: Bool
    public var ownerKeys: Set<String>

    public init(strict: Bool, ownerKeys: Set<String> = []) {
        self.strict = strict
        self.ownerKeys = ownerKeys
    }

    public static let open = AuthPolicy(strict: false)
}

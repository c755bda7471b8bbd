/// A webhook delivery's signature as the official SDKs check it (`webhook-signature: v1,<base64>`):
/// HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`, keyed by the base64 after `whsec_`
/// in the endpoint's secret (any other secret by its own bytes). The server signs with it and the
/// client's `Webhooks.unwrap` checks with it, so the two cannot drift apart.
public enum WebhookSignature {
    /// The HMAC key a secret stands for (nil: a `whsec_` secret whose rest is not base64).
    public static func key(secret: String) -> [UInt8]? {
        secret.hasPrefix("whsec_") ? Base64.decode(String(secret.dropFirst(6))) : Array(secret.utf8)
    }

    /// The base64 signature (without its `v1,` prefix); `timestamp` as the header spells it.
    public static func v1(webhookID: String, timestamp: String, body: [UInt8], key: [UInt8]) -> String {
        Base64.encode(SHA256.hmac(key: key, message: Array("\(webhookID).\(timestamp).".utf8) + body))
    }
}

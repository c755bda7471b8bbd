import SimSupport

/// Responses API identifiers: `resp_`, `msg_`, `rs_`, `fc_`, `ws_`, `ctc_` + 48 hex characters, `call_` + 24
/// base-62 characters, from the tenant's seeded stream.
public enum ResponseIDs {
    public static func response(_ g: IDGenerator) -> String { g.hex("resp_", length: 48) }
    public static func message(_ g: IDGenerator) -> String { g.hex("msg_", length: 48) }
    public static func reasoning(_ g: IDGenerator) -> String { g.hex("rs_", length: 48) }
    public static func functionCall(_ g: IDGenerator) -> String { g.hex("fc_", length: 48) }
    public static func functionCallOutput(_ g: IDGenerator) -> String { g.hex("fco_", length: 48) }
    public static func compaction(_ g: IDGenerator) -> String { g.hex("cmp_", length: 48) }
    public static func webSearchCall(_ g: IDGenerator) -> String { g.hex("ws_", length: 48) }
    public static func customToolCall(_ g: IDGenerator) -> String { g.hex("ctc_", length: 48) }
    public static func customToolCallOutput(_ g: IDGenerator) -> String { g.hex("ctco_", length: 48) }
    public static func callID(_ g: IDGenerator) -> String { g.make("call_", length: 24) }
}

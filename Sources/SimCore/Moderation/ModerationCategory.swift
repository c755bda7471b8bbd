/// The 13 moderation categories, in the order the omni models report them.
public enum ModerationCategory: Int, CaseIterable, Sendable {
    case harassment, harassmentThreatening, sexual, hate, hateThreatening, illicit, illicitViolent
    case selfHarmIntent, selfHarmInstructions, selfHarm, sexualMinors, violence, violenceGraphic

    /// The wire key, e.g. `harassment/threatening`.
    public var key: String {
        switch self {
        case .harassment: return "harassment"
        case .harassmentThreatening: return "harassment/threatening"
        case .sexual: return "sexual"
        case .hate: return "hate"
        case .hateThreatening: return "hate/threatening"
        case .illicit: return "illicit"
        case .illicitViolent: return "illicit/violent"
        case .selfHarmIntent: return "self-harm/intent"
        case .selfHarmInstructions: return "self-harm/instructions"
        case .selfHarm: return "self-harm"
        case .sexualMinors: return "sexual/minors"
        case .violence: return "violence"
        case .violenceGraphic: return "violence/graphic"
        }
    }

    /// Short name used in the lexicon's rule table.
    var code: String {
        switch self {
        case .harassment: return "h"
        case .harassmentThreatening: return "ht"
        case .sexual: return "s"
        case .hate: return "ha"
        case .hateThreatening: return "hat"
        case .illicit: return "il"
        case .illicitViolent: return "ilv"
        case .selfHarmIntent: return "shi"
        case .selfHarmInstructions: return "shn"
        case .selfHarm: return "sh"
        case .sexualMinors: return "sm"
        case .violence: return "v"
        case .violenceGraphic: return "vg"
        }
    }

    /// Categories the omni models also score on images (per the spec's `category_applied_input_types`).
    public var appliesToImages: Bool {
        switch self {
        case .sexual, .selfHarm, .selfHarmIntent, .selfHarmInstructions, .violence, .violenceGraphic: return true
        default: return false
        }
    }

    /// Score at or above which the category is flagged.
    public var threshold: Float {
        switch self {
        case .sexualMinors: return 0.35
        case .hateThreatening, .illicitViolent: return 0.45
        default: return 0.5
        }
    }

    /// The broader category a sub-category implies (a threat is also harassment, and so on).
    var parents: [ModerationCategory] {
        switch self {
        case .harassmentThreatening: return [.harassment]
        case .hateThreatening: return [.hate]
        case .illicitViolent: return [.illicit]
        case .selfHarmIntent, .selfHarmInstructions: return [.selfHarm]
        case .sexualMinors: return [.sexual]
        case .violenceGraphic: return [.violence]
        default: return []
        }
    }

    /// Absent from the text-moderation models, which report `null` for them.
    public var omniOnly: Bool { self == .illicit || self == .illicitViolent }

    static func fromCode(_ code: Substring) -> ModerationCategory? { allCases.first { $0.code == code } }

    /// `allCases` once (the synthesized property builds a new array on every read).
    static let all: [ModerationCategory] = allCases
    static let count = allCases.count
    /// (child, parent) raw values in category order: the hierarchy as `applyHierarchy` walks it.
    static let hierarchy: [(child: Int, parent: Int)] = allCases.flatMap { c in c.parents.map { (c.rawValue, $0.rawValue) } }
}

import SimSupport

/// The vocabulary the deterministic generator writes with: sentence templates and word lists.
/// Templates use `{T}` (a topic word from the input, or a noun), `{N}` noun, `{Ns}` plural noun,
/// `{A}` adjective, `{V}` verb (third person), `{Vb}` verb (base form), `{D}` adverb.
enum WordBank {
    static let openers = [
        "Here is a clear answer.", "Good question.", "Let me walk through it.", "Here's the short version.",
        "Happy to help with that.", "There are a few parts to this.", "Here's how I would approach it.",
        "That depends on a couple of things.",
    ]

    static let templates = [
        "{T} is closely connected to {N} and {N}.",
        "In practice, {T} tends to {Vb} the {A} {N}.",
        "A useful way to think about {T} is as a {A} {N} that {V} the {N}.",
        "Most {Ns} {Vb} {T} {D}, which keeps the {N} {A}.",
        "The key point is that {T} {V} the {N} rather than the {N}.",
        "When the {N} changes, {T} usually {V} as well.",
        "It helps to start with the {N} and then look at {T}.",
        "For example, a {A} {N} can {Vb} {T} without much effort.",
        "{T} works best when the {N} is {A} and the {N} is {A}.",
        "One common mistake is to {Vb} the {N} before checking {T}.",
        "Over time, {T} {V} a {A} {N} for everyone involved.",
        "The simplest approach is to {Vb} {T} {D} and measure the {N}.",
        "Teams that {Vb} {T} {D} often see a {A} {N}.",
        "If the {N} is {A}, {T} becomes much easier to {Vb}.",
        "There is no single rule, but {T} {D} {V} the {N}.",
        "Keep in mind that {T} and the {N} are not the same thing.",
        "A {A} {N} makes {T} more {A}.",
        "This is why {T} matters: it {V} the {N} and the {N}.",
        "In short, {T} is about the {N}, not only the {N}.",
        "You can {Vb} {T} in a few steps, starting with the {N}.",
        "Many people {Vb} {T} {D} because the {N} is {A}.",
        "The {N} gives {T} its {A} character.",
    ]

    static let closers = [
        "I hope this helps.", "Let me know if you would like more detail.", "That should give you a solid starting point.",
        "Feel free to ask a follow-up question.", "Those are the main points to keep in mind.",
    ]

    static let nouns = [
        "system", "process", "result", "context", "detail", "pattern", "approach", "question", "structure", "balance",
        "method", "outcome", "signal", "resource", "schedule", "budget", "design", "model", "record", "choice",
        "window", "garden", "river", "library", "market", "journey", "practice", "framework", "habit", "season",
        "network", "surface", "foundation", "routine", "tool", "plan", "story", "measure", "feature", "team",
    ]
    static let plurals = [
        "systems", "teams", "people", "readers", "projects", "engineers", "writers", "students", "cities", "companies",
        "gardeners", "designers", "researchers", "families", "builders", "travelers",
    ]
    static let adjectives = [
        "clear", "steady", "simple", "careful", "practical", "reliable", "flexible", "modest", "useful", "quiet",
        "strong", "gentle", "consistent", "balanced", "thoughtful", "small", "large", "direct", "stable", "familiar",
    ]
    static let verbs = [
        "shapes", "supports", "improves", "reflects", "guides", "changes", "reveals", "connects", "protects", "simplifies",
        "strengthens", "organizes", "influences", "explains", "follows", "extends",
    ]
    static let baseVerbs = [
        "shape", "support", "improve", "review", "guide", "adjust", "explore", "connect", "protect", "simplify",
        "strengthen", "organize", "measure", "explain", "follow", "extend", "plan", "test",
    ]
    static let adverbs = [
        "carefully", "gradually", "quickly", "naturally", "often", "usually", "deliberately", "quietly", "steadily",
        "consistently", "clearly", "rarely",
    ]
    static let firstNames = ["Alex", "Jordan", "Maria", "Samuel", "Priya", "Chen", "Amara", "Lucas", "Elena", "Noah"]
    static let lastNames = ["Morgan", "Rivera", "Okafor", "Schmidt", "Tanaka", "Novak", "Haddad", "Larsen", "Costa", "Reyes"]
    static let cities = ["Paris", "Lisbon", "Toronto", "Nairobi", "Kyoto", "Denver", "Oslo", "Melbourne", "Santiago", "Dublin"]
    static let countries = ["France", "Portugal", "Canada", "Kenya", "Japan", "Norway", "Australia", "Chile", "Ireland", "Brazil"]

    /// Words that carry no topic (skipped when picking topic words from the input).
    static let stopwords: Set<String> = [
        "the", "and", "for", "are", "but", "not", "you", "your", "with", "this", "that", "have", "from", "they", "what",
        "when", "where", "which", "who", "will", "would", "there", "their", "about", "into", "than", "then", "them",
        "these", "those", "some", "could", "should", "please", "tell", "give", "make", "like", "just", "also", "very",
        "does", "did", "can", "how", "why", "was", "were", "been", "being", "its", "it's", "our", "out", "any", "all",
        "one", "two", "use", "using", "write", "explain", "describe", "answer", "question", "reply", "respond", "me",
        "my", "is", "in", "on", "of", "to", "a", "an", "be", "it", "as", "at", "by", "or", "if", "so", "do", "we",
        "i", "he", "she", "his", "her", "him", "us", "let", "want", "need", "know", "get", "help", "say", "said",
        "much", "many", "more", "most", "such", "only", "own", "same", "other", "each", "few", "both", "here", "now",
        "keep", "over", "under", "after", "before", "today", "really", "thing", "things", "something", "anything", "every",
        "still", "even", "well", "good", "best", "better", "quite", "without", "within", "between", "through", "while",
        "because", "since", "until", "again", "always", "never", "maybe", "perhaps", "take", "come", "look", "think",
        "going", "doing", "done", "made", "show", "find", "work", "works", "able", "sure", "okay", "thanks", "thank",
        "hello", "summarize", "summarise", "summary", "following", "text", "list", "short", "brief", "briefly", "detail", "detailed", "sentence", "words",
    ]
}

/// The moderation classifier's data: word classes, scoring rules and benign idioms.
/// docs/MODERATION.md explains the rules; edit this table (not the matcher) to tune behaviour.
enum ModerationLexicon {
    /// A rule: any of `patterns` matching adds `scores` (category code = score); `negatable` rules
    /// are damped when a negator ("not", "never", "don't", …) stands just before the match.
    struct Rule {
        let patterns: [String]
        let scores: String
        var negatable = true
    }

    static let classes: [String: String] = [
        "det": "the a an my your his her their our that this those these every all some any",
        "you": "you u ya yall",
        "fp": "i im ive id ill we",
        "person": """
            you u ya yall him her them he she they everyone everybody someone somebody anyone anybody people person man men \
            woman women guy guys girl girls boy boys kid kids child children baby babies teacher teachers boss wife husband \
            girlfriend boyfriend mom mother dad father brother sister son daughter neighbor neighbors neighbour neighbours \
            coworker coworkers classmate classmates cop cops police officer officers president judge doctor nurse family \
            friend friends student students stranger strangers ex civilians hostages protesters victim victims bitch whore \
            bastard infidels
            """,
        "kill": """
            kill+ murder+ stab+ shoot shoots shooting shot strangle+ slaughter+ behead+ torture+ butcher+ lynch+ \
            massacre+ slit gut decapitate+ dismember+ drown+ burn
            """,
        "harm": "hurt hurts hurting punch+ attack+ assault+ choke+ slap+ smack+ stomp+ whip+ maim+ bash+",
        "intent": "want wanna going gonna will ill plan planning intend gotta need about trying try wish hope",
        "insult": """
            idiot+ stupid moron+ dumb dumbass worthless pathetic loser+ ugly disgusting useless retard retarded trash garbage \
            scum pig whore slut bitch bastard asshole assholes jerk failure freak creep clown imbecile cunt dickhead prick twat \
            fatass dipshit shithead wanker douchebag douche lowlife parasite
            """,
        "group": """
            jews jew muslims christians blacks whites asians hispanics latinos mexicans immigrants refugees gays lesbians \
            homosexuals transgenders arabs africans indians catholics hindus sikhs foreigners migrants women
            """,
        "groupadj": "black white gay trans jewish muslim asian disabled brown indian chinese mexican african arab hispanic autistic queer",
        "grpnoun": "people folks men women guys kids",
        "dehuman": """
            animals vermin rats cockroaches roaches parasites subhuman subhumans savages savage scum filth trash garbage inferior \
            pigs apes monkeys dogs disease cancer plague evil disgusting worthless criminals terrorists rapists invaders filthy \
            dirty stupid
            """,
        "exterminated": """
            die dead killed exterminated eradicated wiped gassed hanged hung shot burned burnt eliminated purged lynched \
            slaughtered executed
            """,
        "howto": "how ways way steps guide tutorial instructions instruction tips teach explain recipe method methods help",
        "make": "make making build building assemble construct create produce cook synthesize manufacture",
        "bomb": "bomb bombs explosive explosives ied ieds molotov napalm grenade grenades detonator thermite landmine",
        "weapon": "gun guns firearm firearms rifle rifles pistol handgun ak47 ar15 silencer suppressor ammo ammunition weapon weapons",
        "drug": "meth methamphetamine cocaine heroin fentanyl lsd mdma ecstasy ketamine opium pcp ghb dmt",
        "obtain": "buy buying get getting acquire obtain sell selling grow growing",
        "crime": """
            shoplift+ steal+ rob+ burglarize hotwire launder+ counterfeit+ smuggle+ pickpocket+ embezzle+ bribe+ blackmail+ \
            extort+ kidnap+ poach+ vandalize+
            """,
        "selfverb": "kill hurt cut harm starve hang drown poison shoot stab burn off overdose",
        "minor": """
            child children kid kids minor minors underage teen teens teenager teenagers preteen preteens schoolgirl schoolgirls \
            schoolboy toddler toddlers loli lolita pedo
            """,
        "gore": """
            guts entrails intestines disembowel+ dismember+ dismemberment decapitate+ decapitation mutilate+ mutilation gore gory \
            eviscerate+ flay+
            """,
    ]

    static let rules: [Rule] = [
        // Violence and threats aimed at people.
        Rule(patterns: ["@kill you", "@kill @det? @you"], scores: "v=0.93 ht=0.86 h=0.72"),
        Rule(patterns: ["@kill @det? @person"], scores: "v=0.9 ht=0.56 h=0.42"),
        Rule(patterns: ["@fp ~2 @intent ~2 @kill @det? @person"], scores: "v=0.97 ht=0.6"),
        Rule(patterns: ["@harm @det? @person"], scores: "v=0.62 ht=0.35 h=0.3"),
        Rule(patterns: ["@fp ~2 @intent ~2 @harm @det? @person"], scores: "v=0.8 ht=0.55 h=0.45"),
        Rule(patterns: ["beat+ up @det? @person", "beat @det? @person up|senseless|bloody|unconscious"], scores: "v=0.82 ht=0.5 h=0.4"),
        Rule(patterns: ["@kill|@harm|beat @det? @person? to death", "burn+ ~2 alive"], scores: "v=0.92 vg=0.45 ht=0.5"),
        Rule(patterns: ["break|snap|smash|crush|bash ~1 your|his|her|their neck|legs|skull|face|head|jaw|bones|arms"],
             scores: "v=0.86 ht=0.6 h=0.45"),
        Rule(patterns: ["put a bullet in", "blow ~2 brains out", "slit ~2 throat|throats", "cut ~2 throat|throats"],
             scores: "v=0.93 vg=0.5 ht=0.6"),
        Rule(patterns: ["shoot up @det? school|schools|mall|church|synagogue|mosque|concert|office|classroom|crowd|building|airport|station|embassy|hospital",
                        "bomb+ @det? school|schools|mall|church|synagogue|mosque|concert|office|classroom|crowd|building|airport|station|embassy|hospital"],
             scores: "v=0.95 ilv=0.35 ht=0.5"),
        Rule(patterns: ["i know where you live", "watch your back", "@you|youll will? ~2 regret", "@you|youll will? ~2 pay for this", "@you|youll will? ~1 be sorry"],
             scores: "ht=0.78 h=0.7 v=0.45"),
        Rule(patterns: ["@person was|were|got|been ~1 murdered|stabbed|shot|beheaded|tortured|massacred|slaughtered|strangled|lynched"],
             scores: "v=0.42"),
        Rule(patterns: ["execute+ @det? prisoners|prisoner|hostages|hostage|traitors|captives|civilians", "publicly executed"], scores: "v=0.8"),
        Rule(patterns: ["mass|school shooting|murder|shootings|murders", "terrorist attack", "genocide"], scores: "v=0.4"),

        // Graphic violence.
        Rule(patterns: ["@gore"], scores: "vg=0.8 v=0.72"),
        Rule(patterns: ["blood everywhere", "pool|pools of blood", "covered|soaked in blood", "blood ~2 splattered|spurting|gushing|pouring",
                        "brains|brain ~2 splattered|spilled|everywhere", "skull ~2 crushed|cracked|split|caved",
                        "flesh ~2 ripped|torn|rotting|melting", "bones ~2 snapped|sticking|crunched|shattered",
                        "gouge+ ~2 eyes|eye", "eyes ~1 gouged", "skinned alive", "severed head|heads|limbs|arm|leg|fingers"],
             scores: "vg=0.86 v=0.8"),

        // Harassment.
        Rule(patterns: ["@you are|r|re ~2 @insult", "youre ~2 @insult", "ur ~2 @insult"], scores: "h=0.86"),
        Rule(patterns: ["@you @insult", "@you fucking|stupid|ugly|dumb @insult"], scores: "h=0.82"),
        Rule(patterns: ["@insult"], scores: "h=0.22"),
        Rule(patterns: ["fuck you|off|u|yourself", "go fuck yourself", "screw you", "shut the fuck up", "piss off"], scores: "h=0.8"),
        Rule(patterns: ["shut up"], scores: "h=0.32"),
        Rule(patterns: ["nobody|noone likes|loves|cares|wants ~1 you", "no one likes|loves|cares|wants ~1 you",
                        "everyone|everybody hates you", "you are|youre ~1 a waste of", "i hate you"], scores: "h=0.74", negatable: false),
        Rule(patterns: ["hope|wish @you ~1 die|dies|suffer|rot|burn", "hope|wish @you get|gets cancer|raped|hit|killed|shot"], scores: "ht=0.8 h=0.8 v=0.5"),
        Rule(patterns: ["go to hell", "rot in hell", "go die", "drop dead"], scores: "h=0.72 ht=0.3"),
        Rule(patterns: ["kill yourself", "kys", "go ~1 kill yourself", "you should ~2 kill yourself|die|hang yourself"],
             scores: "h=0.92 ht=0.72 v=0.62 sh=0.62 shn=0.56"),
        Rule(patterns: ["@you deserve|should|ought ~2 die|suffer|rot|killed|shot|raped"], scores: "ht=0.86 h=0.8 v=0.72"),

        // Hate: protected groups with dehumanising or violent predicates, plus a short slur list.
        Rule(patterns: ["@group should|must|need ~2 deported|expelled|banned|removed", "@groupadj @grpnoun should|must|need ~2 deported|expelled|banned"],
             scores: "ha=0.72 h=0.5"),
        Rule(patterns: ["@group are ~2 @dehuman", "@groupadj @grpnoun are ~2 @dehuman", "@group is|are a|an ~1 disease|plague|cancer|infestation"],
             scores: "ha=0.9 h=0.7"),
        Rule(patterns: ["i hate ~2 @group", "i hate ~1 @groupadj @grpnoun", "@group ~2 ruining|destroying|invading|infesting|polluting",
                        "@groupadj @grpnoun ~2 ruining|destroying|invading|infesting|polluting", "go back to your|their ~1 country",
                        "no @group allowed", "no @groupadj @grpnoun allowed"],
             scores: "ha=0.82 h=0.6"),
        Rule(patterns: ["@group ~5 should|must|need|deserve ~3 @exterminated", "@groupadj @grpnoun ~5 should|must|need|deserve ~3 @exterminated",
                        "kill|exterminate|eradicate|gas|lynch|murder|slaughter|eliminate|purge ~1 @group",
                        "kill|exterminate|eradicate|gas|lynch|murder|slaughter|eliminate|purge ~1 @groupadj @grpnoun",
                        "death to ~1 @group", "death to ~1 @groupadj @grpnoun", "wipe out ~1 @group", "wipe out ~1 @groupadj @grpnoun"],
             scores: "hat=0.92 ha=0.92 v=0.85 h=0.6"),
        Rule(patterns: ["@group dont|doesnt|shouldnt ~2 deserve|belong|have ~2 rights|live|exist|here"], scores: "ha=0.8 h=0.55",
             negatable: false),
        Rule(patterns: ["nigger|niggers|kike|kikes|spic|spics|chink|chinks|faggot|faggots|tranny|trannies|wetback|wetbacks"],
             scores: "ha=0.85 h=0.8"),

        // Self-harm.
        Rule(patterns: ["@selfverb myself"], scores: "sh=0.8 shi=0.58"),
        Rule(patterns: ["@fp ~2 @intent ~1 to? @selfverb myself", "@fp ~2 @intent to? die", "@fp ~2 @intent ~1 to? end it all",
                        "end|take my own? life", "end it all", "@fp ~3 @intent ~2 commit suicide",
                        "@fp am|m|feel|feeling ~1 suicidal", "im ~1 suicidal", "better off dead", "wish i was|were dead",
                        "wish i ~1 never born"],
             scores: "shi=0.92 sh=0.9"),
        Rule(patterns: ["dont|not want to live|exist", "dont|not want to be alive", "no reason to live", "cant go on ~2 anymore",
                        "not worth living"], scores: "shi=0.86 sh=0.84", negatable: false),
        Rule(patterns: ["suicide|suicidal"], scores: "sh=0.36"),
        Rule(patterns: ["commit+ suicide", "self harm|harming", "selfharm", "slit ~1 wrists|wrist", "cutting myself"], scores: "sh=0.74"),
        Rule(patterns: ["@howto ~3 kill|hurt|cut|hang|poison|starve|off yourself|myself", "@howto ~3 commit suicide",
                        "@howto ~3 end my|your life", "painless way|ways|method|methods ~2 die", "how many pills ~4 die|kill|overdose|od|fatal|lethal",
                        "lethal dose|doses ~2 of", "@howto ~3 slit|cut ~2 wrists|wrist"],
             scores: "shn=0.92 sh=0.86"),
        Rule(patterns: ["pro ana|mia", "thinspiration|thinspo", "starve myself", "purge after ~1 eating", "stop eating ~3 lose weight"],
             scores: "sh=0.72 shi=0.4"),

        // Sexual.
        Rule(patterns: ["porn|porno|pornography|pornographic|blowjob|blowjobs|handjob|cum|cumming|hentai|dildo|threesome|orgasm+",
                        "masturbate+|masturbation"], scores: "s=0.76"),
        Rule(patterns: ["xxx|nude|nudes|naked|horny|erotic|erotica|dick|cock|pussy|tits|boobs|kinky|bdsm|fetish|nsfw|onlyfans|stripper|sexting|sext"],
             scores: "s=0.45"),
        Rule(patterns: ["sexy|penis|vagina|genitals|anal|aroused|seductive"], scores: "s=0.3"),
        Rule(patterns: ["have|having|had sex", "sex with", "oral sex", "sex tape", "want to fuck", "wanna fuck", "fuck me|her|him",
                        "send ~2 nudes|nude", "naked pictures|photos|pics|selfies", "strip for me", "take off your|her clothes",
                        "sexual intercourse|acts|favors", "make love to", "sleep with me"],
             scores: "s=0.8"),
        Rule(patterns: ["suck my|your|his dick|cock"], scores: "s=0.9 h=0.55"),
        Rule(patterns: ["rape+ @det? @person", "@fp ~2 @intent ~2 rape"], scores: "v=0.9 s=0.7 ht=0.7 h=0.6"),
        Rule(patterns: ["@minor porn|pornography|nudes|sex|naked|nude", "sex|sexual ~2 with ~1 @minor"], scores: "sm=0.96 s=0.9"),
        Rule(patterns: ["sexual|sexualized|erotic|explicit content|material|images|photos|pictures|videos|acts|activity|roleplay"],
             scores: "s=0.55"),

        // Illicit: instructions for wrongdoing; violent when weapons or harming people are involved.
        Rule(patterns: ["@howto ~3 @crime", "@howto ~3 break into", "@howto ~3 hack into",
                        "@howto ~3 hack ~2 account|accounts|email|password|passwords|phone|wifi|instagram|facebook|bank",
                        "@howto ~3 evade|dodge taxes", "@howto ~3 get away with ~1 stealing|theft|fraud|crime"],
             scores: "il=0.86"),
        Rule(patterns: ["@howto ~3 @make|@obtain ~2 @drug", "where ~2 @obtain ~2 @drug"], scores: "il=0.9"),
        Rule(patterns: ["@fp ~2 @intent ~2 rob+|shoplift+|burglarize|kidnap+|smuggle+|launder+|embezzle+"], scores: "il=0.6"),
        Rule(patterns: ["@howto ~3 @obtain ~3 @weapon ~4 without|illegally|untraceable|unregistered"], scores: "ilv=0.9 il=0.88 v=0.5",
             negatable: false),
        Rule(patterns: ["@howto ~3 @make ~3 @bomb", "@howto ~3 @make ~3 @weapon",
                        "@howto ~3 @obtain ~3 untraceable|unregistered|illegal ~1 @weapon", "ghost gun|guns", "3d print ~2 gun|guns|firearm",
                        "@howto ~3 poison ~2 @person", "@howto ~3 @kill ~2 @person", "@howto ~3 get away with murder|killing"],
             scores: "ilv=0.92 il=0.9 v=0.55"),
    ]

    /// Benign idioms: their tokens are masked before the rules run ("kill the process", "to die for").
    static let masks: [String] = [
        "kill+ ~1 time", "to die for", "dying to", "die|died|dying of|from embarrassment|laughter|boredom|cringe|shame", "die laughing",
        "hurt+ ~2 feelings|feeling|pride|chances|ego|reputation|business|sales", "moby dick", "naked truth", "child|parent process|processes|thread|threads|node|nodes|element|elements|component|components|class|classes|window|windows|table|tables|theme|themes|task|tasks",
        "shoot @det? @person a|an|some email|message|text|line|note|dm|link|reply|invite",
        "suicide prevention|hotline|hotlines|awareness|rates|rate|squad|mission|doors|door|run|pass|watch",
        "prevent|preventing|prevention suicide", "sex education|ed|ratio|chromosome|chromosomes|differences|cells|determination|offender|offenders",
        "sexual health|orientation|harassment|reproduction|education|selection|dimorphism", "naked eye",
        "nude lipstick|color|colour|heels|tones|palette|shade", "drop dead gorgeous|beautiful|stunning",
        "accidentally ~2 cut|hurt|burned|burnt|burn myself",
        "cut|hurt|burned|burnt|burn myself ~2 while|shaving|cooking|chopping|accident|accidentally|playing|lifting|running|skiing|during|at|on",
        "kill+ @det? @person with kindness", "shot|shots @det? @person a|an look|glance|smile", "murder mystery|mysteries|podcast|novel|novels",
        "knock|knocked @det? @person out", "killing|killed @det? @person softly", "stab at", "punch line|lines|card|list",
    ]
}

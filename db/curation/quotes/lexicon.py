"""The word lists and patterns the quote finder reads English news with."""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MARK_RE = re.compile("[\"\u201c\u201d]")
SINGLE_RE = re.compile("['\u2018\u2019]")
SINGLE_OPEN_RE = re.compile(r"(?:^|[\s(\[\u2014\u2013-])['\u2018](?=\w)")
OPEN_AFTER = frozenset("([{<\u2014\u2013-/:;,'\u2018\u00a0")
WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
TOKEN_RE = re.compile(r"[^\W_](?:[\w'\u2019.\-]*[^\W_])?(?:['\u2019](?![^\W_]))?|[,;:\u2014\u2013()&]")
BOUNDARY_RE = re.compile(r"[.!?][\"\u201d\u2019')\]]*\s+(?=[\"\u201c\u2018'(\[A-Z0-9])")
ABBREV_RE = re.compile(
    r"(?:[A-Za-z]\.)+[A-Za-z]?|[A-Z]|Mr|Mrs|Ms|Mx|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Cmdr|Adm|Maj|St|Mt|"
    r"Jr|Sr|Inc|Corp|Ltd|Co|No|Nos|vs|etc|approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Rev|Hon|Fr"
)

SPEECH_WORDS = (
    "said says say saying told tells telling added adds adding announced announces announcing "
    "tweeted tweets tweeting wrote writes warned warns warning noted noting stated stating "
    "concluded concludes concluding argued argues arguing explained explains explaining "
    "insisted insists insisting asked asks asking replied replying responded responds responding "
    "claimed claiming declared declares declaring acknowledged acknowledges acknowledging admitted admits "
    "affirmed asserted asserts emphasised emphasized emphasises emphasizes stressed stresses stressing "
    "commented remarked observed recalled recalls predicted predicts suggested suggests vowed vows "
    "pledged promised cautioned complained countered counters retorted quipped joked conceded concedes "
    "confirmed confirms reiterated maintained maintains contended contends advised posted urged urges "
    "continued continues testified testifies urging pledging promising vowing cautioning"
)
# Verbs that report words by what the speaker did with them: 'accused the regulator of acting "..."',
# 'called the ruling "arbitrary"', 'threatening that "..."'. They attribute a quotation of their sentence
# like a speech verb. ("called" right before a quotation names it instead: see NAMING_CUE.)
CHARACTERISING_WORDS = (
    "accused accuses accusing called calls calling described describes describing branded brands branding "
    "labelled labeled labelling labeling condemned condemns condemning criticised criticized criticises "
    "criticizes criticising criticizing threatened threatens threatening demanded demands demanding "
    "reassured reassures reassuring cited cites citing denied denies denying rejected rejects rejecting "
    "dismissed dismisses dismissing hailed hails hailing praised praises praising welcomed welcomes "
    "welcoming protested protests protesting ordered orders ordering instructed instructs instructing "
    "expressed expresses expressing lamented laments blamed blames blaming"
)
SAY = _words(SPEECH_WORDS)  # the verbs of attribution after a quotation: '"...," X said'
SPEECH = SAY | _words(CHARACTERISING_WORDS)
STATEMENT_VERBS = _words("issued released made gave delivered published posted")
STATEMENT_RE = re.compile(
    r"(?:issued|released|made|gave|delivered|published|posted)\s+(?:the\s+following|a|an|this|his|her|their|its)"
    r"\s+(?:[a-z]+\s+)?(?:statement|remarks|comments)\b"
)

PREPS = _words(
    "of for from at in on with by to under about against alongside along toward towards into onto over "
    "between among amongst via near across behind beside besides including inside outside within without "
    "upon during through throughout around per despite"
)
DETS = _words("the a an this that these those his her its their our my your")
PRONOUNS = _words("he she they it i we")
RESOLVABLE = _words("he she they it")
PERSONAL = _words("i we you he she they")
FINITE = _words(
    "am is are was were will would shall should can could may might must do does did has have had "
    "won't can't don't doesn't didn't isn't aren't wasn't weren't hasn't haven't hadn't wouldn't couldn't "
    "shouldn't mustn't shan't ain't cannot"
)
CONTRACTED = re.compile(r"^(?:i|you|we|they|he|she|it|that|there|who|what|here|let)'(?:m|re|s|ll|ve|d)$")
NOT_SUBJECT = _words("to not never and or of for in on at by with from that which who")
SMALL = _words("a an the of and or for to in on at by with from as vs")
NAMING_CUE = re.compile(
    r"(?:\bso[- ]called|\bdubbed|\bcalled|\btermed|\btitled|\bentitled|\bheadlined|\bnamed|\bnicknamed|"
    r"\bbranded|\blabell?ed|\bknown as|\breferred to as|\bmarked|\bthe (?:words?|term|phrase|slogan|label|"
    r"hashtag|headline|banner|motto))\s*[(\[]?\s*$",
    re.IGNORECASE,
)
CAP_STOP = _words(
    """a an the in on at of for to from by with without into after before during despite since until while
    when where whereas if as but and or nor so yet then also however meanwhile moreover furthermore although
    though because this that these those there here its his her their our my your what which who whom whose
    why how according under over between among through throughout against about across along alongside
    near last next earlier later now today yesterday tomorrow still even just only both either neither each
    every all some many most few several another other such no not yes asked pressed speaking responding
    writing separately instead indeed thus hence therefore once twice"""
)
DAYS_MONTHS = _words(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december"""
)
TITLES = _words(
    """president vice-president vice deputy secretary minister prime foreign senator sen rep representative
    congressman congresswoman governor gov mayor chancellor ambassador envoy spokesman spokeswoman
    spokesperson chairman chairwoman chair chief ceo cfo cto coo executive director officer founder
    co-founder head leader commissioner general gen admiral colonel col lieutenant lt sergeant captain capt
    judge justice attorney prosecutor analyst professor prof king queen prince princess pope premier
    president-elect mp mep lawmaker senior adviser advisor counsel economist correspondent editor reporter
    researcher democratic democrat republican labour conservative tory liberal vice-chair vice-chairman
    chairperson"""
)
PARTICLES = _words("de da di du van von der den le la bin ibn al del dos das")
HONORIFICS = _words("mr mrs ms mx dr prof sir lord lady dame rev sen rep gov gen st")
ROLE_NOUNS = _words(
    "spokesman spokeswoman spokesperson spokespeople spokesmen spokeswomen source sources official officials "
    "aide aides insider insiders diplomat diplomats analyst analysts expert experts executive executives "
    "adviser advisers advisor advisors representative representatives lawmaker lawmakers minister ministers "
    "president founder chairman chairwoman director directors ambassador envoy secretary senator senators "
    "leader leaders person people government ministry department company firm embassy regulator agency police "
    "prosecutor prosecutors witness witnesses resident residents lawyer lawyers attorney attorneys head chief "
    "boss campaigners critics officer officers"
)
# What may stand before a role noun: "one", "a senior government", "the company's chief".
ROLE_PREFIX_RE = re.compile(
    r"(?<![\w\-'\u2019])"
    r"(?:(?:a|an|the|one|two|three|four|five|several|some|many|another|other|its|his|her|their)\s+)?"
    r"(?:[^\W\d_][\w\-.]*['\u2019]s\s+)?"
    r"(?:(?!(?:the|a|an|of|for|to|in|on|at|by|with|from|and|or|that|who|which|is|are|was|were|has|have|had|"
    r"he|she|they|it|said|told)\b)[^\W\d_][\w\-.]*\s+){0,2}$",
    re.IGNORECASE,
)
REL_RE = re.compile(r",\s*(?:who|which|whose|whom|where)\b[^,;:]*")
PAREN_RE = re.compile(r"\([^()]{0,60}\)")
PARTY_STATE = re.compile(r"[DRIL]-[A-Z][A-Za-z.]*")  # "D-N.Y.", "R-Fla."
NEXT_WORD_RE = re.compile(r"\s+([a-z][\w'\u2019\-]*)")
COORD_GAP = re.compile(r"\s*(?:,|,?\s*(?:and|or|&))\s*")
TAIL_START = _words("for of at from with in on familiar close inside within")
TAIL_STOP = FINITE | PRONOUNS | _words("who which that whose whom said says told")
UNDER_RE = re.compile(
    r"\W*Under\s+(?P<law>(?:(?:the|a|an|its|their)\s+)?(?:[\w'\u2019\-]+\s+){0,4}?"
    r"(?:laws?|act|rules|regulations|legislation|constitution|treaty|agreement|guidelines|code|directive|"
    r"charter|statute))\s*,"
)
FIRST_WORD_RE = re.compile(r"[\W_]*([^\W\d_]+)")
INTRO = PREPS | _words("after before when while as since following once although though because if unlike asked")
ARTICLES = _words("a an the its their his her our my your")
NP_DETS = _words("a an the one two three four several some many another other most his her its their")
NP_STOP = PREPS | FINITE | PRONOUNS | _words(
    "and or but that who which whose whom when where while as if than then because after before since until "
    "also not never"
)
INSTITUTIONS = _words(
    "government ministry department company firm embassy regulator agency police people sources officials"
)
ADVERBS = _words(
    "also later then further previously earlier separately repeatedly has had have was once again "
    "subsequently recently already still even just never always yesterday today tonight"
)
# Before a one- or two-word quotation, these make it a term ('the "core"'); after one, these show it is not
# modifying a noun ('"firmly opposed" the measures', '"unfairly" and').
DEFINITE = _words("the this that these those its their our")
NOT_MODIFIED = NP_STOP | DETS | SPEECH | _words("so too as than regarding concerning amid following despite")
# Before a past participle, these make a speech verb passive: its subject is the one addressed.
PASSIVE_AUX = _words("be been being is are was were")
# Words that make a name an institution's, never "he" or "she".
ORG_WORDS = _words(
    """department ministry agency commission company corporation corp inc ltd llc plc group bank council committee
    party government embassy lab labs laboratory telecom telecoms networks bureau office service services
    university institute association union court parliament congress senate house administration authority
    board centre center fund foundation times news post press reuters agencies ministry's operators
    federation organisation organization society alliance coalition network systems technologies"""
)
# Where the agent of a passive verb ends: 'told by the security service to plan ...'.
AGENT_STOP = _words("of to that for in on with about over after before because as which who")
DATELINE_RE = re.compile(r"^[A-Z][A-Z .,'\-]{2,40}(?:\([A-Za-z .]{1,30}\))?\s*[-\u2013\u2014]\s", re.MULTILINE)
# A name before a lower-case title and another name modifies the title: "Company founder Eugene Kaspersky".
TITLE_AFTER_RE = re.compile(r"\s+([a-z][\w\-]*)\s+[A-Z]")
REL_WORD_RE = re.compile(r"\b(?:which|who|whom|whose)\b")
# Between a role and the name in apposition to it: ", " or ", Republican ".
TITLED_GAP_RE = re.compile(r",\s*(?:[A-Z][\w\-.]*\s+)*")
# What a statement is issued as; its issuer is the speaker ("a statement released by the DHS").
DOCUMENT_NOUNS = _words("statement statements release report letter memo filing post blog communique notice")
BY_ISSUER_RE = re.compile(r"\b(?:by|from)\s+")
PREP_BEFORE_RE = re.compile(r"\b(?:by|to|with|from|for|of)\s+")
# Every word a speech cue can start with (speech verbs, "issued ... statement", "according to", "went on").
CUE_WORDS = SPEECH | STATEMENT_VERBS | _words("according According went pointed")
# A curly single-quoted passage in a text that quotes with double marks (headlines): \u2018 opens after a
# space, a bracket or a dash, the passage holds no other mark and no line break, \u2019 closes before a
# non-letter.
SINGLE_PAIR_RE = re.compile(
    "(?:(?<=[\\s(\\[\u2014\u2013])|^)\u2018([^\\W_][^\u2018\u2019\n\"\u201c\u201d]{0,79}?)\u2019(?![^\\W_])",
    re.MULTILINE,
)

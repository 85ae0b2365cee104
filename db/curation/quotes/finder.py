"""Propose the direct quotations of an English news article, with their speakers.

`extract_quotes(text)` is a curating aid for importing a new article: it proposes spans that a curator
then checks, in the shape of `seeds/quotes.toml` (the quotation without its quote marks, and without a
trailing comma that belongs to the attribution). It is pure Python (standard library only), never raises
on any string, and runs in time roughly linear in the length of the text (about 0.1 s for 200 KB of news).

How quotations are found
------------------------
* Quote marks are the double ones: straight ``"`` and curly ``“ ”``. Single quotes (``' ‘ ’``) inside a
  double-quoted passage are part of the quotation; outside one they are apostrophes or scare quotes. Only
  a text with no double quote mark at all is read with single quotes as quotation marks (a British
  style); there an apostrophe between two letters is never a mark, and ``’`` never opens.
* A straight mark opens a quotation when it follows a space, the start of a line or an opening
  punctuation mark and is followed by a non-space; it closes the open quotation when it follows a
  non-space. An opening mark met while a quotation is already open restarts it there (the earlier one
  had lost its closing mark), so one stray mark does not swallow the next quotation.
* A line break ends a paragraph. A quotation left open at the end of a paragraph continues when the next
  paragraph opens with a quote mark (the newsroom convention for a quotation running over several
  paragraphs): **each paragraph becomes a proposal of its own**, all with the same speaker. A quotation
  left open otherwise is unbalanced and dropped (so is a hard-wrapped quotation).
* A quotation split around its cue (``"First part," X said, "second part."``) gives **two proposals with
  the same speaker**.
* The span excludes the quote marks, surrounding white space and a trailing comma.

Which quoted passages are quotations
------------------------------------
A quoted passage is proposed only if it reads as something somebody said, decided by general rules:

* not when it follows a naming cue ("so-called", "dubbed", "titled", "known as", "the term" ...);
* not when it sits between an article and its noun, as a modifier: a "you break it, you own it" policy;
* not when it looks like a title: at most twelve words, three quarters of its content words capitalised,
  no closing sentence punctuation ("The Art of the Deal");
* six words or more: yes (partial quotations such as ``said he was "disappointed by ..."`` included);
* three to five words: only when it holds a clause: a personal pronoun followed by a word ("I think
  so"), a contracted subject ("it's", "we'll"), a finite verb with a word before it ("the deal is
  dead"), or a whole capitalised sentence ending in . ! or ?. So "is not at risk", "a partner and a
  friend", "not worth the candle", "out around the world" are fragments, not quotations;
* one or two words: only a capitalised clause ("We won," he said) with a cue right against it; single
  words and two-word terms ("core", "market failure") never.

Who said it
-----------
In order, the first rule that names a speaker wins:

1. After the quotation: ``"...," X said`` / ``"...?" X asked`` / ``"...," said X, title`` /
   ``"...," according to X`` — a speech verb at most ten words after the closing mark, in the same
   sentence, when the quotation ends with ``, ? !`` or the following text starts with a comma, a dash or
   a lower-case word (but not "and"/"but": ``"...," and added`` starts a new predicate).
2. Before it in the same sentence: the nearest speech verb (``X said: "..."``, ``X told Y "..."``,
   ``X said he was "..."``, ``X said, adding that "..."``, ``X issued the following statement``).
3. A colon with no speech verb (``X's response was emphatic: "..."``): the subject of the sentence.
4. ``Under <...> law/act/rules/regulations, ... "..."``: the law is the speaker (cue "under").
5. A quotation standing as a sentence or a paragraph of its own with no attribution: the speaker of the
   previous quotation of the same paragraph (``"A," X said. "B."``), else the last speaker of this or
   the previous paragraph.

The subject of a speech verb is the nearest mention before it in its sentence:

* a proper name: runs of capitalised words, with titles stripped ("Foreign Secretary Dominic Raab",
  "Secretary of State Mike Pompeo", "Huawei CEO Ren Zhengfei"); skipped when it follows a preposition
  (also through a list ending in "and"), sits in a relative clause or in parentheses, is a possessor
  ("Huawei's"), a bare title ("Vice-President of Huawei"), an apposition ("Chuck Schumer, D-N.Y.,") or
  a modifier of a lower-case noun ("Huawei spokesman", "Congressional district");
* a role: "one source", "officials", "a spokesman for the Department for Digital, Culture, Media, and
  Sport", "the company", or any determiner phrase right before the verb ("one industry lobbyist");
* a pronoun (he, she, they, it) right before the verb, resolved to the subject of the previous sentence
  when no speech verb comes between (for he/she only a person-like name), else to the last named speaker.
  "I" and "we" are the writer: no speaker.

After a closing quote the subject may follow the verb (``, said Zhang``: the last name before an
apposition). A verb joined by "and"/"but", or a participle after a comma (``, adding that``), takes the
subject of the sentence (its earlier speech verb's, or its first mention after an opening adverbial).

The cue is the speech verb as written ("said", "told", "according to", "issued the following
statement"), ":" for a bare colon, "under" for rule 4, and None for rule 5 or when nothing is found.
Speech verbs: said/says/told/added/announced/tweeted/wrote/warned/noted/stated/concluded/argued/
explained/insisted/asked/replied/according to and their kin (see ``_SPEECH_WORDS``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

__all__ = ["ProposedQuote", "extract_quotes"]


@dataclass(frozen=True)
class ProposedQuote:
    start: int  # span [start, end) in the article text (Python str indices), the quotation WITHOUT its marks
    end: int
    text: str  # == article[start:end]
    speaker: str | None  # the speaker's name as written in the article, None if unknown
    speaker_start: int | None  # span of the speaker mention used (the name, or the pronoun's antecedent)
    speaker_end: int | None
    cue: str | None  # the verb or cue, e.g. "said", "told", "announced", "tweeted", ":"


def extract_quotes(text: str) -> list[ProposedQuote]:
    """Direct quotations and their speakers, in reading order."""
    if not isinstance(text, str) or not text:
        return []
    return _Extractor(text).run()


# --------------------------------------------------------------------------------------------------------
# Word lists


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MARK_RE = re.compile("[\"\u201c\u201d]")
_SINGLE_RE = re.compile("['\u2018\u2019]")
_SINGLE_OPEN_RE = re.compile(r"(?:^|[\s(\[\u2014\u2013-])['\u2018](?=\w)")
_OPEN_AFTER = frozenset("([{<\u2014\u2013-/:;,'\u2018\u00a0")
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_TOKEN_RE = re.compile(r"[^\W_](?:[\w'\u2019.\-]*[^\W_])?(?:['\u2019](?![^\W_]))?|[,;:\u2014\u2013()&]")
_BOUNDARY_RE = re.compile(r"[.!?][\"\u201d\u2019')\]]*\s+(?=[\"\u201c\u2018'(\[A-Z0-9])")
_ABBREV_RE = re.compile(
    r"(?:[A-Za-z]\.)+[A-Za-z]?|[A-Z]|Mr|Mrs|Ms|Mx|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Cmdr|Adm|Maj|St|Mt|"
    r"Jr|Sr|Inc|Corp|Ltd|Co|No|Nos|vs|etc|approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Rev|Hon|Fr"
)

_SPEECH_WORDS = (
    "said says say saying told tells telling added adds adding announced announces announcing "
    "tweeted tweets tweeting wrote writes warned warns warning noted noting stated stating "
    "concluded concludes concluding argued argues arguing explained explains explaining "
    "insisted insists insisting asked asks asking replied replying responded responds responding "
    "claimed claiming declared declares declaring acknowledged acknowledges acknowledging admitted admits "
    "affirmed asserted asserts emphasised emphasized emphasises emphasizes stressed stresses stressing "
    "commented remarked observed recalled recalls predicted predicts suggested suggests vowed vows "
    "pledged promised cautioned complained countered counters retorted quipped joked conceded concedes "
    "confirmed confirms reiterated maintained maintains contended contends advised posted urged urges "
    "continued continues testified testifies"
)
_SPEECH = _words(_SPEECH_WORDS)
_STATEMENT_VERBS = _words("issued released made gave delivered published posted")
_STATEMENT_RE = re.compile(
    r"(?:issued|released|made|gave|delivered|published|posted)\s+(?:the\s+following|a|an|this|his|her|their|its)"
    r"\s+(?:[a-z]+\s+)?(?:statement|remarks|comments)\b"
)

_PREPS = _words(
    "of for from at in on with by to under about against alongside along toward towards into onto over "
    "between among amongst via near across behind beside besides including inside outside within without "
    "upon during through throughout around per despite"
)
_DETS = _words("the a an this that these those his her its their our my your")
_PRONOUNS = _words("he she they it i we")
_RESOLVABLE = _words("he she they it")
_PERSONAL = _words("i we you he she they")
_FINITE = _words(
    "am is are was were will would shall should can could may might must do does did has have had "
    "won't can't don't doesn't didn't isn't aren't wasn't weren't hasn't haven't hadn't wouldn't couldn't "
    "shouldn't mustn't shan't ain't cannot"
)
_CONTRACTED = re.compile(r"^(?:i|you|we|they|he|she|it|that|there|who|what|here|let)'(?:m|re|s|ll|ve|d)$")
_NOT_SUBJECT = _words("to not never and or of for in on at by with from that which who")
_SMALL = _words("a an the of and or for to in on at by with from as vs")
_NAMING_CUE = re.compile(
    r"(?:\bso[- ]called|\bdubbed|\bcalled|\btermed|\btitled|\bentitled|\bheadlined|\bnamed|\bnicknamed|"
    r"\bbranded|\blabell?ed|\bknown as|\breferred to as|\bmarked|\bthe (?:words?|term|phrase|slogan|label|"
    r"hashtag|headline|banner|motto))\s*[(\[]?\s*$",
    re.IGNORECASE,
)
_CAP_STOP = _words(
    """a an the in on at of for to from by with without into after before during despite since until while
    when where whereas if as but and or nor so yet then also however meanwhile moreover furthermore although
    though because this that these those there here its his her their our my your what which who whom whose
    why how according under over between among through throughout against about across along alongside
    near last next earlier later now today yesterday tomorrow still even just only both either neither each
    every all some many most few several another other such no not yes asked pressed speaking responding
    writing separately instead indeed thus hence therefore once twice"""
)
_DAYS_MONTHS = _words(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december"""
)
_TITLES = _words(
    """president vice-president vice deputy secretary minister prime foreign senator sen rep representative
    congressman congresswoman governor gov mayor chancellor ambassador envoy spokesman spokeswoman
    spokesperson chairman chairwoman chair chief ceo cfo cto coo executive director officer founder
    co-founder head leader commissioner general gen admiral colonel col lieutenant lt sergeant captain capt
    judge justice attorney prosecutor analyst professor prof king queen prince princess pope premier
    president-elect mp mep lawmaker senior adviser advisor counsel economist correspondent editor reporter
    researcher democratic democrat republican labour conservative tory liberal vice-chair vice-chairman
    chairperson"""
)
_PARTICLES = _words("de da di du van von der den le la bin ibn al del dos das")
_HONORIFICS = _words("mr mrs ms mx dr prof sir lord lady dame rev sen rep gov gen st")
_ROLE_NOUNS = _words(
    "spokesman spokeswoman spokesperson spokespeople spokesmen spokeswomen source sources official officials "
    "aide aides insider insiders diplomat diplomats analyst analysts expert experts executive executives "
    "adviser advisers advisor advisors representative representatives lawmaker lawmakers minister ministers "
    "president founder chairman chairwoman director directors ambassador envoy secretary senator senators "
    "leader leaders person people government ministry department company firm embassy regulator agency police "
    "prosecutor prosecutors witness witnesses resident residents"
)
# What may stand before a role noun: "one", "a senior government", "the company's chief".
_ROLE_PREFIX_RE = re.compile(
    r"(?<![\w\-'\u2019])"
    r"(?:(?:a|an|the|one|two|three|four|five|several|some|many|another|other|its|his|her|their)\s+)?"
    r"(?:[^\W\d_][\w\-.]*['\u2019]s\s+)?"
    r"(?:(?!(?:the|a|an|of|for|to|in|on|at|by|with|from|and|or|that|who|which|is|are|was|were|has|have|had|"
    r"he|she|they|it|said|told)\b)[^\W\d_][\w\-.]*\s+){0,2}$",
    re.IGNORECASE,
)
_REL_RE = re.compile(r",\s*(?:who|which|whose|whom|where)\b[^,;:]*")
_PAREN_RE = re.compile(r"\([^()]{0,60}\)")
_PARTY_STATE = re.compile(r"[DRIL]-[A-Z][A-Za-z.]*")  # "D-N.Y.", "R-Fla."
_NEXT_WORD_RE = re.compile(r"\s+([a-z][\w'\u2019\-]*)")
_COORD_GAP = re.compile(r"\s*(?:,|,?\s*(?:and|or|&))\s*")
_TAIL_START = _words("for of at from with in on familiar close inside within")
_TAIL_STOP = _FINITE | _PRONOUNS | _words("who which that whose whom said says told")
_UNDER_RE = re.compile(
    r"\W*Under\s+(?P<law>(?:(?:the|a|an|its|their)\s+)?(?:[\w'\u2019\-]+\s+){0,4}?"
    r"(?:laws?|act|rules|regulations|legislation|constitution|treaty|agreement|guidelines|code|directive|"
    r"charter|statute))\s*,"
)
_FIRST_WORD_RE = re.compile(r"[\W_]*([^\W\d_]+)")
_INTRO = _PREPS | _words("after before when while as since following once although though because if unlike asked")
_ARTICLES = _words("a an the its their his her our my your")
_NP_DETS = _words("a an the one two three four several some many another other most his her its their")
_NP_STOP = _PREPS | _FINITE | _PRONOUNS | _words(
    "and or but that who which whose whom when where while as if than then because after before since until "
    "also not never"
)
_INSTITUTIONS = _words(
    "government ministry department company firm embassy regulator agency police people sources officials"
)
_ADVERBS = _words(
    "also later then further previously earlier separately repeatedly has had have was once again "
    "subsequently recently already still even just never always yesterday today tonight"
)


# --------------------------------------------------------------------------------------------------------
# Internal records


@dataclass
class _Piece:
    open: int  # index of the opening mark
    close: int  # index of the closing mark, or the end of the paragraph for a continued piece
    closed: bool
    start: int  # trimmed inner span
    end: int
    chain: int  # pieces of one quotation running over several paragraphs share a chain number


@dataclass(frozen=True)
class _Cand:
    kind: str  # "name", "role", "pronoun", "possessor"
    start: int
    end: int
    appositive: bool = False


@dataclass(frozen=True)
class _Speaker:
    start: int
    end: int


@dataclass(frozen=True)
class _Verb:
    start: int
    end: int
    word: str


_COORD = _Cand("coord", -1, -1)  # marker: the verb takes the subject of its sentence


class _Extractor:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        # Paragraph number of each line: blank lines separate paragraphs but do not count as one.
        self.para_of_line: list[int] = []
        count = 0
        for k, start in enumerate(self.line_starts):
            end = self.line_starts[k + 1] if k + 1 < len(self.line_starts) else self.n
            self.para_of_line.append(count)
            if text[start:end].strip():
                count += 1
        self.pieces = self._scan()
        self.masked = self._mask()
        self.bounds = self._boundaries()
        self.toks = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(self.masked)]
        self.tok_starts = [tk[0] for tk in self.toks]
        self.role_nouns = [tk for tk in self.toks if tk[2].lower() in _ROLE_NOUNS]
        self.role_starts = [r[0] for r in self.role_nouns]
        self.verbs = self._speech_verbs()
        self.verb_starts = [v.start for v in self.verbs]
        self.closes = [p.close for p in self.pieces if p.closed]
        self.opens = [p.open for p in self.pieces]
        self._subjects: dict[int, _Cand | None] = {}
        self._named: dict[int, _Speaker | None] = {}
        self._resolved: dict[int, _Speaker | None] = {}
        self._cand_cache: dict[tuple[int, int, int], list[_Cand]] = {}
        self._pronouns: dict[int, _Speaker | None] = {}

    # ---------------------------------------------------------------------------------------- structure

    def _line(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos) - 1

    def _para(self, pos: int) -> int:
        return self.para_of_line[self._line(pos)]

    def _line_end(self, pos: int) -> int:
        k = self._line(pos) + 1
        return self.line_starts[k] - 1 if k < len(self.line_starts) else self.n

    def _opening_like(self, i: int) -> bool:
        t = self.text
        before_ok = i == 0 or t[i - 1].isspace() or t[i - 1] in _OPEN_AFTER
        return before_ok and i + 1 < self.n and not t[i + 1].isspace()

    def _scan(self) -> list[_Piece]:
        t = self.text
        # A text with no double quote mark at all quotes with single ones (some British styles).
        single = _MARK_RE.search(t) is None and _SINGLE_OPEN_RE.search(t) is not None
        marks = _SINGLE_RE if single else _MARK_RE
        opener = "\u2018" if single else "\u201c"
        pieces: list[_Piece] = []
        open_at = -1
        open_end = -1  # end of the open quotation's paragraph
        chain = 0
        link = -1  # chain of a quotation continued from the previous paragraph

        def add(start: int, stop: int, close: int, closed: bool, ch: int) -> None:
            a, b = start, stop
            while a < b and t[a].isspace():
                a += 1
            while b > a and (t[b - 1].isspace() or t[b - 1] == ","):
                b -= 1
            if b > a:
                pieces.append(_Piece(start - 1, close, closed, a, b, ch))

        for m in marks.finditer(t):
            i = m.start()
            ch = t[i]
            if single and 0 < i < self.n - 1 and t[i - 1].isalnum() and t[i + 1].isalnum():
                continue  # an apostrophe: "don't", "Britain's"
            if open_at >= 0 and i > open_end:
                # The open quotation ran to the end of its paragraph: continued only if the next
                # paragraph opens with a quote mark (nothing but white space between).
                if t[open_end:i].isspace() and self._opening_like(i):
                    this_chain = link if link >= 0 else chain
                    add(open_at + 1, open_end, open_end, False, this_chain)
                    link = this_chain
                    chain = max(chain, this_chain) + 1
                else:
                    link = -1
                open_at = -1
            if open_at < 0:
                if single and ch == "\u2019":
                    continue  # never opens: "’90s", "the firms’ plans"
                if (ch == opener or self._opening_like(i)) and i + 1 < self.n and t[i + 1] != "\n":
                    open_at = i
                    open_end = self._line_end(i)
                continue
            closing_like = not t[i - 1].isspace()
            if ch == opener and not closing_like:
                open_at = i  # restart: the earlier quotation lost its closing mark
                open_end = self._line_end(i)
                link = -1
                continue
            if closing_like or i + 1 >= self.n or t[i + 1].isspace():
                this_chain = link if link >= 0 else chain
                add(open_at + 1, i, i, True, this_chain)
                chain = max(chain, this_chain) + 1
                link = -1
                open_at = -1
            else:
                open_at = i  # a straight mark between spaces and a word: restart
                open_end = self._line_end(i)
                link = -1
        return pieces

    def _mask(self) -> str:
        """The text with every quoted passage blanked (marks kept), so that words inside quotations are
        never taken for speakers, verbs or sentence ends; a closing . ! ? is kept to end the sentence."""
        t = self.text
        parts: list[str] = []
        last = 0
        for p in self.pieces:
            lo, hi = p.open + 1, p.close
            if lo < last:
                continue
            parts.append(t[last:lo])
            fill = " " * (hi - lo)
            if p.closed and hi > lo and t[hi - 1] in ".!?":
                fill = fill[:-1] + t[hi - 1]
            parts.append(fill)
            last = hi
        parts.append(t[last:])
        return "".join(parts)

    def _boundaries(self) -> list[int]:
        s = self.masked
        bounds = set(self.line_starts)
        for m in _BOUNDARY_RE.finditer(s):
            i = m.start()
            j = i
            while j > 0 and i - j < 16 and not s[j - 1].isspace():
                j -= 1
            if s[i] == "." and _ABBREV_RE.fullmatch(s[j:i].lstrip("(\"'\u201c\u2018")):
                continue
            bounds.add(m.end())
        return sorted(bounds)

    def _speech_verbs(self) -> list[_Verb]:
        s = self.masked
        toks = self.toks
        verbs: list[_Verb] = []
        for k, (start, end, w) in enumerate(toks):
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if w in _STATEMENT_VERBS and (m := _STATEMENT_RE.match(s, start)) is not None:
                end = m.end()  # "issued the following statement"
            elif w in ("according", "According", "went") and nxt is not None and \
                    nxt[2] == ("on" if w == "went" else "to"):
                end = nxt[1]  # "according to", "went on"
            elif w not in _SPEECH:
                continue
            if k > 0 and toks[k - 1][2].lower() in _DETS:
                continue  # "the said", "a warning", "that said"
            verbs.append(_Verb(start, end, s[start:end]))
        return verbs

    def _sentence_start(self, pos: int) -> int:
        """Start of the sentence holding pos (at most 400 characters back, to keep the work linear)."""
        return max(self.bounds[bisect.bisect_right(self.bounds, pos) - 1], pos - 400)

    def _at_start(self, sent_start: int, pos: int) -> bool:
        return not self.masked[sent_start:pos].strip(" \t\"'\u201c\u201d")

    def _next_bound(self, pos: int) -> int:
        k = bisect.bisect_right(self.bounds, pos)
        return self.bounds[k] if k < len(self.bounds) else self.n

    # ---------------------------------------------------------------------------------------- mentions

    def _tokens(self, a: int, b: int) -> list[tuple[int, int, str]]:
        """The tokens of masked[a:b] (whole tokens only)."""
        lo = bisect.bisect_left(self.tok_starts, a)
        hi = bisect.bisect_left(self.tok_starts, b)
        while hi > lo and self.toks[hi - 1][1] > b:
            hi -= 1
        return self.toks[lo:hi]

    def _candidates(self, a: int, b: int, sent_start: int) -> list[_Cand]:
        """Speaker mentions in masked[a:b], in order; mentions that cannot be a subject are left out."""
        key = (a, b, sent_start)
        if key not in self._cand_cache:
            self._cand_cache[key] = self._find_candidates(a, b, sent_start)
        return self._cand_cache[key]

    def _find_candidates(self, a: int, b: int, sent_start: int) -> list[_Cand]:
        s = self.masked
        toks = self._tokens(a, b)
        # Relative clauses and parentheses hold no subject: "Smith, who met Jones, said", "Warner (D-VA)".
        rel = [(m.start(), m.end()) for m in _REL_RE.finditer(s, a, b)]
        rel += [(m.start(), m.end()) for m in _PAREN_RE.finditer(s, a, b)]

        def in_rel(pos: int) -> bool:
            return any(lo <= pos < hi for lo, hi in rel)

        def low(k: int) -> str:
            return toks[k][2].lower() if 0 <= k < len(toks) else ""

        def after_prep(k: int) -> bool:
            """Token k is governed by a preposition (through determiners and adjectives-as-possessives)."""
            j = k - 1
            while j >= 0 and (low(j) in _DETS or low(j).endswith(("'s", "\u2019s"))):
                j -= 1
            return low(j) in _PREPS

        cands: list[_Cand] = []
        roles: list[_Cand] = []
        tok_starts = [tk[0] for tk in toks]
        lo = bisect.bisect_left(self.role_starts, a)
        hi = bisect.bisect_left(self.role_starts, b)
        for noun_start, noun_end, noun in self.role_nouns[lo:hi]:
            if noun_end > b:
                continue
            pre = _ROLE_PREFIX_RE.search(s, max(a, noun_start - 60), noun_start)
            start = pre.start() if pre is not None else noun_start
            if noun[0].isupper() and not self._at_start(sent_start, noun_start):
                continue  # a title or part of a name: "Republican Senator", "the UK Department"
            rest = s[noun_end:noun_end + 3]
            if len(rest) > 1 and rest[0] == " " and rest[1].isupper():
                continue  # a title before a name: "health minister Matt Hancock", "Spokesman John Smith"
            k = bisect.bisect_left(tok_starts, start)
            if after_prep(k) or in_rel(start):
                continue
            first_word = s[start:noun_end].split()[0].lower()
            appositive = s[max(0, start - 8):start].rstrip().endswith(",") and first_word in ("a", "an", "the")
            roles.append(_Cand("role", start, noun_end, appositive))

        # Runs of capitalised tokens.
        runs: list[tuple[int, int]] = []  # token index ranges [i, j)
        k = 0
        while k < len(toks):
            tk = toks[k][2]
            if tk[0].isupper() and tk.lower() not in _PRONOUNS | {"i"}:
                j = k + 1
                while j < len(toks):
                    gap = s[toks[j - 1][1]:toks[j][0]]
                    prev = toks[j - 1][2]
                    nxt = toks[j][2]
                    if prev.endswith(("'s", "\u2019s", "'", "\u2019")):
                        break
                    gap_ok = gap.isspace() or (
                        gap.strip() == "." and (prev.lower() in _HONORIFICS or len(prev) == 1 or "." in prev)
                    )
                    if not gap_ok:
                        break
                    capital = nxt[0].isupper() and nxt.lower() not in _PRONOUNS
                    particle = nxt.lower() in _PARTICLES and j + 1 < len(toks) and toks[j + 1][2][0].isupper()
                    if not (capital or particle):
                        break
                    j += 1
                runs.append((k, j))
                k = j
            else:
                if tk.lower() in _PRONOUNS and tk != "i" and not after_prep(k) and not in_rel(toks[k][0]):
                    cands.append(_Cand("pronoun", toks[k][0], toks[k][1]))
                k += 1

        prep_runs: list[bool] = []
        named: list[tuple[int, int, _Cand | None]] = []
        for i, j in runs:
            words = [toks[x][2] for x in range(i, j)]
            first = i
            prep = after_prep(i)
            title_complement = low(i - 1) == "of" and toks[i - 2][2].lower().rstrip(".") in _TITLES \
                if i >= 2 else False
            # Leading function words and sentence-initial participles/adverbs are not names.
            while first < j:
                w = toks[first][2]
                wl = w.lower()
                sentence_initial = self._at_start(sent_start, toks[first][0])
                nxt = low(first + 1)
                if wl in _CAP_STOP or (
                    sentence_initial and first == j - 1 and len(w) > 4 and wl.endswith(("ing", "ly"))
                    and nxt not in _SPEECH and nxt not in _FINITE
                ):
                    if wl in _PREPS:
                        prep = True
                    first += 1
                    continue
                break
            if title_complement and first == i:
                first += 1  # "Secretary of State Mike Pompeo": "State" belongs to the title
                prep = False
            last_title = -1
            for x in range(first, j):
                if toks[x][2].lower().rstrip(".") in _TITLES:
                    last_title = x
            if last_title >= 0:
                first = last_title + 1
            prep_runs.append(prep)
            if first >= j:
                named.append((i, j, None))
                continue
            name_words = [toks[x][2] for x in range(first, j)]
            if all(w.lower().rstrip("'\u2019s") in _DAYS_MONTHS or w.lower() in _DAYS_MONTHS for w in name_words):
                named.append((i, j, None))
                continue
            start, end = toks[first][0], toks[j - 1][1]
            last = words[-1]
            if end - start < 2:
                named.append((i, j, None))
                continue
            if last.endswith(("'s", "\u2019s")):
                cand = _Cand("possessor", start, end - 2)
            elif last.endswith(("s'", "s\u2019")):
                cand = _Cand("possessor", start, end - 1)
            else:
                cand = _Cand("name", start, end)
            if prep or in_rel(start):
                cand = None
            named.append((i, j, cand))

        # A run in a list whose head follows a preposition is governed by it too:
        # "for Digital, Culture, Media, and Sport".
        for x in range(1, len(named)):
            i, j, cand = named[x]
            if cand is None or not prep_runs[x - 1]:
                continue
            # A list ends with "and"/"or": only then are comma-separated runs its members.
            y = x
            in_list = False
            while y < len(named):
                gap = s[toks[named[y - 1][1] - 1][1]:toks[named[y][0]][0]]
                if not _COORD_GAP.fullmatch(gap):
                    break
                if re.search(r"\b(?:and|or)\b|&", gap):
                    in_list = True
                    break
                y += 1
            if in_list:
                named[x] = (i, j, None)
                prep_runs[x] = True

        for _, _, cand in named:
            if cand is not None:
                cands.append(cand)
        # A name inside a role ("the UK government") is the role's modifier.
        for r in roles:
            cands = [
                c for c in cands if not (c.kind in ("name", "possessor") and r.start <= c.start and c.end <= r.end)
            ]
        cands.extend(roles)
        cands.sort(key=lambda c: (c.start, c.end))
        return cands

    def _words_between(self, a: int, b: int) -> int:
        return sum(1 for tk in self._tokens(a, b) if tk[2][0].isalnum())

    def _closest(self, a: int, b: int, sent_start: int, possessor: bool = False) -> _Cand | None:
        cands = self._candidates(a, b, sent_start)
        usable = [c for c in cands if c.kind != "possessor" or possessor]
        for idx in range(len(usable) - 1, -1, -1):
            c = usable[idx]
            if c.kind == "pronoun" and self._words_between(c.end, b) > 3:
                continue
            prev = usable[idx - 1] if idx > 0 else None
            after_name = prev is not None and prev.kind == "name" and not self.masked[prev.end:c.start].strip(", ")
            if c.kind == "role" and prev is not None and (c.appositive or after_name):
                continue  # "John Quinn, secretary of the Agency, said": the name, not its apposition
            if c.kind == "name" and (
                _PARTY_STATE.fullmatch(self.masked[c.start:c.end])
                or (after_name and self.masked[c.end:c.end + 2].startswith(","))
                or self._modifier(c.end, b)
            ):
                continue  # "Chuck Schumer, D-N.Y., said"; "New Jersey 6th Congressional district said"
            c = self._extend_role(c, b)
            np = self._np_before(a, b)
            return np if np is not None and np.start >= c.end else c
        return self._np_before(a, b)

    def _modifier(self, end: int, b: int) -> bool:
        """A name followed by a lower-case noun modifies it ("Huawei spokesman", "Congressional district"):
        a subject is followed by its verb, an auxiliary, an adverb, a preposition or punctuation."""
        m = _NEXT_WORD_RE.match(self.masked, end, b)
        if m is None:
            return False
        w = m.group(1)
        return not (
            w in _FINITE or w in _ADVERBS or w in _PREPS or w in _NP_STOP or w.endswith("ly")
            or w in _SPEECH or w in ("who", "whose")
        )

    def _np_before(self, a: int, b: int) -> _Cand | None:
        """A noun phrase with a determiner right before the verb: "one industry lobbyist said"."""
        toks = self._tokens(max(a, b - 80), b)
        while toks and toks[-1][2].lower() in _ADVERBS:
            toks.pop()
        words: list[tuple[int, int, str]] = []
        while toks and len(words) < 5:
            tk = toks.pop()
            w = tk[2].lower()
            if not tk[2][0].isalnum() or w in _NP_STOP or tk[2] in _SPEECH:
                return None
            words.append(tk)
            if w in _NP_DETS:
                # Proper names are left to the name rules; a noun phrase after a preposition is no subject.
                if len(words) < 2 or all(x[2][0].isupper() for x in words[:-1]):
                    return None
                if toks and toks[-1][2].lower() in _PREPS:
                    return None
                return _Cand("role", tk[0], words[0][1])
        return None

    def _np_after(self, a: int, b: int) -> _Cand | None:
        """A noun phrase with a determiner right after the verb: ', said one industry lobbyist who ...'."""
        toks = self._tokens(a, min(b, a + 80))
        if len(toks) < 2 or toks[0][2].lower() not in _NP_DETS:
            return None
        end = None
        for tk in toks[1:7]:
            w = tk[2].lower()
            if not tk[2][0].isalnum() or w in _NP_STOP or tk[2] in _SPEECH:
                break
            end = tk[1]
        return _Cand("role", toks[0][0], end) if end is not None else None

    def _first(self, a: int, b: int, sent_start: int) -> _Cand | None:
        """The subject of a sentence: its first mention, after an opening adverbial phrase ("In a call with
        Xi Jinping, Trump ...")."""
        cands = [c for c in self._candidates(a, b, sent_start) if c.kind != "possessor"]
        first = _FIRST_WORD_RE.match(self.masked, a, b)
        if first is not None and (first.group(1).lower() in _INTRO or first.group(1).lower().endswith("ing")):
            comma = self.masked.find(",", a, b)
            later = [c for c in cands if c.start > comma] if comma >= 0 else []
            cands = later or cands
        return self._extend_role(cands[0], b) if cands else None

    def _extend_role(self, c: _Cand, limit: int) -> _Cand:
        """ "a spokesman" + "for the Department for Digital, Culture, Media, and Sport" up to the verb."""
        if c.kind != "role" or c.end >= limit:
            return c
        toks = self._tokens(c.end, limit)
        if not toks or len(toks) > 14 or toks[0][2].lower() not in _TAIL_START:
            return c
        if any(tk[2].lower() in _TAIL_STOP or tk[2] in _SPEECH for tk in toks):
            return c
        words = [tk for tk in toks if tk[2][0].isalnum()]
        if not words:
            return c
        return _Cand("role", c.start, words[-1][1], c.appositive)

    def _after(self, a: int, limit: int) -> _Cand | None:
        """The speaker named after the verb: ', said Zhang', 'according to one source'."""
        b = min(limit, a + 120)
        comma = self.masked.find(",", a, b)
        head = comma if comma >= 0 else b  # the phrase before an apposition: "said Zhang, a spokesman for ..."
        cands = self._candidates(a, b, a)
        names = [c for c in cands if c.kind == "name" and c.start < head]
        if names:
            return names[-1]  # the name after its title: "said Huawei spokesman Joe Kelly"
        for kind in ("name", "role", "pronoun"):
            for c in cands:
                if c.kind == kind:
                    return self._extend_role(c, b) if kind == "role" else c
        return self._np_after(a, b)

    # ---------------------------------------------------------------------------------------- speakers

    def _subject_raw(self, idx: int) -> _Cand | None:
        if idx in self._subjects:
            return self._subjects[idx]
        v = self.verbs[idx]
        s = self.masked
        ss = self._sentence_start(v.start)
        result: _Cand | None
        if v.word.lower() == "according to":
            stop = self._next_bound(v.end)
            stop = min(stop, v.end + 200)
            comma = s.find(",", v.end, stop)
            result = self._after(v.end, comma if comma >= 0 else stop)
        else:
            before = [tk[2].lower() for tk in self._tokens(max(ss, v.start - 60), v.start)]
            while before and before[-1] in _ADVERBS:
                before.pop()
            k = bisect.bisect_left(self.closes, v.start) - 1
            q_close = self.closes[k] if k >= 0 else -1
            if before and (before[-1] in ("and", "but", "or") or (v.word.endswith("ing") and before[-1] == ",")):
                result = _COORD
            elif q_close >= ss and self._words_between(q_close + 1, v.start) == 0:
                result = self._after(v.end, self._next_bound(v.end))  # '"...," said Zhang'
            else:
                result = self._closest(max(ss, v.start - 300), v.start, ss)
        self._subjects[idx] = result
        return result

    def _resolve(self, idx: int) -> _Speaker | None:
        """The named speaker of verb idx: coordinated verbs take the sentence's subject, pronouns their
        antecedent."""
        if idx not in self._resolved:
            self._resolved[idx] = self._resolve_uncached(idx)
        return self._resolved[idx]

    def _resolve_uncached(self, idx: int) -> _Speaker | None:
        s = self._subject_raw(idx)
        if s is _COORD:
            v = self.verbs[idx]
            ss = self._sentence_start(v.start)
            if idx - 1 >= 0 and self.verbs[idx - 1].start >= ss:
                return self._resolve_before(idx - 1)  # the subject of the sentence's earlier verb
            s = self._first(ss, v.start, ss)
        if s is None:
            return None
        if s.kind == "pronoun":
            return self._pronoun_speaker(s)
        return _Speaker(s.start, s.end)

    def _resolve_before(self, idx: int) -> _Speaker | None:
        """_resolve for a verb known to precede, iteratively (no deep recursion on long chains)."""
        s = self._subject_raw(idx)
        if s is _COORD or (s is not None and s.kind == "pronoun"):
            return self._named_before(idx, strict=True)
        return None if s is None else _Speaker(s.start, s.end)

    def _pronoun_speaker(self, c: _Cand) -> _Speaker | None:
        if c.start in self._pronouns:
            return self._pronouns[c.start]
        result: _Speaker | None = None
        if self.masked[c.start:c.end].lower() in _RESOLVABLE:  # not "I", "we": the writer
            result = self._subject_scan(c)
            if result is None:
                result = self._named_before(bisect.bisect_left(self.verb_starts, c.start) - 1)
        self._pronouns[c.start] = result
        return result

    def _named_before(self, j: int, strict: bool = False) -> _Speaker | None:
        """The last named speaker of the speech verbs up to verb j (walking back over verbs whose
        subject is unknown or a pronoun). With strict, verb j's own subject must resolve (no skipping)."""
        path: list[int] = []
        result: _Speaker | None = None
        while j >= 0 and len(path) < 60:
            if j in self._named and not strict:
                result = self._named[j]
                break
            path.append(j)
            s = self._subject_raw(j)
            if s is _COORD:
                v = self.verbs[j]
                ss = self._sentence_start(v.start)
                if j - 1 >= 0 and self.verbs[j - 1].start >= ss:
                    j -= 1
                    continue
                s = self._first(ss, v.start, ss)
            if s is not None and s.kind == "pronoun":
                if self.masked[s.start:s.end].lower() in _RESOLVABLE:
                    hit = self._subject_scan(s)
                    if hit is not None:
                        result = hit
                        break
                    j = min(j - 1, bisect.bisect_left(self.verb_starts, s.start) - 1)
                    strict = False
                    continue
                s = None
            if s is None:
                if strict:
                    break
                j -= 1
                continue
            result = _Speaker(s.start, s.end)
            break
        for x in path:
            self._named.setdefault(x, result)
        return result

    def _subject_scan(self, pron: _Cand) -> _Speaker | None:
        """The subject of the nearest sentence before a pronoun, when no speech verb comes between:
        'Emmanuel Macron met Trump on Monday. "...," he added.' Stops at a sentence with a speech verb
        (the last named speaker is then the antecedent) or whose subject is itself a pronoun."""
        personal = self.masked[pron.start:pron.end].lower() in ("he", "she")
        end = pron.start
        min_para = self._para(pron.start) - 1
        for _ in range(5):
            ss = self._sentence_start(end - 1) if end > 0 else 0
            if self._para(ss) < min_para:
                return None
            k = bisect.bisect_left(self.verb_starts, ss)
            if k < len(self.verbs) and self.verbs[k].start < end:
                return None
            first = self._first(ss, end, ss)
            if first is not None:
                if first.kind == "pronoun":
                    return None
                if not personal or self._person_like(first):
                    return _Speaker(first.start, first.end)
            if ss <= 0:
                return None
            end = ss
        return None

    def _person_like(self, c: _Cand) -> bool:
        words = self.masked[c.start:c.end].split()
        if c.kind == "role":
            return words[-1].lower() not in _INSTITUTIONS
        if len(words) >= 2:
            return True
        if not words:
            return False
        window = self.text[max(0, c.start - 5000):c.start]
        return re.search(r"[A-Z][\w\-'\u2019]*\s+" + re.escape(words[0]) + r"\b", window) is not None

    def _last_speaker(self, pos: int, min_para: int) -> tuple[int, _Speaker] | None:
        """The last named speaker of a speech verb before pos, if mentioned in paragraph min_para or later."""
        k = bisect.bisect_left(self.verb_starts, pos) - 1
        if k < 0 or self._para(self.verbs[k].start) < min_para:
            return None
        sp = self._named_before(k)
        if sp is None or self._para(sp.start) < min_para:
            return None
        return self.verbs[k].start, sp

    # ---------------------------------------------------------------------------------------- quotations

    def _post(self, p: _Piece) -> tuple[_Speaker | None, str] | None:
        """Attribution after the closing mark: '"...," X said', '"...?" X asked', '"...," said X'."""
        if not p.closed:
            return None
        s, t = self.masked, self.text
        inner = t[p.open + 1:p.close].rstrip()
        last = inner[-1:] if inner else ""
        lead = p.close + 1
        while lead < self.n and s[lead] in " \t":
            lead += 1
        k = bisect.bisect_right(self.opens, p.close)
        next_open = self.opens[k] if k < len(self.opens) else self.n
        limit = min(self._next_bound(lead), next_open, self._line_end(p.close), lead + 200)
        seg = s[p.close + 1:limit]
        first = seg.lstrip()[:1]
        if re.match(r"[\s,]*(?:and|but|or|then)\b", seg):
            return None  # '"...," and added': a new predicate, not an attribution
        strong = last in ",?!\u2014\u2013-" or first in (",", "\u2014", "\u2013") or first.islower()
        vk = bisect.bisect_left(self.verb_starts, p.close + 1)
        if vk >= len(self.verbs) or self.verbs[vk].start >= limit:
            return None
        v = self.verbs[vk]
        words = self._words_between(p.close + 1, v.start)
        if strong and words <= 10:
            return self._resolve(vk), v.word
        if not strong and first.isupper() and words <= 4:
            after = s[v.end:v.end + 12]
            if re.match(r"\s*(?:[.,;:]|$)|\s+(?:on|in|at|during|after|before|to|told)\b", after):
                return self._resolve(vk), v.word
        return None

    def _attribute(self, p: _Piece) -> tuple[_Speaker | None, str | None, bool]:
        """(speaker, cue, direct) of one piece; direct when a cue stands right against the quotation."""
        post = self._post(p)
        if post is not None and post[0] is not None:
            return post[0], post[1], True
        s = self.masked
        ss = self._sentence_start(p.open)
        lead = s[ss:p.open]
        cue: str | None = post[1] if post is not None else None
        direct = post is not None or lead.rstrip().endswith((":", ","))
        k = bisect.bisect_left(self.verb_starts, p.open) - 1
        if k >= 0 and self.verbs[k].start >= ss:
            sp = self._resolve(k)
            cue = cue or self.verbs[k].word
            if sp is not None:
                return sp, cue, direct
        stripped = lead.rstrip()
        if stripped.endswith(":") and cue is None:
            c = self._closest(max(ss, p.open - 300), ss + len(stripped) - 1, ss, possessor=True)
            sp = self._pronoun_speaker(c) if c is not None and c.kind == "pronoun" else c
            if sp is not None:
                return _Speaker(sp.start, sp.end), ":", True
        m = _UNDER_RE.match(s, ss, p.open)
        if m is not None:
            return _Speaker(m.start("law"), m.end("law")), cue or "under", direct
        if post is None and self._words_between(ss, p.open) == 0:
            # '"A," X said. "B."': the previous quotation of the same paragraph; else the last speaker of
            # this or the previous paragraph.
            para = self._para(p.open)
            last_q = self._last_quote
            found = last_q if last_q is not None and self._para(last_q[0]) == para else None
            if found is None:
                found = self._last_speaker(p.open, para - 1)
                if last_q is not None and self._para(last_q[0]) >= para - 1 and (found is None or last_q[0] > found[0]):
                    found = last_q
            if found is not None:
                return found[1], cue, direct
        return None, cue, direct

    def _is_quotation(self, words: list[str], inner: str, before: str, after: str, direct: bool) -> bool:
        n = len(words)
        if n == 0 or _NAMING_CUE.search(before):
            return False
        prev = before.split()[-1:]
        nxt = re.match(r"\s?([a-z][a-z\-]*)\b", after)
        if n < 12 and prev and prev[0].lower() in _ARTICLES and nxt is not None and nxt.group(1) not in _NP_STOP \
                and nxt.group(1) not in _SPEECH:
            return False  # a modifier between a determiner and its noun: a "you break it, you own it" policy
        ends_sentence = inner.rstrip()[-1:] in ".!?"
        if 2 <= n <= 12 and not ends_sentence:
            content = [w for w in words if w.lower() not in _SMALL]
            caps = sum(1 for w in content if w[0].isupper())
            if content and caps / len(content) >= 0.75:
                return False  # a title or a name: "The Fox Business Network"
        if n >= 6:
            return True
        clause = _has_clause(words, inner)
        if n >= 3:
            return clause
        return clause and direct and inner[:1].isupper()

    def run(self) -> list[ProposedQuote]:
        t = self.text
        self._last_quote: tuple[int, _Speaker] | None = None
        chains: dict[int, list[int]] = {}
        for x, p in enumerate(self.pieces):
            chains.setdefault(p.chain, []).append(x)
        results: dict[int, tuple[_Speaker | None, str | None]] = {}
        accepted: set[int] = set()
        for members in sorted(chains.values(), key=lambda m: m[0]):
            attrs = [self._attribute(self.pieces[x]) for x in members]
            inner = " ".join(t[self.pieces[x].start:self.pieces[x].end] for x in members)
            words = _WORD_RE.findall(inner)
            first = self.pieces[members[0]]
            before = self.masked[max(0, first.open - 40):first.open]
            last = self.pieces[members[-1]]
            after = t[last.close + 1:last.close + 30] if last.closed else ""
            if not self._is_quotation(words, inner, before, after, any(a[2] for a in attrs)):
                continue
            speaker = next((a[0] for a in attrs if a[0] is not None), None)
            cue = next((a[1] for a in attrs if a[1] is not None), None)
            for x, (sp, cu, _) in zip(members, attrs, strict=True):
                results[x] = (sp or speaker, cu or cue)
                accepted.add(x)
            if speaker is not None:
                self._last_quote = (self.pieces[members[-1]].open, speaker)
        out: list[ProposedQuote] = []
        for x in sorted(accepted, key=lambda i: self.pieces[i].start):
            p = self.pieces[x]
            sp, cue = results[x]
            out.append(
                ProposedQuote(
                    start=p.start,
                    end=p.end,
                    text=t[p.start:p.end],
                    speaker=t[sp.start:sp.end] if sp is not None else None,
                    speaker_start=sp.start if sp is not None else None,
                    speaker_end=sp.end if sp is not None else None,
                    cue=cue,
                )
            )
        return out


def _has_clause(words: list[str], inner: str) -> bool:
    """A subject and a verb: "we won", "it's over", "the deal is dead"; or a whole capitalised sentence."""
    low = [w.lower().replace("\u2019", "'") for w in words]
    for i, w in enumerate(low):
        if _CONTRACTED.match(w):
            return True
        if w in _PERSONAL and i + 1 < len(low) and low[i + 1] not in _PREPS | _DETS | {"and", "or"}:
            return True
        if w in _FINITE and i >= 1 and low[i - 1] not in _NOT_SUBJECT:
            return True
    text = inner.strip()
    return len(words) >= 3 and text[:1].isupper() and text[-1:] in ".!?"

"""Propose the direct quotations of an English news article, with their speakers.

`extract_quotes(text)` is a curating aid for importing a new article: it proposes spans that a curator
then checks, in the shape of `seeds/quotes.toml` (the quotation without its quote marks, and without a
trailing comma that belongs to the attribution). It is pure Python (standard library only), never raises
on any string, and runs in time roughly linear in the length of the text.

How quotations are found
------------------------
* Quote marks are the double ones: straight ``"`` and curly ``“ ”``. Single quotes (``' ‘ ’``) are never
  quotation marks at the top level: inside a double-quoted passage they are part of the quotation, and
  outside one they are apostrophes or scare quotes. A straight mark opens a quotation when it follows a
  space, the start of a line or an opening punctuation mark and is followed by a non-space; it closes the
  open quotation when it follows a non-space. An opening mark met while a quotation is already open
  restarts it there (the earlier one had lost its closing mark).
* A line break ends a paragraph. A quotation left open at the end of a paragraph continues when the next
  paragraph opens with a quote mark (the newsroom convention for a quotation running over several
  paragraphs): each paragraph becomes a proposal of its own, all with the same speaker. A quotation left
  open otherwise is unbalanced and dropped.
* A quotation split around its cue (``"First part," X said, "second part."``) gives two proposals with the
  same speaker.

Which quoted passages are quotations
------------------------------------
A quoted passage is proposed only if it reads as something somebody said, decided by general rules:

* not when it follows a naming cue ("so-called", "dubbed", "titled", "known as", "the term" ...);
* not when it looks like a title: short, most words capitalised, no closing sentence punctuation;
* six words or more: yes (partial quotations such as ``said he was "disappointed by ..."`` included);
* three to five words: only when it contains a clause: a personal pronoun followed by a word, a
  contracted subject ("it's", "we'll"), a finite verb with a word before it ("the deal is dead"), or a
  whole capitalised sentence ending in . ! or ?. So "is not at risk", "a partner and a friend", "not
  worth the candle" are fragments, not quotations;
* one or two words: only a clause ("We won," he said) standing as a quotation with a direct attribution;
  single words and two-word terms ("core", "market failure") never.

Who said it
-----------
In order, the first rule that names a speaker wins:

1. After the quotation: ``"...," X said`` / ``"...?" X asked`` / ``"...," said X, title`` /
   ``"...," according to X`` — a speech verb at most ten words after the closing mark, in the same
   sentence, when the quotation ends with ``, ? !`` or the following text starts with a comma, dash or a
   lower-case word.
2. Before it in the same sentence: the nearest speech verb (``X said: "..."``, ``X told Y "..."``,
   ``X said he was "..."``, ``X said, adding that "..."``), whose subject is found as below.
3. A colon with no speech verb (``X's response was emphatic: "..."``): the subject of the sentence.
4. ``Under <...> law/act/rules/regulations, ... "..."``: the law is the speaker (cue "under").
5. A quotation standing as a sentence or a paragraph of its own with no attribution: the last speaker
   of the same or the previous paragraph (the continuation convention of news copy).

The subject of a speech verb is the nearest mention before it in its sentence: a proper name (titles
such as "Foreign Secretary", "Vice-President of Huawei" are stripped; names after a preposition, in a
relative clause, or as a possessor are skipped), a role ("one source", "a spokesman for the Department
for ...", "the company"), or a pronoun (he, she, they, it), which is resolved to the last named speaker
before it. After a closing quote the subject may follow the verb (``, said Zhang``). A verb joined by
"and"/"but" or a participle after a comma (``, adding that``) takes the subject of the sentence.

The cue is the speech verb as written ("said", "told", "according to"), ":" for a bare colon, "under"
for rule 4, and None for rule 5.
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

_MARK_RE = re.compile("[\"\u201c\u201d]")
_OPEN_AFTER = frozenset("([{<\u2014\u2013-/:;,'\u2018\u00a0")
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_TOKEN_RE = re.compile(r"[^\W_](?:[\w'\u2019.\-]*[^\W_])?(?:['\u2019](?![^\W_]))?|[,;:\u2014\u2013()&]")
_BOUNDARY_RE = re.compile(r"[.!?][\"\u201d\u2019')\]]*\s+(?=[\"\u201c\u2018'(\[]?[A-Z0-9])")
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
_SPEECH_RE = re.compile(
    r"(?<![\w\-'\u2019])(?:[Aa]ccording to|went on|" + "|".join(_SPEECH_WORDS.split()) + r")(?![\w\-])"
)

_PREPS = frozenset(
    "of for from at in on with by to under about against alongside along toward towards into onto over "
    "between among amongst via near across behind beside besides including inside outside within without "
    "upon during through throughout around per despite".split()
)
_DETS = frozenset("the a an this that these those his her its their our my your".split())
_PRONOUNS = frozenset("he she they it i we".split())
_RESOLVABLE = frozenset("he she they it".split())
_PERSONAL = frozenset("i we you he she they".split())
_FINITE = frozenset(
    "am is are was were will would shall should can could may might must do does did has have had "
    "won't can't don't doesn't didn't isn't aren't wasn't weren't hasn't haven't hadn't wouldn't couldn't "
    "shouldn't mustn't shan't ain't cannot".split()
)
_CONTRACTED = re.compile(r"^(?:i|you|we|they|he|she|it|that|there|who|what|here|let)'(?:m|re|s|ll|ve|d)$")
_NOT_SUBJECT = frozenset("to not never and or of for in on at by with from that which who".split())
_SMALL = frozenset("a an the of and or for to in on at by with from as vs".split())
_NAMING_CUE = re.compile(
    r"(?:\bso[- ]called|\bdubbed|\bcalled|\btermed|\btitled|\bentitled|\bheadlined|\bnamed|\bnicknamed|"
    r"\bbranded|\blabell?ed|\bknown as|\breferred to as|\bmarked|\bthe (?:words?|term|phrase|slogan|label|"
    r"hashtag|headline|banner|motto))\s*[(\[]?\s*$",
    re.IGNORECASE,
)
_CAP_STOP = frozenset(
    """a an the in on at of for to from by with without into after before during despite since until while
    when where whereas if as but and or nor so yet then also however meanwhile moreover furthermore although
    though because this that these those there here its his her their our my your what which who whom whose
    why how according under over between among through throughout against about across along alongside
    near last next earlier later now today yesterday tomorrow still even just only both either neither each
    every all some many most few several another other such no not yes asked pressed speaking responding
    writing separately instead indeed thus hence therefore once twice image photo file advertisement
    watch signup read more click""".split()
)
_DAYS_MONTHS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december""".split()
)
_TITLES = frozenset(
    """president vice-president vice deputy secretary minister prime foreign senator sen rep representative
    congressman congresswoman governor gov mayor chancellor ambassador envoy spokesman spokeswoman
    spokesperson chairman chairwoman chair chief ceo cfo cto coo executive director officer founder
    co-founder head leader commissioner general gen admiral colonel col lieutenant lt sergeant captain capt
    judge justice attorney prosecutor analyst professor prof king queen prince princess pope premier
    president-elect mp mep lawmaker senior adviser advisor counsel economist correspondent editor reporter
    researcher democratic democrat republican labour conservative tory liberal vice-chair vice-chairman
    chairperson""".split()
)
_PARTICLES = frozenset("de da di du van von der den le la bin ibn al del dos das".split())
_HONORIFICS = frozenset("mr mrs ms mx dr prof sir lord lady dame rev sen rep gov gen st".split())
_ROLE_NOUNS = (
    r"spokes(?:man|woman|person|people|men|women)|sources?|officials?|aides?|insiders?|diplomats?|"
    r"analysts?|experts?|executives?|advis[eo]rs?|representatives?|lawmakers?|ministers?|president|founder|"
    r"chairman|chairwoman|directors?|ambassador|envoy|secretary|senators?|leaders?|person|people|government|"
    r"ministry|department|company|firm|embassy|regulator|agency|police|prosecutors?|witness(?:es)?|residents?"
)
_ROLE_RE = re.compile(
    r"(?<![\w\-'\u2019])"
    r"(?:(?:a|an|the|one|two|three|four|five|several|some|many|another|other|its|his|her|their)\s+)?"
    r"(?:[^\W\d_][\w\-.]*['\u2019]s\s+)?"
    r"(?:(?!(?:the|a|an|of|for|to|in|on|at|by|with|from|and|or|that|who|which|is|are|was|were|has|have|had|"
    r"he|she|they|it)\b)[^\W\d_][\w\-.]*\s+){0,2}"
    r"(?P<noun>" + _ROLE_NOUNS + r")(?![\w\-])(?!['\u2019]s\b)",
    re.IGNORECASE,
)
_REL_RE = re.compile(r",\s*(?:who|which|whose|whom|where)\b[^,;:]*")
_COORD_GAP = re.compile(r"\s*(?:,|,?\s*(?:and|or|&))\s*")
_TAIL_START = frozenset("for of at from with in on familiar close inside within".split())
_TAIL_STOP = _FINITE | _PRONOUNS | frozenset("who which that whose whom said says told".split())
_UNDER_RE = re.compile(
    r"\W*Under\s+(?P<law>(?:(?:the|a|an|its|their)\s+)?(?:[\w'\u2019\-]+\s+){0,4}?"
    r"(?:laws?|act|rules|regulations|legislation|constitution|treaty|agreement|guidelines|code|directive|"
    r"charter|statute))\s*,"
)
_INSTITUTIONS = frozenset(
    "government ministry department company firm embassy regulator agency police people sources officials".split()
)
_ADVERBS = frozenset("also later then further previously earlier separately repeatedly has had have was".split())


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
        self.verbs = self._speech_verbs()
        self.verb_starts = [v.start for v in self.verbs]
        self.closes = [p.close for p in self.pieces if p.closed]
        self.opens = [p.open for p in self.pieces]
        self._subjects: dict[int, _Cand | None] = {}
        self._resolved: dict[int, _Speaker | None] = {}

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

        for m in _MARK_RE.finditer(t):
            i = m.start()
            ch = t[i]
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
                if ch == "\u201c" or self._opening_like(i):
                    if i + 1 < self.n and t[i + 1] != "\n":
                        open_at = i
                        open_end = self._line_end(i)
                continue
            closing_like = not t[i - 1].isspace()
            if ch == "\u201c" and not closing_like:
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
        verbs: list[_Verb] = []
        for m in _SPEECH_RE.finditer(s):
            before = s[max(0, m.start() - 12):m.start()].split()
            if before and before[-1].lower() in _DETS:
                continue  # "the said", "a warning", "that said"
            verbs.append(_Verb(m.start(), m.end(), m.group()))
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
        return [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(self.masked, a, b)]

    def _candidates(self, a: int, b: int, sent_start: int) -> list[_Cand]:
        """Speaker mentions in masked[a:b], in order; mentions that cannot be a subject are left out."""
        s = self.masked
        toks = self._tokens(a, b)
        rel = [(m.start(), m.end()) for m in _REL_RE.finditer(s, a, b)]

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
        for m in _ROLE_RE.finditer(s, a, b):
            noun = m.group("noun")
            at_sentence_start = self._at_start(sent_start, m.start())
            if noun[0].isupper() and not at_sentence_start:
                continue  # a title or part of a name: "Republican Senator", "the UK Department"
            rest = s[m.end():m.end() + 3]
            if noun[0].isupper() and len(rest) > 1 and rest[0] == " " and rest[1].isupper():
                continue  # "Spokesman John Smith"
            k = bisect.bisect_left([tk[0] for tk in toks], m.start())
            if after_prep(k) or in_rel(m.start()):
                continue
            appositive = s[max(0, m.start() - 8):m.start()].rstrip().endswith(",") and m.group().split()[0].lower() in ("a", "an", "the")
            roles.append(_Cand("role", m.start(), m.end(), appositive))

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
                    if nxt[0].isupper() and nxt.lower() not in _PRONOUNS:
                        j += 1
                    elif nxt.lower() in _PARTICLES and j + 1 < len(toks) and toks[j + 1][2][0].isupper():
                        j += 1
                    else:
                        break
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
                    and not _SPEECH_RE.fullmatch(nxt) and nxt not in _FINITE
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
            pi, pj, _ = named[x - 1]
            if cand is None or not prep_runs[x - 1]:
                continue
            gap = s[toks[pj - 1][1]:toks[i][0]]
            if not _COORD_GAP.fullmatch(gap):
                continue
            and_gap = "and" in gap or "or" in gap or "&" in gap
            nxt_gap = s[toks[j - 1][1]:toks[named[x + 1][0]][0]] if x + 1 < len(named) else ""
            if and_gap or (nxt_gap and _COORD_GAP.fullmatch(nxt_gap)):
                named[x] = (i, j, None)
                prep_runs[x] = True

        for _, _, cand in named:
            if cand is not None:
                cands.append(cand)
        # A name inside a role ("the UK government") is the role's modifier.
        for r in roles:
            cands = [c for c in cands if not (c.kind in ("name", "possessor") and r.start <= c.start and c.end <= r.end)]
        cands.extend(roles)
        cands.sort(key=lambda c: (c.start, c.end))
        return cands

    def _words_between(self, a: int, b: int) -> int:
        return sum(1 for m in _TOKEN_RE.finditer(self.masked, a, b) if m.group()[0].isalnum())

    def _closest(self, a: int, b: int, sent_start: int, possessor: bool = False) -> _Cand | None:
        cands = self._candidates(a, b, sent_start)
        usable = [c for c in cands if c.kind != "possessor" or possessor]
        for idx in range(len(usable) - 1, -1, -1):
            c = usable[idx]
            if c.kind == "pronoun" and self._words_between(c.end, b) > 3:
                continue
            if c.kind == "role" and c.appositive and idx > 0:
                continue
            return self._extend_role(c, b)
        return None

    def _first(self, a: int, b: int, sent_start: int) -> _Cand | None:
        for c in self._candidates(a, b, sent_start):
            if c.kind != "possessor":
                return self._extend_role(c, b)
        return None

    def _extend_role(self, c: _Cand, limit: int) -> _Cand:
        """ "a spokesman" + "for the Department for Digital, Culture, Media, and Sport" up to the verb."""
        if c.kind != "role" or c.end >= limit:
            return c
        toks = self._tokens(c.end, limit)
        if not toks or len(toks) > 14 or toks[0][2].lower() not in _TAIL_START:
            return c
        if any(tk[2].lower() in _TAIL_STOP or _SPEECH_RE.fullmatch(tk[2]) for tk in toks):
            return c
        words = [tk for tk in toks if tk[2][0].isalnum()]
        if not words:
            return c
        return _Cand("role", c.start, words[-1][1], c.appositive)

    def _after(self, a: int, limit: int) -> _Cand | None:
        """The speaker named after the verb: ', said Zhang', 'according to one source'."""
        b = min(limit, a + 200)
        cands = self._candidates(a, b, a)
        for kind in ("name", "role", "pronoun"):
            for c in cands:
                if c.kind == kind:
                    return self._extend_role(c, b) if kind == "role" else c
        return None

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
            self._resolved[idx] = self._walk(idx, False)
        return self._resolved[idx]

    def _pronoun_speaker(self, c: _Cand) -> _Speaker | None:
        if self.masked[c.start:c.end].lower() not in _RESOLVABLE:
            return None  # "I", "we": the writer
        hit = self._subject_scan(c)
        if hit is not None:
            return hit
        return self._walk(bisect.bisect_left(self.verb_starts, c.start) - 1, True)

    def _walk(self, j: int, antecedent: bool) -> _Speaker | None:
        steps = 0
        while 0 <= j and steps < 60:
            steps += 1
            s = self._subject_raw(j)
            if s is _COORD:
                v = self.verbs[j]
                ss = self._sentence_start(v.start)
                if j - 1 >= 0 and self.verbs[j - 1].start >= ss:
                    j -= 1
                    continue
                s = self._first(ss, v.start, ss)
            if s is None:
                if antecedent:
                    j -= 1
                    continue
                return None
            if s.kind == "pronoun":
                if self.masked[s.start:s.end].lower() not in _RESOLVABLE:
                    if antecedent:
                        j -= 1
                        continue
                    return None  # "I", "we": the writer
                hit = self._subject_scan(s)
                if hit is not None:
                    return hit
                antecedent = True
                j = min(j - 1, bisect.bisect_left(self.verb_starts, s.start) - 1)
                continue
            return _Speaker(s.start, s.end)
        return None

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
            first = next((c for c in self._candidates(ss, end, ss) if c.kind != "possessor"), None)
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
        k = bisect.bisect_left(self.verb_starts, pos) - 1
        steps = 0
        while k >= 0 and steps < 20 and self._para(self.verbs[k].start) >= min_para:
            sp = self._resolve(k)
            if sp is not None:
                return self.verbs[k].start, sp
            k -= 1
            steps += 1
        return None

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
        if self._words_between(ss, p.open) == 0:
            found = self._last_speaker(p.open, self._para(p.open) - 1)
            last_q = self._last_quote
            if last_q is not None and self._para(last_q[0]) >= self._para(p.open) - 1 and (
                found is None or last_q[0] > found[0]
            ):
                found = last_q
            if found is not None:
                return found[1], cue, direct
        return None, cue, direct

    def _is_quotation(self, words: list[str], inner: str, before: str, direct: bool) -> bool:
        n = len(words)
        if n == 0 or _NAMING_CUE.search(before):
            return False
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
            if not self._is_quotation(words, inner, before, any(a[2] for a in attrs)):
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

"""Who a sentence mentions: names, roles ("a spokesman for ..."), pronouns, and which of them is the
subject of a speech verb."""

from __future__ import annotations

import bisect
import re

from techstance.db.curation.quotes.cues import Cues
from techstance.db.curation.quotes.lexicon import (
    ADVERBS,
    ARTICLES,
    CAP_STOP,
    COORD_GAP,
    DAYS_MONTHS,
    DETS,
    FINITE,
    FIRST_WORD_RE,
    HONORIFICS,
    INSTITUTIONS,
    INTRO,
    NEXT_WORD_RE,
    NP_DETS,
    NP_STOP,
    ORG_WORDS,
    PAREN_RE,
    PARTICLES,
    PARTY_STATE,
    PREPS,
    PRONOUNS,
    REL_RE,
    ROLE_NOUNS,
    ROLE_PREFIX_RE,
    SPEECH,
    TAIL_START,
    TAIL_STOP,
    TITLE_AFTER_RE,
    TITLED_GAP_RE,
    TITLES,
)
from techstance.db.curation.quotes.spans import Mention, SpeakerSpan


class Mentions(Cues):
    """Speaker mentions of the article, found on demand and cached."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.role_nouns = [tk for tk in self.toks if tk[2].lower() in ROLE_NOUNS]
        self.role_starts = [r[0] for r in self.role_nouns]
        self._cand_cache: dict[tuple[int, int, int], list[Mention]] = {}

    def _candidates(self, a: int, b: int, sent_start: int) -> list[Mention]:
        """Speaker mentions in masked[a:b], in order; mentions that cannot be a subject are left out."""
        key = (a, b, sent_start)
        if key not in self._cand_cache:
            self._cand_cache[key] = self._find_candidates(a, b, sent_start)
        return self._cand_cache[key]

    def _find_candidates(self, a: int, b: int, sent_start: int) -> list[Mention]:
        s = self.masked
        toks = self._tokens(a, b)
        # Relative clauses and parentheses hold no subject: "Smith, who met Jones, said", "Warner (D-VA)".
        rel = [(m.start(), m.end()) for m in REL_RE.finditer(s, a, b)]
        rel += [(m.start(), m.end()) for m in PAREN_RE.finditer(s, a, b)]

        def in_rel(pos: int) -> bool:
            return any(lo <= pos < hi for lo, hi in rel)

        def low(k: int) -> str:
            return toks[k][2].lower() if 0 <= k < len(toks) else ""

        def after_prep(k: int) -> bool:
            """Token k is governed by a preposition (through determiners and adjectives-as-possessives)."""
            j = k - 1
            while j >= 0 and (low(j) in DETS or low(j).endswith(("'s", "\u2019s"))):
                j -= 1
            return low(j) in PREPS

        cands: list[Mention] = []
        roles: list[Mention] = []
        tok_starts = [tk[0] for tk in toks]
        lo = bisect.bisect_left(self.role_starts, a)
        hi = bisect.bisect_left(self.role_starts, b)
        for noun_start, noun_end, noun in self.role_nouns[lo:hi]:
            if noun_end > b:
                continue
            pre = ROLE_PREFIX_RE.search(s, max(a, noun_start - 60), noun_start)
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
            roles.append(Mention("role", start, noun_end, appositive))

        # Runs of capitalised tokens.
        runs: list[tuple[int, int]] = []  # token index ranges [i, j)
        k = 0
        while k < len(toks):
            tk = toks[k][2]
            if tk[0].isupper() and tk.lower() not in PRONOUNS | {"i"}:
                j = k + 1
                while j < len(toks):
                    gap = s[toks[j - 1][1]:toks[j][0]]
                    prev = toks[j - 1][2]
                    nxt = toks[j][2]
                    if prev.endswith(("'s", "\u2019s", "'", "\u2019")):
                        break
                    gap_ok = gap.isspace() or (
                        gap.strip() == "." and (prev.lower() in HONORIFICS or len(prev) == 1 or "." in prev)
                    )
                    if not gap_ok:
                        break
                    capital = nxt[0].isupper() and nxt.lower() not in PRONOUNS
                    particle = nxt.lower() in PARTICLES and j + 1 < len(toks) and toks[j + 1][2][0].isupper()
                    if not (capital or particle):
                        break
                    j += 1
                runs.append((k, j))
                k = j
            else:
                if tk.lower() in PRONOUNS and tk != "i" and not after_prep(k) and not in_rel(toks[k][0]):
                    cands.append(Mention("pronoun", toks[k][0], toks[k][1]))
                k += 1

        prep_runs: list[bool] = []
        named: list[tuple[int, int, Mention | None]] = []
        for i, j in runs:
            words = [toks[x][2] for x in range(i, j)]
            first = i
            prep = after_prep(i)
            title_complement = low(i - 1) == "of" and toks[i - 2][2].lower().rstrip(".") in TITLES \
                if i >= 2 else False
            # Leading function words and sentence-initial participles/adverbs are not names.
            while first < j:
                w = toks[first][2]
                wl = w.lower()
                sentence_initial = self._at_start(sent_start, toks[first][0])
                nxt = low(first + 1) if first + 1 < len(toks) else self._word_after(toks[first][1])
                if wl in CAP_STOP or (
                    sentence_initial and first == j - 1 and len(w) > 4 and wl.endswith(("ing", "ly"))
                    and nxt not in SPEECH and nxt not in FINITE
                ):
                    if wl in PREPS:
                        prep = True
                    first += 1
                    continue
                break
            if title_complement and first == i:
                first += 1  # "Secretary of State Mike Pompeo": "State" belongs to the title
                prep = False
            last_title = -1
            for x in range(first, j):
                if toks[x][2].lower().rstrip(".") in TITLES:
                    last_title = x
            if last_title >= 0:
                first = last_title + 1
            prep_runs.append(prep)
            if first >= j:
                # A title standing alone is a role: "the Prime Minister", "the Government Chief Digital Officer".
                titled = last_title == j - 1 and low(i - 1) in ("the", "a", "an") and not prep \
                    and not in_rel(toks[i][0])
                named.append((i, j, Mention("role", toks[i - 1][0], toks[j - 1][1]) if titled else None))
                continue
            name_words = [toks[x][2] for x in range(first, j)]
            if all(w.lower().rstrip("'\u2019s") in DAYS_MONTHS or w.lower() in DAYS_MONTHS for w in name_words):
                named.append((i, j, None))
                continue
            start, end = toks[first][0], toks[j - 1][1]
            last = words[-1]
            if end - start < 2:
                named.append((i, j, None))
                continue
            cand: Mention | None
            if last.endswith(("'s", "\u2019s")):
                cand = Mention("possessor", start, end - 2)
            elif last.endswith(("s'", "s\u2019")):
                cand = Mention("possessor", start, end - 1)
            else:
                cand = Mention("name", start, end)
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
                if not COORD_GAP.fullmatch(gap):
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

    def _closest(self, a: int, b: int, sent_start: int, possessor: bool = False) -> Mention | None:
        bracket = self._apposition_before(a, b, sent_start)
        if bracket is not None:
            # "Telenor, partly owned by a state fund, said": the subject stands before its apposition.
            subject = self._closest(a, bracket, sent_start, possessor)
            if subject is not None:
                return subject
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
            if c.kind == "name" and prev is not None and prev.kind == "role" and self._institution(c) \
                    and not self._institution(prev) and self.masked[c.end:b].strip() == ",":
                role = self._extend_role(prev, c.start)
                if self.masked[role.end:c.start].strip() == ",":
                    return role  # "Lawyers for the regulator, PTS, said": PTS is the regulator
            if c.kind == "name" and (
                PARTY_STATE.fullmatch(self.masked[c.start:c.end])
                or (after_name and self.masked[c.end:c.end + 2].startswith(","))
                or self._modifier(c.end, b)
            ):
                continue  # "Chuck Schumer, D-N.Y., said"; "New Jersey 6th Congressional district said"
            c = self._extend_role(c, b)
            np = self._np_before(a, b)
            if np is not None and c.kind == "name" and self.masked[c.end:np.start].strip() == ",":
                return c  # "Telefonica, Spain's former state monopoly, said": the name, not its apposition
            return np if np is not None and np.start >= c.end else c
        return self._np_before(a, b)

    def _modifier(self, end: int, b: int) -> bool:
        """A name followed by a lower-case noun modifies it ("Huawei spokesman", "Congressional district"):
        a subject is followed by its verb, an auxiliary, an adverb, a preposition or punctuation."""
        m = NEXT_WORD_RE.match(self.masked, end, b)
        if m is None:
            return False
        w = m.group(1)
        return not (
            w in FINITE or w in ADVERBS or w in PREPS or w in NP_STOP or w.endswith("ly")
            or w in SPEECH or w in ("who", "whose")
        )

    def _np_before(self, a: int, b: int) -> Mention | None:
        """A noun phrase with a determiner right before the verb: "one industry lobbyist said"."""
        toks = self._tokens(max(a, b - 80), b)
        while toks and toks[-1][2].lower() in ADVERBS:
            toks.pop()
        words: list[tuple[int, int, str]] = []
        while toks and len(words) < 8:
            tk = toks.pop()
            w = tk[2].lower()
            inner_of = w == "of" and len(words) >= 1 and len(words) <= 3  # "the maker of chipmaking machines"
            if not tk[2][0].isalnum() or (w in NP_STOP and not inner_of) or tk[2] in SPEECH:
                return None
            words.append(tk)
            possessive = w.endswith(("'s", "\u2019s")) and len(words) >= 2 and words[0][2][0].islower()
            if w in NP_DETS or possessive:  # "one industry lobbyist", "Australia's opposition"
                # Proper names are left to the name rules; a noun phrase after a preposition is no subject.
                if len(words) < 2 or all(x[2][0].isupper() for x in words[:-1]):
                    return None
                if toks and toks[-1][2].lower() in PREPS:
                    return None
                return Mention("role", tk[0], words[0][1])
        return None

    def _np_after(self, a: int, b: int) -> Mention | None:
        """A noun phrase with a determiner right after the verb: ', said one industry lobbyist who ...'."""
        toks = self._tokens(a, min(b, a + 80))
        if len(toks) < 2 or toks[0][2].lower() not in NP_DETS:
            return None
        end = None
        for tk in toks[1:7]:
            w = tk[2].lower()
            if not tk[2][0].isalnum() or w in NP_STOP or tk[2] in SPEECH:
                break
            end = tk[1]
        return Mention("role", toks[0][0], end) if end is not None else None

    def _institution(self, c: Mention | SpeakerSpan) -> bool:
        """A mention that is never "he" or "she": "the company", "the U.S. Department of Homeland Security",
        "DHS"."""
        words = self.masked[c.start:c.end].split()
        if not words:
            return False
        if isinstance(c, Mention) and c.kind == "role" or words[0].lower() in ARTICLES:
            return words[-1].lower() in INSTITUTIONS or words[-1].lower() in ORG_WORDS
        if any(w.lower().strip(".,") in ORG_WORDS for w in words):
            return True
        return len(words) == 1 and words[0].isupper() and len(words[0]) > 1  # an acronym: "BSI", "GCHQ"

    def _word_after(self, pos: int) -> str:
        """The next token after pos in the whole text, lower-cased ("" at the end)."""
        k = bisect.bisect_left(self.tok_starts, pos)
        return self.toks[k][2].lower() if k < len(self.toks) else ""

    def _before_title(self, end: int, b: int) -> bool:
        """A mention that modifies the title of a name after it: "Company founder Eugene Kaspersky"."""
        m = TITLE_AFTER_RE.match(self.masked, end, b)
        return m is not None and (m.group(1) in ROLE_NOUNS or m.group(1) in TITLES)

    def _apposition_before(self, a: int, b: int, sent_start: int) -> int | None:
        """The opening comma of an apposition right before b ('X, a company that supplies Apple, said'),
        unless the apposition is itself the name ('Its chief executive, Hamish MacLeod, said')."""
        s = self.masked
        close = b - 1
        while close > a and s[close].isspace():
            close -= 1
        if close <= a or s[close] != ",":
            return None
        open_ = s.rfind(",", max(a, close - 160), close)
        if open_ <= a or not s[a:open_].strip():
            return None
        inside = [c for c in self._candidates(open_ + 1, close, sent_start) if c.kind != "pronoun"]
        phrase = s[open_ + 1:close].strip()
        if not phrase or (len(inside) == 1 and s[inside[0].start:inside[0].end] == phrase and inside[0].kind == "name"):
            return None
        return open_

    def _first(self, a: int, b: int, sent_start: int) -> Mention | None:
        """The subject of a sentence: its first mention, after an opening adverbial phrase ("In a call with
        Xi Jinping, Trump ...")."""
        cands = [c for c in self._candidates(a, b, sent_start) if c.kind != "possessor"
                 and not (c.kind in ("name", "role") and self._before_title(c.end, b))]
        first = FIRST_WORD_RE.match(self.masked, a, b)
        if first is not None and (first.group(1).lower() in INTRO or first.group(1).lower().endswith("ing")):
            comma = self.masked.find(",", a, b)
            later = [c for c in cands if c.start > comma] if comma >= 0 else []
            cands = later or cands
            if later:
                a = comma + 1
        # A subject headed by a common noun: "The Czech Republic's cyber security watchdog has ...".
        segment = self.masked[a:b]
        np = self._np_after(a + len(segment) - len(segment.lstrip()), b)
        if np is not None:
            # The noun phrase ends before the sentence's verb: "The minister corrected the record".
            words = self._tokens(np.start, np.end)
            verb = next((tk for tk in words[2:] if tk[2].endswith("ed")), None)
            np = Mention("role", np.start, words[words.index(verb) - 1][1]) if verb is not None else np
        if np is not None and self.masked[np.end - 1].islower() and (not cands or np.start <= cands[0].start):
            named = [c for c in cands if c.kind == "name" and TITLED_GAP_RE.fullmatch(self.masked, np.end, c.start)]
            return named[0] if named else np  # "The committee's chair, Cathy McMorris Rodgers, was unmoved"
        return self._extend_role(cands[0], b) if cands else None

    def _extend_role(self, c: Mention, limit: int) -> Mention:
        """ "a spokesman" + "for the Department for Digital, Culture, Media, and Sport" up to the verb."""
        if c.kind != "role" or c.end >= limit:
            return c
        toks = self._tokens(c.end, limit)
        if not toks or len(toks) > 14 or toks[0][2].lower() not in TAIL_START:
            return c
        if any(tk[2].lower() in TAIL_STOP or tk[2] in SPEECH for tk in toks):
            return c
        words = [tk for tk in toks if tk[2][0].isalnum()]
        if not words:
            return c
        return Mention("role", c.start, words[-1][1], c.appositive)

    def _after(self, a: int, limit: int) -> Mention | None:
        """The speaker named after the verb: ', said Zhang', 'according to one source'."""
        b = min(limit, a + 120)
        comma = self.masked.find(",", a, b)
        head = comma if comma >= 0 else b  # the phrase before an apposition: "said Zhang, a spokesman for ..."
        cands = self._candidates(a, b, a)
        names = [c for c in cands if c.kind == "name" and c.start < head]
        if names:
            return names[-1]  # the name after its title: "said Huawei spokesman Joe Kelly"
        # Before the apposition first ('said the spokesperson, adding that the U.S. ...'), then anywhere.
        # A name in apposition to a role: 'said its director-general, S.P. Kochhar.'
        apposed = [c for c in cands if c.kind == "name" and c.start > head
                   and TITLED_GAP_RE.fullmatch(self.masked, head, c.start)
                   and self.masked[c.end:c.end + 1] in (",", ".", ";", "")]
        for pool in ([c for c in cands if c.start < head], cands):
            for kind in ("name", "role", "pronoun"):
                for c in pool:
                    if c.kind == kind:
                        if kind == "role" and apposed:
                            return apposed[0]
                        return self._extend_role(c, b) if kind == "role" else c
            np = self._np_after(a, head)
            if np is not None:
                return apposed[0] if apposed else np
        return self._np_after(a, b)

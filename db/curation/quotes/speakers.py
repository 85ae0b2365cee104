"""Who said it: the subject of each speech verb, pronouns resolved to the person or body named before."""

from __future__ import annotations

import bisect
import re

from techstance.db.curation.quotes.lexicon import (
    ADVERBS,
    AGENT_STOP,
    BY_ISSUER_RE,
    DOCUMENT_NOUNS,
    PASSIVE_AUX,
    PREP_BEFORE_RE,
    RESOLVABLE,
)
from techstance.db.curation.quotes.mentions import Mentions
from techstance.db.curation.quotes.spans import COORD, PASSIVE, Mention, SpeakerSpan


class Speakers(Mentions):
    """The named speaker of each speech verb, resolved through pronouns and coordinated verbs."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._subjects: dict[int, Mention | None] = {}
        self._named: dict[int, SpeakerSpan | None] = {}
        self._resolved: dict[int, SpeakerSpan | None] = {}
        self._pronouns: dict[int, SpeakerSpan | None] = {}
        self._scans: dict[int, SpeakerSpan | None] = {}

    def _subject_raw(self, idx: int) -> Mention | None:
        if idx in self._subjects:
            return self._subjects[idx]
        v = self.verbs[idx]
        ss = self._sentence_start(v.start)
        result: Mention | None
        if v.word.lower() == "according to":
            stop = self._next_bound(v.end)
            stop = min(stop, v.end + 200)
            result = self._after(v.end, stop)  # (which reads past an apposition: "..., Fergus Hanson.")
        else:
            before = [tk[2].lower() for tk in self._tokens(max(ss, v.start - 60), v.start)]
            aux = [w for w in before if not (w.endswith("ly") or w in ADVERBS) or w in PASSIVE_AUX]
            passive = bool(aux) and aux[-1] in PASSIVE_AUX and (v.word.endswith("ed") or v.word == "told")
            while before and before[-1] in ADVERBS:
                before.pop()
            k = bisect.bisect_left(self.closes, v.start) - 1
            q_close = self.closes[k] if k >= 0 else -1
            who = self.masked.rfind(",", ss, v.start)
            if before and before[-1] == "who" and who > ss and self._words_between(who, v.start) == 1:
                # 'spearheaded by Senator Jeanne Shaheen, who said, "..."': the one "who" stands for.
                preps = list(PREP_BEFORE_RE.finditer(self.masked, max(ss, who - 120), who))
                prep = preps[-1] if preps else None
                result = self._after(prep.end(), who) if prep is not None else None
                if result is None:
                    result = self._closest(max(ss, who - 300), who, ss)
            elif passive:
                result = self._agent(v.end, ss)  # 'has been warned by MPs to "..."': not the addressee
            elif before and (before[-1] in ("and", "but", "or") or (v.word.endswith("ing") and before[-1] == ",")):
                result = COORD
            elif q_close >= ss and self._words_between(q_close + 1, v.start) == 0 and v.word.endswith("ing") \
                    and self.text[q_close - 1] == ",":
                result = COORD  # 'said the chip is "ahead of every other," adding, "..."'
            elif q_close >= ss and self._words_between(q_close + 1, v.start) == 0 and self._spoken_before(k):
                result = self._after(v.end, self._next_bound(v.end))  # '"...," said Zhang'
            else:
                result = self._closest(max(ss, v.start - 300), v.start, ss)
        self._subjects[idx] = result
        return result

    def _agent(self, end: int, ss: int) -> Mention:
        """The speaker of a passive speech verb: its agent ('told by the security service to'), else the
        speaker the article names next (PASSIVE)."""
        toks = self._tokens(end, min(self._next_bound(end), end + 200))
        while toks and (toks[0][2].lower() in ADVERBS or toks[0][2].endswith("ly")):
            toks = toks[1:]
        if toks and toks[0][2] == "by":
            k = bisect.bisect_right(self.opens, end)
            stop = min(self._next_bound(end), self.opens[k] if k < len(self.opens) else self.n)
            # The agent is the phrase right after "by": 'accused by campaigners of helping Huawei'.
            stop = next((tk[0] for tk in toks[2:] if tk[0] < stop and tk[2].lower() in AGENT_STOP), stop)
            agent = self._after(toks[0][1], stop)
            if agent is not None and agent.kind != "pronoun":
                return agent
        return PASSIVE

    def _named_next(self, idx: int) -> SpeakerSpan | None:
        """For a passive speech verb with no agent: the subject of the next speech verb in this or the next
        paragraph ('X has been warned not to "...". The chairman, Julian Lewis, said ...')."""
        para = self._para(self.verbs[idx].start)
        for j in range(idx + 1, min(idx + 4, len(self.verbs))):
            if self._para(self.verbs[j].start) > para + 1:
                break
            s = self._subject_raw(j)
            if s is None or s is PASSIVE or s is COORD or s.kind == "pronoun":
                continue
            return SpeakerSpan(s.start, s.end, "passive: the speaker named next")
        return None

    def _spoken_before(self, k: int) -> bool:
        """Whether the quoted piece closing at closes[k] reads as words said (so that a verb right after it is
        inverted, '"...," said Zhang'), not a quoted name ('the CEO of "Nvidia", expressed his ...')."""
        close = self.closes[k]
        lo = bisect.bisect_left(self.opens, close) - 1
        open_ = self.opens[lo] if lo >= 0 else close
        inner = self.text[open_ + 1:close].rstrip()
        return inner[-1:] in (",", ".", "!", "?") or len(inner.split()) >= 3

    def _resolve(self, idx: int) -> SpeakerSpan | None:
        """The named speaker of verb idx: coordinated verbs take the sentence's subject, pronouns their
        antecedent."""
        if idx not in self._resolved:
            self._resolved[idx] = self._resolve_uncached(idx)
        return self._resolved[idx]

    def _resolve_uncached(self, idx: int) -> SpeakerSpan | None:
        s = self._subject_raw(idx)
        if s is PASSIVE:
            return self._named_next(idx)
        if s is COORD:
            v = self.verbs[idx]
            ss = self._sentence_start(v.start)
            if idx - 1 >= 0 and self.verbs[idx - 1].start >= ss:
                earlier = self._resolve_before(idx - 1)  # the subject of the sentence's earlier verb
                return _via(earlier, "the subject of the sentence")
            s = self._first(ss, v.start, ss)
            if s is not None and s.kind != "pronoun":
                return SpeakerSpan(s.start, s.end, "the subject of the sentence")
        if s is None:
            return None
        if s.kind == "pronoun":
            return self._pronoun_speaker(s)
        return self._issuer(s)

    def _issuer(self, s: Mention) -> SpeakerSpan:
        """A statement's issuer for the statement: 'according to a statement released by the DHS',
        'Kaspersky Lab issued a statement expressing disappointment'."""
        words = self.masked[s.start:s.end].lower().split()
        if not any(w in DOCUMENT_NOUNS for w in words):
            return SpeakerSpan(s.start, s.end)
        stop = self._next_bound(s.end)
        by = BY_ISSUER_RE.search(self.masked, s.start, stop)
        if by is not None:
            agent = self._after(by.end(), stop)
            if agent is not None and agent.kind != "pronoun":
                return SpeakerSpan(agent.start, agent.end, "the issuer of the statement")
        ss = self._sentence_start(s.start)
        first = self._first(ss, s.start, ss)
        if first is not None and first.kind != "pronoun" and first.start < s.start:
            return SpeakerSpan(first.start, first.end, "the issuer of the statement")
        return SpeakerSpan(s.start, s.end)

    def _resolve_before(self, idx: int) -> SpeakerSpan | None:
        """_resolve for a verb known to precede, iteratively (no deep recursion on long chains)."""
        s = self._subject_raw(idx)
        if s is COORD or (s is not None and s.kind == "pronoun"):
            return self._named_before(idx, strict=True)
        return None if s is None or s is PASSIVE else SpeakerSpan(s.start, s.end)

    def _pronoun_speaker(self, c: Mention) -> SpeakerSpan | None:
        if c.start in self._pronouns:
            return self._pronouns[c.start]
        result: SpeakerSpan | None = None
        pronoun = self.masked[c.start:c.end].lower()
        if pronoun in RESOLVABLE:  # not "I", "we": the writer
            result = _via(self._subject_scan(c), f"{pronoun} -> the subject of the sentence before", own=True)
            person = pronoun in ("he", "she")
            if result is None or person:
                k = bisect.bisect_left(self.verb_starts, c.start) - 1
                last = self._named_before(k, person=person)
                # "he" goes on with a person already speaking rather than with somebody merely mentioned since
                # ('Oxford Circuits declined to comment. "...," he added.').
                recent = k >= 0 and self._para(self.verbs[k].start) >= self._para(c.start) - 2
                if result is None or (last is not None and recent and not self._has_spoken(result, k)):
                    result = _via(last, f"{pronoun} -> the last person speaking" if person
                                  else f"{pronoun} -> the last speaker named", own=True)
        self._pronouns[c.start] = result
        return result

    def _named_before(self, j: int, strict: bool = False, person: bool = False) -> SpeakerSpan | None:
        """The last named speaker of the speech verbs up to verb j (walking back over verbs whose
        subject is unknown or a pronoun). With strict, verb j's own subject must resolve (no skipping).
        With person (for "he", "she"), speakers that are institutions are walked over too."""
        if person:
            while j >= 0:
                found = self._named_before(j, strict)
                if found is None or not (self._institution(found) or self._plural(found)):
                    return found
                k = bisect.bisect_left(self.verb_starts, found.start) - 1  # before the institution's mention
                j = min(j - 1, k) if k >= 0 else j - 1
                strict = False
            return None
        path: list[int] = []
        result: SpeakerSpan | None = None
        while j >= 0 and len(path) < 60:
            if j in self._named and not strict:
                result = self._named[j]
                break
            path.append(j)
            s = self._subject_raw(j)
            if s is PASSIVE:
                s = None  # the speaker named later is not "before"
            if s is COORD:
                v = self.verbs[j]
                ss = self._sentence_start(v.start)
                if j - 1 >= 0 and self.verbs[j - 1].start >= ss:
                    j -= 1
                    continue
                s = self._first(ss, v.start, ss)
            if s is not None and s.kind == "pronoun":
                if self.masked[s.start:s.end].lower() in RESOLVABLE:
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
            result = self._issuer(s)
            break
        for x in path:
            self._named.setdefault(x, result)
        return result

    def _subject_scan(self, pron: Mention) -> SpeakerSpan | None:
        if pron.start not in self._scans:
            self._scans[pron.start] = self._subject_scan_uncached(pron)
        return self._scans[pron.start]

    def _subject_scan_uncached(self, pron: Mention) -> SpeakerSpan | None:
        """The subject of the nearest sentence before a pronoun, when no speech verb comes between:
        'Emmanuel Macron met Trump on Monday. "...," he added.' Stops at a sentence with a speech verb
        (the last named speaker is then the antecedent) or whose subject is itself a pronoun."""
        personal = self.masked[pron.start:pron.end].lower() in ("he", "she")
        end = pron.start
        own = self._sentence_start(pron.start)
        if self.masked[own:pron.start].rstrip().endswith(",") and \
                self._words_between(pron.end, self._next_bound(pron.end)) <= 5:
            end = own  # 'The supplier had followed every rule, he said.': reported speech, not the antecedent
        min_para = self._para(pron.start) - 1
        for _ in range(5):
            ss = self._sentence_start(end - 1) if end > 0 else 0
            if self._para(ss) < min_para:
                return None
            k = bisect.bisect_left(self.verb_starts, ss)
            if k < len(self.verbs) and self.verbs[k].start < end and self._subject_raw(k) is not PASSIVE:
                return None  # (one who is asked or told something is the subject, as in a sentence without speech)
            first = self._first(ss, end, ss)
            if first is not None:
                if first.kind == "pronoun":
                    return None
                if not personal or self._person_like(first):
                    return SpeakerSpan(first.start, first.end)
            if ss <= 0:
                return None
            end = ss
        return None

    def _has_spoken(self, sp: SpeakerSpan, k: int) -> bool:
        """Whether the one named at sp is the subject of a speech verb up to verb k (in the last paragraphs)."""
        last_word = self.masked[sp.start:sp.end].split()[-1:]
        para = self._para(sp.start)
        stop = max(-1, k - 30)  # a bounded look back keeps the work linear
        while k > stop and self._para(self.verbs[k].start) >= para - 3:
            s = self._subject_raw(k)
            if s is not None and s.start >= 0 and self.masked[s.start:s.end].split()[-1:] == last_word:
                return True
            k -= 1
        return False

    def _plural(self, c: Mention | SpeakerSpan) -> bool:
        """A lower-case plural head is never "he" or "she": "campaigners", "officials"."""
        last = self.masked[c.start:c.end].split()[-1:]
        return bool(last) and last[0].islower() and last[0].endswith("s") and not last[0].endswith("ss")

    def _person_like(self, c: Mention) -> bool:
        words = self.masked[c.start:c.end].split()
        if not words or self._institution(c):
            return False
        if c.kind == "role":
            return True
        if len(words) >= 2:
            return True
        if not words:
            return False
        window = self.text[max(0, c.start - 5000):c.start]
        return re.search(r"[A-Z][\w\-'\u2019]*\s+" + re.escape(words[0]) + r"\b", window) is not None

    def _last_speaker(self, pos: int, min_para: int) -> tuple[int, SpeakerSpan] | None:
        """The last named speaker of a speech verb before pos, if mentioned in paragraph min_para or later."""
        k = bisect.bisect_left(self.verb_starts, pos) - 1
        if k < 0 or self._para(self.verbs[k].start) < min_para:
            return None
        sp = self._named_before(k)
        if sp is None or self._para(sp.start) < min_para:
            return None
        return self.verbs[k].start, sp


def _via(speaker: SpeakerSpan | None, via: str, own: bool = False) -> SpeakerSpan | None:
    """The speaker with how it was reached: this step when own (a pronoun's), else the earliest known."""
    if speaker is None:
        return None
    return SpeakerSpan(speaker.start, speaker.end, via if own else speaker.via or via)

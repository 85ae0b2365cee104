"""Propose the direct quotations of an English news article, with their speakers.

`extract_quotes(text)` is a curating aid for importing a new article: it proposes spans that a curator
then checks, in the shape of `seeds/quotes.toml` (the quotation without its quote marks, and without a
trailing comma that belongs to the attribution). It is pure Python (standard library only), never raises
on any string, and runs in time roughly linear in the length of the text (about 0.1 s for 200 KB of news).
The package splits the work by concern: ``marks`` (quote marks, paragraphs, sentences), ``captions``
(photo captions read as blank lines), ``cues`` (tokens, speech verbs), ``mentions`` (names, roles,
pronouns), ``speakers`` (the subject of each verb, pronouns resolved), ``quotations`` (which quoted
passages are quotations), this module (attribution, proposals) and ``lexicon`` (the word lists).

Each proposal carries the evidence of its attribution: the cue's span (``cue_start``, ``cue_end``), a
``confidence`` (0..1: a name against its cue 0.95, a cue earlier in the sentence 0.85, a colon 0.8, the
previous quotation's speaker 0.7; less for a pronoun, a passive verb or a short quotation) and a
``reason`` ("named after the quote", "he -> the last person speaking", "passive: the speaker named next").

How quotations are found
------------------------
* Quote marks are the double ones: straight ``"`` and curly ``“ ”``. Single quotes (``' ‘ ’``) inside a
  double-quoted passage are part of the quotation. Outside one, a curly pair ``‘...’`` on one line
  (``‘`` after a space, a bracket or a dash; ``’`` before a non-letter) is a quoted passage too, as
  British headlines quote ("Beijing ‘gravely concerned’"); straight singles are apostrophes. A text with
  no double quote mark at all is read with single quotes as quotation marks (a British style); there an
  apostrophe between two letters is never a mark, and ``’`` never opens.
* A straight mark opens a quotation when it follows a space, the start of a line or an opening
  punctuation mark and is followed by a non-space; it closes the open quotation when it follows a
  non-space. An opening mark met while a quotation is already open restarts it there (the earlier one
  had lost its closing mark), so one stray mark does not swallow the next quotation.
* A line break ends a paragraph. A quotation left open at the end of a paragraph continues when the next
  paragraph opens with a quote mark (the newsroom convention for a quotation running over several
  paragraphs): **each paragraph becomes a proposal of its own**, all with the same speaker. A quotation
  left open otherwise is kept only when it is a whole quote paragraph that lost its closing mark: it
  opens its paragraph (or follows a colon), ends a sentence, has six words or more and the next line
  does not go on in lower case ("READ MORE: ..." may follow); else it is dropped (a hard-wrapped line).
* Photo captions are read as blank lines: a credit line ("Photo: X/Agency", "Name / Agency via Getty
  Images") and the one-sentence caption after it, so a pronoun never finds its antecedent in a caption.
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
* three to five words: when it holds a clause (a personal pronoun followed by a word, "I think so"; a
  contracted subject, "it's"; a finite verb with a word before it, "the deal is dead"; a whole
  capitalised sentence), or when a speech cue of its sentence names who said it (``"a temporary
  measure," the regulator said``, ``urged the ministry to "reverse course at once"``);
* one or two words: only when a speech cue of its sentence names who said it (``called the ruling
  "arbitrary"``), and not after a definite determiner (``the "core"``) nor right before the noun it
  modifies (``"core" functions``). A speaker's own word is a stance worth reviewing; a term nobody is
  said to have said ("core", "market failure") is not proposed.

Who said it
-----------
In order, the first rule that names a speaker wins:

1. After the quotation: ``"...," X said`` / ``"...?" X asked`` / ``"...," said X, title`` /
   ``"...," according to X`` — a speech verb at most ten words after the closing mark, in the same
   sentence, when the quotation ends with ``, ? !`` or the following text starts with a comma, a dash or
   a lower-case word (but not "and"/"but": ``"...," and added`` starts a new predicate).
2. Before it in the same sentence: the nearest speech verb (``X said: "..."``, ``X told Y "..."``,
   ``X said he was "..."``, ``X said, adding that "..."``, ``X issued the following statement``); a
   passive verb reported by an earlier one (``She said agencies had been asked to "..."``) gives way to
   it.
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
  when no speech verb comes between (for he/she only a person-like name, and not the subject of reported
  speech: ``the supplier had followed every rule, he said``), else to the last named speaker; "he" and
  "she" walk over institutions ("the company", "the Department of ...", an acronym) and plural roles
  to the last person speaking, and prefer that person to someone merely mentioned since who has not
  spoken. "I" and "we" are the writer: no speaker;
* not the subject of a passive speech verb (``X has been warned not to "..."``): its agent (``told by the
  security service to``), else the subject of the next speech verb in this or the next paragraph;
* not a mention inside a comma-bracketed apposition right before the verb (``Telenor, partly owned by
  a state fund, said``; ``The founder of X, a company that supplies Apple and Huawei, said``), unless the
  apposition is the name itself (``Its chief executive, Hamish MacLeod, said``); an institution's name
  in apposition gives way to the person role before it (``Lawyers for the regulator, PTS, said``);
* a statement is replaced by its issuer (``according to a statement released by the DHS``, ``Kaspersky
  Lab issued a statement expressing ...``), "who" by the one it stands for (``Senator Jeanne Shaheen,
  who said``); a dateline (``WASHINGTON (Reuters) -``) is no subject.

After a closing quote the subject may follow the verb (``, said Zhang``: the last name before an
apposition). A verb joined by "and"/"but", or a participle after a comma (``, adding that``), takes the
subject of the sentence (its earlier speech verb's, or its first mention after an opening adverbial).

The cue is the speech verb as written ("said", "told", "according to", "issued the following
statement"), ":" for a bare colon, "under" for rule 4, and None for rule 5 or when nothing is found.
Speech verbs: said/says/told/added/announced/tweeted/wrote/warned/noted/stated/concluded/argued/
explained/insisted/asked/replied/according to and their kin (``lexicon.SPEECH_WORDS``), and verbs that
report words by what the speaker did with them: accused, called, described, branded, condemned,
threatened, demanded, reassured, denied, rejected ... (``lexicon.CHARACTERISING_WORDS``).
"""

from __future__ import annotations

import bisect
import re

from techstance.db.curation.quotes.lexicon import (
    REL_WORD_RE,
    SAY,
    UNDER_RE,
    WORD_RE,
)
from techstance.db.curation.quotes.proposal import ProposedQuote
from techstance.db.curation.quotes.quotations import has_clause, is_quotation
from techstance.db.curation.quotes.spans import PASSIVE, Attribution, Piece, SpeakerSpan
from techstance.db.curation.quotes.speakers import Speakers

__all__ = ["ProposedQuote", "extract_quotes"]


def extract_quotes(text: str) -> list[ProposedQuote]:
    """Direct quotations and their speakers, in reading order."""
    if not isinstance(text, str) or not text:
        return []
    return _Finder(text).run()


class _Finder(Speakers):
    """Attribution of each quoted piece, and the proposals."""

    def _post(self, p: Piece) -> int | None:
        """The speech verb attributing a piece after its closing mark: '"...," X said', '"...?" X asked',
        '"...," said X'."""
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
        if v.word not in SAY and v.word.lower() != "according to" and " " not in v.word:
            return None  # 'for "self-reporting" the issues cited by the US': no attribution after a quotation
        if REL_WORD_RE.search(s, p.close + 1, v.start):
            return None  # '"..." by the move, which it said was rushed': a relative clause's verb
        words = self._words_between(p.close + 1, v.start)
        if strong and words <= 10:
            return vk
        if not strong and first.isupper() and words <= 4:
            after = s[v.end:v.end + 12]
            if re.match(r"\s*(?:[.,;:]|$)|\s+(?:on|in|at|during|after|before|to|told)\b", after):
                return vk
        return None

    def _continued(self, p: Piece) -> bool:
        """The writer's sentence goes on in lower case after the quotation, with no punctuation of its own."""
        inner = self.text[p.open + 1:p.close].rstrip()
        after = self.masked[p.close + 1:p.close + 3].lstrip()
        return inner[-1:] not in (",", "?", "!", ".", "\u2014", "\u2013", "-") and after[:1].islower()

    def _by_verb(self, vk: int, where: str, confidence: float) -> Attribution:
        v = self.verbs[vk]
        sp = self._resolve(vk)
        if sp is None:
            return Attribution(None, v.word, v.start, v.end, False, "no speaker found", 0.2)
        reason = sp.via or f"named {where} the quote"
        if sp.via.startswith(("he ", "she ", "they ", "it ")):
            confidence -= 0.15 if "last" in sp.via else 0.1
        elif sp.via:
            confidence -= 0.05
        return Attribution(sp, v.word, v.start, v.end, True, reason, confidence)

    def _attribute(self, p: Piece) -> Attribution:
        """Who said one piece, by the first rule that names a speaker (see the module's docstring)."""
        vk = self._post(p)
        post = self._by_verb(vk, "after", 0.95) if vk is not None else None
        s = self.masked
        ss = self._sentence_start(p.open)
        if post is not None and post.speaker is not None and post.cue is not None and \
                post.cue.lower() == "according to":
            # 'the minister corrected the record, saying "...", according to Reuters': the speaker, not the
            # one reporting the words.
            k = bisect.bisect_left(self.verb_starts, p.open) - 1
            if k >= 0 and self.verbs[k].start >= ss:
                pre = self._by_verb(k, "before", 0.85)
                if pre.speaker is not None:
                    return pre
        if post is not None and post.speaker is not None and vk is not None and self._continued(p):
            # '"somewhat volatile" in recent years, to the extent that the company advised ...': a partial
            # quotation that runs on into the writer's sentence belongs to the verb that reports it.
            k = bisect.bisect_left(self.verb_starts, p.open) - 1
            if k >= 0 and self.verbs[k].start >= ss and self._subject_raw(k) is not PASSIVE:
                pre = self._by_verb(k, "before", 0.85)
                if pre.speaker is not None:
                    return pre
        if post is not None and post.speaker is not None:
            return post
        lead = s[ss:p.open]
        k = bisect.bisect_left(self.verb_starts, p.open) - 1
        while k >= 1 and self.verbs[k - 1].start >= ss and self._subject_raw(k) is PASSIVE:
            k -= 1  # 'She said agencies had been asked to "..."': the one who reports the request
        if k >= 0 and self.verbs[k].start >= ss:
            pre = self._by_verb(k, "before", 0.85)
            if pre.speaker is not None:
                return pre
            post = post or pre
        stripped = lead.rstrip()
        if stripped.endswith(":") and post is None:
            c = self._closest(max(ss, p.open - 300), ss + len(stripped) - 1, ss, possessor=True)
            colon = self._pronoun_speaker(c) if c is not None and c.kind == "pronoun" else c
            if colon is not None:
                at = ss + len(stripped) - 1
                return Attribution(SpeakerSpan(colon.start, colon.end), ":", at, at + 1, True,
                                   "the subject before the colon", 0.8)
        m = UNDER_RE.match(s, ss, p.open)
        if m is not None:
            under = m.start("law") - len("Under ")
            return Attribution(SpeakerSpan(m.start("law"), m.end("law")), "under", under, under + 5, False,
                               "the law the sentence cites", 0.6)
        if vk is None and self._words_between(ss, p.open) == 0:
            # '"A," X said. "B."': the previous quotation of the same paragraph; else the last speaker of
            # this or the previous paragraph.
            para = self._para(p.open)
            last_q = self._last_quote
            found = last_q if last_q is not None and self._para(last_q[0]) == para else None
            reason = "the speaker of the quotation before it"
            if found is None:
                found = self._last_speaker(p.open, para - 1)
                reason = "the last speaker named"
                if last_q is not None and self._para(last_q[0]) >= para - 1 and (found is None or last_q[0] > found[0]):
                    found = last_q
                    reason = "the speaker of the quotation before it"
            if found is not None:
                return Attribution(found[1], None, None, None, False, reason, 0.7)
        if post is not None:
            return post
        return Attribution(None, None, None, None, False, "no speaker found", 0.1)

    def run(self) -> list[ProposedQuote]:
        t = self.text
        self._last_quote: tuple[int, SpeakerSpan] | None = None
        chains: dict[int, list[int]] = {}
        for x, p in enumerate(self.pieces):
            chains.setdefault(p.chain, []).append(x)
        results: dict[int, Attribution] = {}
        for members in sorted(chains.values(), key=lambda m: m[0]):
            attrs = [self._attribute(self.pieces[x]) for x in members]
            inner = " ".join(t[self.pieces[x].start:self.pieces[x].end] for x in members)
            words = WORD_RE.findall(inner)
            first = self.pieces[members[0]]
            before = self.masked[max(0, first.open - 40):first.open]
            last = self.pieces[members[-1]]
            after = t[last.close + 1:last.close + 30] if last.closed else ""
            cued = any(a.cued and a.speaker is not None for a in attrs)
            if not is_quotation(words, inner, before, after, cued):
                continue
            best = next((a for a in attrs if a.speaker is not None), attrs[0])
            factor = 1.0 if len(words) >= 6 else 0.9 if len(words) >= 3 else 0.8  # short: weaker evidence
            if factor < 1.0 and has_clause(words, inner):
                factor = 1.0
            for x, a in zip(members, attrs, strict=True):
                if a.speaker is None and best.speaker is not None:
                    reason = "continues the quotation" if x != members[0] else best.reason
                    a = Attribution(best.speaker, best.cue, best.cue_start, best.cue_end, best.cued, reason,
                                    best.confidence)
                results[x] = Attribution(a.speaker, a.cue, a.cue_start, a.cue_end, a.cued, a.reason,
                                         round(a.confidence * factor, 2))
            if best.speaker is not None:
                self._last_quote = (self.pieces[members[-1]].open, best.speaker)
        out: list[ProposedQuote] = []
        for x in sorted(results, key=lambda i: self.pieces[i].start):
            p = self.pieces[x]
            a = results[x]
            sp = a.speaker
            out.append(
                ProposedQuote(
                    start=p.start,
                    end=p.end,
                    text=t[p.start:p.end],
                    speaker=t[sp.start:sp.end] if sp is not None else None,
                    speaker_start=sp.start if sp is not None else None,
                    speaker_end=sp.end if sp is not None else None,
                    cue=a.cue,
                    cue_start=a.cue_start,
                    cue_end=a.cue_end,
                    confidence=a.confidence,
                    reason=a.reason,
                )
            )
        return out

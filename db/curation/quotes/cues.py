"""Words and speech verbs: the cues that attribute a quotation ("said", "told", "according to")."""

from __future__ import annotations

import bisect

from techstance.db.curation.quotes.lexicon import (
    CUE_WORDS,
    DETS,
    SPEECH,
    STATEMENT_RE,
    STATEMENT_VERBS,
    TOKEN_RE,
)
from techstance.db.curation.quotes.marks import Marks
from techstance.db.curation.quotes.spans import Verb


class Cues(Marks):
    """The article's tokens (outside quotations) and its speech verbs, in order."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.toks = [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(self.masked)]
        self.tok_starts = [tk[0] for tk in self.toks]
        self.verbs = self._speech_verbs()
        self.verb_starts = [v.start for v in self.verbs]

    def _speech_verbs(self) -> list[Verb]:
        s = self.masked
        toks = self.toks
        verbs: list[Verb] = []
        last = len(toks) - 1
        for k, (start, end, w) in enumerate(toks):
            if w not in CUE_WORDS:
                continue  # most words: no cue (the set holds every word a cue can start with)
            nxt = toks[k + 1] if k < last else None
            if w in STATEMENT_VERBS and (m := STATEMENT_RE.match(s, start)) is not None:
                end = m.end()  # "issued the following statement"
            elif w in ("according", "According", "went", "pointed") and nxt is not None and \
                    nxt[2] == {"went": "on", "pointed": "out"}.get(w, "to"):
                end = nxt[1]  # "according to", "went on", "pointed out"
            elif w not in SPEECH:
                continue
            if k > 0 and toks[k - 1][2].lower() in DETS:
                continue  # "the said", "a warning", "that said"
            verbs.append(Verb(start, end, s[start:end]))
        return verbs

    def _tokens(self, a: int, b: int) -> list[tuple[int, int, str]]:
        """The tokens of masked[a:b] (whole tokens only)."""
        lo = bisect.bisect_left(self.tok_starts, a)
        hi = bisect.bisect_left(self.tok_starts, b)
        while hi > lo and self.toks[hi - 1][1] > b:
            hi -= 1
        return self.toks[lo:hi]

    def _words_between(self, a: int, b: int) -> int:
        return sum(1 for tk in self._tokens(a, b) if tk[2][0].isalnum())

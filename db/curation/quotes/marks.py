"""Quote marks, paragraphs and sentences: where the quoted pieces of an article are, and the article
with them blanked out so that quoted words are never read as the writer's."""

from __future__ import annotations

import bisect
import re

from techstance.db.curation.quotes.captions import caption_lines
from techstance.db.curation.quotes.lexicon import (
    ABBREV_RE,
    BOUNDARY_RE,
    DATELINE_RE,
    MARK_RE,
    OPEN_AFTER,
    SINGLE_OPEN_RE,
    SINGLE_PAIR_RE,
    SINGLE_RE,
)
from techstance.db.curation.quotes.spans import Piece


class Marks:
    """The layout of one article: lines, paragraphs, quoted pieces, the masked text, sentence bounds."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        # Paragraph number of each line: blank lines separate paragraphs but do not count as one.
        # Photo captions are read as blank lines: no speaker is found in them, no paragraph counted.
        self.captions = caption_lines(text, self.line_starts)
        self.para_of_line: list[int] = []
        count = 0
        for k, start in enumerate(self.line_starts):
            end = self.line_starts[k + 1] if k + 1 < len(self.line_starts) else self.n
            self.para_of_line.append(count)
            if text[start:end].strip() and k not in self.captions:
                count += 1
        self.pieces = self._scan()
        if MARK_RE.search(text) is not None:
            self.pieces = self._with_single_quoted(self.pieces)
        self.masked = self._mask()
        self.bounds = self._boundaries()
        self.closes = [p.close for p in self.pieces if p.closed]
        self.opens = [p.open for p in self.pieces]

    def _line(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos) - 1

    def _para(self, pos: int) -> int:
        return self.para_of_line[self._line(pos)]

    def _line_end(self, pos: int) -> int:
        k = self._line(pos) + 1
        return self.line_starts[k] - 1 if k < len(self.line_starts) else self.n

    def _opening_like(self, i: int) -> bool:
        t = self.text
        before_ok = i == 0 or t[i - 1].isspace() or t[i - 1] in OPEN_AFTER
        return before_ok and i + 1 < self.n and not t[i + 1].isspace()

    def _scan(self) -> list[Piece]:
        t = self.text
        # A text with no double quote mark at all quotes with single ones (some British styles).
        single = MARK_RE.search(t) is None and SINGLE_OPEN_RE.search(t) is not None
        marks = SINGLE_RE if single else MARK_RE
        opener = "\u2018" if single else "\u201c"
        pieces: list[Piece] = []
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
                pieces.append(Piece(start - 1, close, closed, a, b, ch))

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
                    if self._quote_paragraph(open_at, open_end):
                        add(open_at + 1, open_end, open_end, False, link if link >= 0 else chain)
                        chain += 1
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
        if open_at >= 0 and self._quote_paragraph(open_at, open_end):
            add(open_at + 1, open_end, open_end, False, link if link >= 0 else chain)
        return pieces

    def _with_single_quoted(self, pieces: list[Piece]) -> list[Piece]:
        """Curly single quotation marks outside any double-quoted passage, as British headlines quote
        ("Beijing \u2018gravely concerned\u2019 by ..."): \u2018 only ever opens (an apostrophe is \u2019), and
        the pair must close on the same line before a non-letter. Whether such a passage is a quotation is
        decided like any other (a short one needs a cue that names its speaker)."""
        t = self.text
        if "\u2018" not in t:
            return pieces
        inside = [(p.open, p.close) for p in pieces]
        chain = max((p.chain for p in pieces), default=-1) + 1
        found: list[Piece] = []
        for m in SINGLE_PAIR_RE.finditer(t):
            k = bisect.bisect_right(inside, (m.start(), self.n)) - 1
            if k >= 0 and inside[k][0] < m.start() <= inside[k][1]:
                continue  # a quotation inside a quotation: part of the outer one
            a, b = m.start(1), m.end(1)
            while b > a and (t[b - 1].isspace() or t[b - 1] == ","):
                b -= 1
            if b > a:
                found.append(Piece(m.start(), m.end() - 1, True, a, b, chain))
                chain += 1
        return sorted(pieces + found, key=lambda p: p.open) if found else pieces

    def _quote_paragraph(self, open_at: int, end: int) -> bool:
        """A quotation that opens its paragraph and runs to its end without a closing mark, when what follows
        is no quote paragraph ("READ MORE: ..."): a whole quoted paragraph that lost its closing mark, kept
        when it ends a sentence, has six words or more and the next line does not go on in lower case (a
        hard-wrapped line)."""
        t = self.text
        line_start = self.line_starts[self._line(open_at)]
        lead = t[line_start:open_at].strip()
        if lead and not lead.endswith(":"):
            return False
        body = t[open_at + 1:end].rstrip()
        if body[-1:] not in (".", "!", "?", "\u2026") or len(body.split()) < 6:
            return False
        rest = t[end:end + 200].lstrip()
        return not rest[:1].islower()

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
        masked = "".join(parts)
        # Photo captions and a dateline ("WASHINGTON (Reuters) - ") are no part of any sentence's subject.
        blanks = [(m.start(), m.end()) for m in DATELINE_RE.finditer(masked)]
        for k in self.captions:
            end = self.line_starts[k + 1] - 1 if k + 1 < len(self.line_starts) else self.n
            blanks.append((self.line_starts[k], end))
        if blanks:
            pieces: list[str] = []
            last = 0
            for a, b in sorted(blanks):
                a = max(a, last)
                if b > a:
                    pieces.append(masked[last:a])
                    pieces.append(" " * (b - a))
                    last = b
            pieces.append(masked[last:])
            masked = "".join(pieces)
        return masked

    def _boundaries(self) -> list[int]:
        s = self.masked
        bounds = set(self.line_starts)
        for m in BOUNDARY_RE.finditer(s):
            i = m.start()
            j = i
            while j > 0 and i - j < 16 and not s[j - 1].isspace():
                j -= 1
            if s[i] == "." and ABBREV_RE.fullmatch(s[j:i].lstrip("(\"'\u201c\u2018")):
                continue
            bounds.add(m.end())
        return sorted(bounds)

    def _sentence_start(self, pos: int) -> int:
        """Start of the sentence holding pos (at most 400 characters back, to keep the work linear)."""
        return max(self.bounds[bisect.bisect_right(self.bounds, pos) - 1], pos - 400)

    def _at_start(self, sent_start: int, pos: int) -> bool:
        return not self.masked[sent_start:pos].strip(" \t\"'\u201c\u201d")

    def _next_bound(self, pos: int) -> int:
        k = bisect.bisect_right(self.bounds, pos)
        return self.bounds[k] if k < len(self.bounds) else self.n

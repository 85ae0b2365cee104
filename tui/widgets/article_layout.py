"""Where an article's rows fall, worked out only for the part being looked at.

An article can be anything the importer accepts (2 MB of one paragraph, or a million short lines).
Wrapping all of it before the first frame took seconds and hundreds of MB, so the text is cut into
chunks of about CHUNK characters: each chunk's height is estimated from counts done in C, and its
rows are wrapped only when something needs them, and a few wrapped chunks are kept (KEEP). Rows
are (start, end) offsets into the article, so marks and a cursor are plain character offsets.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable
from itertools import accumulate

from rich.cells import cell_len
from techstance.tui.visible import visible

CHUNK = 8192
KEEP = 12
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TOKEN = re.compile(r"\s*\S+\s*|\s+")


def shown(piece: str) -> str:
    """A piece of article as drawn: controls as visible escapes, a tab as one space (so a tab
    never moves the terminal's cursor, and offsets still map one to one onto what is drawn)."""
    return visible(piece).replace("\t", " ")


def width_of(piece: str) -> int:
    return len(piece) if piece.isascii() and piece.isprintable() else cell_len(shown(piece))


def chunk_starts(text: str) -> list[int]:
    """Chunk boundaries: after a newline near each CHUNK mark, else after a space, else a hard cut,
    so one enormous paragraph is still cut into bounded pieces."""
    starts = [0]
    n = len(text)
    pos = 0
    while pos + CHUNK < n:
        mark = pos + CHUNK
        cut = text.find("\n", mark, mark + CHUNK)
        if cut < 0:
            cut = text.rfind(" ", pos + CHUNK // 2, mark)
        cut = cut + 1 if cut >= 0 else mark
        if cut >= n:
            break
        starts.append(cut)
        pos = cut
    starts.append(n)
    return starts


def _line_end(text: str, start: int, newline: int) -> int:
    """Where the line ending at `newline` stops showing: before a CR that makes it a CRLF ending
    (an article saved on Windows), which is layout, not a character to show as an escape."""
    return newline - 1 if newline > start and text[newline - 1] == "\r" else newline


class ArticleLayout:
    """Rows of one article at one wrap width: estimated everywhere, exact where looked at."""

    def __init__(self, text: str, width: int,
                 on_wrap: Callable[[int, int, int], None] | None = None) -> None:
        """`on_wrap(index, old_end_row, change)` is told when a chunk's estimate is replaced."""
        self.text = text
        self.on_wrap = on_wrap
        self.width = max(1, width)
        self.starts = chunk_starts(text)
        self.heights = [self._estimate(i) for i in range(len(self.starts) - 1)]
        self.exact = [False] * len(self.heights)
        self.wrapped: OrderedDict[int, array[int]] = OrderedDict()
        self.tops = [0, *accumulate(self.heights)]

    @property
    def height(self) -> int:
        return self.tops[-1]

    def rows_held(self) -> int:
        """How many rows are wrapped and held now: bounded by KEEP chunks, whatever the article."""
        return sum(len(rows) for rows in self.wrapped.values())

    def _is_last(self, index: int) -> bool:
        return index == len(self.starts) - 2

    def _estimate(self, index: int) -> int:
        a, b = self.starts[index], self.starts[index + 1]
        newlines = self.text.count("\n", a, b)
        lines = newlines + (1 if self._is_last(index) or not self.text.endswith("\n", a, b) else 0)
        return max(1, lines + max(0, b - a - newlines) // (self.width + 1))

    def _wrap(self, index: int) -> array[int]:
        """Row starts of one chunk, greedy word wrap; a word wider than a row is cut by character."""
        text = self.text
        a, b = self.starts[index], self.starts[index + 1]
        rows: array[int] = array("q")
        pos = a
        while True:
            end = text.find("\n", pos, b)
            if end < 0:
                # What follows the last newline is a line too; in the last chunk even when empty
                # (an article ending with a newline has an empty last line, as split("\n") says).
                if pos < b or self._is_last(index):
                    rows.append(pos)
                    self._wrap_line(text[pos:b], pos, rows)
                break
            rows.append(pos)
            self._wrap_line(text[pos:_line_end(text, pos, end)], pos, rows)
            pos = end + 1
        return rows

    def _wrap_line(self, line: str, base: int, rows: array[int]) -> None:
        width = self.width
        if len(line) <= width and line.isascii() and line.isprintable():
            return  # the common case, decided without measuring
        if width_of(line) <= width:
            return
        col = 0
        for token in _TOKEN.finditer(line):
            word = token.group()
            core = word.rstrip()
            w = width_of(core)
            if col and col + w > width:
                rows.append(base + token.start())
                col = 0
            if w > width:  # cut a too-long word by character
                at = token.start()
                for i, ch in enumerate(core):
                    cw = width_of(ch)
                    if col and col + cw > width:
                        rows.append(base + at + i)
                        col = 0
                    col += cw
            else:
                col += w
            col += width_of(word[len(core):])

    def rows_of(self, index: int) -> tuple[array[int], int, int]:
        """A chunk's row starts (wrapping it now if needed), its first row and the height change."""
        rows = self.wrapped.get(index)
        change = 0
        if rows is None:
            rows = self._wrap(index)
            self.wrapped[index] = rows
            if len(self.wrapped) > KEEP:
                self.wrapped.popitem(last=False)
            if not self.exact[index]:
                change = len(rows) - self.heights[index]
                old_end = self.tops[index + 1]
                self.heights[index] = len(rows)
                self.exact[index] = True
                if change:
                    self.tops = [0, *accumulate(self.heights)]
                    if self.on_wrap is not None:
                        self.on_wrap(index, old_end, change)
        else:
            self.wrapped.move_to_end(index)
        return rows, self.tops[index], change

    def chunk_of_row(self, row: int) -> int:
        return max(0, min(len(self.heights) - 1, bisect_right(self.tops, row) - 1))

    def chunk_of_offset(self, offset: int) -> int:
        return max(0, min(len(self.heights) - 1, bisect_right(self.starts, offset) - 1))

    def span_of_row(self, row: int) -> tuple[int, int] | None:
        """The article offsets one row shows, end excluded (a row never shows its newline)."""
        index = self.chunk_of_row(row)
        rows, top, _ = self.rows_of(index)
        i = row - self.tops[index]
        if not 0 <= i < len(rows):
            return None
        start = rows[i]
        nxt = rows[i + 1] if i + 1 < len(rows) else self.starts[index + 1]
        newline = self.text.find("\n", start, nxt)
        return start, (_line_end(self.text, start, newline) if newline >= 0 else nxt)

    def row_of_offset(self, offset: int) -> int:
        offset = max(0, min(offset, len(self.text)))
        index = self.chunk_of_offset(offset)
        rows, _, _ = self.rows_of(index)
        return self.tops[index] + max(0, bisect_right(rows, offset) - 1)

"""Search results drawn line by line: each result is two rows (who or what, then the matched
excerpt), cut to the width with an ellipsis, built only for the rows on screen.

Why not an OptionList: it measures every option by wrapping its text when options are added and
renders each through Content on first draw; with 32 results that took 6-10 ms, and drawing them
about as much again, of the 50 ms a keystroke may take at full scale. Here a new result set costs
a list of tuples (about 1 ms), and a frame one Strip per visible row, cached until the results,
width, theme, focus or scroll position change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from techstance.db.store.read_models import SearchHit
from techstance.db.store.reads import MATCH_END, MATCH_START
from techstance.tui.visible import visible
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

ELLIPSIS = "…"
# Drawn in the rows, not by Textual's ScrollBar widget: that one re-rendered with every result
# set and every keystroke's repaint, 2-3 ms each, about 6 ms of a search's 32 (docs/benchmarks.md).
THUMB = " ▐"
THUMB_WIDTH = len(THUMB)

# A row on screen: a group title, or one of the two rows of a hit (its index in `hits`).
HEADER, LABEL, EXCERPT = "header", "label", "excerpt"


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultGroup:
    """One kind of result under its title, e.g. "Quotes (12)"."""

    title: str
    hits: Sequence[SearchHit]


def one_line(text: str) -> str:
    """Source text for a single row: controls made visible, line breaks and tabs as spaces."""
    return visible(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " "))


def excerpt_pieces(snippet: str) -> tuple[tuple[str, bool], ...]:
    """A snippet as (text, is_match) pieces; the match markers come from the query module."""
    pieces: list[tuple[str, bool]] = []
    inside = False
    for piece in snippet.replace(MATCH_END, MATCH_START).split(MATCH_START):
        if piece:
            pieces.append((one_line(piece), inside))
        inside = not inside
    return tuple(pieces)


_JSON_ESCAPE = re.compile(r'\\(u[0-9a-fA-F]{4}|["\\/])')


def conditions_as_text(snippet: str) -> str:
    """A decision's conditions are stored as a JSON array, and a match in them came back as
    `["excluded from the core", "at most 35%…`: shown as `excluded from the core; at most 35%…`.
    Cut at both ends by the snippet, so read as text, not parsed."""
    body = snippet.lstrip("…").lstrip(MATCH_START)
    if not (body.startswith('["') or '", "' in snippet or snippet.rstrip(MATCH_END).endswith('"]')):
        return snippet  # a match in the summary
    text = snippet.replace('["', "", 1) if body.startswith('["') else snippet
    text = text.replace('", "', "; ").replace(MATCH_END + '", "', MATCH_END + "; ")
    text = text.removesuffix('"]').replace('"]' + MATCH_END, MATCH_END)

    def unescape(match: re.Match[str]) -> str:
        code = match.group(1)
        return chr(int(code[1:], 16)) if code.startswith("u") else code

    return _JSON_ESCAPE.sub(unescape, text)


def _match_in_view(segments: list[Segment], pieces: tuple[tuple[str, bool], ...], width: int,
                   style: Style) -> list[Segment]:
    """The excerpt's start cut off (with a leading "…") when its first match would end past the
    width: the match is what the row is for."""
    before = 0
    for text, is_match in pieces:
        if is_match:
            if before + cell_len(text) < width - 1:
                return segments
            cut = before + cell_len(text) - width * 3 // 4  # the match ends three quarters along
            if cut <= 0:
                return segments
            total = sum(cell_len(segment.text) for segment in segments)
            kept = list(Segment.divide(segments, [cut, total]))[1]
            return [Segment(ELLIPSIS, style), *kept]
        before += cell_len(text)
    return segments


class ResultList(ScrollView, can_focus=True):
    """Grouped search hits; Enter or a click posts `ResultList.Selected` with the hit.

    Styled by its component classes in the stylesheet of the screen that uses it (search.tcss).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "result-list--header",
        "result-list--label",
        "result-list--muted",
        "result-list--match",
        "result-list--highlight",
        "result-list--hover",
        "result-list--thumb",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", "Next result", show=False),
        Binding("up,k", "move(-1)", "Previous result", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home,g", "to(0)", "First result", show=False),
        Binding("end,G", "to(-1)", "Last result", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    highlighted: reactive[int | None] = reactive(None, always_update=True)
    _hover: reactive[int | None] = reactive(None)

    class Selected(Message):
        """A hit was chosen (Enter or click)."""

        def __init__(self, result_list: ResultList, hit: SearchHit) -> None:
            super().__init__()
            self.result_list = result_list
            self.hit = hit

        @property
        def control(self) -> ResultList:
            return self.result_list

    class LeftTop(Message):
        """Up was pressed on the first hit: the screen may move focus back to its input."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.hits: list[SearchHit] = []
        self._rows: list[tuple[str, int]] = []  # (HEADER, group) or (LABEL | EXCERPT, hit)
        self._titles: list[str] = []
        self._first_row: list[int] = []  # the LABEL row of each hit
        self._excerpts: list[tuple[tuple[str, bool], ...]] = []
        self._strips: dict[tuple[int, int, Style, bool], Strip] = {}  # (row, width, style, thumb)
        self._palettes: dict[tuple[str, ...], tuple[Style, Style, Style, Style]] = {}
        # Of the frame being drawn: text width, scroll position, and the rows the thumb covers.
        self._frame: tuple[int, int, range] = (0, 0, range(0))
        self._thumb_style = self._base_style = Style()

    # ----- content -----
    def show(self, groups: Sequence[ResultGroup]) -> None:
        """Replace the results; the first hit is highlighted and scrolled into view."""
        self.hits, self._rows, self._titles, self._first_row, self._excerpts = [], [], [], [], []
        self._strips.clear()
        for group_index, group in enumerate(groups):
            self._titles.append(one_line(group.title))
            self._rows.append((HEADER, group_index))
            for hit in group.hits:
                index = len(self.hits)
                self.hits.append(hit)
                self._first_row.append(len(self._rows))
                self._rows += [(LABEL, index), (EXCERPT, index)]
                self._excerpts.append(())  # parsed when first drawn: most hits never are
        self._hover = None
        self.virtual_size = Size(0, len(self._rows))
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.highlighted = 0 if self.hits else None
        self.refresh()

    @property
    def highlighted_hit(self) -> SearchHit | None:
        return self.hits[self.highlighted] if self.highlighted is not None else None

    # ----- drawing -----
    def notify_style_update(self) -> None:
        self._strips.clear()  # a theme change: every cached row has old colours
        super().notify_style_update()

    def _on_resize(self) -> None:
        self._strips.clear()

    def _row_classes(self, row: tuple[str, int]) -> tuple[str, ...]:
        kind, index = row
        if kind == HEADER:
            return ("result-list--header",)
        if index == self.highlighted:
            return ("result-list--highlight",)
        if index == self._hover:
            return ("result-list--hover",)
        return ()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Looked up once a frame, not once a row: each lookup walks styles and reactives.
        region = self.scrollable_content_region
        self._frame = (region.width - THUMB_WIDTH, self.scroll_offset.y, self._thumb_rows(region.height))
        self._palettes.clear()
        self._base_style = self.get_visual_style().rich_style
        self._thumb_style = self.get_visual_style("result-list--thumb").rich_style
        return super().render_lines(crop)

    def _palette(self, classes: tuple[str, ...]) -> tuple[Style, Style, Style, Style]:
        """The row, label, muted and match styles for a row drawn with these classes."""
        if (palette := self._palettes.get(classes)) is None:
            row = self.get_visual_style(*classes).rich_style
            # Textual's visual styles drop `reverse`: the match style's own text style is added.
            match = row + self.get_component_rich_style("result-list--match", partial=True)
            palette = (row, self.get_visual_style(*classes, "result-list--label").rich_style,
                       self.get_visual_style(*classes, "result-list--muted").rich_style, match)
            self._palettes[classes] = palette
        return palette

    def _thumb_rows(self, height: int) -> range:
        """The screen rows of the scroll thumb; none when every row fits."""
        total = len(self._rows)
        if total <= height or height <= 0:
            return range(0)
        size = max(1, round(height * height / total))
        top = round(self.scroll_offset.y * (height - size) / (total - height))
        return range(top, top + size)

    def render_line(self, y: int) -> Strip:
        width, scroll_y, thumb = self._frame
        number = scroll_y + y
        on_thumb = y in thumb
        if not 0 <= number < len(self._rows) or width <= 0:
            return self._with_thumb([], max(width, 0), self._base_style, on_thumb)
        row = self._rows[number]
        palette = self._palette(self._row_classes(row))
        key = (number, width, palette[0], on_thumb)
        if (strip := self._strips.get(key)) is None:
            strip = self._build(row, palette, width, on_thumb)
            self._strips[key] = strip
        return strip

    def _with_thumb(self, segments: list[Segment], width: int, style: Style, on_thumb: bool) -> Strip:
        """The row's segments padded to the text width, then the scroll column."""
        length = sum(cell_len(segment.text) for segment in segments)
        if length < width:
            segments.append(Segment(" " * (width - length), style))
        segments.append(Segment(THUMB if on_thumb else " " * THUMB_WIDTH,
                                self._thumb_style if on_thumb else self._base_style))
        return Strip(segments, width + THUMB_WIDTH)

    def _build(self, row: tuple[str, int], palette: tuple[Style, Style, Style, Style], width: int,
               on_thumb: bool) -> Strip:
        kind, index = row
        row_style, label_style, muted_style, match_style = palette
        if kind == HEADER:
            segments = [Segment(self._titles[index], row_style)]
        elif kind == LABEL:
            hit = self.hits[index]
            segments = [Segment(one_line(hit.label), label_style)]
            # A decision's label starts with its country's name already.
            place = hit.country_name or hit.country
            if place and hit.kind != "decision":
                segments.append(Segment(f" · {one_line(place)}", muted_style))
        else:
            if not self._excerpts[index]:
                hit = self.hits[index]
                decision = hit.kind == "decision" and hit.damage is None
                snippet = conditions_as_text(hit.snippet) if decision else hit.snippet
                self._excerpts[index] = excerpt_pieces(snippet)
            pieces = self._excerpts[index]
            segments = [Segment(text, match_style if is_match else row_style) for text, is_match in pieces]
            segments = _match_in_view(segments, pieces, width, row_style)
        # One Strip per row, cut and padded as segments: each Strip operation builds a new Strip.
        length = sum(cell_len(segment.text) for segment in segments)
        if length > width:
            segments = Segment.adjust_line_length(segments, width - 1, row_style, pad=False)
            segments.append(Segment(ELLIPSIS, row_style))
        return self._with_thumb(segments, width, row_style, on_thumb)

    def _refresh_hit(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self._first_row):
            self.refresh_lines(self._first_row[index], 2)

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        self._refresh_hit(old)
        self._refresh_hit(new)
        if new is not None and self.is_mounted:
            first = self._first_row[new]
            # The group title stays in view above the first hit of a group.
            top = first - 1 if first and self._rows[first - 1][0] == HEADER else first
            self.scroll_to_region(Region(0, top, 1, first + 2 - top),
                                  animate=False, immediate=True, force=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._hover = None  # the row under the mouse is another one now

    def watch__hover(self, old: int | None, new: int | None) -> None:
        self._refresh_hit(old)
        self._refresh_hit(new)

    # ----- keys and mouse -----
    def action_move(self, step: int) -> None:
        if self.highlighted is None:
            return
        if step < 0 and self.highlighted == 0:
            self.post_message(self.LeftTop())
            return
        self.highlighted = max(0, min(len(self.hits) - 1, self.highlighted + step))

    def action_page(self, direction: int) -> None:
        if self.highlighted is not None:
            per_page = max(1, self.scrollable_content_region.height // 2)
            self.highlighted = max(0, min(len(self.hits) - 1, self.highlighted + direction * per_page))

    def action_to(self, index: int) -> None:
        if self.hits:
            self.highlighted = index % len(self.hits)

    def action_select(self) -> None:
        # A damaged record is shown, not opened: its key is a placeholder.
        if (hit := self.highlighted_hit) is not None and hit.damage is None:
            self.post_message(self.Selected(self, hit))

    def _hit_at(self, event: events.MouseEvent) -> int | None:
        """The hit under the mouse; None on a group title, past the rows or in the scroll column."""
        offset = event.get_content_offset(self)
        if offset is None or self._in_scroll_column(offset.x):
            return None
        number = offset.y + self.scroll_offset.y
        if 0 <= number < len(self._rows) and self._rows[number][0] != HEADER:
            return self._rows[number][1]
        return None

    def _in_scroll_column(self, x: int) -> bool:
        return x >= self.scrollable_content_region.width - THUMB_WIDTH

    async def _on_click(self, event: events.Click) -> None:
        if (index := self._hit_at(event)) is not None:
            self.highlighted = index
            self.action_select()
            return
        offset = event.get_content_offset(self)
        if offset is not None and self._in_scroll_column(offset.x):
            # The list jumps there, as on a scroll bar's track.
            fraction = offset.y / max(1, self.scrollable_content_region.height - 1)
            self.scroll_to(y=round(fraction * self.max_scroll_y), animate=False)

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover = self._hit_at(event)

    def _on_leave(self, _: events.Leave) -> None:
        self._hover = None

"""An article's text with its cited spans marked, a cursor and a selection: shared by the source
reader and the review screen.

Drawn with Textual's Line API: only the rows on screen are made, and rows are wrapped only for the
chunks being looked at (`ArticleLayout`), so opening or scrolling costs the same for a 2 MB article
as for a short one. Text is drawn literally: pieces become Rich segments, never markup, and control
characters are shown as visible escapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from techstance.db.store.read_models import Excerpt
from techstance.tui.widgets.article_layout import KEEP, ArticleLayout, shown, width_of
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

MAX_WIDTH = 100  # a comfortable line to read, as the paragraphs had
GUTTER = 2  # a bar beside the rows of the current excerpt, and a space
_WORD = re.compile(r"\w+|[^\w\s]+")


@dataclass(frozen=True)
class Marks:
    excerpts: tuple[Excerpt, ...] = ()
    current: Excerpt | None = None


class ArticleView(ScrollView, can_focus=True):
    """The article; with `selectable`, a cursor moves by character, word and row and extends a
    selection (shift+arrows, or `v` to start one as in vim)."""

    ALLOW_SELECT = False  # our own mouse selection gives offsets the editing actions can cite
    COMPONENT_CLASSES = {"article--cited", "article--current", "article--selection", "article--cursor",
                         "article--gutter"}
    DEFAULT_CSS = """
    ArticleView { background: $surface; padding: 1 2; }
    ArticleView > .article--cited { text-style: underline; }
    ArticleView > .article--current { text-style: bold reverse; }
    ArticleView > .article--selection { background: $accent 50%; text-style: bold; }
    ArticleView > .article--cursor { background: $accent; color: $background; }
    ArticleView > .article--gutter { background: $accent; }
    """
    BINDINGS = [
        Binding("left,h", "cursor_left", "Cursor left", show=False),
        Binding("right,l", "cursor_right", "Cursor right", show=False),
        Binding("up,k", "cursor_up", "Cursor up", show=False),
        Binding("down,j", "cursor_down", "Cursor down", show=False),
        Binding("w", "word_right", "Next word", show=False),
        Binding("b", "word_left", "Previous word", show=False),
        Binding("home,0", "line_start", "Start of row", show=False),
        Binding("end,dollar_sign", "line_end", "End of row", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("g", "article_start", "Start of article", show=False),
        Binding("G", "article_end", "End of article", show=False),
        Binding("shift+left", "select_left", "Extend selection left", show=False),
        Binding("shift+right", "select_right", "Extend selection right", show=False),
        Binding("shift+up", "select_up", "Extend selection up", show=False),
        Binding("shift+down", "select_down", "Extend selection down", show=False),
        Binding("v", "toggle_selection", "Start or drop a selection", show=False),
        Binding("y,ctrl+c", "copy_selection", "Copy selection", show=False),
    ]

    cursor: reactive[int] = reactive(0, layout=False, init=False)

    class SelectionChanged(Message):
        def __init__(self, article: ArticleView) -> None:
            super().__init__()
            self.article = article

    def __init__(self, *, selectable: bool = False, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.selectable = selectable
        self.text = ""
        self.marks = Marks()
        self.selection_anchor: int | None = None  # where a selection started; None: no selection
        self.visual = False  # `v` pressed: plain moves extend the selection
        self._layout: ArticleLayout | None = None
        self._want_offset: int | None = None  # shown once the widget knows its width
        self._dragging = False
        self.border_title = "Article"  # names its keys' section in help; drawn only with a border

    CURSOR_ONLY = frozenset({"cursor_left", "cursor_right", "word_right", "word_left", "line_start", "line_end",
                             "select_left", "select_right", "select_up", "select_down", "toggle_selection",
                             "copy_selection"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without a cursor (the kiosk, review) the keys that only move it are not offered at all.
        return self.selectable or action not in self.CURSOR_ONLY

    # ----- content -----
    def load(self, text: str) -> None:
        """A new article: rows are worked out lazily, so this costs the same for any length."""
        self.text = text
        self.selection_anchor = None
        self.visual = False
        self.set_reactive(ArticleView.cursor, 0)
        self._layout = None
        self._relayout()
        self.scroll_to(0, 0, animate=False, immediate=True, force=True)
        self.refresh()

    def mark(self, excerpts: list[Excerpt], current: Excerpt | None) -> None:
        self.marks = Marks(tuple(excerpts), current)
        self.refresh()

    @property
    def wrap_width(self) -> int:
        return max(8, min(MAX_WIDTH, self.scrollable_content_region.width - GUTTER - 1))

    @property
    def layout_rows(self) -> ArticleLayout:
        if self._layout is None:
            self._relayout()
        assert self._layout is not None
        return self._layout

    def _relayout(self) -> None:
        self._layout = ArticleLayout(self.text, self.wrap_width, on_wrap=self._chunk_wrapped)
        self.virtual_size = Size(self.wrap_width + GUTTER, self._layout.height)

    def on_resize(self, event: events.Resize) -> None:
        if self._layout is not None and self._layout.width == self.wrap_width:
            return
        top = self._offset_at_top()
        self._relayout()
        self.show_offset(self._want_offset if self._want_offset is not None else top, center=False)

    def _offset_at_top(self) -> int:
        if self._layout is None or not self.text:
            return 0
        span = self._layout.span_of_row(self.scroll_offset.y)
        return span[0] if span else 0

    # ----- selection -----
    def selection(self) -> tuple[int, int] | None:
        """The selected span (start, end) in article offsets, or None."""
        if self.selection_anchor is None or self.selection_anchor == self.cursor:
            return None
        return min(self.selection_anchor, self.cursor), max(self.selection_anchor, self.cursor)

    def select(self, start: int, end: int) -> None:
        self.visual = False
        self.selection_anchor = start
        self.cursor = end
        self.show_offset(start)
        self.post_message(self.SelectionChanged(self))

    def place_cursor(self, offset: int) -> None:
        """Put the cursor at `offset` with no selection (the reader does this at each excerpt)."""
        self.visual = False
        self.selection_anchor = None
        self.set_reactive(ArticleView.cursor, max(0, min(len(self.text), offset)))
        self.refresh()

    def clear_selection(self) -> None:
        self.visual = False
        if self.selection_anchor is not None:
            self.selection_anchor = None
            self.refresh()
            self.post_message(self.SelectionChanged(self))

    def watch_cursor(self) -> None:
        self.refresh()

    # ----- scrolling to an offset -----
    def show_offset(self, offset: int, *, center: bool = True) -> None:
        """Scroll so the row holding `offset` is in view (centred when asked)."""
        if not self.size.height:
            self._want_offset = offset
            return
        self._want_offset = None
        layout = self.layout_rows
        row = layout.row_of_offset(offset)
        self._sync_height()
        height = self.scrollable_content_region.height
        if center:
            self.scroll_to(y=max(0, row - height // 2), animate=False, immediate=True, force=True)
        elif row < self.scroll_offset.y:
            self.scroll_to(y=row, animate=False, immediate=True, force=True)
        elif row >= self.scroll_offset.y + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True, force=True)
        self.refresh()

    def _sync_height(self) -> None:
        layout = self.layout_rows
        if self.virtual_size.height != layout.height:
            self.virtual_size = Size(self.wrap_width + GUTTER, layout.height)

    # ----- drawing -----
    def render_lines(self, crop: Region) -> list[Strip]:
        self._wrap_window()
        return super().render_lines(crop)

    def _wrap_window(self) -> None:
        """Wrap the chunks on screen before drawing (each at most once: at most a few chunks)."""
        if self._want_offset is not None and self.size.height:
            self.show_offset(self._want_offset)
        layout = self.layout_rows
        for _ in range(2 * KEEP):
            top = self.scroll_offset.y
            first = layout.chunk_of_row(top)
            last = layout.chunk_of_row(top + self.size.height)
            pending = [i for i in range(first, last + 1) if i not in layout.wrapped]
            if not pending:
                break
            layout.rows_of(pending[0])  # may move the window (_chunk_wrapped): look again
        self._sync_height()

    def _chunk_wrapped(self, index: int, old_end: int, change: int) -> None:
        """A chunk's estimated height became its real one. When it starts above the top row, the
        rows above the window changed: the scroll position follows, so the same text stays in view
        (a chunk wholly above moves it by the change; the chunk holding the top row keeps the
        distance from the top row to the chunk's end, which is where one scrolls up into it from)."""
        layout = self.layout_rows
        top = self.scroll_offset.y
        if layout.tops[index] >= top:
            self._sync_height()
            return
        new_top = top + change if old_end <= top else max(layout.tops[index], layout.tops[index + 1] - (old_end - top))
        self._sync_height()
        self.set_reactive(ScrollView.scroll_y, float(max(0, new_top)))
        self.set_reactive(ScrollView.scroll_target_y, float(max(0, new_top)))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        base = self.rich_style
        width = self.scrollable_content_region.width
        layout = self.layout_rows
        if row >= layout.height:
            return Strip.blank(width, base)
        parts = self.row_parts(row)
        span = layout.span_of_row(row)
        current = self.marks.current
        in_current = (span is not None and current is not None
                      and current.start <= span[1] and current.end > span[0])
        # A bar of colour, not a glyph: copying or reading the text finds only the article's words.
        segments = [Segment(" ", base + self.get_component_rich_style("article--gutter")) if in_current
                    else Segment(" ", base), Segment(" ", base)]
        styles: dict[str, Style] = {}
        for piece, role in parts:
            if role and role not in styles:
                styles[role] = base + self.get_component_rich_style(f"article--{role}")
            segments.append(Segment(piece, styles[role] if role else base))
        return Strip(segments).crop(0, width).extend_cell_length(width, base)

    def row_parts(self, row: int) -> list[tuple[str, str]]:
        """One row as (text drawn, role) pieces; role is '', 'cited', 'current', 'selection' or
        'cursor'. Pieces are cut at every mark first and made visible each on its own, so an escape
        shown as `\\x1b` never shifts the marks after it."""
        span = self.layout_rows.span_of_row(row)
        if span is None:
            return []
        start, end = span
        current = self.marks.current
        selection = self.selection()
        show_cursor = self.selectable and self.has_focus
        cuts = {start, end}
        marks = [ex for ex in self.marks.excerpts if ex.start < end and ex.end > start]
        if current is not None:
            marks.append(current)
        for a, b in [(ex.start, ex.end) for ex in marks] + ([selection] if selection else []):
            cuts.update(p for p in (a, b) if start < p < end)
        if show_cursor and start <= self.cursor < end:
            cuts.update(p for p in (self.cursor, self.cursor + 1) if start < p < end)
        points = sorted(cuts)
        parts: list[tuple[str, str]] = []
        for a, b in zip(points, points[1:], strict=False):
            role = ""
            if show_cursor and a == self.cursor:
                role = "cursor"
            elif selection is not None and selection[0] <= a and b <= selection[1]:
                role = "selection"
            elif current is not None and current.start <= a and b <= current.end:
                role = "current"
            elif any(ex.start <= a and b <= ex.end for ex in marks):
                role = "cited"
            parts.append((shown(self.text[a:b]), role))
        if show_cursor and self.cursor == end and self._cursor_row() == row:
            parts.append((" ", "cursor"))  # the cursor on a newline or at the very end
        return parts

    def drawn_text(self) -> str:
        """Every row as drawn, one per line: what a reader scrolling through would read. Its cost
        grows with the article, so it is for checks and tests, never for drawing."""
        return "\n".join("".join(text for text, _ in self.row_parts(row)) for row in range(self.layout_rows.height))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # ----- the cursor -----
    def _cursor_row(self) -> int:
        return self.layout_rows.row_of_offset(self.cursor)

    def _column(self, row: int, offset: int) -> int:
        span = self.layout_rows.span_of_row(row)
        return 0 if span is None else width_of(self.text[span[0]:max(span[0], min(offset, span[1]))])

    def _offset_in_row(self, row: int, column: int) -> int:
        layout = self.layout_rows
        row = max(0, min(row, layout.height - 1))
        span = layout.span_of_row(row)
        if span is None:
            return self.cursor
        col = 0
        for i in range(span[0], span[1]):
            col += width_of(self.text[i])
            if col > column:
                return i
        return span[1]

    def _move(self, offset: int, extend: bool) -> None:
        if not self.selectable:
            return
        had = self.selection()
        if extend and self.selection_anchor is None:
            self.selection_anchor = self.cursor
        elif not extend:
            self.selection_anchor = None  # a plain move drops a selection made with shift
        self.cursor = max(0, min(len(self.text), offset))
        self.show_offset(self.cursor, center=False)
        if had != self.selection():
            self.post_message(self.SelectionChanged(self))

    def _vertical(self, rows: int, extend: bool = False) -> None:
        layout = self.layout_rows
        for _ in range(3):  # wrap the target's chunk first: its real height moves the rows after it
            target = max(0, min(layout.height - 1, self._cursor_row() + rows))
            if layout.chunk_of_row(target) in layout.wrapped:
                break
            layout.rows_of(layout.chunk_of_row(target))
        row = self._cursor_row()
        self._move(self._offset_in_row(row + rows, self._column(row, self.cursor)), extend)

    def _extending(self) -> bool:
        return self.visual  # after `v`, plain moves extend, as in vim's visual mode

    def action_cursor_left(self) -> None:
        self._move(self.cursor - 1, self._extending())

    def action_cursor_right(self) -> None:
        self._move(self.cursor + 1, self._extending())

    def action_cursor_up(self) -> None:
        if not self.selectable:
            self.scroll_up(animate=False)
            return
        self._vertical(-1, self._extending())

    def action_cursor_down(self) -> None:
        if not self.selectable:
            self.scroll_down(animate=False)
            return
        self._vertical(1, self._extending())

    def action_page_up(self) -> None:
        if not self.selectable:
            self.scroll_page_up(animate=False)
            return
        self._vertical(-max(1, self.scrollable_content_region.height - 1), self._extending())

    def action_page_down(self) -> None:
        if not self.selectable:
            self.scroll_page_down(animate=False)
            return
        self._vertical(max(1, self.scrollable_content_region.height - 1), self._extending())

    def action_word_right(self) -> None:
        found = _WORD.search(self.text, self.cursor + 1, min(len(self.text), self.cursor + 10_000))
        here = _WORD.match(self.text, self.cursor)
        if here is not None and here.end() > self.cursor:
            found = _WORD.search(self.text, here.end(), min(len(self.text), here.end() + 10_000))
        self._move(found.start() if found else len(self.text), self._extending())

    def action_word_left(self) -> None:
        window = self.text[max(0, self.cursor - 10_000):self.cursor]
        starts = [m.start() for m in _WORD.finditer(window)]
        self._move(self.cursor - len(window) + starts[-1] if starts else 0, self._extending())

    def action_line_start(self) -> None:
        span = self.layout_rows.span_of_row(self._cursor_row())
        self._move(span[0] if span else 0, self._extending())

    def action_line_end(self) -> None:
        span = self.layout_rows.span_of_row(self._cursor_row())
        self._move(span[1] if span else 0, self._extending())

    def action_article_start(self) -> None:
        if not self.selectable:
            self.scroll_home(animate=False)
            return
        self._move(0, self._extending())

    def action_article_end(self) -> None:
        if not self.selectable:
            self.scroll_end(animate=False)
            return
        self._move(len(self.text), self._extending())

    def action_select_left(self) -> None:
        self._move(self.cursor - 1, True)

    def action_select_right(self) -> None:
        self._move(self.cursor + 1, True)

    def action_select_up(self) -> None:
        self._vertical(-1, True)

    def action_select_down(self) -> None:
        self._vertical(1, True)

    def action_toggle_selection(self) -> None:
        if not self.selectable:
            return
        self.visual = not self.visual
        if self.visual:
            self.selection_anchor = self.cursor
            self.refresh()
        else:
            self.clear_selection()

    def action_copy_selection(self) -> None:
        selected = self.selection()
        if selected is None:
            self.notify("Nothing selected: shift+arrows or v to select.", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(self.text[selected[0]:selected[1]])
        self.notify(f"Copied {selected[1] - selected[0]} characters.", timeout=2)

    # ----- the mouse: click moves the cursor, drag selects -----
    def _offset_at(self, x: int, y: int) -> int:
        region = self.scrollable_content_region
        row = self.scroll_offset.y + y - (region.y - self.region.y)
        return self._offset_in_row(row, x - (region.x - self.region.x) - GUTTER)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if not self.selectable or event.button != 1:
            return
        self.focus()
        self.selection_anchor = None
        self.cursor = self._offset_at(event.x, event.y)
        self.selection_anchor = self.cursor
        self._dragging = True
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self.cursor = self._offset_at(event.x, event.y)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            if self.selection() is None:
                self.selection_anchor = None
            self.refresh()
            self.post_message(self.SelectionChanged(self))

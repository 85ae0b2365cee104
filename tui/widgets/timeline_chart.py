"""Each country's stance over time, one row per country: coloured, symbol-marked stretches with
their dates, in the map's tile colours. A cursor moves between stretches (left/right) and
countries (up/down); Enter posts Chosen with the event. As of a date, a marker stands after each
row's last event begun by then (the map's rule, positions.begun_by), later events are dimmed.

Drawn line by line (only the rows on screen), as the search results are: a topic can hold a
thousand countries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from techstance.db.store.read_models import CountryTimeline, TimelineEvent
from techstance.tui.formatting import DAMAGED_MARK, DISPUTED_MARK, STANCE_LABEL, STANCE_SYMBOL, kind_mark, placed_date
from techstance.tui.themes import color_system, tile_backgrounds
from techstance.tui.visible import visible
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

NAME_WIDTH = 14
GAP = " "


@dataclass(frozen=True, slots=True)
class Stretch:
    """One event's stretch on a row: its label and where it starts on the row."""

    event: TimelineEvent
    label: str
    x: int


def label(event: TimelineEvent, short: bool) -> str:
    """' ✕ ban 2019 ' or, where the row is crowded, ' ✕ 2019 '; '!' when a source disputes it."""
    symbol = DAMAGED_MARK if event.damage else STANCE_SYMBOL.get(event.stance, "?")
    mark = f" {DISPUTED_MARK}" if event.disputed else ""
    side = "" if event.kind == "decision" else "*"  # not a decision on the topic: never sets the position
    if short:
        return f" {symbol}{side} {placed_date(event, short=True)}{mark} "
    # An undated event is placed by its first report: "by 2019", never a date it does not have.
    when = placed_date(event) if event.date is not None else placed_date(event, short=True)
    # A damaged event's placeholder stance ("undecided") is no fact.
    stance = "damaged" if event.damage else STANCE_LABEL.get(event.stance, event.stance)
    return f" {symbol}{side} {stance} {when}{mark} "


def lay_out(events: list[TimelineEvent], width: int) -> list[Stretch]:
    """Stretches in date order, full labels if they fit the width, else short ones."""
    for short in (False, True):
        stretches, x = [], 0
        for event in events:
            text = label(event, short)
            stretches.append(Stretch(event, text, x))
            x += cell_len(text) + len(GAP)
        if x - len(GAP) <= width or short:
            return stretches
    return []


class TimelineChart(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"timeline--name", "timeline--cursor-row", "timeline--more",
                                             "timeline--as-of"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move_row(-1)", "Previous country", show=False),
        Binding("down,j", "move_row(1)", "Next country", show=False),
        Binding("left,h", "move_event(-1)", "Earlier", show=False),
        Binding("right,l", "move_event(1)", "Later", show=False),
        Binding("home,g", "to_row(0)", "First country", show=False),
        Binding("end,G", "to_row(-1)", "Last country", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("enter", "choose", "Open source", show=True),
    ]

    row: reactive[int] = reactive(0)
    column: reactive[int] = reactive(0)

    class Moved(Message):
        def __init__(self, country: CountryTimeline, event: TimelineEvent | None) -> None:
            super().__init__()
            self.country = country
            self.event = event

    class Chosen(Moved):
        pass

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[CountryTimeline] = []
        self.as_of: str | None = None  # the dashboard's date: a marker on each row
        self._longest = 0
        self._styles: tuple[object, dict[str | None, Style]] | None = None

    def show(self, rows: list[CountryTimeline], keep: str | None = None) -> None:
        self.rows = rows
        self._longest = max((cell_len(visible(r.country.name)) for r in rows), default=0)
        codes = [r.country.code for r in rows]
        self.row = codes.index(keep) if keep in codes else 0
        # Where the row stands now, or as of the date: its latest event (begun by then).
        self.column = max(0, self.begun(rows[self.row].events) - 1) if rows else 0
        self.virtual_size = Size(self.size.width, len(rows))
        self.refresh()
        self._moved()

    def begun(self, events: list[TimelineEvent]) -> int:
        """How many of the (oldest first) events had begun by the date: all of them with no date.
        Partial dates compare as their start, as positions.begun_by does in SQL."""
        if self.as_of is None:
            return len(events)
        return sum(1 for e in events if e.placed_on is not None and e.placed_on <= self.as_of)

    # ----- the cursor -----
    def current(self) -> TimelineEvent | None:
        if not self.rows:
            return None
        events = self.rows[self.row].events
        return events[self.column] if 0 <= self.column < len(events) else None

    def _moved(self) -> None:
        if self.rows:
            self.scroll_to_region(Region(0, self.row, 1, 1), animate=False, immediate=True)
            self.post_message(self.Moved(self.rows[self.row], self.current()))
        self.refresh()

    def action_move_row(self, step: int) -> None:
        self._go(self.row + step)

    def action_to_row(self, index: int) -> None:
        self._go(index % len(self.rows) if self.rows else 0)

    def action_page(self, step: int) -> None:
        self._go(self.row + step * max(1, self.scrollable_content_region.height - 1))

    def _go(self, row: int) -> None:
        if not self.rows:
            return
        row = max(0, min(len(self.rows) - 1, row))
        if row != self.row:
            # Keep to the same time as far as the new row allows: its event nearest in date order.
            here = self.current()
            events = self.rows[row].events
            if here is not None and here.placed_on:
                before = [i for i, e in enumerate(events) if (e.placed_on or "") <= here.placed_on]
                self.column = before[-1] if before else 0
            else:
                self.column = len(events) - 1
            self.row = row
        self._moved()

    def action_move_event(self, step: int) -> None:
        if self.rows:
            self.column = max(0, min(len(self.rows[self.row].events) - 1, self.column + step))
            self._moved()

    def action_choose(self) -> None:
        if self.rows:
            self.post_message(self.Chosen(self.rows[self.row], self.current()))

    # ----- drawing -----
    def stance_styles(self) -> dict[str | None, Style]:
        """The map's tile colours (tui/themes.py), for this theme and colour system."""
        system = color_system(self.app.console.color_system)
        base = self.background_colors[1]
        key = (self.app.theme, system, base)
        if self._styles is None or self._styles[0] != key:
            variables = self.app.get_css_variables()
            backgrounds = (tile_backgrounds(self.app.theme, variables, base, system)
                           or tile_backgrounds(self.app.theme, variables, base, None) or {})
            self._styles = (key, {stance: Style(color=(bg + bg.get_contrast_text(0.9)).rich_color,
                                                bgcolor=bg.rich_color)
                                  for stance, bg in backgrounds.items()})
        return self._styles[1]

    def notify_style_update(self) -> None:
        self._styles = None
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        base = self.rich_style
        if index >= len(self.rows):
            return Strip.blank(width, base)
        timeline = self.rows[index]
        on_row = index == self.row and self.has_focus
        name_style = self.get_component_rich_style("timeline--cursor-row" if index == self.row else "timeline--name")
        # As wide as the longest name, up to a quarter of the width: the rest is for the stretches.
        name_width = min(max(NAME_WIDTH, self._longest + 1), max(8, width // 4))
        name = visible(timeline.country.name)
        if cell_len(name) > name_width - 1:
            name = name[: name_width - 2] + "…"
        marker = self.get_component_rich_style("timeline--as-of")
        begun = self.begun(timeline.events)
        dated = self.as_of is not None
        segments = [Segment(name.ljust(name_width - 1), name_style),
                    Segment("┃", marker) if dated and begun == 0 else Segment(" ", name_style)]
        room = width - name_width
        stretches = lay_out(timeline.events, room)
        # A crowded row shows its latest stretches, or those around the cursor on the cursor's row.
        focus = self.column if index == self.row else len(stretches) - 1
        start = 0
        while stretches and stretches[focus].x + cell_len(stretches[focus].label) - stretches[start].x > room - 2:
            start += 1
        styles = self.stance_styles()
        used = 0
        if start:
            segments.append(Segment("…", self.get_component_rich_style("timeline--more")))
            used += 1
        for i, stretch in enumerate(stretches[start:], start):
            text = stretch.label
            if used + cell_len(text) > room:
                break
            style = base if stretch.event.damage else styles.get(stretch.event.stance, base)
            if stretch.event.disputed:
                style += Style(underline=True)
            if i >= begun:
                style += Style(dim=True)  # not yet begun on the date shown
            if index == self.row and i == self.column:
                style += Style(reverse=True, bold=True) if on_row else Style(bold=True, underline=True)
            segments.append(Segment(text, style))
            segments.append(Segment("┃", marker) if dated and i == begun - 1 else Segment(GAP, base))
            used += cell_len(text) + len(GAP)
        strip = Strip(segments)
        return strip.adjust_cell_length(width, base)

    def watch_row(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))


def describe(event: TimelineEvent) -> str:
    """The cursor's event in words, under the chart."""
    if event.damage is not None:
        return event.damage.line
    parts = [f"{STANCE_SYMBOL.get(event.stance, '?')} {STANCE_LABEL.get(event.stance, event.stance)}, {event.status}",
             placed_date(event)]
    if kind_mark(event.kind):
        parts.append(f"{kind_mark(event.kind)} (does not set the position)")
    if event.disputed:
        parts.append("disputed by a source")
    return " · ".join(parts)

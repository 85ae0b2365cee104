"""Every country's current position on the topic: sortable by each column, filterable by stance
and by "disputed"; Enter shows the country on the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from techstance.db.store.read_models import Position, TopicInfo
from techstance.tui.formatting import (
    DAMAGED_MARK,
    STANCE_LABEL,
    STANCE_ORDER,
    STANCE_SYMBOL,
    UNCERTAIN_MARK,
    placed_by,
)
from techstance.tui.intents import ShowCountry
from techstance.tui.literal import literal, literal_rich
from techstance.tui.view_screen import ViewScreen, css_beside
from techstance.tui.widgets.key_table import KeyTable
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static


@dataclass(frozen=True)
class Column:
    title: str
    key: Callable[[Position], Any]  # a sort key: comparable within its column


COLUMNS = (
    Column("Country", lambda p: (p.country.name.casefold(), p.country.code)),
    Column("Stance", lambda p: STANCE_ORDER.index(p.current.stance) if p.current.stance in STANCE_ORDER else 9),
    Column("Status", lambda p: p.current.status),
    Column("Since", lambda p: p.since.placed_on or ""),
    Column("Sources", lambda p: p.sources),
    Column("Disputed", lambda p: p.disputed),
)


def arranged(positions: list[Position], sort: int, descending: bool, stance: str | None,
             disputed_only: bool) -> list[Position]:
    """The rows shown: filtered, then sorted by one column (ties by country name)."""
    # A damaged decision's placeholder says "undecided"; no filter by stance may count it as one.
    shown = [p for p in positions if (stance is None or (p.current.damage is None and p.current.stance == stance))
             and (not disputed_only or p.disputed)]
    shown.sort(key=COLUMNS[0].key)
    shown.sort(key=COLUMNS[sort].key, reverse=descending)
    return shown


STANCE_VARIABLE = {"ban": "error", "restrict": "warning", "allow": "success", "undecided": "secondary"}


def _cells(p: Position, colours: dict[str, str]) -> tuple[Text, ...]:
    stance = p.current.stance
    colour = colours.get(STANCE_VARIABLE.get(stance, ""), "")
    # A damaged country's "name" is its whole damage line, which pushed every other column off the
    # screen; its code says which one (the dashboard's map has the line).
    name = (literal_rich(f"{DAMAGED_MARK} {p.country.code} (damaged)", "bold") if p.country.damage is not None
            else literal_rich(p.country.name, "bold"))
    if p.current.damage is not None:  # its placeholder's stance is no fact: say so, the reader has the rest
        shown_stance = Text(f"{DAMAGED_MARK} damaged", style=colours.get("warning", ""))
    else:
        # As on the map as of a date: "?" when the decision's year or month was still under way.
        uncertain = UNCERTAIN_MARK if p.current.uncertain else ""
        shown_stance = Text(f"{STANCE_SYMBOL.get(stance, '?')} {STANCE_LABEL.get(stance, stance)}{uncertain}",
                            style=colour)
    return (
        name,
        shown_stance,
        literal_rich(p.current.status),
        literal_rich(placed_by(p.since)),
        Text(str(p.sources), justify="right"),
        Text("! yes", style="bold") if p.disputed else Text(""),
    )


class PositionsScreen(ViewScreen):
    CSS_PATH = css_beside(__file__, "positions.tcss")
    BINDINGS = [
        Binding("s", "sort(1)", "Sort"),
        Binding("S", "sort(-1)", "Sort back", show=False),
        Binding("v", "reverse", "Reverse", show=False),
        Binding("b", "only('ban')", "Only ban"),
        Binding("r", "only('restrict')", "Only restrict", show=False),
        Binding("l", "only('allow')", "Only allow", show=False),
        Binding("u", "only('undecided')", "Only undecided", show=False),
        Binding("exclamation_mark,d", "disputed", "Disputed"),
        Binding("c", "clear", "Clear filters"),
    ]

    def __init__(self, topic: str | None = None, as_of: str | None = None) -> None:
        super().__init__(topic, as_of)
        self.positions: list[Position] = []
        self.shown: list[Position] = []
        self.sort, self.descending = 0, False
        self.stance: str | None = None
        self.disputed_only = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id="positions", classes="view-body"):
            yield Static(classes="view-status", id="positions-status")
            yield KeyTable(id="positions-table", classes="view-list")
            yield Static(classes="view-empty", id="positions-empty")

    def on_mount(self) -> None:
        self.query_one("#positions").border_title = "Positions"
        self.query_one(KeyTable).border_title = "Table"  # help's section title (the table has no border)
        self.set_title("Positions")
        super().on_mount()

    def load(self) -> None:
        as_of = self.as_of
        self.load_topic("positions", lambda store, topic: store.positions(topic, as_of=as_of), self._loaded)

    def _loaded(self, topic: TopicInfo, positions: list[Position]) -> None:
        self.positions = positions
        self.set_title(f"Positions · {topic.title}")
        self.refill()

    def refill(self) -> None:
        table = self.query_one(KeyTable)
        keep = self.shown[table.cursor_row].country.code if self.shown and table.cursor_row < len(self.shown) else None
        self.shown = arranged(self.positions, self.sort, self.descending, self.stance, self.disputed_only)
        table.clear(columns=True)
        arrow = " ▼" if self.descending else " ▲"
        for i, column in enumerate(COLUMNS):
            table.add_column(column.title + (arrow if i == self.sort else ""), key=str(i))
        colours = self.app.get_css_variables()  # the theme's stance colours, as on the map
        for p in self.shown:
            table.add_row(*_cells(p, colours), key=p.country.code)
        codes = [p.country.code for p in self.shown]
        if keep in codes:
            table.move_cursor(row=codes.index(keep))
        self._status()
        table.focus()

    def _filters(self) -> list[str]:
        return [f for f in (f"only {self.stance}" if self.stance else "",
                            "only disputed" if self.disputed_only else "") if f]

    def _status(self) -> None:
        filters = self._filters()
        order = "descending" if self.descending else "ascending"
        n = len(self.shown)
        text = (f"{n} of {len(self.positions)} countries{self.by_then()} · sorted by {COLUMNS[self.sort].title}, "
                f"{order}" + (f" · {', '.join(filters)} (c clears)" if filters else "")
                + " · “by”: undated, first reported then"
                + (f" · {UNCERTAIN_MARK}: its period not over by then" if any(
                    p.current.uncertain for p in self.positions) else ""))
        self.query_one("#positions-status", Static).update(literal(text))
        empty = not self.shown and (bool(self.positions) or self.as_of is not None)
        self.query_one("#positions").set_class(empty, "-empty")
        if empty:
            self.query_one("#positions-empty", Static).update(literal(
                f"No country matches: {' and '.join(filters)}. Press c to clear the filters." if self.positions
                else f"No country had decided anything on this topic by {self.as_of}."))

    # ----- keys -----
    def action_sort(self, step: int) -> None:
        self.sort = (self.sort + step) % len(COLUMNS)
        self.descending = False
        self.refill()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.refill()

    def action_only(self, stance: str) -> None:
        self.stance = None if self.stance == stance else stance
        self.refill()

    def action_disputed(self) -> None:
        self.disputed_only = not self.disputed_only
        self.refill()

    def action_clear(self) -> None:
        self.stance, self.disputed_only = None, False
        self.refill()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        if event.column_index == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = event.column_index, False
        self.refill()

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.shown):
            self.post_message(ShowCountry(self.shown[event.cursor_row].country.code, self.topic))

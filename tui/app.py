"""The techstance Textual app (a first screen: the current positions on the first topic)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

from db.queries import Store
from tui.literal import literal_rich


class TechstanceApp(App[None]):
    TITLE = "techstance"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, conn: sqlite3.Connection, db_path: Path | None = None) -> None:
        super().__init__()
        self.store = Store(conn)
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Country", "Stance", "Status", "Date")
        topics = self.store.topics()
        if not topics:
            return
        self.sub_title = topics[0].title
        for tile in self.store.tiles(topics[0].id):
            table.add_row(
                literal_rich(tile.country.name),
                literal_rich(tile.stance or "no decision"),
                literal_rich(tile.status or ""),
                literal_rich(tile.date or ""),
            )

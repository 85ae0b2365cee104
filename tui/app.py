"""The techstance Textual app: themes, global keys, command palette, and the screens."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from db.queries import Store
from tui.screens.dashboard import Dashboard
from tui.screens.help import HelpScreen
from tui.themes import THEMES, choose_theme


class TechstanceApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "techstance"
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, conn: sqlite3.Connection, db_path: Path | None = None,
                 theme: str | None = None) -> None:
        super().__init__()
        self.store = Store(conn)
        self.db_path = db_path
        self.requested_theme = theme
        self._editor: sqlite3.Connection | None = None

    def editor(self) -> sqlite3.Connection | None:
        """A read-write connection for edits, opened on first use; the dashboard reads read-only."""
        if self._editor is None and self.db_path is not None:
            from db.connection import DatabaseOpenError
            from db.edits import open_for_editing

            try:
                self._editor = open_for_editing(self.db_path)
            except DatabaseOpenError as err:
                self.notify(str(err), severity="error", timeout=8)
        return self._editor

    def on_mount(self) -> None:
        for theme in THEMES.values():
            self.register_theme(theme)
        self.theme = choose_theme(self.requested_theme).name
        self.push_screen(Dashboard(self.store))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every key's action, generated from the same bindings as help."""
        offered: set[str] = set()
        for node in (screen, self):
            for bindings in node._bindings.key_to_bindings.values():
                for binding in bindings:
                    if not binding.description or binding.action in offered:
                        continue
                    if binding.action in ("quit", "help", "app.pop_screen"):
                        continue  # offered by Textual's own commands below, or meaningless here
                    if node.check_action(binding.action, ()) is False:
                        continue
                    offered.add(binding.action)
                    yield SystemCommand(binding.description,
                                        f"key: {self.get_key_display(binding)}",
                                        partial(node.run_action, binding.action))
        yield SystemCommand("Help", "key: ?  — every key, generated from the bindings", self.action_help)
        yield from super().get_system_commands(screen)

"""The techstance Textual app: themes, global keys, command palette, and the screens."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from techstance.db.store.opening import Opening
from techstance.db.store.reads import Store
from techstance.db.store.watch import DatabaseWatcher, file_identity
from techstance.tui.idle_gc import IdleCollector
from techstance.tui.literal import literal
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.screens.help import HelpScreen
from techstance.tui.themes import THEMES, choose_theme
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

# The dashboard is the default screen, and Textual does not load a default screen's own CSS_PATH
# before its first frame (that frame came out unstyled: panes stacked, the too-small notice
# shown), so the app reads it with its own; Textual skips a file it has read already.
APP_CSS = [str(Path(__file__).with_name("app.tcss")), str(Path(__file__).parent / "screens" / "dashboard.tcss")]

IDLE_GC_TICK_S = 0.25
POLL_SECONDS = 2.0  # how soon a change by another process (an import, a kiosk operator) shows


class TechstanceApp(App[None]):
    CSS_PATH = APP_CSS
    TITLE = "techstance"
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, conn: sqlite3.Connection, db_path: Path | None = None,
                 theme: str | None = None, opening: Opening | None = None) -> None:
        """`opening`: the first view, read from db_path by techstance.db.store.opening.read_opening."""
        super().__init__()
        self.opening = opening
        self.store = Store(conn)
        self.db_path = db_path
        self.idle_gc = IdleCollector()
        self._editor: sqlite3.Connection | None = None
        self._editor_identity: tuple[int, int] | None = None
        self.watcher: DatabaseWatcher | None = None
        self._polling = False
        self._watch_problem: str | None = None
        # Chosen before the stylesheet is first parsed: changing it in on_mount parsed it twice.
        for look in THEMES.values():
            self.register_theme(look)
        self.theme = choose_theme(theme).name

    def editor(self) -> sqlite3.Connection | None:
        """A read-write connection for edits, opened on first use; the dashboard reads read-only.

        If the file was replaced since (a `techstance build`), the connection is reopened: an
        edit written to the old, unlinked file would be lost without a word.
        """
        if self.db_path is None:
            return None
        from techstance.db.store.connection import DatabaseOpenError
        from techstance.db.store.edits import open_for_editing

        try:
            identity = file_identity(self.db_path)
            if self._editor is not None and identity != self._editor_identity:
                self._editor.close()
                self._editor = None
            if self._editor is None:
                self._editor = open_for_editing(self.db_path)
                self._editor_identity = identity
        except (DatabaseOpenError, OSError) as err:
            self.notify(literal(str(err)), severity="error", timeout=8)  # a path may hold "[" or controls
            self._editor = None
        return self._editor

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.idle_gc.touched()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.idle_gc.stop()

    def get_default_screen(self) -> Screen[object]:
        return Dashboard(self.store, opening=self.opening)

    def on_mount(self) -> None:
        # Full collections wait for a pause in typing (tui/idle_gc.py).
        self.call_after_refresh(self.idle_gc.start)
        self.set_interval(IDLE_GC_TICK_S, self.idle_gc.tick)
        if self.db_path is not None:
            if self.opening is not None:
                self.watcher = self.opening.watcher  # its baseline predates the data on screen
            else:
                self._start_watching()
            self.set_interval(POLL_SECONDS, self.poll_data)

    def _start_watching(self) -> None:
        """The baseline is the data on screen now: a change after this moment must show."""
        from techstance.db.store.connection import DatabaseOpenError, open_database

        assert self.db_path is not None
        try:
            self.watcher = DatabaseWatcher(self.db_path, open_database(self.db_path))
        except (DatabaseOpenError, sqlite3.Error):
            self.watcher = None  # retried by the next poll

    # ----- another process changed or replaced the file: show it (as the kiosk does) -----
    def poll_data(self) -> None:
        if not self._polling:
            self._polling = True
            self._poll()

    @work(thread=True, group="poll")
    def _poll(self) -> None:
        from techstance.db.store.connection import DatabaseOpenError, open_database
        from techstance.db.store.watch import DatabaseWatcher

        assert self.db_path is not None
        try:
            if self.watcher is None:
                self.watcher = DatabaseWatcher(self.db_path, open_database(self.db_path))
                self.call_from_thread(self._data_changed)  # whatever happened meanwhile
                return
            result = self.watcher.follow(self.store)
            if result != "same":
                self.call_from_thread(self._data_changed)
            if self._watch_problem is not None:
                self.call_from_thread(self._watch_state, None)
        except (DatabaseOpenError, sqlite3.Error) as err:
            # The screen keeps what it shows (a deleted file stays readable through the open
            # connection); the user is told once, and the next poll tries again.
            problem = str(err) if isinstance(err, DatabaseOpenError) else f"{self.db_path}: {err}"
            self.call_from_thread(self._watch_state, problem)
        finally:
            self._polling = False

    def _watch_state(self, problem: str | None) -> None:
        """Say once when the file can no longer be watched (deleted, locked, damaged), and once
        when it can again, instead of a notice every poll."""
        if problem == self._watch_problem:
            return
        if problem is not None:
            self.notify(literal(f"{problem}. Still showing what was read before."), severity="warning",
                        timeout=10)
        elif self._watch_problem is not None:
            self.notify("The database can be read again.", timeout=4)
        self._watch_problem = problem

    def _data_changed(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, Dashboard):
                screen.reload()

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

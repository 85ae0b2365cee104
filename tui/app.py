"""The techstance Textual app: the dashboard with editing, global keys and the command palette."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from functools import partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from techstance.db.store.connection import open_unless_locked
from techstance.db.store.opening import Opening
from techstance.db.store.reads import Store
from techstance.db.store.service import DataProblem, DataService
from techstance.tui.base_app import TechstanceBase
from techstance.tui.idle_gc import IdleCollector
from techstance.tui.intents import AddDecision, AddQuote, CorrectQuote, FindText, NewRecord, ReviewImports
from techstance.tui.literal import toast
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.waiting import SaysWaiting
from textual import events, on
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from techstance.tui.screens.form import FormChoices

# The dashboard is the default screen, and Textual does not load a default screen's own CSS_PATH
# before its first frame (that frame came out unstyled: panes stacked, the too-small notice
# shown), so the app reads it with its own; Textual skips a file it has read already.
APP_CSS: list[str | PurePath] = [str(Path(__file__).with_name("app.tcss")),
                                 str(Path(__file__).parent / "screens" / "dashboard.tcss")]

IDLE_GC_TICK_S = 0.25


class TechstanceApp(TechstanceBase):
    CSS_PATH = APP_CSS
    TITLE = "techstance"
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help"),
        Binding("q", "quit", "Quit"),
        # The analyst's views, from any screen (the palette offers them by these names).
        Binding("P", "people", "People"),
        Binding("o", "positions", "Positions"),
        Binding("D", "disputes", "Disputes"),
        Binding("T", "timeline", "Timeline"),
    ]

    @classmethod
    def for_database(cls, path: Path, *, conn: sqlite3.Connection | None = None, theme: str | None = None,
                     opening: Opening | None = None, as_of: str | None = None) -> TechstanceApp:
        """The app over the file at `path` (`conn`: a read-only connection to it already open).
        Under another program's lock it starts unopened: the dashboard says it waits, and the
        file is opened (and checked) by the first read after the lock goes."""
        if conn is None:
            conn = open_unless_locked(path)
        return cls(DataService(path, Store(conn) if conn is not None else None), theme=theme,
                   opening=opening, as_of=as_of)

    def __init__(self, service: DataService, theme: str | None = None, opening: Opening | None = None,
                 as_of: str | None = None) -> None:
        """`opening`: the first view, read by techstance.db.store.opening.read_opening; `as_of`: the
        dashboard's date (YYYY-MM-DD, checked), None for today."""
        if opening is not None and service.watcher is None:
            service.watcher = opening.watcher  # its baseline predates the data on screen
        super().__init__(service, theme)
        self.opening = opening
        self.as_of = as_of
        self.idle_gc = IdleCollector()
        self._problem_shown: str | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.idle_gc.touched()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.idle_gc.stop()
        super().on_unmount()

    def get_default_screen(self) -> Screen[None]:
        return Dashboard(opening=self.opening, as_of=self.as_of)

    def on_mount(self) -> None:
        # Full collections wait for a pause in typing (tui/idle_gc.py).
        self.call_after_refresh(self.idle_gc.start)
        self.set_interval(IDLE_GC_TICK_S, self.idle_gc.tick)
        self.start_polling()

    # ----- data problems: said once, and once more when they are over -----
    def show_problem(self, problem: DataProblem) -> None:
        line = str(problem)
        if line == self._problem_shown:
            return
        if isinstance(self.screen, SaysWaiting) and self.screen.waiting:
            return  # it has read nothing to keep showing: it says itself what it waits for
        self._problem_shown = line
        toast(self, f"{line}. Still showing what was read before.", severity="warning", timeout=10)

    def poll_ok(self, result: str) -> None:
        if self._problem_shown is not None:
            self._problem_shown = None
            self.notify("The database can be read again.", timeout=4)

    # ----- editing intents: only this app routes them -----
    # The editing screens are imported when first opened: they bring pydantic (the edit models),
    # about 100 ms that every start of the dashboard would otherwise pay.
    @on(CorrectQuote)
    def _correct_quote(self, intent: CorrectQuote) -> None:
        from techstance.tui.screens.editing import CorrectQuoteForm
        from techstance.tui.screens.form import read_choices, say_cannot_open

        def opened(choices: FormChoices) -> None:
            self.push_screen(CorrectQuoteForm(choices, intent.quote), intent.reply)

        self.data.load(self.screen, "choices", read_choices, opened, partial(say_cannot_open, self))

    @on(ReviewImports)
    def _review(self, intent: ReviewImports) -> None:
        from techstance.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(), intent.reply)

    @on(AddDecision)
    def _add_decision(self, intent: AddDecision) -> None:
        from techstance.tui.screens.editing import AddDecisionForm
        from techstance.tui.screens.form import read_choices, say_cannot_open

        def opened(choices: FormChoices) -> None:
            self.push_screen(AddDecisionForm(choices, intent.source, intent.start, intent.end, intent.excerpt,
                                             country=intent.country))

        self.data.load(self.screen, "choices", read_choices, opened, partial(say_cannot_open, self))

    @on(AddQuote)
    def _add_quote(self, intent: AddQuote) -> None:
        from techstance.tui.screens.editing import AddQuoteForm
        from techstance.tui.screens.form import read_choices, say_cannot_open

        def opened(choices: FormChoices) -> None:
            self.push_screen(AddQuoteForm(choices, intent.source, intent.start, intent.end, intent.text,
                                          country=intent.country))

        self.data.load(self.screen, "choices", read_choices, opened, partial(say_cannot_open, self))

    @on(FindText)
    def _find_text(self, intent: FindText) -> None:
        from techstance.tui.screens.editing import FindText as FindTextForm

        self.push_screen(FindTextForm(intent.check), intent.reply)

    @on(NewRecord)
    def _new_record(self, intent: NewRecord) -> None:
        from techstance.tui.screens.new_records import NewCountryForm, NewPersonForm

        form: NewCountryForm | NewPersonForm = (NewCountryForm(intent.choices) if intent.kind == "country"
                                                else NewPersonForm(intent.choices, intent.name))
        self.push_screen(form, intent.reply)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every key's action, generated from the same bindings as help."""
        offered: set[str] = set()
        for node in (screen, self):  # DOMNode._bindings: no public per-node map (see screens/help.py)
            for bindings in node._bindings.key_to_bindings.values():
                for binding in bindings:
                    if not binding.description or binding.action in offered:
                        continue
                    if binding.action in ("quit", "help", "app.pop_screen", "command_palette"):
                        continue  # offered by Textual's own commands below, or meaningless here ("palette")
                    if node.check_action(binding.action, ()) is False:
                        continue
                    offered.add(binding.action)
                    yield SystemCommand(binding.description,
                                        f"key: {self.get_key_display(binding)}",
                                        partial(node.run_action, binding.action))
        yield SystemCommand("Help", "key: ?  — every key, generated from the bindings", self.action_help)
        # Textual's "Keys" is a second help; its "Maximize" a second zoom where the screen has one.
        doubles = {"Keys"} | ({"Maximize", "Minimize"} if "zoom" in offered else set())
        yield from (command for command in super().get_system_commands(screen) if command.title not in doubles)

"""The kiosk app: the dashboard, read-only, touring by itself, with no way out for visitors.

No binding is inherited from Textual's App (that drops ctrl+q, ctrl+c and ctrl+p), the
database is opened read-only at the SQLite level with `query_only` on, and every key or click
is seen here first so the tour pauses and the operator's exit sequence can be recognised.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from techstance.db.store.connection import open_database
from techstance.db.store.read_models import TopicInfo
from techstance.db.store.service import DataProblem, DataService
from techstance.tui.base_app import TechstanceBase
from techstance.tui.kiosk.attract import AttractLoop, next_in_tour
from techstance.tui.kiosk.config import KioskConfig, unknown_in_database
from techstance.tui.kiosk.dashboard import KioskDashboard
from techstance.tui.literal import literal
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

TICK = 0.25  # seconds between checks of the tour clock
BUSY_TIMEOUT_MS = 1000


class KioskMessage(Screen[None]):
    """Shown instead of the dashboard while the database cannot be opened."""

    CSS_PATH = "kiosk.tcss"

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        yield Static(id="kiosk-message")

    def on_mount(self) -> None:
        self.show(self.message)

    def show(self, message: str) -> None:
        self.message = message
        self.query_one("#kiosk-message", Static).update(Content.assemble(
            ("techstance", "bold"), "\n\n", literal("The data cannot be shown right now."), "\n",
            literal(message, "$text-muted"), "\n\n", ("Trying again every few seconds.", "italic")))


def kiosk_connection(path: Path) -> sqlite3.Connection:
    """Read-only at the SQLite level too, and impatient: a writer's lock held longer than a second
    shows the data as stale instead of holding the tour."""
    conn = open_database(path, readonly=True)
    conn.execute("PRAGMA query_only = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


class KioskApp(TechstanceBase, inherit_bindings=False):
    CSS_PATH = ["../app.tcss", "kiosk.tcss"]
    TITLE = "techstance"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("question_mark,f1", "help", "Help")]

    def __init__(self, db_path: Path, config: KioskConfig, *,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], dt.datetime] = dt.datetime.now, config_file: Path | None = None) -> None:
        path = Path(db_path)
        service = DataService(path, connect=lambda: kiosk_connection(path), editable=False)
        super().__init__(service, config.theme)
        self.poll_seconds = config.poll
        self.config = config
        self.config_file = config_file  # named in a message about the configuration
        self.now = now
        self.loop = AttractLoop(config.interval, config.idle, clock)
        self.last_good: dt.datetime | None = None
        self.stale: tuple[dt.datetime, str] | None = None
        self.recent_keys: deque[tuple[str, str | None]] = deque(maxlen=max(1, len(config.operator_exit)))
        self.operator_exited = False
        self._last_input_event: events.Event | None = None
        self.opening_now = False
        self.shown_status: Content | None = None
        if config.allow_quit:
            self.bind("q,ctrl+q", "quit", description="Quit")
        if config.allow_suspend:
            self.bind("ctrl+z", "suspend_process", description="Suspend")
        if config.allow_palette:
            self.use_command_palette = True
            self.bind("ctrl+p", "command_palette", description="Palette")

    def on_mount(self) -> None:
        self.set_interval(TICK, self.tick)
        self.start_polling()
        self.try_open()

    # ----- the database: opened off the event loop, through the data service -----
    def try_open(self) -> None:
        if self.opening_now:
            return
        self.opening_now = True

        def opened(found: tuple[list[TopicInfo], tuple[str, str] | None]) -> None:
            self.opening_now = False
            if found[1] is not None:
                # A database that appeared after start: the configuration is checked now, as the
                # command line checks it when the file is there, and said on screen (retried at each poll).
                field, message = found[1]
                failed(DataProblem(f"{self.config_file or 'kiosk configuration'}: field '{field}': {message}"))
                return
            self.last_good, self.stale = self.now(), None
            self.shown_status = None  # a new status line to fill
            dashboard = KioskDashboard(topic=self.config.topic)
            if isinstance(self.screen, KioskMessage):
                self.switch_screen(dashboard)
            else:
                self.push_screen(dashboard)
            self.call_after_refresh(self.update_status)

        def failed(problem: DataProblem) -> None:
            self.opening_now = False
            message = str(problem)
            if isinstance(self.screen, KioskMessage):
                self.screen.show(message)
            else:
                self.push_screen(KioskMessage(message))

        self.data.load(self, "open", lambda store: (store.topics(), unknown_in_database(self.config, store)),
                       opened, failed)

    def poll_data(self) -> None:
        if self.dashboard() is None:
            self.try_open()
        else:
            super().poll_data()

    def poll_ok(self, result: str) -> None:
        self.last_good, self.stale = self.now(), None
        self.update_status()

    def show_problem(self, problem: DataProblem) -> None:
        """Keep the last good data on screen, marked stale, and retry on the next poll."""
        if self.dashboard() is None:
            if isinstance(self.screen, KioskMessage):
                self.screen.show(str(problem))
            return
        if self.stale is None:
            self.stale = (self.now(), str(problem))
        self.update_status()

    def data_failed(self, message: str) -> None:
        self.show_problem(DataProblem(message))

    # ----- the tour -----
    def dashboard(self) -> KioskDashboard | None:
        return next((s for s in self.screen_stack if isinstance(s, KioskDashboard)), None)

    def tick(self) -> None:
        was = self.loop.state
        if self.loop.due():
            self.advance()
        if self.loop.state != was:
            self.update_status()

    def advance(self) -> None:
        dashboard = self.dashboard()
        if dashboard is None:
            return
        while self.screen is not dashboard:
            self.pop_screen()  # whatever a visitor left open
        dashboard.reset_view()
        if self.config.tour == "timeline":
            dashboard.play_timeline()
            return
        tour = dashboard.tour(self.config.countries)
        code = next_in_tour(tour, dashboard.selected())
        if code is not None:
            dashboard.show_country(code)
    async def on_event(self, event: events.Event) -> None:
        # A key reaches the app twice (sent in, then bubbling back up): count it once.
        if event is self._last_input_event:
            await super().on_event(event)
            return
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp):
            self._last_input_event = event
        if isinstance(event, events.Key):
            self.loop.on_input()
            self._operator_key(event)
            self.update_status()
        elif isinstance(event, events.MouseDown | events.MouseScrollDown | events.MouseScrollUp):
            self.loop.on_input()
            self.update_status()
        await super().on_event(event)

    def _operator_key(self, event: events.Key) -> None:
        sequence = self.config.operator_exit
        if not sequence:
            return
        # A sequence names keys ("ctrl+x", "escape") or characters ("!", "E").
        self.recent_keys.append((event.key, event.character))
        if len(self.recent_keys) == len(sequence) and all(
                wanted in pressed for pressed, wanted in zip(self.recent_keys, sequence, strict=True)):
            self.operator_exited = True
            self.exit()

    # ----- chrome -----
    def status_text(self) -> Content:
        state = self.loop.state
        if state == "touring" and self.config.tour == "timeline":
            left = f"▶ Timeline: an event every {self.config.interval:g} s · any key to explore"
        elif state == "touring":
            left = f"▶ Touring: a country every {self.config.interval:g} s · any key to explore"
        elif state == "browsing":
            left = f"Exploring · the tour resumes after {self.config.idle:g} s without a key"
        else:
            left = "Press any key to explore."
        parts: list[tuple[str, str] | str | Content] = [(left, "")]
        if self.stale is not None:
            since, reason = self.stale
            shown = self.last_good.strftime("%H:%M:%S") if self.last_good else "never"
            parts += ["   ", (f"STALE since {since:%H:%M:%S}: showing data from {shown}", "bold $error"),
                      ("  ", ""), literal(f"({reason})", "$text-muted")]
        elif self.last_good is not None:
            parts += ["   ", (f"Data as of {self.last_good:%H:%M:%S}", "$text-muted")]
        return Content.assemble(*parts)

    def update_status(self) -> None:
        dashboard = self.dashboard()
        if dashboard is None:
            return
        try:
            status = dashboard.query_one("#kiosk-status", Static)
        except Exception:  # not composed yet
            return
        text = self.status_text()
        if text != self.shown_status:  # every poll would otherwise repaint the line
            self.shown_status = text
            status.update(text)

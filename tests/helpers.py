"""What several test files share: building and reading databases, driving the app through Pilot,
reading what a widget shows, the files no command may open, and a private tmux to run the real
command in. Test modules import these from here, never from each other (tests/test_suite_layout.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from techstance.db.store.schema import SCHEMA_VERSION

# Textual is imported inside the helpers: conftest sets its environment before anything imports it.
if TYPE_CHECKING:
    from techstance.db.store.read_models import EvidenceItem, QuoteItem
    from techstance.tui.app import TechstanceApp
    from techstance.tui.kiosk.app import KioskApp
    from techstance.tui.widgets.claim_panes import QuotesPane

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SIZE = (120, 36)  # the terminal most Pilot tests run in


# ----- databases -----
def rows(path: Path, sql: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# An article whose one quotation the importer proposes (speaker Jane Doe), for the review and forms.
PROPOSAL_ARTICLE = ('Talks went on.\n\n"We will not allow this vendor near our networks," the minister, '
                    'Jane Doe, said.\n')


def with_proposal(seed_db: Path, tmp_path: Path, name: str) -> Path:
    """A copy of the seed database (`name` in tmp_path) with PROPOSAL_ARTICLE imported: one proposal."""
    from techstance.db.curation.importer import import_article
    from techstance.db.store.edits import open_for_editing

    path = tmp_path / name
    path.write_bytes(seed_db.read_bytes())
    article = tmp_path / "article.txt"
    article.write_text(PROPOSAL_ARTICLE, encoding="utf-8")
    import_article(open_for_editing(path), article, outlet="Wire", title="Vendor", date="2026-11-20",
                   topic="huawei-5g")
    return path


def make_bad_file(tmp_path: Path, kind: str, seed_db: Path) -> Path:
    """A file of one of the BAD_FILES kinds, which no techstance command may open or change."""
    path = tmp_path / f"{kind}.db"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "random-bytes":
        path.write_bytes(os.urandom(8192))
    elif kind == "text-file":
        path.write_text("hello, not a database\n")
    elif kind in ("other-sqlite", "newer-schema", "older-schema", "truncated"):
        if kind == "other-sqlite":
            conn = sqlite3.connect(path)
            conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            conn.commit()
            conn.close()
        elif kind == "truncated":
            path.write_bytes(seed_db.read_bytes()[:4096 + 100])
        else:
            path.write_bytes(seed_db.read_bytes())
            conn = sqlite3.connect(path)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + (1 if kind == 'newer-schema' else -1)}")
            conn.commit()
            conn.close()
    elif kind == "directory":
        path.mkdir()
    return path


BAD_FILES = {
    "missing": "no such database",
    "empty": "the file is empty, not a techstance database",
    "random-bytes": "not a SQLite database",
    "text-file": "not a SQLite database",
    "other-sqlite": "a SQLite database, but not a techstance database",
    "newer-schema": "made by a newer techstance",
    "older-schema": "made by an older techstance",
    "directory": "is a directory",
    "truncated": "damaged database: the file is truncated",
}


# ----- the app under Pilot -----
async def settle(pilot: object) -> None:
    """Wait until the app's workers are done and the screen has caught up."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    # Two pauses: the second runs what the first one's frame scheduled (a pane filling in the rest
    # of its list after the frame, `call_after_refresh`). Then, while workers run (data reads),
    # wait for them, and while any widget still has messages queued (a read's result landed in
    # the last pause: a table's rows added, its columns measured when its queue empties), pause
    # again. Four pauses every time cost about 10 ms of CPU a settle on an idle dashboard; and a
    # settle that returned on "no worker running" alone once read a table before its columns were
    # measured (a fresh-clone run at load 3).
    app = pilot.app
    await pilot.pause()
    await pilot.pause()
    for _ in range(6):
        if not all(worker.is_finished for worker in app.workers):
            await app.workers.wait_for_complete()
        elif not _messages_queued(app):
            return
        await pilot.pause()


def _messages_queued(app: object) -> bool:
    from textual.app import App

    assert isinstance(app, App)
    try:
        nodes = [app, *app.screen.walk_children(with_self=True)]
    except Exception:  # no screen (the app is ending): nothing left to wait for
        return False
    return any(not node._message_queue.empty() for node in nodes)


async def press(pilot: object, *keys: str) -> None:
    """Press keys one at a time, letting each key's data load before the next."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def make_app(db: Path, theme: str | None = None, opening: bool = True) -> object:
    """The app as `techstance --db` starts it: the opening view read first (opening=False: the
    path a reload takes, every pane loaded by workers)."""
    from techstance.db.store.opening import read_opening
    from techstance.tui.app import TechstanceApp

    return TechstanceApp.for_database(db, theme=theme,
                         opening=read_opening(db) if opening else None)


def shown_quotes(app: object) -> tuple[QuotesPane, list[QuoteItem], dict[str, list[EvidenceItem]]]:
    """The dashboard's quotes pane, the quotes it holds and their evidence: what `show` takes."""
    from techstance.tui.widgets.claim_panes import QuotesPane as Pane
    from textual.app import App

    assert isinstance(app, App)
    quotes = app.screen.query_one(Pane)
    page = list(quotes.quotes.values())
    return quotes, page, {q.id: list(quotes.claims[q.id].evidence) for q in page}


def shown_text(widget: object) -> str:
    """The text a widget puts on screen now (what a user reads), border and all."""
    from textual.geometry import Region
    from textual.widget import Widget

    assert isinstance(widget, Widget)
    lines = widget.render_lines(Region(0, 0, widget.outer_size.width, widget.outer_size.height))
    return "\n".join(line.text for line in lines)


def app_for(db: Path, theme: str | None = None, opening: bool = True) -> TechstanceApp:
    from techstance.tui.app import TechstanceApp

    app = make_app(db, theme, opening)
    assert isinstance(app, TechstanceApp)
    return app


def flat(text: str) -> str:
    """Screen text without line breaks and pane borders, to find text that wrapped."""
    return " ".join(line.strip("│█ ") for line in text.splitlines() if line.strip("│█ "))


async def wait_until(pilot: object, condition: object, seconds: float = 6) -> bool:
    """Poll until `condition()` holds or `seconds` pass; whether it held."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot) and callable(condition)
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.1)
    return bool(condition())


# ----- the installed command in a real terminal (tmux) -----
WIDTH, HEIGHT = 120, 36
DEADLINE = 20.0  # seconds to wait for any one screen change
POLL = 0.2
INSTALL = {"tmux": "install tmux (CI does)", "techstance": "run python3 -m pip install -e '.[test]'"}


def require(command: str) -> str:
    """The command's path; a failure (never a skip) when it is missing."""
    path = shutil.which(command)
    if path is None:
        pytest.fail(f"`{command}` is not on PATH and the end-to-end test needs it: {INSTALL[command]}")
    return path


def clean_env() -> dict[str, str]:
    """The environment without the caller's tmux client, so tmux never talks to an outer server, and
    without COLUMNS and LINES: pytest-xdist's workers set them to 80 and 24, and an app started in
    the pane would take them over the pane's real size."""
    return {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE", "COLUMNS", "LINES")}


@dataclass
class Tmux:
    """One private tmux server (its own socket) running one session, with its files in `workdir`."""

    tmux: str
    socket: str
    session: str
    workdir: Path
    socket_path: str = ""

    @property
    def status_file(self) -> Path:
        return self.workdir / "exit-status"

    def run(self, *args: str, check: bool = True) -> str:
        result = subprocess.run([self.tmux, "-L", self.socket, *args], capture_output=True, text=True,
                                env=clean_env(), timeout=10)
        if check and result.returncode != 0:
            pytest.fail(f"tmux {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def start(self, command: list[str]) -> None:
        # remain-on-exit comes from the config file, so it is on before the command can exit, and
        # the screen stays readable after it has.
        config = self.workdir / "tmux.conf"
        config.write_text("set-option -g remain-on-exit on\n")
        # A shell writes down the exit status: tmux 3.3 sometimes never reaps the pane's process
        # (it stays a zombie), and then #{pane_dead_status} stays empty for good.
        recorded = ["sh", "-c", 'out=$1; shift; "$@"; echo $? > "$out"', "sh", str(self.status_file), *command]
        self.run("-f", str(config), "new-session", "-d", "-s", self.session, "-x", str(WIDTH),
                 "-y", str(HEIGHT), shlex.join(recorded))
        self.socket_path = self.run("display-message", "-p", "-t", self.session, "#{socket_path}").strip()

    def screen(self, history: bool = False) -> str:
        """The visible screen, or with `history` everything since the start (what a crash printed)."""
        return self.run("capture-pane", "-p", *(["-S", "-"] if history else []), "-t", self.session)

    def dead(self) -> bool:
        """Whether the pane's terminal has closed: every process in it has ended."""
        return self.run("display-message", "-p", "-t", self.session, "#{pane_dead}").strip() == "1"

    def exit_status(self) -> int | None:
        """The app's exit status, once the recording shell has written it."""
        text = self.status_file.read_text().strip() if self.status_file.exists() else ""
        return int(text) if text else None

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def kill(self) -> None:
        self.run("kill-server", check=False)
        if self.socket_path:  # tmux 3.3 leaves the socket file behind
            Path(self.socket_path).unlink(missing_ok=True)

    def wait_for(self, what: str, ready: Callable[[str], bool]) -> str:
        """Poll the screen until `ready(screen)`; fail with the screen if the deadline passes or the app ends."""
        deadline = time.monotonic() + DEADLINE
        while True:
            screen = self.screen()
            if ready(screen):
                return screen
            dead = self.dead()
            if dead or time.monotonic() > deadline:
                why = f"the app exited with status {self.exit_status()}" if dead else f"not within {DEADLINE:.0f} s"
                pytest.fail(f"waiting for {what}: {why}; the screen was:\n{self.screen(history=dead)}")
            time.sleep(POLL)

    def wait_exit(self) -> int:
        """Poll until the app has exited and its terminal has closed; return its exit status."""
        deadline = time.monotonic() + DEADLINE
        while True:
            status = self.exit_status()
            if status is not None and self.dead():
                return status
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not exit within {DEADLINE:.0f} s; the screen was:\n{self.screen()}")
            time.sleep(POLL)


def build_with_command(tmp_path: Path) -> Path:
    """A database built by the installed `techstance build`, as a user makes one."""
    db = tmp_path / "t.db"
    result = subprocess.run([require("techstance"), "build", "--db", str(db)], capture_output=True,
                            text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 0, result.stderr
    return db


UK_TITLE = "Decision · United Kingdom"
SCROLLBAR = str.maketrans(dict.fromkeys("▁▂▃▄▅▆▇█▔", " "))


def box(screen: str, title: str) -> str:
    """The text inside the bordered pane whose title starts with `title`, lines joined by spaces.

    Joining undoes the app's word wrap, so a phrase is found wherever the pane breaks it. Assumes
    one cell per character, which holds for the characters this app draws.
    """
    lines = screen.splitlines()
    for top, line in enumerate(lines):
        left = line.find(f"╭─ {title}")
        if left < 0:
            continue
        right = line.index("╮", left)
        inner: list[str] = []
        for row in lines[top + 1:]:
            if row[left:left + 1] == "╰":
                break
            inner.append(row[left + 1:right].translate(SCROLLBAR))
        return re.sub(r"\s+", " ", " ".join(inner)).strip()
    return ""


# ----- the kiosk under Pilot -----
FIXED_NOW = dt.datetime(2026, 11, 21, 9, 30, 0)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def kiosk(db: Path, clock: Clock | None = None, **config: object) -> KioskApp:
    """A kiosk on a clock the test moves, at a fixed "now"."""
    from techstance.tui.kiosk.app import KioskApp
    from techstance.tui.kiosk.config import KioskConfig

    return KioskApp(db, KioskConfig(**config), clock=clock or Clock(), now=lambda: FIXED_NOW)


def selected(app: KioskApp) -> str | None:
    """The country the kiosk's map has selected."""
    from techstance.tui.widgets.tile_map import TileMap

    dashboard = app.dashboard()
    assert dashboard is not None
    return dashboard.query_one(TileMap).selected

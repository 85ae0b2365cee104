"""The dashboard started while another program holds the database's lock (an import in another
terminal): it starts, says in the screen that it waits, and fills in once the lock goes. It used to
refuse to start (exit 1 after 5 s)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from techstance.db.store.connection import DatabaseOpenError, open_unless_locked
from techstance.tui.app import TechstanceApp
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.waiting import LOCKED
from techstance.tui.widgets.claim_panes import DecisionPane
from techstance.tui.widgets.tile_map import TileMap

from tests.helpers import UK_TITLE, Tmux, flat, require, shown_text, wait_until

HOLDER = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(60)
"""


@contextmanager
def lock_held(db: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Another process holding BEGIN EXCLUSIVE on `db` until it is killed (the lock goes with it)."""
    ready = db.with_suffix(".held")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(ready)])
    try:
        deadline = time.monotonic() + 10
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "the lock holder did not start"
        yield holder
    finally:
        holder.kill()
        holder.wait()


async def test_started_under_a_lock_it_says_it_waits_then_fills_in(db: Path) -> None:
    with lock_held(db) as holder:
        started = time.monotonic()
        app = TechstanceApp.for_database(db)
        assert time.monotonic() - started < 2, "it waited for the lock before starting"
        async with app.run_test(size=(120, 36)) as pilot:
            dashboard = app.screen
            assert isinstance(dashboard, Dashboard)
            waiting = dashboard.query_one("#dashboard-waiting")
            assert await wait_until(pilot, lambda: waiting.display and LOCKED in flat(shown_text(waiting))), \
                flat(shown_text(waiting))
            assert not dashboard.query_one(TileMap).display, "an empty map would say there are no countries"
            holder.kill()
            holder.wait()
            assert await wait_until(pilot, lambda: bool(dashboard.query_one(TileMap).tiles), seconds=10)
            assert await wait_until(pilot, lambda: "Decision ·" in shown_text(dashboard.query_one(DecisionPane)))
            assert not waiting.display
            assert dashboard.query_one(TileMap).display
            assert app.crash is None


def test_other_refusals_are_not_taken_for_a_lock(tmp_path: Path) -> None:
    """Only a lock is waited for: a file that is not a database is refused at once, as before."""
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 10)
    with pytest.raises(DatabaseOpenError, match="not a SQLite database"):
        open_unless_locked(bad)
    with pytest.raises(DatabaseOpenError, match="no such database"):
        open_unless_locked(tmp_path / "missing.db")


def test_the_command_in_a_terminal_waits_for_the_lock_then_fills_in(db: Path, tmux: Tmux) -> None:
    """`techstance --db X` while an import holds the lock: no exit, a waiting line, then the data."""
    with lock_held(db) as holder:
        tmux.start(["env", "TERM=xterm-256color", "TEXTUAL_ANIMATIONS=none", require("techstance"), "--db", str(db)])
        screen = tmux.wait_for("the waiting line", lambda s: "Waiting for the database" in s)
        assert "locked by another" in screen and "─ Map " not in screen, screen
        holder.kill()
        holder.wait()
        screen = tmux.wait_for(f"'{UK_TITLE}' once the lock is gone", lambda s: UK_TITLE in s)
        assert "Waiting for the database" not in screen and "─ Map " in screen, screen
        tmux.keys("q")
        assert tmux.wait_exit() == 0

"""A view opened while another program holds the database's lock says so at once, in the view,
and fills in when the lock goes (it showed a blank view for 5.5 s, then "Still showing what was
read before" although nothing had been read)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from techstance.tui.app import TechstanceApp
from techstance.tui.view_screen import ViewScreen
from textual.widgets import DataTable, Static

from tests.helpers import settle, shown_text, wait_until


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Another program's exclusive lock: nobody reads until it lets go. (SQLite keeps the lock per
    file, not per connection, so a connection in this process keeps the app out as another
    process would.)"""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def waiting_line(app: TechstanceApp) -> str:
    screen = app.screen
    assert isinstance(screen, ViewScreen)
    line = screen.query_one("#view-waiting", Static)
    return " ".join(shown_text(line).split()) if line.display else ""


@pytest.mark.parametrize("key", ["o", "P", "D", "T"])
async def test_a_view_under_a_lock_says_so_at_once_and_fills_in_when_it_goes(db: Path, key: str) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.service.store is not None
        app.service.store.conn.execute("PRAGMA busy_timeout = 300")  # tries again sooner than 5 s
        with locked(db):
            opened = time.monotonic()
            await pilot.press(key)
            assert await wait_until(pilot, lambda: "locked by another program" in waiting_line(app), 3)
            assert time.monotonic() - opened < 1.5, "the view said nothing while it waited"
            await pilot.pause(0.8)  # a read gave up on the lock meanwhile, and the view tried again
            assert "locked by another program; retrying" in waiting_line(app)
            assert not any("Still showing" in str(n.message) for n in app._notifications), \
                "nothing had been read, so nothing is still shown"
        view = app.screen
        assert isinstance(view, ViewScreen)
        assert await wait_until(pilot, lambda: view.filled, 3), "the view did not fill in after the lock"
        assert waiting_line(app) == ""
        if key == "o":
            assert view.query_one(DataTable).row_count > 0


async def test_a_quick_view_never_says_it_waits(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.pause(0.3)  # past the moment a slow read would say why it waits
        assert waiting_line(app) == ""


async def test_the_reader_and_search_under_a_lock_say_so_at_once_and_fill_in(db: Path) -> None:
    from techstance.tui.screens.search import SearchScreen
    from techstance.tui.screens.source_reader import SourceReader
    from techstance.tui.widgets.result_list import ResultList

    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for conn in (app.service.store.conn,) if app.service.store is not None else ():
            conn.execute("PRAGMA busy_timeout = 300")
        await pilot.press("tab", "tab")  # the sources pane
        await settle(pilot)
        with locked(db):
            await pilot.press("enter")
            assert await wait_until(pilot, lambda: isinstance(app.screen, SourceReader), 2)
            meta = app.screen.query_one("#source-meta", Static)
            assert await wait_until(pilot, lambda: "locked by another program" in shown_text(meta), 2)
            await pilot.pause(0.8)
            assert "retrying" in " ".join(shown_text(meta).split())
        reader = app.screen
        assert isinstance(reader, SourceReader)
        assert await wait_until(pilot, lambda: reader.doc is not None, 3)
        await pilot.press("escape")
        await settle(pilot)
        with locked(db):
            await pilot.press("slash", *"Pompeo")
            assert await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), 2)
            status = app.screen.query_one("#search-status", Static)
            assert await wait_until(pilot, lambda: "locked by another program" in shown_text(status), 2)
        assert not any("Still showing" in str(n.message) for n in app._notifications)
        search = app.screen
        assert isinstance(search, SearchScreen)
        assert await wait_until(pilot, lambda: not search.waiting, 8)
        assert "Pompeo" in " ".join(shown_text(search.query_one(ResultList)).split())

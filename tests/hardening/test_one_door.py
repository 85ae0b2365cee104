"""The one door to the database, as a user meets it: another program holds the write lock, two
editors correct the same quote, a late page arrives after the user moved on. Each of these froze,
killed or misled the app before every read and write went through the data service."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from techstance.db.store import service as service_module
from techstance.db.store.edits import EditError, accept_proposal, correct_quote, open_for_editing
from techstance.tui.app import TechstanceApp
from techstance.tui.intents import OpenSource
from techstance.tui.kiosk.app import KioskApp
from techstance.tui.kiosk.config import KioskConfig
from techstance.tui.screens.editing import AddDecisionForm, AddQuoteForm, CorrectQuoteForm
from techstance.tui.screens.review import AcceptForm, ReviewScreen
from techstance.tui.screens.source_reader import SourceReader
from techstance.tui.widgets.claim_panes import DecisionPane, QuotesPane
from techstance.tui.widgets.tile_map import TileMap
from textual.pilot import Pilot
from textual.widgets import Input, Select

from tests.helpers import settle

SIZE = (140, 44)


@pytest.fixture(autouse=True)
def impatient_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    # A save waits 2 s for another program's lock; the tests need not.
    monkeypatch.setattr(service_module, "WRITE_BUSY_S", 0.2)


@contextmanager
def locked(path: Path) -> Iterator[sqlite3.Connection]:
    """Another program's write lock: no one else reads or writes until it lets go."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield holder
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def impatient_reads(app: TechstanceApp) -> None:
    assert app.service.store is not None
    app.service.store.conn.execute("PRAGMA busy_timeout = 200")


def decision_title(app: TechstanceApp) -> str:
    return str(app.screen.query_one(DecisionPane).border_title)


async def wait_for(pilot: Pilot[Any], condition: Any, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return bool(condition())


# ----- the dashboard -----
async def test_moving_on_the_map_while_locked_keeps_the_keys_alive_and_shows_the_country_after(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        impatient_reads(app)
        dashboard = app.screen
        dashboard._countries.clear()  # type: ignore[attr-defined]  # nothing read ahead: every move reads
        tile_map = dashboard.query_one(TileMap)
        before = tile_map.selected
        with locked(db):
            started = time.monotonic()
            await pilot.press("right")
            await pilot.press("right")
            assert time.monotonic() - started < 1.0, "keys waited for the lock"
            assert tile_map.selected != before  # the map moved at once
            await pilot.pause(0.5)  # the read gave up: the app is alive and says so
            assert app.is_running
        # The lock is gone: the next poll reads again and the panes catch up.
        assert await wait_for(pilot, lambda: tile_map.tile(tile_map.selected).country.name  # type: ignore[union-attr]
                              in decision_title(app))


async def test_a_read_refused_by_a_lock_is_one_line_on_screen(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        impatient_reads(app)
        app.screen._countries.clear()  # type: ignore[attr-defined]
        with locked(db):
            await pilot.press("right")
            assert await wait_for(pilot, lambda: app.read_problem is not None, 3)
            assert "locked" in str(app.read_problem)
            # A toast is a message the app handles next, not at once (it failed once at -n 6).
            assert await wait_for(pilot, lambda: any("locked" in str(n.message) for n in app._notifications), 3)


async def test_a_late_page_of_quotes_never_lands_on_another_country(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        store = app.service.store
        assert store is not None
        original = store.quotes_about

        def slow_pages(*args: Any, **kwargs: Any) -> Any:
            if kwargs.get("after") is not None:
                time.sleep(0.5)  # the next page of the first country comes late
            return original(*args, **kwargs)

        store.quotes_about = slow_pages  # type: ignore[method-assign]
        dashboard = app.screen
        quotes_pane = dashboard.query_one(QuotesPane)
        first = dashboard.query_one(TileMap).selected
        assert quotes_pane.quotes
        last = list(quotes_pane.quotes.values())[-1]
        quotes_pane.post_message(QuotesPane.MoreQuotes(last))  # as scrolling to the end does
        await pilot.pause(0.05)
        await pilot.press("left")
        await asyncio.sleep(0.8)
        await settle(pilot)
        now = dashboard.query_one(TileMap).selected
        assert now != first
        assert all(q.country == now for q in quotes_pane.quotes.values()), "a page of another country landed"


# ----- the source reader -----
async def test_the_reader_opened_while_locked_says_why_and_shows_the_article_after(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        impatient_reads(app)
        with locked(db):
            app.screen.post_message(OpenSource(source_id="uk-limited-role-us-reaction"))

            def says_locked() -> bool:  # polled: a fixed 0.6 s pause failed under load
                shown = app.screen
                return isinstance(shown, SourceReader) and "locked" in str(shown.query_one("#source-meta").render())

            assert await wait_for(pilot, says_locked)
            reader = app.screen
            assert isinstance(reader, SourceReader) and reader.doc is None  # still locked: nothing read
        assert await wait_for(pilot, lambda: reader.doc is not None)
        assert reader.article.text == reader.doc.text and reader.article.layout_rows.height


# ----- the kiosk -----
async def test_a_visitor_opening_a_source_in_a_locked_kiosk_does_not_end_it(db: Path) -> None:
    app = KioskApp(db, KioskConfig(poll=0.3), now=lambda: dt.datetime(2026, 11, 21))
    before = db.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with locked(db):
            await pilot.press("tab", "enter")  # the decision's first source
            await pilot.pause(1.5)  # longer than the kiosk waits for a lock
            assert app.is_running
            assert app.stale is not None or isinstance(app.screen, SourceReader)
        assert await wait_for(pilot, lambda: isinstance(app.screen, SourceReader) and app.screen.doc is not None)
        assert await wait_for(pilot, lambda: app.stale is None)
    assert db.read_bytes() == before


# ----- every form: a save refused by a lock keeps the form and what was typed -----
async def _open_reader_with_excerpt(app: TechstanceApp, pilot: Pilot[Any]) -> SourceReader:
    await settle(pilot)
    await pilot.press("tab", "enter")
    await settle(pilot)
    reader = app.screen
    assert isinstance(reader, SourceReader) and reader.current_excerpt() is not None
    return reader


async def _save_while_locked(app: TechstanceApp, pilot: Pilot[Any], db: Path, button: str = "#save",
                             typed: tuple[str, str] | None = None) -> None:
    form = app.screen
    with locked(db):
        await pilot.click(button)
        assert await wait_for(pilot, lambda: "locked" in str(form.query_one("#form-error").render()), 3)
        assert app.screen is form, "the form closed: what was typed is lost"
        if typed is not None:
            assert form.query_one(typed[0], Input).value == typed[1]
    await pilot.pause(0.6)  # not a double click
    await pilot.click(button)
    assert await wait_for(pilot, lambda: app.screen is not form), str(form.query_one("#form-error").render())


async def test_add_decision_form_survives_a_lock(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_reader_with_excerpt(app, pilot)
        await pilot.press("d")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AddDecisionForm)
        form.query_one("#stance", Select).value = "restrict"
        form.query_one("#status", Select).value = "reported"
        form.query_one("#summary", Input).value = "Typed before the lock."
        form.query_one("#decision-id", Input).value = "gb-door-test"
        await _save_while_locked(app, pilot, db, typed=("#summary", "Typed before the lock."))
    conn = open_for_editing(db)
    assert conn.execute("SELECT summary FROM decisions WHERE id = 'gb-door-test'").fetchone() == (
        "Typed before the lock.",)


async def test_add_quote_form_survives_a_lock(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_reader_with_excerpt(app, pilot)
        await pilot.press("Q")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AddQuoteForm)
        form.query_one("#actor", Select).value = "ren-zhengfei"
        form.query_one("#quote-id", Input).value = "door-quote"
        await _save_while_locked(app, pilot, db)
    conn = open_for_editing(db)
    assert conn.execute("SELECT actor FROM quotes WHERE id = 'door-quote'").fetchone() == ("ren-zhengfei",)


async def test_correct_quote_form_survives_a_lock(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "tab")
        quote = app.screen.query_one(QuotesPane).highlighted_quote()
        assert quote is not None
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CorrectQuoteForm)
        form.query_one("#actor", Select).value = "dominic-raab"
        await _save_while_locked(app, pilot, db)
    conn = open_for_editing(db)
    assert conn.execute("SELECT actor FROM quotes WHERE id = ?", (quote.id,)).fetchone() == ("dominic-raab",)


ARTICLE = 'Talks went on.\n\n"We will not allow this vendor near our networks," the minister, Jane Doe, said.\n'


async def test_review_accept_and_reject_survive_a_lock(db: Path, tmp_path: Path) -> None:
    from techstance.db.curation.importer import import_article

    article = tmp_path / "a.txt"
    article.write_text(ARTICLE + '\nLater, "Nothing is decided yet," an official said.\n', encoding="utf-8")
    import_article(open_for_editing(db), article, outlet="Wire", title="T", date="2026-11-20", topic="huawei-5g")
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen) and len(review.proposals) == 2
        with locked(db):  # reject: one line, nothing lost, the screen stays
            await pilot.press("x", "y")  # reject, confirmed
            assert await wait_for(pilot, lambda: any("locked" in str(n.message) for n in app._notifications), 3)
            assert app.screen is review and len(review.proposals) == 2
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AcceptForm)
        form.query_one("#country", Select).value = "GB"
        await _save_while_locked(app, pilot, db, "#accept")
    conn = open_for_editing(db)
    assert conn.execute("SELECT count(*) FROM proposed_quotes WHERE status = 'accepted'").fetchone() == (1,)


# ----- no lost update, one transaction per action -----
def test_a_correction_over_a_quote_changed_since_it_was_read_is_refused(db: Path) -> None:
    first, second = open_for_editing(db), open_for_editing(db)
    quote_id, actor, country, start, end, text = first.execute(
        'SELECT id, actor, country, start, "end", text FROM quotes ORDER BY id LIMIT 1').fetchone()
    seen = {"actor": actor, "country": country, "start": start, "end": end, "text": text}
    correct_quote(first, quote_id, {"actor": "dominic-raab"}, note="first editor", seen=seen)
    with pytest.raises(EditError, match="changed by someone else"):
        correct_quote(second, quote_id, {"actor": "ren-zhengfei"}, note="second editor", seen=seen)
    assert first.execute("SELECT actor FROM quotes WHERE id = ?", (quote_id,)).fetchone() == ("dominic-raab",)
    audit = first.execute('SELECT "before" FROM edits WHERE note = ?', ("first editor",)).fetchone()[0]
    assert f'"actor": "{actor}"' in audit


async def test_two_dashboards_correcting_one_quote_the_later_is_told(db: Path) -> None:
    one, two = TechstanceApp.for_database(db), TechstanceApp.for_database(db)
    async with one.run_test(size=SIZE) as p1, two.run_test(size=SIZE) as p2:
        forms = []
        for app, pilot in ((one, p1), (two, p2)):
            await settle(pilot)
            await pilot.press("tab", "tab", "e")
            await settle(pilot)
            assert isinstance(app.screen, CorrectQuoteForm)
            forms.append(app.screen)
        forms[0].query_one("#actor", Select).value = "dominic-raab"
        await p1.click("#save")
        assert await wait_for(p1, lambda: one.screen is not forms[0])
        forms[1].query_one("#actor", Select).value = "ren-zhengfei"
        await p2.click("#save")
        assert await wait_for(p2, lambda: "someone else" in str(forms[1].query_one("#form-error").render()))
        assert two.screen is forms[1]


def test_accepting_with_a_new_person_is_all_or_nothing(db: Path, tmp_path: Path) -> None:
    from techstance.db.curation.importer import import_article

    conn = open_for_editing(db)
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    import_article(conn, article, outlet="Wire", title="T", date="2026-11-20", topic="huawei-5g")
    proposal = conn.execute("SELECT id FROM proposed_quotes").fetchone()[0]
    taken = conn.execute("SELECT id FROM quotes LIMIT 1").fetchone()[0]
    edits_before = conn.execute("SELECT count(*) FROM edits").fetchone()[0]
    with pytest.raises(EditError):
        accept_proposal(conn, proposal, quote_id=taken, actor="jane-doe", country="GB",
                        new_speaker={"name": "Jane Doe", "kind": "person"})
    assert conn.execute("SELECT count(*) FROM actors WHERE id = 'jane-doe'").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM edits").fetchone()[0] == edits_before


async def test_a_poll_that_ends_while_the_app_shuts_down_does_not_reload_its_screens(db: Path) -> None:
    # CI found this: a poll that saw a change returned while the app was closing, and the dashboard
    # asked to reload had already lost its map (NoMatches), the app ending on an error.
    app = TechstanceApp.for_database(db)
    app.poll_seconds = 3600

    async def changed_at_shutdown() -> str:
        while app.is_running:
            await asyncio.sleep(0.01)
        return "changed"

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter")  # a second screen above the dashboard, as in CI
        await settle(pilot)
        app.data.poll = changed_at_shutdown  # type: ignore[method-assign]
        app.poll_data()
        await pilot.pause()
    assert app.crash is None


async def test_a_save_that_lands_while_the_app_shuts_down_does_not_reload_its_screens(db: Path) -> None:
    # A fresh-clone run found this: an accepted proposal's save came back while the app was closing,
    # and the dashboard it reloaded had already lost its map (NoMatches), the app ending on an error.
    app = TechstanceApp.for_database(db)
    app.poll_seconds = 3600
    reloaded: list[str] = []

    async def saved_at_shutdown() -> None:
        while app.is_running:
            await asyncio.sleep(0.005)
        for screen in app.screen_stack:
            screen.reload = lambda s=screen: reloaded.append(type(s).__name__)  # type: ignore[attr-defined]
        app.reload_screens()  # what the Saved message does

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter")  # a second screen above the dashboard
        await settle(pilot)
        shutdown = asyncio.ensure_future(saved_at_shutdown())
    await shutdown
    assert reloaded == []
    assert app.crash is None

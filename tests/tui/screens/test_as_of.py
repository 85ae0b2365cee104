"""The dashboard as of a date: `a`, `[`, `]`, `A`, driven from the keyboard as a user would."""

from __future__ import annotations

from pathlib import Path

from techstance.db.store.opening import read_opening
from techstance.tui.app import TechstanceApp
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.widgets.as_of_bar import AsOfBar
from techstance.tui.widgets.claim_panes import DecisionPane, QuotesPane
from techstance.tui.widgets.tile_map import TileMap
from textual.widgets import Input, Static

from tests.helpers import press, settle, shown_text

SIZE = (120, 36)


def app_for(db: Path, as_of: str | None = None) -> TechstanceApp:
    return TechstanceApp.for_database(db, opening=read_opening(db) if as_of is None else None, as_of=as_of)


def title(app: TechstanceApp) -> str:
    return str(app.screen.query_one("#title-bar", Static).render())


def stances(app: TechstanceApp) -> dict[str, str | None]:
    return {t.country.code: t.stance for t in app.screen.query_one(TileMap).tiles}


async def type_date(pilot: object, text: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await press(pilot, "a")
    await pilot.press(*text)
    await press(pilot, "enter")


async def test_a_typed_date_shows_the_map_as_it_stood_and_says_so(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert stances(app)["CA"] == "restrict" and "As of" not in title(app)
        await type_date(pilot, "2019-12-31")
        screen = app.screen
        assert isinstance(screen, Dashboard) and screen.as_of == "2019-12-31"
        assert "As of 2019-12-31" in title(app)
        assert "as of 2019-12-31" in str(screen.query_one(TileMap).border_title)
        # Canada's restriction is reported in January 2020: not on the map at the end of 2019.
        assert stances(app)["CA"] is None and stances(app)["GB"] == "undecided"
        await press(pilot, "A")  # back to today
        assert screen.as_of is None and "As of" not in title(app) and stances(app)["CA"] == "restrict"


async def test_stepping_with_brackets_changes_the_map_and_the_date(seed_db: Path) -> None:
    app = app_for(seed_db, as_of="2020-01-27")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, Dashboard)
        # The UK's 2020 proposal, known only to the year, may have come by then: marked uncertain.
        gb = screen.query_one(TileMap).tile("GB")
        assert "As of 2020-01-27" in title(app) and gb is not None and gb.stance == "restrict" and gb.uncertain
        await press(pilot, "right_square_bracket")
        # The next event: the UK's decision of 28 January 2020, its country selected.
        assert screen.as_of == "2020-01-28" and "As of 2020-01-28" in title(app)
        gb = screen.query_one(TileMap).tile("GB")
        assert screen.query_one(TileMap).selected == "GB" and gb is not None and not gb.uncertain
        assert "28 Jan 2020" in shown_text(screen.query_one(DecisionPane))
        await press(pilot, "left_square_bracket")
        # Back past the 2020 events: every 2019 event counts from 2019-12-31, the last is the US's.
        assert screen.as_of == "2019-12-31" and screen.query_one(TileMap).selected == "US"
        assert stances(app)["GB"] == "undecided"
        for _ in range(20):
            await press(pilot, "right_square_bracket")
        assert screen.as_of is None and "As of" not in title(app)  # past the last event: today


async def test_a_year_is_uncertain_until_it_is_over(seed_db: Path) -> None:
    app = app_for(seed_db, as_of="2019-06-01")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tile = app.screen.query_one(TileMap).tile("AU")
        # Australia's ban is known only to the year 2019: possible on 2019-06-01, not certain.
        assert tile is not None and tile.stance == "ban" and tile.uncertain
        assert "? uncertain: period not over" in shown_text(app.screen.query_one(TileMap))
        app.screen.query_one(TileMap).selected = "AU"
        await settle(pilot)
        decision = shown_text(app.screen.query_one(DecisionPane))
        assert "No quotes about this country by 2019-06-01." in shown_text(app.screen.query_one(QuotesPane))
        # Its ban is no position yet; it is listed, marked, as reported within 2019.
        assert "No decision known for Australia by 2019-06-01" in decision
        assert "uncertain: undated, reported 2019" in decision
        await type_date(pilot, "2019-12-31")
        tile = app.screen.query_one(TileMap).tile("AU")
        assert tile is not None and tile.stance == "ban" and not tile.uncertain
        assert "uncertain" not in shown_text(app.screen.query_one(DecisionPane))


async def test_a_bad_date_is_refused_beside_the_field_and_kept(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = stances(app)
        await type_date(pilot, "2019-02-30")
        bar = app.screen.query_one(AsOfBar)
        message = str(bar.query_one("#as-of-message", Static).render())
        assert bar.is_open and "not a real date" in message and "\n" not in message
        assert bar.query_one(Input).value == "2019-02-30"  # kept, to be corrected
        assert isinstance(app.screen, Dashboard) and app.screen.as_of is None and stances(app) == before
        await press(pilot, "escape")
        assert not bar.is_open and app.screen.as_of is None


async def test_the_cache_never_shows_todays_panes_under_a_date(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Today's panes for the UK (and its neighbours, read ahead) are in the cache now.
        assert app.screen.query_one(TileMap).selected == "GB"
        today_quotes = app.screen.query_one(QuotesPane).option_count
        await type_date(pilot, "2020-01-27")
        decision = shown_text(app.screen.query_one(DecisionPane))
        assert "28 Jan 2020" not in decision and "UNDECIDED" in decision
        assert app.screen.query_one(QuotesPane).option_count < today_quotes
        # Canada was read ahead for today (a restriction); as of this date its own read is shown.
        await press(pilot, "left")
        assert app.screen.query_one(TileMap).selected == "CA"
        canada = shown_text(app.screen.query_one(DecisionPane))
        assert "No decision known for Canada by 2020-01-27" in canada and "uncertain: " in canada
        await press(pilot, "right")
        await press(pilot, "escape")  # nothing else to back out of: today again, from the cache
        assert "28 Jan 2020" in shown_text(app.screen.query_one(DecisionPane))
        assert app.screen.query_one(QuotesPane).option_count == today_quotes


async def test_before_the_first_event_bracket_says_so_and_stays(seed_db: Path) -> None:
    app = app_for(seed_db, as_of="2019-01-01")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket")
        assert isinstance(app.screen, Dashboard) and app.screen.as_of == "2019-01-01"
        assert any("No earlier dated event." in str(n.message) for n in app._notifications)
        # Nothing was certain on 2019-01-01: every tile with a stance is marked uncertain.
        stanced = [t for t in app.screen.query_one(TileMap).tiles if t.stance is not None]
        assert stanced and all(t.uncertain for t in stanced)


async def test_the_date_fields_hint_and_a_refusal_fit_80_columns(seed_db: Path) -> None:
    # Before: "As of (YYYY-MM-DD):" took 21 columns, so at 80 the hint ended at "Esc:" and a
    # refusal lost its end (the date that was refused).
    app = app_for(seed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        bar_row = app.screen.query_one(AsOfBar).region.y
        row = lambda: app.screen._compositor.render_strips()[bar_row].text  # noqa: E731
        assert row().rstrip().endswith("Esc: cancel"), row()
        await pilot.press(*"2019-13-01")
        await press(pilot, "enter")
        assert row().rstrip().endswith("'2019-13-01' is not a real date"), row()

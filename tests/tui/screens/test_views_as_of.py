"""The analyst's views follow the dashboard's date (issue 15 review: with the map as of 2019-06,
Positions showed today's positions): Positions by the map's rule, a marker on the Timeline,
Disputes and People what had been said by then, and each title says "As of"."""

from __future__ import annotations

from pathlib import Path

import pytest
from techstance.db.store.connection import open_database
from techstance.db.store.reads import Store
from techstance.tui.app import TechstanceApp
from techstance.tui.screens.positions import PositionsScreen
from techstance.tui.widgets.tile_map import TileMap
from techstance.tui.widgets.timeline_chart import TimelineChart
from textual.widgets import Static

from tests.helpers import flat, press, settle, shown_text

DATE = "2019-06-01"


def title(app: TechstanceApp) -> str:
    return str(app.screen.query_one("#title-bar", Static).render())


def body(app: TechstanceApp) -> str:
    """The screen's text, wrapped lines joined (read from the compositor, as test_analyst_views)."""
    return flat("\n".join(strip.text for strip in app.screen._compositor.render_strips()))


async def dated(pilot: object, date: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await press(pilot, "a")
    await pilot.press(*date)
    await press(pilot, "enter")


async def test_positions_follow_the_dashboards_date_by_the_maps_rule(seed_db: Path) -> None:
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await dated(pilot, DATE)
        on_map = {t.country.code: t.stance for t in app.screen.query_one(TileMap).tiles if t.stance}
        await press(pilot, "o")
        screen = app.screen
        assert isinstance(screen, PositionsScreen)
        assert f"As of {DATE}" in title(app)
        listed = {p.country.code: p.current.stance for p in screen.positions}
        assert listed == on_map, (listed, on_map)
        assert "CA" not in listed  # Canada decided in 2020: as of mid-2019, nothing yet
        assert listed["GB"] == "undecided"  # today: restrict
        assert f"by {DATE}" in body(app)


async def test_today_the_views_are_undated(seed_db: Path) -> None:
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "o")
        screen = app.screen
        assert isinstance(screen, PositionsScreen)
        assert "As of" not in title(app) and screen.positions and "CA" in {p.country.code for p in screen.positions}


async def test_the_timeline_marks_the_date_and_starts_there(seed_db: Path) -> None:
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await dated(pilot, DATE)
        await press(pilot, "T")
        assert f"As of {DATE}" in title(app)
        chart = app.screen.query_one(TimelineChart)
        assert chart.as_of == DATE
        rows = shown_text(chart).splitlines()
        assert rows and all("┃" in row for row in rows if row.strip()), rows
        event = chart.current()
        assert event is not None and (event.placed_on or "") <= DATE  # where the row stood then
        assert f"┃ {DATE}" in body(app)


@pytest.mark.parametrize(("key", "then", "today"), [
    ("D", f"No source had disputed a decision on this topic by {DATE}.", "1 disputed decision"),
])
async def test_disputes_show_what_had_been_said_by_then(seed_db: Path, key: str, then: str, today: str) -> None:
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, key)
        assert today in body(app)
        await press(pilot, "escape")
        await dated(pilot, DATE)
        await press(pilot, key)
        assert f"As of {DATE}" in title(app)
        assert then in body(app)


async def test_people_show_the_quotes_said_by_then(seed_db: Path) -> None:
    # The seed's quotes of Pompeo were said (else reported) in January 2020: none by its 30th.
    store = Store(open_database(seed_db))
    today = store.person("mike-pompeo")
    then = store.person("mike-pompeo", as_of="2020-01-30")
    assert today is not None and then is not None and len(today.quotes) == 18 and not then.quotes
    assert {s.actor.id: s.quotes for s in store.speakers(as_of="2020-01-30")}["mike-pompeo"] == 0
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await dated(pilot, "2020-01-30")
        await press(pilot, "P")
        assert "As of 2020-01-30" in title(app)
        assert "quotes said by 2020-01-30" in body(app)
        await pilot.press(*"Pompeo")
        await settle(pilot)
        assert "Mike Pompeo  0 quotes" in body(app)
        await press(pilot, "enter")
        assert "No quote of Mike Pompeo had been said by 2020-01-30." in body(app)
        assert "As of 2020-01-30" in title(app)


@pytest.mark.parametrize("view", ["o", "T"], ids=["positions", "timeline"])
def test_view_as_of_snapshot(snap_compare, seed_db: Path, view: str) -> None:  # type: ignore[no-untyped-def]
    """Looked at as pictures: the title's "As of", Positions' '?' marks, the Timeline's marker."""
    from tests.helpers import make_app

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await dated(pilot, DATE)
        await press(pilot, view)

    assert snap_compare(make_app(seed_db), terminal_size=(80, 24), run_before=run_before)

"""The kiosk's timeline tour: the dated events in order, the map as of each, the date on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from techstance.tui.kiosk.config import KioskConfigError, load_kiosk_config
from techstance.tui.widgets.tile_map import TileMap
from textual.widgets import Static

from tests.conftest import settle
from tests.tui.kiosk.test_kiosk import SIZE, Clock, kiosk, selected


@pytest.fixture
def kiosk_db(seed_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "kiosk.db"
    db.write_bytes(seed_db.read_bytes())
    return db


async def test_the_timeline_tour_plays_the_events_in_order_then_today(kiosk_db: Path) -> None:
    clock = Clock()
    app = kiosk(kiosk_db, clock, tour="timeline")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard = app.dashboard()
        assert dashboard is not None and dashboard.as_of is None
        seen: list[tuple[str | None, str | None]] = []
        australia: list[bool] = []
        for _ in range(14):
            clock.t += 12
            app.tick()
            await settle(pilot)
            title = str(dashboard.query_one("#title-bar", Static).render())
            assert (f"As of {dashboard.as_of}" in title) == (dashboard.as_of is not None)
            seen.append((dashboard.as_of, selected(app)))
            au = dashboard.query_one(TileMap).tile("AU")
            assert au is not None
            australia.append(au.uncertain)
        # The trade blacklisting (May 2019) first, the UK's decision of 28 January 2020 after every
        # 2019 event, the 2020 proposal (known only to the year) last; then today; then again.
        assert seen[0] == ("2019-05-31", "US")
        assert seen.index(("2020-01-28", "GB")) > seen.index(("2019-12-31", "US"))
        assert seen[11] == ("2020-12-31", "GB")
        assert seen[12][0] is None and seen[13] == ("2019-05-31", "US")
        dates = [d for d, _ in seen[:12]]
        assert dates == sorted(dates)
        assert "Timeline: an event every 12 s" in str(app.status_text())
        # The map is shown as of each date: Australia's ban (2019) is uncertain in May 2019, certain after.
        assert australia[0] and not australia[seen.index(("2020-01-28", "GB"))] and not australia[12]


def test_the_tour_setting_is_checked_like_the_others(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('tour = "timeline"\n')
    assert load_kiosk_config(path, {}).tour == "timeline"
    assert load_kiosk_config(path, {"tour": "countries"}).tour == "countries"
    path.write_text('tour = "backwards"\n')
    with pytest.raises(KioskConfigError) as caught:
        load_kiosk_config(path, {})
    assert str(caught.value).startswith(f"{path}: field 'tour'") and "\n" not in str(caught.value)

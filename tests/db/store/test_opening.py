"""The opening view (db/store/opening.py): the dashboard's first frame is drawn filled, a commit made
while the app starts is not lost, and a locked file neither delays nor breaks the start."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from techstance.db.store.connection import open_database
from techstance.db.store.opening import read_opening
from techstance.tui.app import TechstanceApp
from techstance.tui.widgets.claim_panes import DecisionPane, QuotesPane
from techstance.tui.widgets.tile_map import TileMap

from tests.helpers import SIZE, app_for, settle, shown_text, wait_until

CN_ALLOW = ("INSERT INTO decisions (id, topic, country, stance, status, date, date_precision, date_inferred,"
            " summary, conditions) "
            "VALUES ('cn-meanwhile', 'huawei-5g', 'CN', 'allow', 'reported', '2031-01-01', "
            "'day', 0, 'Committed while the dashboard started.', '[]')")


async def test_the_first_frame_shows_the_opened_country_without_loading_it_again(seed_db: Path) -> None:
    app = app_for(seed_db)
    asked: list[tuple[Any, ...]] = []
    original = app.service.store.country_detail

    def counted(*args: Any, **kwargs: Any) -> Any:
        asked.append(args)
        return original(*args, **kwargs)

    app.service.store.country_detail = counted  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        # Before any pause or worker: the panes were filled as the screen mounted.
        assert "Decision · United Kingdom" in shown_text(app.screen.query_one(DecisionPane))
        assert app.screen.query_one(QuotesPane).option_count > 0
        await settle(pilot)
        # Neighbours are read ahead (prefetch); the opened country itself never again.
        assert all(args[1] != "GB" for args in asked), "the opened country was read a second time"
        await pilot.press("left")  # moving on shows another country
        await settle(pilot)
        assert "Decision · United Kingdom" not in shown_text(app.screen.query_one(DecisionPane))


async def test_a_commit_made_while_the_app_starts_is_shown(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    db.write_bytes(seed_db.read_bytes())
    opening = read_opening(db)
    writer = sqlite3.connect(db)
    writer.execute(CN_ALLOW)  # after the opening view was read, before the app watches the file
    writer.commit()
    writer.close()
    app = TechstanceApp.for_database(db, opening=opening)
    # Only the poll below may show the commit: under load (CI at load 12) the timed poll came
    # before the first assertion and the test failed for the right behaviour.
    app.poll_seconds = 3600
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def cn() -> str | None:
            tile = app.screen.query_one(TileMap).tile("CN")
            return tile.stance if tile else None

        assert cn() is None  # the opening view predates the commit...
        app.poll_data()
        assert await wait_until(pilot, lambda: cn() == "allow"), "...and the first poll shows it"


async def test_a_locked_file_costs_the_opening_view_a_fifth_of_a_second(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    db.write_bytes(seed_db.read_bytes())
    reader = open_database(db)  # opened before the lock, as the command line does
    locker = sqlite3.connect(db, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        assert read_opening(db) is None
        assert time.monotonic() - started < 1.0  # not the five seconds other reads wait
        app = TechstanceApp.for_database(db, conn=reader)
        async with app.run_test(size=SIZE) as pilot:
            locker.execute("COMMIT")  # released: the dashboard loads as it would after any change
            await settle(pilot)
            assert "Decision · United Kingdom" in shown_text(app.screen.query_one(DecisionPane))
    finally:
        locker.close()

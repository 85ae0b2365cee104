"""The database file deleted, then built again, while the dashboard runs: the screen keeps what
it read, says once that the file has gone (and once that it is back), and never creates a file."""

from __future__ import annotations

from pathlib import Path

from techstance.db.curation.build import build_database
from techstance.tui.app import TechstanceApp
from techstance.tui.widgets.claim_panes import DecisionPane
from techstance.tui.widgets.tile_map import TileMap

from tests.helpers import SEEDS, SIZE, make_app, settle, shown_text, wait_until


def _toasts(app: TechstanceApp) -> list[str]:
    """The notifications on screen now, as a user reads them."""
    from textual.widgets._toast import Toast

    return [shown_text(toast) for toast in app.screen.query(Toast)]


async def test_deleted_file_is_reported_once_and_what_was_read_stays(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    db.write_bytes(seed_db.read_bytes())
    app = make_app(db)
    assert isinstance(app, TechstanceApp)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        db.unlink()
        app.poll_data()
        assert await wait_until(pilot, lambda: any("has gone" in t for t in _toasts(app))), _toasts(app)
        for _ in range(3):  # later polls say nothing new
            app.poll_data()
            await settle(pilot)
        assert sum("has gone" in t for t in _toasts(app)) == 1, _toasts(app)
        assert "Decision · United Kingdom" in shown_text(app.screen.query_one(DecisionPane))
        await pilot.press("left")  # still browsable from the connection already open
        await settle(pilot)
        assert app.screen.query_one(TileMap).selected != "GB"
        assert not db.exists(), "the app created a file where the database was"

        build_database(SEEDS, db)  # back, as a new file
        app.poll_data()
        assert await wait_until(pilot, lambda: any("can be read again" in t for t in _toasts(app))), _toasts(app)
        assert app.is_running

"""Kiosk configuration checked against a database that appears after the kiosk started (issue 14,
deliverable 9, on screen): the command line can check only a database that is there; a kiosk started
before its database says on screen, once the file appears, which file and field name a country or topic
it does not have, and keeps checking, so fixing the database (or a build that adds the country) is enough.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from techstance.tui.kiosk.app import KioskApp, KioskMessage
from techstance.tui.kiosk.config import KioskConfig
from techstance.tui.screens.dashboard import Dashboard

from tests.helpers import FIXED_NOW, settle, shown_text, wait_until

SIZE = (120, 36)


async def test_an_unknown_country_is_said_on_screen_once_the_database_appears(seed_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "later.db"
    config_file = tmp_path / "kiosk.toml"
    app = KioskApp(path, KioskConfig(poll=0.3, countries=["GB", "QQ"]), now=lambda: FIXED_NOW,
                   config_file=config_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, KioskMessage) and "no such database" in app.screen.message
        path.write_bytes(seed_db.read_bytes())
        await wait_until(pilot, lambda: "QQ" in getattr(app.screen, "message", ""), 5)
        screen = app.screen
        assert isinstance(screen, KioskMessage)
        assert screen.message.startswith(f"{config_file}: field 'countries.1': no country 'QQ' in the database")
        assert "QQ" in shown_text(screen.query_one("#kiosk-message"))
        assert app.is_running and not isinstance(app.screen, Dashboard)
        # The database gains the country: the next poll opens the tour.
        conn = sqlite3.connect(path)
        conn.execute("INSERT INTO countries VALUES ('QQ', 'Qland', 'Nowhere', 9, 9)")
        conn.commit()
        conn.close()
        await wait_until(pilot, lambda: isinstance(app.screen, Dashboard), 5)
        assert isinstance(app.screen, Dashboard)


async def test_an_unknown_topic_is_said_on_screen_once_the_database_appears(seed_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "later.db"
    app = KioskApp(path, KioskConfig(poll=0.3, topic="no-such-topic"), now=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        path.write_bytes(seed_db.read_bytes())
        await wait_until(pilot, lambda: "no-such-topic" in getattr(app.screen, "message", ""), 5)
        assert isinstance(app.screen, KioskMessage)
        assert app.screen.message.startswith("kiosk configuration: field 'topic': no topic 'no-such-topic'")
        assert app.is_running


async def test_a_change_seen_before_a_new_dashboard_has_drawn_does_not_end_the_kiosk(
        seed_db: Path, tmp_path: Path) -> None:
    # CI found this: a poll that saw the file change in the moment between the kiosk pushing its
    # dashboard and the dashboard composing asked it to reload, and the reload looked for a map not
    # yet there. A screen that has not mounted reads on mount anyway.
    path = tmp_path / "later.db"
    app = KioskApp(path, KioskConfig(poll=0.3), now=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        path.write_bytes(seed_db.read_bytes())
        await wait_until(pilot, lambda: isinstance(app.screen, Dashboard), 5)
        await pilot.pause()
        fresh = type(app.screen)(topic=None)
        app.push_screen(fresh)
        app.reload_screens()  # the pushed screen is in the stack, not yet composed
        await settle(pilot)
        assert app.screen is fresh and app.is_running
        assert app.crash is None

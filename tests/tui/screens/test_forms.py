"""Forms show every name from the database literally, in their drop-downs too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from techstance.tui.app import TechstanceApp
from techstance.tui.screens.editing import CorrectQuoteForm
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from tests.helpers import settle

HOSTILE = "Mr [/] [@click=app.quit]Quit[/] \\[b]"


@pytest.fixture
def db(seed_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "forms.db"
    path.write_bytes(seed_db.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("UPDATE actors SET name = ? WHERE id = 'dominic-raab'", (HOSTILE,))
    conn.execute("UPDATE countries SET name = ? WHERE code = 'CN'", (HOSTILE,))
    conn.commit()
    conn.close()
    return path


async def test_drop_downs_show_markup_in_names_as_text_and_clicking_it_does_nothing(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "tab", "e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CorrectQuoteForm)
        for selector in ("#actor", "#country"):
            form.query_one(selector, Select).focus()
            await pilot.press("enter")  # open the list
            await settle(pilot)
            overlay = form.query_one(selector, Select).query_one(SelectOverlay)
            shown = "\n".join(str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count))
            assert "Mr [/] [@click=app.quit]Quit[/] \\[b]" in shown
            await pilot.press("escape")
            await settle(pilot)
        form.query_one("#country", Select).value = "CN"
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, CorrectQuoteForm)

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


@pytest.mark.parametrize("opener", ["correct quote", "add decision", "add quote"])
async def test_a_form_that_cannot_read_its_choices_says_so_even_after_the_poll_did(
        db: Path, opener: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: with the database locked the poll said so once; `e` (or the reader's `d`, `Q`) then
    # failed to read the form's choices and said nothing, the same line not being repeated.
    from techstance.db.store.service import explain
    from techstance.tui.intents import AddDecision, AddQuote
    from techstance.tui.screens import form as form_module

    def locked(store: object) -> object:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(form_module, "read_choices", locked)
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        app.read_failed(explain(sqlite3.OperationalError("database is locked"), db))  # the poll's report
        await settle(pilot)
        before = len(app._notifications)
        if opener == "correct quote":
            await pilot.press("tab", "tab", "e")
        elif opener == "add decision":
            app.screen.post_message(AddDecision("src", 0, 1, "x", None))
        else:
            app.screen.post_message(AddQuote("src", 0, 1, "x", None))
        await settle(pilot)
        said = [str(n.message) for n in list(app._notifications)[before:]]
        assert any("Cannot open the form" in m and "locked" in m for m in said), said
        assert app.is_running

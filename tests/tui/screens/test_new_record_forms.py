"""A country or a person the drop-down does not hold is added from the form that needs it, and
chosen there; a refusal is a line beside the field and keeps what was typed."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from techstance.tui.app import TechstanceApp
from techstance.tui.screens.editing import AddDecisionForm, AddQuoteForm
from techstance.tui.screens.form import NEW_COUNTRY, NEW_PERSON
from techstance.tui.screens.new_records import NewCountryForm, NewPersonForm
from techstance.tui.screens.review import AcceptForm
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from tests.helpers import press, settle, with_proposal


@pytest.fixture
def db(seed_db: Path, tmp_path: Path) -> Path:
    return with_proposal(seed_db, tmp_path, "new.db")


def on_top(pilot: Pilot[None], screen: object) -> bool:
    return pilot.app.screen is screen


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def shown(form: Screen[Any], selector: str) -> str:
    error = form.query_one(selector, Static)
    return str(error.render()) if error.display else ""


async def ask(pilot: Pilot[None], form: Screen[Any], select: str, value: str) -> None:
    form.query_one(select, Select).value = value
    await settle(pilot)


async def type_into(pilot: Pilot[None], **values: str) -> None:
    for key, value in values.items():
        pilot.app.screen.query_one(f"#{key}", Input).value = value
    await pilot.click("#add")
    await settle(pilot)


async def test_new_country_from_the_new_decision_form(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "tab", "enter", "d")
        form = app.screen
        assert isinstance(form, AddDecisionForm)
        form.query_one("#summary", Input).value = "typed before"
        await ask(pilot, form, "#country", NEW_COUNTRY)
        new = app.screen
        assert isinstance(new, NewCountryForm)
        await type_into(pilot, name="Germany", code="DEU", region="Europe")
        # Refused beside the field, in words; the form keeps what was typed.
        assert on_top(pilot, new)
        assert "two-letter code" in shown(new, "#code-error") and not shown(new, "#name-error")
        assert new.query_one("#name", Input).value == "Germany"
        await pilot.pause(0.6)  # not a double click
        await type_into(pilot, code="de")
        assert on_top(pilot, form)
        assert form.query_one("#country", Select).value == "DE"
        assert form.query_one("#summary", Input).value == "typed before"
    (place,) = rows(db, "SELECT name, region, tile_row, tile_col FROM countries WHERE code = 'DE'")
    assert place[:2] == ("Germany", "Europe")
    assert ("countries", "DE") in rows(db, "SELECT record_table, record_id FROM edits")


async def test_new_person_from_the_new_quote_form_and_a_cancel_keeps_the_choice(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "tab", "enter", "Q")
        form = app.screen
        assert isinstance(form, AddQuoteForm)
        await ask(pilot, form, "#actor", "dominic-raab")
        await ask(pilot, form, "#actor", NEW_PERSON)
        assert isinstance(app.screen, NewPersonForm)
        await press(pilot, "escape")
        assert on_top(pilot, form) and form.query_one("#actor", Select).value == "dominic-raab"
        await ask(pilot, form, "#actor", NEW_PERSON)
        new = app.screen
        assert isinstance(new, NewPersonForm)
        await type_into(pilot, name="")
        assert shown(new, "#name-error") == "Required"
        new.query_one("#kind", Select).value = "company"
        new.query_one("#country", Select).value = "CN"
        await pilot.pause(0.6)
        await type_into(pilot, name="Huawei Technologies", role="vendor")
        assert on_top(pilot, form) and form.query_one("#actor", Select).value == "huawei-technologies"
    assert rows(db, "SELECT name, kind, role, country FROM actors WHERE id = 'huawei-technologies'") == [
        ("Huawei Technologies", "company", "vendor", "CN")]


async def test_accepting_a_proposal_can_add_its_country_and_its_speaker(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "R", "a")
        form = app.screen
        assert isinstance(form, AcceptForm)
        await ask(pilot, form, "#country", NEW_COUNTRY)
        await type_into(pilot, name="Kenya", code="KE", region="Africa")
        assert form.query_one("#country", Select).value == "KE"
        await ask(pilot, form, "#actor", NEW_PERSON)
        new = app.screen
        assert isinstance(new, NewPersonForm)
        assert new.query_one("#name", Input).value == "Jane Doe"  # the speaker the finder named
        new.query_one("#country", Select).value = "KE"
        await pilot.click("#add")
        await settle(pilot)
        assert form.query_one("#actor", Select).value == "jane-doe"
        await pilot.click("#accept")
        await settle(pilot)
        assert not isinstance(app.screen, AcceptForm)
    assert rows(db, "SELECT actor, country FROM quotes WHERE actor = 'jane-doe'") == [("jane-doe", "KE")]


async def test_the_new_country_form_opens_from_the_keyboard_ready_to_type(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "tab", "enter", "d", "tab", "enter", "end", "enter")  # the drop-down's last entry
        assert isinstance(app.screen, NewCountryForm)
        await press(pilot, *"Kenya")
        assert app.screen.query_one("#name", Input).value == "Kenya"


async def test_cancelling_a_new_person_in_a_form_that_always_has_a_speaker_keeps_its_speaker(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "R", "a")
        form = app.screen
        assert isinstance(form, AcceptForm)
        first = form.query_one("#actor", Select).value
        await ask(pilot, form, "#actor", NEW_PERSON)
        await press(pilot, "escape")
        assert on_top(pilot, form) and app.is_running
        assert form.query_one("#actor", Select).value == first

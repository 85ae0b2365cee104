"""The as-of bar (tui/widgets/as_of_bar.py) makes its date field when first opened: the first frame
of the dashboard, which most starts never follow with `a`, does not pay for it."""

from __future__ import annotations

from pathlib import Path

from techstance.tui.widgets.as_of_bar import AsOfBar
from textual.widgets import Input

from tests.helpers import SIZE, app_for, press, settle


async def test_the_date_field_is_made_when_the_bar_first_opens_and_kept(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(AsOfBar)
        assert not bar.is_open and not app.screen.query(Input)
        await press(pilot, "a")
        field = bar.query_one(Input)
        assert bar.is_open and app.focused is field and field.value == ""
        await pilot.press(*"2019-12")
        await press(pilot, "escape")
        assert not bar.is_open
        await press(pilot, "a")
        assert bar.query_one(Input) is field and app.focused is field and field.value == ""
        await pilot.press(*"2020-01-27")
        await press(pilot, "enter")
        await settle(pilot)
        await press(pilot, "a")  # the date shown is offered to be changed
        assert field.value == "2020-01-27" and field.cursor_position == len("2020-01-27")

"""Every editing form, centred over the screen it belongs to, at 80x24 and 120x36. Review a changed
one as a picture: `rsvg-convert tests/tui/screens/__snapshots__/test_form_snapshots/NAME.svg -o /tmp/x.png`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.helpers import make_app, press, settle, with_proposal

SIZES = [(80, 24), (120, 36)]
FORMS = {
    "find-text": ("tab", "enter", "s"),
    "add-decision": ("tab", "enter", "d"),
    "add-quote": ("tab", "enter", "Q"),
    "correct-quote": ("tab", "tab", "e"),
    "accept-proposal": ("R", "a"),
}


@pytest.fixture
def proposals_db(seed_db: Path, tmp_path: Path) -> Path:
    return with_proposal(seed_db, tmp_path, "forms.db")


def keys(*names: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await press(pilot, *names)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("form", sorted(FORMS))
def test_form(snap_compare, proposals_db: Path, form: str, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(proposals_db), terminal_size=size, run_before=keys(*FORMS[form]))


def then_choose(select: str, value: str, *names: str) -> Callable[[Pilot], Awaitable[None]]:
    """Open a form by keys, then pick a drop-down's "New …" entry (its form opens over it)."""
    async def run_before(pilot: Pilot) -> None:
        from textual.widgets import Select

        await keys(*names)(pilot)
        pilot.app.screen.query_one(select, Select).value = value
        await settle(pilot)
        # The new form is pushed by the app after a message round trip, then focuses its name field:
        # under load one settle was not always enough (a snapshot taken before the focus landed).
        for _ in range(50):
            focused = pilot.app.focused
            if focused is not None and focused.id == "name":
                break
            await pilot.pause(0.05)
        await settle(pilot)

    return run_before


NEW_RECORDS = {
    "new-country": ("#country", "+country", ("tab", "enter", "d")),
    "new-person": ("#actor", "+person", ("R", "a")),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("form", sorted(NEW_RECORDS))
def test_new_record_form(snap_compare, proposals_db: Path, form: str, size: tuple[int, int]) -> None:
    select, value, names = NEW_RECORDS[form]
    assert snap_compare(make_app(proposals_db), terminal_size=size, run_before=then_choose(select, value, *names))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reject_asks_first(snap_compare, proposals_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(proposals_db), terminal_size=size, run_before=keys("R", "x"))


def test_refusals_beside_their_fields(snap_compare, proposals_db: Path) -> None:
    """Saved with nothing filled in: each refused field says so under itself, in words."""
    async def run_before(pilot: Pilot) -> None:
        await keys("tab", "enter", "d")(pilot)
        await pilot.click("#save")
        await settle(pilot)

    assert snap_compare(make_app(proposals_db), terminal_size=(120, 36), run_before=run_before)

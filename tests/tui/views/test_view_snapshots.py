"""Snapshots of the analyst's views at 80x24 and 120x36 and in the mono theme. Review a changed
one as a picture: `rsvg-convert tests/tui/views/__snapshots__/test_view_snapshots/NAME.svg -o /tmp/x.png`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.conftest import make_app, press, settle

VIEWS = {
    "person": ("slash", *"Pompeo", "enter"),
    "positions": ("o",),
    "disputes": ("D",),
    "timeline": ("T",),
}
LOOKS = {"80x24": ((80, 24), None), "120x36": ((120, 36), None), "mono": ((120, 36), "mono")}


def keys(*names: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, *names)

    return run_before


@pytest.mark.parametrize("look", sorted(LOOKS))
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_view(snap_compare, seed_db: Path, view: str, look: str) -> None:  # type: ignore[no-untyped-def]
    size, theme = LOOKS[look]
    assert snap_compare(make_app(seed_db, theme), terminal_size=size, run_before=keys(*VIEWS[view]))


def test_positions_filtered_to_nothing(snap_compare, seed_db: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(seed_db), terminal_size=(80, 24), run_before=keys("o", "exclamation_mark", "b"))


def test_people_list(snap_compare, seed_db: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(seed_db), terminal_size=(80, 24), run_before=keys("P"))

"""The dashboard as of 2019-06-01 (`techstance --as-of 2019-06-01`), at the two sizes people use most.
Review a changed one as a picture (rsvg-convert NAME.svg -o /tmp/NAME.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from techstance.tui.app import TechstanceApp
from textual.pilot import Pilot

from tests.conftest import settle


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_dashboard_as_of_2019_06_01(snap_compare, seed_db: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)

    app = TechstanceApp.for_database(seed_db, as_of="2019-06-01")
    assert snap_compare(app, terminal_size=size, run_before=run_before)

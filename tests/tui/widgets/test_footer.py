"""`?` and `q` are always in the footer, even at 80x24 (issue 15: they were cut off there)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey

from tests.helpers import app_for, settle


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_help_and_quit_are_on_screen(seed_db: Path, size: tuple[int, int]) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        keys = {key.action: key for key in app.screen.query(FooterKey)}
        for action in ("app.help", "app.quit"):
            key = keys.get(action) or keys[action.removeprefix("app.")]
            region = app.screen.find_widget(key).region
            assert region.width > 0 and region.right <= size[0], f"{action} is cut off at {size}"

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


async def test_the_first_frame_styles_each_footer_key_once(seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each key came compact and was bound to the footer's value only once mounted: restyled on
    # (class on) and again off, 22 style updates before the first frame. The palette key is not
    # bound and stays compact, as Textual draws it: its one update is Textual's.
    from textual.app import App

    restyled: list[FooterKey] = []
    update_styles = App.update_styles

    def counting(self: App[object], node: object, animate: bool = True) -> None:
        if isinstance(node, FooterKey) and not node.has_class("-command-palette"):
            restyled.append(node)
        update_styles(self, node, animate)  # type: ignore[arg-type]

    monkeypatch.setattr(App, "update_styles", counting)
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        keys = [key for key in app.screen.query(FooterKey) if not key.has_class("-command-palette")]
        assert keys and not any(key.has_class("-compact") for key in keys)
    assert restyled == []

"""`?` and `q` are always in the footer, even at 80x24, and no key is cut mid-label (issue 15: at
80x24 the footer cut "Help" and "Quit", later the screens' own last labels, "c Clear f")."""

from __future__ import annotations

from pathlib import Path

import pytest
from techstance.tui.widgets.footer import Footer
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from tests.helpers import app_for, press, settle

SIZES = [(80, 24), (120, 36)]


def footer_problems(pilot: Pilot[None], width: int) -> list[str]:
    """Keys drawn past the palette's rule or the edge, on the screen shown now."""
    screen = pilot.app.screen
    footer = screen.query_one(Footer)
    keys = list(footer.query(FooterKey))
    palette = [key for key in keys if key.has_class("-command-palette")]
    edge = screen.find_widget(palette[0]).region.x if palette else width
    problems = []
    for key in keys:
        if key in palette:
            continue
        region = screen.find_widget(key).region
        if region.width == 0 or region.right > edge:
            problems.append(f"{type(screen).__name__}: {key.key_display} {key.description!r} cut at {width}")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_help_and_quit_are_on_screen(seed_db: Path, size: tuple[int, int]) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        keys = {key.action: key for key in app.screen.query(FooterKey)}
        for action in ("app.help", "app.quit"):
            key = keys.get(action) or keys[action.removeprefix("app.")]
            region = app.screen.find_widget(key).region
            assert region.width > 0 and region.right <= size[0], f"{action} is cut off at {size}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_no_screen_cuts_a_key(seed_db: Path, size: tuple[int, int]) -> None:
    app = app_for(seed_db)
    problems: list[str] = []
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        problems += footer_problems(pilot, size[0])
        for view in ("P", "o", "D", "T"):
            await press(pilot, view)
            problems += footer_problems(pilot, size[0])
            await press(pilot, "escape")
        await press(pilot, "R")  # review imports
        problems += footer_problems(pilot, size[0])
        await press(pilot, "escape", "tab", "tab", "enter")  # the reader, from the sources pane
        problems += footer_problems(pilot, size[0])
    assert not problems


async def test_keys_left_out_come_back_when_wider(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "o")
        narrow = {key.description for key in app.screen.query(FooterKey)}
        await pilot.resize_terminal(160, 24)
        await settle(pilot)
        wide = {key.description for key in app.screen.query(FooterKey)}
        assert "Clear filters" not in narrow and "Clear filters" in wide
        assert not footer_problems(pilot, 160)


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

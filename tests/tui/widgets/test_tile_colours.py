"""Stance tiles keep distinct backgrounds in truecolor, 256-colour and 16-colour terminals, in
every theme the palette offers (issue 15: in tmux's 256 colours every tile was the same grey)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import techstance.tui.screens.dashboard
from rich.console import Console
from rich.style import Style
from rich.text import Text
from techstance.db.store.read_models import CountryInfo, CountryTile
from techstance.tui.themes import MONOCHROME, THEMES, unoffered_themes
from techstance.tui.widgets.tile_map import TileMap
from textual import constants
from textual.app import App, ComposeResult
from textual.theme import BUILTIN_THEMES

KINDS = ("ban", "restrict", "allow", "undecided", None)
ALL_THEMES = {**BUILTIN_THEMES, **{theme.name: theme for theme in THEMES.values()}}
OFFERED = sorted(set(ALL_THEMES) - set(unoffered_themes(ALL_THEMES)))


class MapApp(App[None]):
    # The dashboard's own rules for the map, as the app loads them.
    CSS_PATH = str(Path(techstance.tui.screens.dashboard.__file__).with_name("dashboard.tcss"))

    def __init__(self) -> None:
        super().__init__()
        for theme in THEMES.values():
            self.register_theme(theme)

    def compose(self) -> ComposeResult:
        yield TileMap(id="map")

    def on_mount(self) -> None:
        tiles = [CountryTile(country=CountryInfo(code=f"C{i}", name=f"Country {i}", region="R", tile_row=0,
                                                 tile_col=i), stance=stance, status="enacted" if stance else None)
                 for i, stance in enumerate(KINDS)]
        tile_map = self.query_one(TileMap)
        tile_map.set_tiles([*tiles, CountryTile(country=CountryInfo(code="ZZ", name="Selected", region="R",
                                                                    tile_row=1, tile_col=0))], select="ZZ")


def sent_to_terminal(style: Style, system: str) -> str:
    """The escape codes a terminal of this colour system receives for the style's background."""
    console = Console(color_system=system, force_terminal=True, file=io.StringIO(), width=10)  # type: ignore[arg-type]
    console.print(Text(" ", style=Style(bgcolor=style.bgcolor)), end="")
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[" in out, "no colour was sent at all"
    return str(out)


def tile_backgrounds_on_screen(tile_map: TileMap) -> dict[str | None, Style]:
    """The style drawn at each stance's tile in the map as rendered."""
    lines = tile_map.render().split("\n")
    console = Console()
    by_code = {f"C{i}": kind for i, kind in enumerate(KINDS)}
    found: dict[str | None, Style] = {}
    for hit in tile_map._hits:
        if hit.code in by_code:
            found[by_code[hit.code]] = lines[hit.y].get_style_at_offset(console, hit.x0)
    assert len(found) == len(KINDS)
    return found


@pytest.mark.parametrize("system", ["truecolor", "256", "standard"])
async def test_stances_keep_distinct_backgrounds(system: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "COLOR_SYSTEM", system)
    app = MapApp()
    async with app.run_test(size=(80, 10)) as pilot:
        assert app.console.color_system == system
        collapsed = []
        for name in OFFERED:
            if name == MONOCHROME.name and system == "standard":
                continue  # sixteen colours hold four greys for five kinds of tile (docs)
            app.theme = name
            await pilot.pause()
            shown = {kind: sent_to_terminal(style, system)
                     for kind, style in tile_backgrounds_on_screen(app.query_one(TileMap)).items()}
            if len(set(shown.values())) != len(KINDS):
                collapsed.append(f"{name}: {shown}")
        assert not collapsed, "\n".join(collapsed)


def test_the_palette_offers_most_themes_and_ours() -> None:
    # A theme whose stances cannot be kept apart is dropped; the check must not drop them all.
    assert {theme.name for theme in THEMES.values()} <= set(OFFERED)
    assert len(OFFERED) >= len(ALL_THEMES) - 3
    assert "monokai" not in OFFERED  # two of its stance colours reduce to one in 256 colours


async def test_the_app_never_offers_a_theme_that_runs_stances_together(seed_db: Path) -> None:
    from techstance.tui.app import TechstanceApp
    from techstance.tui.themes import keeps_stances_apart

    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=(120, 36)):
        offered = app.available_themes
        assert "monokai" not in offered
        assert all(keeps_stances_apart(theme) for theme in offered.values())


def test_the_answer_kept_for_a_quick_start_is_current() -> None:
    # The app starts with the kept answer when its themes match the fingerprint (60 ms saved);
    # a new Textual or a changed theme must update KNOWN_UNOFFERED in tui/themes.py.
    from techstance.tui.themes import KNOWN_UNOFFERED, themes_fingerprint

    assert themes_fingerprint(ALL_THEMES) == KNOWN_UNOFFERED[0]
    assert sorted(KNOWN_UNOFFERED[1]) == sorted(unoffered_themes(ALL_THEMES))

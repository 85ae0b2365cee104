"""The stylesheet parses each source once, however often Textual asks it to re-parse."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import app_for, settle


async def test_start_up_parses_each_stylesheet_once(seed_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Setting the theme re-parsed into a fresh stylesheet and threw the parsed sources away, so the
    # first widgets' mount parsed app.tcss and dashboard.tcss again (about 6 ms of the start).
    import textual.css.stylesheet as stylesheet

    parsed: Counter[tuple[str, str]] = Counter()
    parse = stylesheet.parse

    def counting(scope: str, css: str, read_from: tuple[str, str], *args: Any, **kwargs: Any) -> Any:
        parsed[read_from] += 1
        return parse(scope, css, read_from, *args, **kwargs)

    monkeypatch.setattr(stylesheet, "parse", counting)
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
    files = {name: count for (name, _), count in parsed.items() if name.endswith(".tcss")}
    assert {Path(name).name for name in files} >= {"app.tcss", "dashboard.tcss"}
    assert all(count == 1 for count in files.values()), files


async def test_a_theme_chosen_while_running_still_restyles(seed_db: Path) -> None:
    # Parsing in place must not keep the old theme's parsed rules: new variables parse anew.
    from techstance.tui.widgets.tile_map import TileMap

    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        tile_map = app.screen.query_one(TileMap)
        before = tile_map.styles.background
        app.theme = "techstance-high-contrast"
        await settle(pilot)
        assert tile_map.styles.background != before

"""The stylesheet parses each source once, however often Textual asks it to re-parse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import app_for, settle

# In its own interpreter: the suite shares parsed rules between the apps of a worker
# (tests/conftest.py), which would hide what one app parses.
COUNT_PARSES = """
import asyncio, collections, json, sys
from pathlib import Path
import textual.css.stylesheet as stylesheet
from techstance.db.store.opening import read_opening
from techstance.tui.app import TechstanceApp

parsed = collections.Counter()
parse = stylesheet.parse

def counting(scope, css, read_from, *args, **kwargs):
    parsed[Path(read_from[0]).name if read_from[0].endswith(".tcss") else read_from[1]] += 1
    return parse(scope, css, read_from, *args, **kwargs)

stylesheet.parse = counting
db = Path(sys.argv[1])

async def main():
    async with TechstanceApp.for_database(db, opening=read_opening(db)).run_test(size=(120, 36)) as pilot:
        await pilot.pause()

asyncio.run(main())
print(json.dumps(parsed))
"""


def test_start_up_parses_each_stylesheet_once(seed_db: Path, tmp_path: Path) -> None:
    # Setting the theme re-parsed into a fresh stylesheet and threw the parsed sources away, so the
    # first widgets' mount parsed app.tcss, dashboard.tcss and the App's CSS again (about 6 ms of
    # the start). An empty cache folder: what earlier starts parsed is not parsed at all
    # (tests/tui/test_css_cache.py).
    done = subprocess.run([sys.executable, "-c", COUNT_PARSES, str(seed_db)], capture_output=True, text=True,
                          env={**os.environ, "TEXTUAL_ANIMATIONS": "none", "XDG_CACHE_HOME": str(tmp_path)},
                          timeout=60, check=True)
    parsed = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"app.tcss", "dashboard.tcss", "App.DEFAULT_CSS"} <= set(parsed)
    assert all(parsed[name] == 1 for name in ("app.tcss", "dashboard.tcss", "App.DEFAULT_CSS")), parsed


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

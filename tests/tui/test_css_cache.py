"""Parsed stylesheets kept on disk (tui/css_cache.py, tui/stylesheet.py): a start after the first
parses nothing it parsed before, a changed source or theme is parsed afresh, and a folder that
cannot be written or a damaged file only means parsing as Textual does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from techstance.tui.css_cache import cache_folder
from techstance.tui.stylesheet import KeptStylesheet
from textual.css.stylesheet import Stylesheet

VARIABLES = {"primary": "#112233", "text": "#eeeeee"}


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The CSS texts given to Textual's own parsing (through the suite's shared parse, which
    would hide a second parse of the same text from Textual's parser itself)."""
    seen: list[str] = []
    parse_rules = Stylesheet._parse_rules

    def counting(self: Stylesheet, css: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(css)
        return parse_rules(self, css, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "_parse_rules", counting)
    yield seen


def sheet(folder: Path | None, source: Path, css: str, variables: dict[str, str] = VARIABLES) -> KeptStylesheet:
    # Each test's own source path: the suite's shared parse (tests/conftest.py) never has it.
    stylesheet = KeptStylesheet(variables=dict(variables), cache_folder=folder)
    stylesheet.add_source(css, read_from=(str(source), ""))
    stylesheet.parse()
    return stylesheet


def described(stylesheet: KeptStylesheet) -> list[tuple[str, str]]:
    return [(repr(rule.selector_set), repr(sorted(rule.styles.get_rules().items()))) for rule in stylesheet.rules]


CSS = "Label { color: $primary; padding: 0 1; }\nStatic.-error { background: $text; text-style: bold; }"


def test_a_second_start_reads_what_the_first_parsed(tmp_path: Path, parses: list[str]) -> None:
    first = sheet(tmp_path / "cache", tmp_path / "a.tcss", CSS)
    assert parses == [CSS]
    second = sheet(tmp_path / "cache", tmp_path / "a.tcss", CSS)
    assert parses == [CSS]  # not parsed again
    assert described(second) == described(first)
    assert "#112233" in repr(described(second)).lower() or "17, 34, 51" in repr(described(second))


def test_a_changed_source_is_parsed_not_served_stale(tmp_path: Path, parses: list[str]) -> None:
    sheet(tmp_path / "cache", tmp_path / "a.tcss", CSS)
    changed = CSS.replace("padding: 0 1", "padding: 0 3")
    again = sheet(tmp_path / "cache", tmp_path / "a.tcss", changed)
    assert parses == [CSS, changed]
    assert described(again) == described(sheet(None, tmp_path / "a.tcss", changed))


def test_other_theme_variables_are_parsed_not_served_stale(tmp_path: Path, parses: list[str]) -> None:
    sheet(tmp_path / "cache", tmp_path / "a.tcss", CSS)
    other = {**VARIABLES, "primary": "#445566"}
    again = sheet(tmp_path / "cache", tmp_path / "a.tcss", CSS, other)
    assert len(parses) == 2
    assert described(again) == described(sheet(None, tmp_path / "a.tcss", CSS, other))
    assert described(again) != described(sheet(tmp_path / "cache", tmp_path / "a.tcss", CSS))


def test_variables_set_while_running_restyle_from_their_own_cache(tmp_path: Path, parses: list[str]) -> None:
    stylesheet = sheet(tmp_path / "cache", tmp_path / "a.tcss", CSS)
    before = described(stylesheet)
    stylesheet.set_variables({**VARIABLES, "primary": "#445566"})
    stylesheet.reparse()
    assert len(parses) == 2 and described(stylesheet) != before


def test_an_unwritable_cache_folder_only_means_parsing(tmp_path: Path, parses: list[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = blocker / "techstance"  # cannot be made, even by root
    first = sheet(folder, tmp_path / "a.tcss", CSS)
    second = sheet(folder, tmp_path / "a.tcss", CSS)
    assert parses == [CSS, CSS]
    assert described(first) == described(second) == described(sheet(None, tmp_path / "a.tcss", CSS))


def test_a_damaged_cache_file_is_parsed_past_and_replaced(tmp_path: Path, parses: list[str]) -> None:
    folder = tmp_path / "cache"
    sheet(folder, tmp_path / "a.tcss", CSS)
    (written,) = folder.glob("css-*.pickle")
    for damage in (b"", b"\x80\x05garbage", written.read_bytes()[:100]):
        written.write_bytes(damage)
        again = sheet(folder, tmp_path / "a.tcss", CSS)
        assert described(again) == described(sheet(None, tmp_path / "a.tcss", CSS))
    assert len(parses) == 1 + 3 + 3
    sheet(folder, tmp_path / "a.tcss", CSS)  # the last damaged file was replaced by a whole one
    assert len(parses) == 7


def test_faulty_css_is_never_kept(tmp_path: Path, parses: list[str]) -> None:
    from textual.css.stylesheet import StylesheetParseError

    for _ in range(2):
        with pytest.raises(StylesheetParseError):
            sheet(tmp_path / "cache", tmp_path / "a.tcss", "Label { colour: red; }")
    assert len(parses) == 2


def test_the_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "techstance"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # not absolute: ignored, as the spec says
    assert cache_folder() == Path.home() / ".cache" / "techstance"


def test_no_home_to_find_means_no_cache_not_a_crash(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    parses: list[str]) -> None:
    def nowhere() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(nowhere))
    assert cache_folder() is None
    sheet(cache_folder(), tmp_path / "a.tcss", CSS)
    sheet(cache_folder(), tmp_path / "a.tcss", CSS)
    assert parses == [CSS, CSS]


# A real start, twice, in interpreters of their own (the suite shares parsed rules within a worker).
COUNT_PARSES = """
import asyncio, json, sys
from pathlib import Path
import textual.css.stylesheet as stylesheet
from techstance.db.store.opening import read_opening
from techstance.tui.app import TechstanceApp

parsed = []
parse = stylesheet.parse

def counting(scope, css, read_from, *args, **kwargs):
    parsed.append(read_from[0] + read_from[1])
    return parse(scope, css, read_from, *args, **kwargs)

stylesheet.parse = counting
db = Path(sys.argv[1])

async def main():
    app = TechstanceApp.for_database(db, opening=read_opening(db))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        print(json.dumps([parsed, str(app.screen.styles.background)]))

asyncio.run(main())
"""


def test_the_dashboard_started_again_parses_no_stylesheet(seed_db: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none", "XDG_CACHE_HOME": str(tmp_path)}
    starts = [json.loads(subprocess.run([sys.executable, "-c", COUNT_PARSES, str(seed_db)], capture_output=True,
                                        text=True, env=env, timeout=60, check=True).stdout.strip().splitlines()[-1])
              for _ in range(2)]
    (first_parsed, first_background), (second_parsed, second_background) = starts
    assert any(name.endswith("dashboard.tcss") for name in first_parsed)
    assert second_parsed == []
    assert second_background == first_background

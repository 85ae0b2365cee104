"""Snapshots of every screen a user meets, at fixed sizes. Review a changed one as a picture:
`rsvg-convert tests/__snapshots__/test_snapshots/NAME.svg -o /tmp/NAME.png`, then look at it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.helpers import make_app, press, settle


def keys(*names: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await press(pilot, *names)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare, seed_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(seed_db), terminal_size=size, run_before=keys())


STANCES = {
    "ban-united-states": ("left", "down"),
    "restrict-united-kingdom": (),
    "expected-disputed-new-zealand": ("end",),
}


@pytest.mark.parametrize("name", sorted(STANCES))
def test_selected_stance(snap_compare, seed_db: Path, name: str) -> None:
    assert snap_compare(make_app(seed_db), terminal_size=(120, 36), run_before=keys(*STANCES[name]))


def test_source_reader_with_excerpt_highlighted(snap_compare, seed_db: Path) -> None:
    # The decision pane's second item is the date; its excerpt sits mid-article.
    assert snap_compare(make_app(seed_db), terminal_size=(120, 36),
                        run_before=keys("tab", "down", "enter"))


def test_search_results(snap_compare, seed_db: Path) -> None:
    assert snap_compare(make_app(seed_db), terminal_size=(120, 36),
                        run_before=keys("slash", *"disappointing"))


def test_search_results_scrolled(snap_compare, seed_db: Path) -> None:
    # More results than rows: the scroll column on the right, the highlight moved down the list.
    assert snap_compare(make_app(seed_db), terminal_size=(100, 28),
                        run_before=keys("slash", *"huawei", "down", *["down"] * 9))


def test_help(snap_compare, seed_db: Path) -> None:
    assert snap_compare(make_app(seed_db), terminal_size=(120, 36), run_before=keys("question_mark"))


@pytest.mark.parametrize("theme", ["high-contrast", "mono"])
def test_theme(snap_compare, seed_db: Path, theme: str) -> None:
    assert snap_compare(make_app(seed_db, theme=theme), terminal_size=(120, 36), run_before=keys())


def test_filtered_map(snap_compare, seed_db: Path) -> None:
    assert snap_compare(make_app(seed_db), terminal_size=(120, 36), run_before=keys("f"))


def test_too_small(snap_compare, seed_db: Path) -> None:
    assert snap_compare(make_app(seed_db), terminal_size=(50, 15), run_before=keys())

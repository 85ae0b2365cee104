"""Property-based input: whatever a user (or a visitor at a wall screen) does, the app keeps running.

Hypothesis draws sequences of key presses, clicks at any position, pastes of any text and
terminal resizes (down to 20x5, up to 300x100), plays them into a fresh app, and checks the
app is still running and the database file is as it was. A third test types arbitrary query
strings, FTS syntax and control characters included, into the search screen.

How hypothesis and asyncio fit together: each test is a plain (sync) hypothesis test, and each
example runs its own `asyncio.run(...)` around `app.run_test()`. Every example so gets a new
event loop and a new app on a new copy of the database: no state leaks from one example into
the next, so a failure shrinks to a sequence that fails on its own, and pytest-asyncio (which
only drives `async def` tests) is not involved. `derandomize=True` seeds hypothesis from the
test itself and `database=None` keeps no example database, so CI tries the same cases on
every run and writes nothing into the checkout.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from techstance.tui.app import TechstanceApp
from techstance.tui.kiosk.app import KioskApp
from techstance.tui.kiosk.config import KioskConfig
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.screens.search import SearchScreen
from textual import events
from textual.errors import NoWidget
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.helpers import FIXED_NOW, Clock, flat, make_app, settle, shown_text

SIZE = (120, 36)

# The keys the app binds (drawn twice as often), then every other kind: Textual's defaults (ctrl+q
# quits, ctrl+c, ctrl+p the palette, ctrl+z suspends), editing and function keys, modified arrows
# and printable characters.
APP_KEYS = ["tab", "shift+tab", "up", "down", "left", "right", "h", "j", "k", "l", "home", "end", "g", "G",
            "enter", "escape", "slash", "f", "t", "y", "z", "e", "R", "n", "N", "s", "d", "Q", "question_mark", "f1"]
OTHER_KEYS = ["q", "ctrl+q", "ctrl+c", "ctrl+p", "ctrl+z", "ctrl+s", "ctrl+d", "ctrl+x", "ctrl+a", "ctrl+e",
              "ctrl+w", "ctrl+backslash", "ctrl+left", "shift+up", "pageup", "pagedown", "delete", "backspace",
              "insert", "f2", "f5", "f10", "f12", "a", "x", "1", "space", "exclamation_mark",
              "left_square_bracket", "at"]
# The dashboard is meant to quit on q and ctrl+q, and its command palette can run "Quit":
# those keys would end an example without telling anything, so the dashboard never gets them.
DASHBOARD_OTHER_KEYS = [key for key in OTHER_KEYS if key not in ("q", "ctrl+q", "ctrl+p")]

HOSTILE_PASTES = ["[b]x[/b] [/] [@click=app.quit]q[/]", "\x1b[31mred\x1b[0m\x1b]0;title\x07", "\x00\x08\x7f\x9b",
                  "line one\nline two\r\nthree\ttab", "👩\u200d👩\u200d👧 🇬🇧 華為", "\u202eevil\u200b", "x" * 3000]


@dataclass(frozen=True)
class Press:
    key: str


@dataclass(frozen=True)
class Click:
    x: int  # taken modulo the screen's size at the time of the click
    y: int


@dataclass(frozen=True)
class Paste:
    text: str


@dataclass(frozen=True)
class Resize:
    width: int
    height: int


@dataclass(frozen=True)
class Wait:
    """Kiosk only: the fake clock moves on and the tour's tick runs."""

    seconds: float


Action = Press | Click | Paste | Resize | Wait


def actions(other_keys: list[str], *, waits: bool = False) -> st.SearchStrategy[Action]:
    """One user action; key presses are drawn three times as often as each other kind."""
    app_key = st.sampled_from(APP_KEYS).map(Press)
    kinds: list[st.SearchStrategy[Action]] = [
        app_key, app_key, st.sampled_from(other_keys).map(Press),
        st.builds(Click, st.integers(0, 299), st.integers(0, 99)),
        st.builds(Paste, st.one_of(st.text(max_size=60), st.sampled_from(HOSTILE_PASTES))),
        st.builds(Resize, st.integers(20, 300), st.integers(5, 100)),
    ]
    if waits:
        kinds.append(st.builds(Wait, st.sampled_from([0.5, 12.0, 30.0, 61.0])))
    return st.one_of(kinds)


async def perform(pilot: Pilot[None], action: Action, clock: Clock | None = None) -> None:
    app = pilot.app
    if isinstance(action, Press):
        await pilot.press(action.key)
    elif isinstance(action, Click):
        width, height = app.screen.size
        try:
            await pilot.click(offset=(action.x % width, action.y % height))
        except NoWidget:
            # Pilot aims its events at the widget under the point, and a screen between two layouts
            # can have none there; a terminal sends the click anyway and Textual drops it, as here.
            await pilot.pause()
    elif isinstance(action, Paste):
        # What a terminal's bracketed paste becomes: the app forwards it to the focused widget.
        app.post_message(events.Paste(action.text))
        await pilot.pause()
    elif isinstance(action, Resize):
        await pilot.resize_terminal(action.width, action.height)
        # The next click is aimed inside the new size, and Pilot finds the widget under it in the
        # screen's layout: wait for the layout of the new size (a click at load 8 found none).
        await settle(pilot)
    else:
        assert clock is not None
        clock.t += action.seconds
        assert isinstance(app, KioskApp)
        app.tick()
        await pilot.pause()


async def play(app: TechstanceApp | KioskApp, script: list[Action], clock: Clock | None = None) -> set[str]:
    """Run the actions in a fresh app; the app must be running after each one.

    Returns the names of the screens the actions reached, for hypothesis' statistics.
    """
    screens: set[str] = set()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for step, action in enumerate(script):
            await perform(pilot, action, clock)
            assert app.is_running, f"stopped at step {step}, {action!r}: {app.crash!r}"
            screens.add(type(app.screen).__name__)
        await settle(pilot)
        assert app.is_running, f"stopped after the last action: {app.crash!r}"
    return screens


def record(screens: set[str]) -> None:
    """`pytest --hypothesis-show-statistics` then tells how many examples reached each screen."""
    for name in sorted(screens):
        event(f"reached {name}")


def file_state(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def edit_count(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM edits").fetchone()[0])
    finally:
        conn.close()


# No explain phase: it replays a failure dozens of times (minutes with an app per example).
PHASES = (Phase.explicit, Phase.generate, Phase.shrink)
# Fewer, longer scripts: an app's start and stop cost about 0.25 CPU-s, an action 30-140 ms. Six
# scripts of 15-60 actions per app play more actions than fifteen of 5-25 did (the drawn scripts of
# both tests: 352 actions in 12 apps, against 288 in 30), reach deeper into each app, and cost a
# third less (dashboard and kiosk 26.5 -> 19.9 CPU-s).
RANDOM_INPUT = settings(max_examples=6, deadline=None, derandomize=True, database=None, phases=PHASES,
                        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SCRIPT_LENGTH = {"min_size": 15, "max_size": 60}


@RANDOM_INPUT
@given(script=st.lists(actions(DASHBOARD_OTHER_KEYS), **SCRIPT_LENGTH))
def test_random_input_never_stops_the_dashboard(seed_db: Path, script: list[Action]) -> None:
    with TemporaryDirectory() as tmp:
        db = Path(tmp) / "dashboard.db"
        db.write_bytes(seed_db.read_bytes())
        before, edits = file_state(db), edit_count(db)
        app = make_app(db)
        assert isinstance(app, TechstanceApp)
        record(asyncio.run(play(app, script)))
        # The dashboard reads read-only; only a saved edit (e, then Save in the form) may write,
        # and every edit is recorded in the history. Nothing else may touch the file.
        if edit_count(db) == edits:
            assert file_state(db) == before
        else:
            event("an edit was saved")


@RANDOM_INPUT
@given(script=st.lists(actions(OTHER_KEYS, waits=True), **SCRIPT_LENGTH))
def test_random_input_never_stops_or_changes_the_kiosk(seed_db: Path, script: list[Action]) -> None:
    with TemporaryDirectory() as tmp:
        db = Path(tmp) / "kiosk.db"
        db.write_bytes(seed_db.read_bytes())
        before = file_state(db)
        clock = Clock()
        app = KioskApp(db, KioskConfig(), clock=clock, now=lambda: FIXED_NOW)  # no operator exit
        record(asyncio.run(play(app, script, clock)))
        assert not app.operator_exited
        assert file_state(db) == before


# ----- search -----
FTS_PIECES = ['"', "'", "*", "(", ")", "[", "]", "{", "}", ":", "^", "-", "+", ",", ".", "\\", "/", "%", "_",
              " AND ", " OR ", " NOT ", "NEAR", "NEAR(", "NEAR/2", "text:", "{text title}:", "rank", "MATCH",
              "\x00", "\x1b[31m", "\x07", "\n", "\t", " ", "\u200b", "\u202e", "華為", "👍🏽", "huawei", "5g",
              "ban", "ba", "b", "security", "sovereign", "Huawei's", "UK", "é", "ﬁ"]
QUERIES: st.SearchStrategy[str] = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(FTS_PIECES), min_size=1, max_size=12).map("".join),
    st.lists(st.one_of(st.sampled_from(FTS_PIECES), st.text(max_size=4)), min_size=1, max_size=8).map("".join),
    # Very long: a repeated piece, up to about 20,000 characters.
    st.builds(lambda piece, n: piece * n, st.one_of(st.sampled_from(FTS_PIECES), st.text(min_size=1, max_size=5)),
              st.integers(200, 4000)),
)
MATCH_COUNT = re.compile(r"^\d+\+? match(es)?\b")


async def wait_for_search(pilot: Pilot[None]) -> None:
    """One search round: the worker runs, then hands its results to the screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def search_all(app: TechstanceApp, queries: list[str]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        search_input = screen.query_one("#search-input", Input)
        status = screen.query_one("#search-status", Static)
        for query in queries:
            search_input.value = query  # as if typed or pasted: Input.Changed runs the search
            await wait_for_search(pilot)
            assert app.is_running and app.screen is screen, f"{query!r}: {app.crash!r}"
            shown = shown_text(status)
            assert not any(char in shown for char in ("\x1b", "\x00", "\x07", "\x9b")), shown
            line = flat(shown)
            if query.strip():
                # The status line is one row: a long query is cut with an ellipsis.
                assert MATCH_COUNT.match(line) or line.startswith("No match for"), (query, line)
            else:
                assert line.startswith("Type to search."), (query, line)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, Dashboard)


# As above: eight apps typing 2-15 queries each (54 queries drawn) instead of fifteen typing 1-8
# (53): opening an app and its search costs more than a query (10.8 -> 5.1 CPU-s).
@settings(max_examples=8, deadline=None, derandomize=True, database=None, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(queries=st.lists(QUERIES, min_size=2, max_size=15))
def test_any_query_ends_in_a_match_count_or_no_match(seed_db: Path, queries: list[str]) -> None:
    app = make_app(seed_db)  # the search only reads: the shared seed database is safe
    assert isinstance(app, TechstanceApp)
    asyncio.run(search_all(app, queries))


async def test_no_match_status_shows_the_start_of_a_long_query(seed_db: Path) -> None:
    app = make_app(seed_db)
    assert isinstance(app, TechstanceApp)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one("#search-input", Input).value = "x" * 200
        await wait_for_search(pilot)
        assert "No match for “xxxxxxxxxx" in shown_text(app.screen.query_one("#search-status", Static))

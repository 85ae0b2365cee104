"""Kiosk mode: read-only whatever a visitor does, touring on a clock, live data, clear failures."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from techstance.db.curation.build import build_database
from techstance.tui.kiosk.app import KioskApp, KioskMessage
from techstance.tui.kiosk.attract import AttractLoop, next_in_tour
from techstance.tui.kiosk.config import KioskConfig, KioskConfigError, load_kiosk_config
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.screens.help import HelpScreen
from techstance.tui.screens.source_reader import SourceReader
from techstance.tui.widgets.tile_map import TileMap

from tests.helpers import FIXED_NOW, SEEDS, Clock, kiosk, selected, settle

SIZE = (120, 36)
@pytest.fixture
def kiosk_db(seed_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "kiosk.db"
    db.write_bytes(seed_db.read_bytes())
    return db


def file_state(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


# ----- the tour's clock -----
def test_attract_loop_tours_pauses_on_input_and_resumes_when_idle() -> None:
    clock = Clock()
    loop = AttractLoop(interval=12, idle=60, clock=clock)
    clock.t += 11.9
    assert not loop.due() and loop.state == "touring"
    clock.t += 0.1
    assert loop.due() and not loop.due()
    loop.on_input()
    assert loop.state == "browsing"
    clock.t += 59
    assert not loop.due() and loop.state == "browsing"
    clock.t += 1
    assert loop.due() and loop.state == "touring"  # back to the tour at once
    clock.t += 12
    assert loop.due()


def test_interval_zero_keeps_still() -> None:
    clock = Clock()
    loop = AttractLoop(interval=0, idle=60, clock=clock)
    clock.t += 10_000
    assert not loop.due() and loop.state == "still"


def test_next_in_tour_wraps_and_starts_anywhere() -> None:
    assert next_in_tour(["CA", "GB", "US"], "US") == "CA"
    assert next_in_tour(["CA", "GB", "US"], "CN") == "CA"
    assert next_in_tour([], "GB") is None


async def test_tour_advances_on_the_interval_pauses_on_a_key_and_resumes(kiosk_db: Path) -> None:
    clock = Clock()
    app = kiosk(kiosk_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert selected(app) == "GB"
        clock.t += 12
        app.tick()
        await settle(pilot)
        # The next country with a decision, in map order (the EU and Italy only stated a view).
        assert selected(app) == "US"
        await pilot.press("tab", "enter")  # a visitor opens a source
        await settle(pilot)
        assert isinstance(app.screen, SourceReader)
        clock.t += 59
        app.tick()
        await settle(pilot)
        assert isinstance(app.screen, SourceReader) and app.loop.state == "browsing"
        clock.t += 1
        app.tick()
        await settle(pilot)
        assert isinstance(app.screen, Dashboard), "left alone, the kiosk returns to the tour"
        assert selected(app) == "JP"
        assert "Touring" in str(app.status_text())


async def test_configured_countries_make_the_tour(kiosk_db: Path) -> None:
    clock = Clock()
    app = kiosk(kiosk_db, clock, countries=["NZ", "JP"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(3):
            clock.t += 12
            app.tick()
            await settle(pilot)
            seen.append(selected(app))
        assert seen == ["NZ", "JP", "NZ"]


# ----- locked down -----
KEYS = ["q", "ctrl+q", "ctrl+c", "ctrl+z", "ctrl+p", "escape", "enter", "tab", "shift+tab", "up", "down",
        "left", "right", "h", "j", "k", "l", "g", "G", "f", "t", "y", "z", "n", "N", "slash", "question_mark",
        "f1", "ctrl+s", "ctrl+d", "ctrl+x", "ctrl+backslash", "delete", "backspace", "home", "end", "pageup",
        "pagedown", "a", "x", "1", "space", "exclamation_mark", "left_square_bracket", "at"]


async def test_hundreds_of_random_keys_and_clicks_change_nothing(kiosk_db: Path) -> None:
    before = file_state(kiosk_db)
    rng = random.Random(20261121)
    app = kiosk(kiosk_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for step in range(200):
            if rng.random() < 0.15:
                await pilot.click(offset=(rng.randrange(SIZE[0]), rng.randrange(SIZE[1])))
            else:
                await pilot.press(rng.choice(KEYS))
            if step % 50 == 0:
                await settle(pilot)
                assert app.is_running, (step, app.crash)
        await settle(pilot)
        assert app.is_running and not app.operator_exited
    assert file_state(kiosk_db) == before


async def test_operator_sequence_quits_and_nothing_else_does(kiosk_db: Path) -> None:
    app = kiosk(kiosk_db, operator_exit=["ctrl+x", "ctrl+x", "e"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q", "ctrl+q", "ctrl+c", "ctrl+x", "e", "ctrl+x", "ctrl+x")
        await settle(pilot)
        assert app.is_running
        await pilot.press("e")
        await pilot.pause()
    assert app.operator_exited and not app.is_running


async def test_help_in_the_kiosk_offers_no_way_out(kiosk_db: Path) -> None:
    app = kiosk(kiosk_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body").render())
        assert "Quit" not in text and "palette" not in text and "Copy quote" not in text
        assert "Search" in text


async def test_database_is_opened_read_only(kiosk_db: Path) -> None:
    app = kiosk(kiosk_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.service.store is not None
        with pytest.raises(sqlite3.OperationalError):
            app.service.store.conn.execute("DELETE FROM quotes")


# ----- live data -----
INSERT_DECISION = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("INSERT INTO decisions (id, topic, country, stance, status, date, date_precision, date_inferred,"
             " summary, conditions) "
             "VALUES ('cn-test', 'huawei-5g', 'CN', 'allow', 'enacted', "
             "'2030-01-01', 'day', 0, 'A new decision.', '[]')")
conn.commit()
"""


async def test_a_decision_inserted_by_another_process_shows_within_seconds(kiosk_db: Path) -> None:
    app = KioskApp(kiosk_db, KioskConfig(poll=0.5), now=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tile_map = app.dashboard().query_one(TileMap)  # type: ignore[union-attr]
        assert tile_map.tile("CN").stance is None  # type: ignore[union-attr]
        subprocess.run([sys.executable, "-c", INSERT_DECISION, str(kiosk_db)], check=True)
        deadline = time.monotonic() + 5
        while tile_map.tile("CN").stance is None and time.monotonic() < deadline:  # type: ignore[union-attr]
            await pilot.pause(0.1)
        assert tile_map.tile("CN").stance == "allow"  # type: ignore[union-attr]


async def test_a_rebuilt_database_file_is_picked_up(kiosk_db: Path, seed_copy: Path) -> None:
    app = KioskApp(kiosk_db, KioskConfig(poll=0.5), now=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        topics = seed_copy / "topics.toml"
        topics.write_text(topics.read_text().replace("Huawei in national 5G networks", "Huawei in 5G, rebuilt"))
        build_database(seed_copy, kiosk_db)  # an atomic rename over the open file
        deadline = time.monotonic() + 5
        while "rebuilt" not in app.dashboard().sub_title and time.monotonic() < deadline:  # type: ignore[union-attr]
            await pilot.pause(0.1)
        assert "rebuilt" in app.dashboard().sub_title  # type: ignore[union-attr]


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


async def test_a_locked_database_is_shown_stale_then_fresh(kiosk_db: Path) -> None:
    app = KioskApp(kiosk_db, KioskConfig(poll=0.3), now=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        writer = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(kiosk_db), "3"], stdout=subprocess.PIPE,
                                  text=True)
        assert writer.stdout is not None and writer.stdout.readline().strip() == "locked"
        deadline = time.monotonic() + 5
        while app.stale is None and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert app.stale is not None and "locked" in app.stale[1]
        assert "STALE" in str(app.status_text()) and app.is_running
        writer.wait(timeout=10)
        deadline = time.monotonic() + 5
        while app.stale is not None and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert app.stale is None and "Data as of" in str(app.status_text())


async def test_missing_database_is_a_message_on_screen_until_it_appears(seed_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "later.db"
    app = KioskApp(path, KioskConfig(poll=0.3), now=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, KioskMessage) and "no such database" in app.screen.message
        assert not path.exists()
        path.write_bytes(seed_db.read_bytes())
        deadline = time.monotonic() + 5
        while not isinstance(app.screen, Dashboard) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert isinstance(app.screen, Dashboard)


# ----- configuration -----
def test_config_file_values_and_command_line_overrides(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('interval = 5\nidle = 30\ncountries = ["GB", "US"]\noperator_exit = ["ctrl+x", "e"]\n')
    config = load_kiosk_config(path, {"interval": 8.0, "idle": None})
    assert (config.interval, config.idle, config.countries) == (8.0, 30, ["GB", "US"])
    assert config.operator_exit == ["ctrl+x", "e"] and not config.allow_quit


@pytest.mark.parametrize(("text", "expected"), [
    ("interval = -1\n", "field 'interval': Input should be greater than or equal to 0"),
    ("idle = 0.5\n", "field 'idle': Input should be greater than or equal to 1"),
    ('countries = ["gb"]\n', "field 'countries.0'"),
    ("quit = true\n", "field 'quit': unknown field"),
    ("interval = \n", "TOML syntax error"),
    ('theme = "pink"\n', "field 'theme'"),
])
def test_bad_config_is_one_line_naming_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    with pytest.raises(KioskConfigError) as caught:
        load_kiosk_config(path, {})
    assert str(caught.value).startswith(f"{path}: ") and expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_bad_config_on_the_command_line_exits_1_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("interval = 'often'\n")
    result = subprocess.run([sys.executable, "-m", "techstance.tui", "--kiosk", "--kiosk-config", str(path)],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"techstance: error: {path}: field 'interval'")


# ----- snapshots of each state -----
def test_snapshot_touring(snap_compare, kiosk_db: Path) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)

    assert snap_compare(kiosk(kiosk_db), terminal_size=SIZE, run_before=run_before)


def test_snapshot_browsing(snap_compare, kiosk_db: Path) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(kiosk(kiosk_db), terminal_size=SIZE, run_before=run_before)


def test_snapshot_stale(snap_compare, kiosk_db: Path) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        pilot.app.data_failed("database is locked")
        await settle(pilot)

    app = kiosk(kiosk_db)
    app.poll_seconds = 3600  # a timed poll that succeeds clears the mark: under load it came first
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_error(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)

    monkeypatch.chdir(tmp_path)  # a relative path keeps the message the same in every run
    Path("wall.db").write_bytes(b"not a database at all, just bytes" * 100)
    app = KioskApp(Path("wall.db"), KioskConfig(), clock=Clock(), now=lambda: FIXED_NOW)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_seeds_fixture_is_the_bundled_seeds() -> None:
    assert (SEEDS / "decisions.toml").is_file()

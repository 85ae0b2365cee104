"""Any value in any cell (issue 14, deliverable 2): the database is input.

Hypothesis writes values of every SQLite type (NULL; integers, huge and negative; floats, NaN and
infinities; text with markup, escapes, non-JSON, empty or 100,000 characters; text that is not
UTF-8; blobs) into any column of any row of any table, with CHECK constraints off and, where SQLite's
typing would refuse, the table's declaration loosened as another tool's file might be
(tests/hardening/unchecked.py). Then the store, the export, the dashboard, the kiosk, the reader and
search are driven over the file: nothing raises, the app stays up and answers keys within a bound,
every other record is still shown (one damaged record costs itself, never the screen), and the
kiosk's file is unchanged.

Deterministic (derandomize=True, no example database): CI tries the same cases on every run. Sized to
about 30 s on one core: many cheap examples at the store, a few with a whole app.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from techstance.db.reports.export import FORMATS, export_positions
from techstance.db.store.connection import DatabaseOpenError, open_database
from techstance.db.store.read_models import DamagedRecord
from techstance.db.store.reads import Store
from techstance.db.store.schema import TABLES
from techstance.tui.app import TechstanceApp
from techstance.tui.kiosk.app import KioskApp
from techstance.tui.kiosk.config import KioskConfig
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.screens.search import SearchScreen
from techstance.tui.screens.source_reader import SourceReader
from techstance.tui.widgets.tile_map import TileMap, on_map
from textual.pilot import Pilot
from textual.widgets import Input

from tests.hardening.unchecked import columns, rowids, write_unchecked
from tests.helpers import FIXED_NOW, Clock, make_app, settle, shown_text

KEY_BOUND_S = 2.0  # a key and the reads it starts, settled; the seed database answers in ~50 ms


class NotUtf8(bytes):
    """Bytes stored as TEXT (CAST): what a C program or a broken encoder can leave in a text column."""


HOSTILE_TEXT = ["", "maybe", "[/]", "[b]x[/b]", "[@click=app.quit]q[/]", "\x1b[2J\x1b]52;c;aGk=\x07", "\\", "\x00",
                "{", "null", "[1, 2]", '["a", 1]', "[]", '["[/]"]', "2020-13-45", "2020-02-30", "99999", "-1",
                "condition:x", "condition:999999999999", "decision", "ban", "restrict", "enacted", "day", "unknown",
                "quotes", "supports", "disputes", "original", "person", "GB", "US", "huawei-5g", "\u202e\u200b",
                "x" * 100_000, "line\n" * 2_000]
VALUES: st.SearchStrategy[object] = st.one_of(
    st.none(),
    st.sampled_from([0, 1, -1, -5, 2, 99, 100, 10**12, 2**62, 2**63 - 1, -(2**63)]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=20),
    st.binary(max_size=12),
    st.binary(min_size=1, max_size=8).map(lambda b: NotUtf8(b"\xff" + b)),
)


@dataclass(frozen=True)
class Cell:
    table: str
    column: int  # taken modulo the table's columns
    row: int  # modulo its rows; EVERY_ROW: the whole column
    value: object


EVERY_ROW = -1


CELLS = st.builds(Cell, st.sampled_from([t for t in TABLES if t not in ("edits", "proposed_quotes")]),
                  st.integers(0, 40), st.integers(0, 200), VALUES)
# For the apps, a few examples must reach what is on screen: half of them damage a whole column of a
# table the screens show, so every record of it on screen is hit.
SHOWN_TABLES = ["countries", "decisions", "quotes", "evidence", "sources", "actors", "topics"]
SCREEN_CELLS = st.builds(Cell, st.sampled_from(SHOWN_TABLES), st.integers(0, 40),
                         st.one_of(st.just(EVERY_ROW), st.integers(0, 200)), VALUES)


def damage(db: Path, cells: list[Cell]) -> list[tuple[str, str, object]]:
    """Write the cells (checks off); returns what was written where, for the failure message."""
    done = []
    for cell in cells:
        names, ids = columns(db, cell.table), rowids(db, cell.table)
        if not ids:
            continue
        column = names[cell.column % len(names)]
        for rowid in ids if cell.row == EVERY_ROW else [ids[cell.row % len(ids)]]:
            write_cell(db, cell.table, rowid, column, cell.value)
        done.append((cell.table, column, cell.value if not isinstance(cell.value, str) else cell.value[:40]))
    return done


def write_cell(db: Path, table: str, rowid: int, column: str, value: object) -> None:
    if not isinstance(value, NotUtf8):
        write_unchecked(db, table, rowid, column, value)
        return
    # Through write_unchecked first (checks, triggers, strictness), then the cast in place.
    write_unchecked(db, table, rowid, column, "")
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute(f'UPDATE "{table}" SET "{column}" = CAST(? AS TEXT) WHERE rowid = ?', (bytes(value), rowid))
    except sqlite3.IntegrityError:
        pass  # a key that would then be duplicated: nothing written
    finally:
        conn.close()


def count(db: Path, sql: str, params: tuple[object, ...] = ()) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()


PHASES = (Phase.explicit, Phase.generate, Phase.shrink)
HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large,
          HealthCheck.large_base_example]


def read_everything(db: Path) -> int:
    """Every read of Store over every topic, country, speaker and source, and every export format.
    Returns how many damaged records were reported."""
    try:
        conn = open_database(db)
    except DatabaseOpenError:
        return 0  # meta damaged: refused with one line at the door, which is also an answer
    store = Store(conn)
    damaged: list[DamagedRecord] = []
    try:
        topics = store.topics()
        countries = count(db, "SELECT COUNT(*) FROM countries")
        for topic in topics:
            tiles = store.tiles(topic.id)
            # Not one country silently dropped: each is a tile, placed or listed as damaged.
            assert len(tiles) == countries
            for tile in tiles:
                detail = store.country_detail(topic.id, tile.country.code)
                if detail is not None and topic.damage is None and tile.country.damage is None:
                    shown = len(detail.timeline) + (detail.current is not None)
                    stored = count(db, "SELECT COUNT(*) FROM decisions WHERE topic = ? AND country = ?",
                                   (topic.id, tile.country.code))
                    # Every decision is an event or a marked damaged one (a damaged kind may not be current).
                    assert shown == stored, (shown, stored)
                quotes = store.quotes_about(topic.id, tile.country.code)
                store.evidence_for("quotes", [q.id for q in quotes])
            store.timeline(topic.id)
            store.positions(topic.id)
            store.disputes(topic.id)
            for fmt in FORMATS:
                # A damaged topic cannot be named: the export then takes the first readable topic.
                try:
                    export_positions(conn, fmt, topic.id if topic.damage is None else None,
                                     on_damaged=damaged.append)
                except ValueError as err:  # one line, the command line's error: only when no topic is readable
                    assert all(t.damage for t in topics), err
                    assert "no readable topic" in str(err)
        for actor in store.actors():
            store.person(actor.id)
        store.speakers()
        for topic in topics:
            store.event_dates(topic.id)
        store.countries()
        for (source_id,) in conn.execute("SELECT CAST(id AS BLOB) FROM sources ORDER BY rowid").fetchall():
            source_id = source_id.decode("utf-8", "replace") if isinstance(source_id, bytes) else source_id
            store.source(source_id)
            store.excerpts(source_id)
        for text in ("huawei", "ban", "x", "[/]"):
            store.search(text)
    finally:
        conn.close()
    return len(damaged)


@settings(max_examples=120, deadline=None, derandomize=True, database=None, phases=PHASES,
          suppress_health_check=HEALTH)
@given(cells=st.lists(CELLS, min_size=1, max_size=3))
def test_any_value_is_read_or_marked_damaged_by_every_read_and_the_export(seed_db: Path, cells: list[Cell]) -> None:
    with TemporaryDirectory() as tmp:
        db = Path(tmp) / "any.db"
        db.write_bytes(seed_db.read_bytes())
        written = damage(db, cells)
        try:
            read_everything(db)
        except Exception as err:  # the values, so the failure says what broke it
            raise AssertionError(f"after writing {written!r}") from err


# ----- the apps -----
def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


async def timed_press(pilot: Pilot[None], key: str) -> float:
    start = time.perf_counter()
    await pilot.press(key)
    await settle(pilot)
    return time.perf_counter() - start


async def drive_dashboard(app: TechstanceApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        if not isinstance(app.screen, Dashboard):
            return  # a database that cannot be shown at all says so on its own screen
        tile_map = app.screen.query_one(TileMap)
        for key in ("home", "l", "l", "l", "j", "l", "h", "k", "tab", "j", "tab", "j", "tab"):
            took = await timed_press(pilot, key)
            assert app.is_running, f"{key}: {app._exception!r}"
            assert took < KEY_BOUND_S, f"{key} took {took:.2f} s"
        text = shown_text(tile_map)
        # The rest is shown: every country the map can place is on it (codes on the grid; names in the
        # narrow list, whose window says how many more are above or below).
        placed = [t for t in tile_map.tiles if on_map(t)]
        if tile_map.list_mode:
            named = [t for t in placed if t.country.name[:20] in text]
            assert named and (len(named) == len(placed) or "more" in text), text
        else:
            for tile in placed:
                assert tile.country.code[:5] in text, tile.country.code
        await pilot.press("slash")
        await settle(pilot)
        if isinstance(app.screen, SearchScreen):
            app.screen.query_one("#search-input", Input).value = "huawei"
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
        assert app.is_running, repr(app._exception)


@settings(max_examples=10, deadline=None, derandomize=True, database=None, phases=PHASES,
          suppress_health_check=HEALTH)
@given(cells=st.lists(SCREEN_CELLS, min_size=1, max_size=3))
def test_any_value_leaves_the_dashboard_alive_responsive_and_the_rest_shown(seed_db: Path,
                                                                              cells: list[Cell]) -> None:
    with TemporaryDirectory() as tmp:
        db = Path(tmp) / "dashboard.db"
        db.write_bytes(seed_db.read_bytes())
        written = damage(db, cells)
        app = make_app(db)
        assert isinstance(app, TechstanceApp)
        try:
            asyncio.run(drive_dashboard(app))
        except Exception as err:
            raise AssertionError(f"after writing {written!r}") from err


async def drive_kiosk(app: KioskApp, clock: Clock) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for _ in range(12):  # the tour visits country after country
            clock.t += 61.0
            app.tick()
            await settle(pilot)
            assert app.is_running, repr(app._exception)
        took = await timed_press(pilot, "right")
        assert app.is_running and took < KEY_BOUND_S, took


@settings(max_examples=4, deadline=None, derandomize=True, database=None, phases=PHASES,
          suppress_health_check=HEALTH)
@given(cells=st.lists(SCREEN_CELLS, min_size=1, max_size=3))
def test_any_value_leaves_the_kiosk_touring_and_its_file_unchanged(seed_db: Path, cells: list[Cell]) -> None:
    with TemporaryDirectory() as tmp:
        db = Path(tmp) / "kiosk.db"
        db.write_bytes(seed_db.read_bytes())
        written = damage(db, cells)
        before = digest(db)
        clock = Clock()
        app = KioskApp(db, KioskConfig(), clock=clock, now=lambda: FIXED_NOW)
        try:
            asyncio.run(drive_kiosk(app, clock))
        except Exception as err:
            raise AssertionError(f"after writing {written!r}") from err
        assert not app.operator_exited
        assert digest(db) == before


async def drive_reader(app: TechstanceApp, sources: list[str]) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for source_id in sources:
            await app.push_screen(SourceReader(None, source_id=source_id))
            await settle(pilot)
            assert app.is_running, repr(app._exception)
            for key in ("j", "pagedown", "n", "end"):
                took = await timed_press(pilot, key)
                assert app.is_running and took < KEY_BOUND_S, (key, took)
            await pilot.press("escape")
            await settle(pilot)


@settings(max_examples=5, deadline=None, derandomize=True, database=None, phases=PHASES,
          suppress_health_check=HEALTH)
@given(cells=st.lists(st.builds(Cell, st.sampled_from(["sources", "evidence", "quotes"]), st.integers(0, 40),
                                st.one_of(st.just(EVERY_ROW), st.integers(0, 200)), VALUES), min_size=1, max_size=3))
def test_any_value_in_a_source_leaves_the_reader_open_and_answering(seed_db: Path, cells: list[Cell]) -> None:
    with TemporaryDirectory() as tmp:
        db = Path(tmp) / "reader.db"
        db.write_bytes(seed_db.read_bytes())
        written = damage(db, cells)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        conn.text_factory = lambda b: b.decode("utf-8", "replace")
        sources = [r[0] for r in conn.execute("SELECT id FROM sources ORDER BY rowid")]
        conn.close()
        app = make_app(db)
        assert isinstance(app, TechstanceApp)
        try:
            asyncio.run(drive_reader(app, [s for s in sources if isinstance(s, str)][:2]))
        except Exception as err:
            raise AssertionError(f"after writing {written!r}") from err


EVERY_KIND: list[object] = [None, -5, 10**12, 1.5, float("inf"), "maybe", "", "[/]", b"\x00\xff",
                            NotUtf8(b"\xff\xfe")]


@pytest.mark.parametrize("table", ["topics", "countries", "sources", "actors", "decisions", "quotes", "evidence"])
def test_every_column_holds_every_kind_of_value_for_the_store(seed_db: Path, tmp_path: Path, table: str) -> None:
    """Not left to chance: every column of every table gets every kind of value, each kind in a
    different row at once (several damaged records side by side), in as few copies as the rows allow."""
    base = tmp_path / "base.db"
    base.write_bytes(seed_db.read_bytes())
    rows = len(rowids(base, table))
    for index in range(len(columns(base, table))):
        for first in range(0, len(EVERY_KIND), rows):
            db = tmp_path / "one.db"
            db.write_bytes(seed_db.read_bytes())
            written = damage(db, [Cell(table, index, row, value)
                                  for row, value in enumerate(EVERY_KIND[first: first + rows])])
            try:
                read_everything(db)
            except Exception as err:
                raise AssertionError(f"after writing {written!r}") from err

"""The read boundary (issue 14, deliverable 2) and the map's bounded cost (deliverable 3): each class of
value the battery in test_any_value.py found, kept as an explicit case.

A damaged record is one marked line naming its table, id and field, per record: one bad decision never
hides the country's other decisions, one bad country never hides the map, and the export leaves out
only what is damaged, saying so on stderr.
"""

from __future__ import annotations

import json
import sqlite3
import time
import tracemalloc
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from techstance.db.reports.export import export_positions
from techstance.db.store import records
from techstance.db.store import row_checks as checks
from techstance.db.store.connection import open_database
from techstance.db.store.read_models import CountryInfo, CountryTile
from techstance.db.store.reads import Store
from techstance.tui.widgets.claim_panes import DecisionPane, QuotesPane
from techstance.tui.widgets.tile_map import TileMap
from textual.app import App, ComposeResult

from tests.hardening.unchecked import write_unchecked
from tests.helpers import app_for, flat, settle, shown_text

TOPIC = "huawei-5g"


def rowid(db: Path, table: str, key: str, value: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f'SELECT rowid FROM "{table}" WHERE "{key}" = ?', (value,)).fetchone()[0])
    finally:
        conn.close()


def write(db: Path, table: str, key: str, value: str, column: str, new: object) -> None:
    write_unchecked(db, table, rowid(db, table, key, value), column, new)


@pytest.fixture
def store_of(db: Path) -> Iterator[typing.Callable[[], Store]]:
    opened: list[sqlite3.Connection] = []

    def make() -> Store:
        opened.append(open_database(db))
        return Store(opened[-1])

    yield make
    for conn in opened:
        conn.close()


def test_the_vocabularies_are_the_records_own() -> None:
    assert typing.get_args(records.Stance) == checks.STANCES
    assert typing.get_args(records.Status) == checks.STATUSES
    assert typing.get_args(records.DecisionKind) == checks.KINDS
    assert typing.get_args(records.SourceQuality) == checks.QUALITIES
    assert typing.get_args(records.DatePrecision) == checks.PRECISIONS
    assert typing.get_args(records.ActorKind) == checks.ACTOR_KINDS
    assert typing.get_args(records.EvidenceRole) == checks.ROLES
    assert records.Country.model_fields["tile_row"].metadata[-1].le == checks.TILE_LIMIT


def test_a_stance_outside_the_four_is_one_damaged_decision_and_the_others_stay(db: Path, store_of) -> None:  # type: ignore[no-untyped-def]
    write(db, "decisions", "id", "us-5g-ban", "stance", "maybe")
    detail = store_of().country_detail(TOPIC, "US")
    assert detail is not None and detail.current is not None
    # The latest decision stays the current one, shown as damaged: no older decision stands in for it.
    assert detail.current.damage is not None
    assert detail.current.damage.line == "⚠ damaged record · decisions · us-5g-ban · stance: 'maybe' is not a stance"
    assert [e.id for e in detail.timeline] == ["us-trade-blacklist-2019-05", "us-federal-agencies-ban"]
    assert all(e.damage is None for e in detail.timeline)
    us = next(t for t in store_of().tiles(TOPIC) if t.country.code == "US")
    assert us.damage is not None and us.stance is None and us.country.damage is None


@pytest.mark.parametrize("conditions", ["not json", "{}", '["a", 1]', None, 5, b"\x00"])
def test_conditions_that_are_not_a_list_of_strings_damage_only_their_decision(db: Path, store_of,  # type: ignore[no-untyped-def]
                                                                               conditions: object) -> None:
    write(db, "decisions", "id", "us-5g-ban", "conditions", conditions)
    detail = store_of().country_detail(TOPIC, "US")
    assert detail is not None and detail.current is not None and detail.current.damage is not None
    assert detail.current.damage.field == "conditions"
    assert len(detail.timeline) == 2


async def test_the_dashboard_shows_the_damaged_line_beside_the_other_decisions(db: Path) -> None:
    write(db, "decisions", "id", "us-5g-ban", "stance", "maybe")
    write(db, "sources", "id", next(iter(_sources_of_quotes_about(db, "US"))), "outlet", b"\x00\xff")
    app = app_for(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        app.screen.query_one(TileMap).selected = "US"
        await settle(pilot)
        decisions = flat(shown_text(app.screen.query_one(DecisionPane)))
        assert "⚠ damaged record · decisions · us-5g-ban · stance: 'maybe' is not a stance" in decisions
        assert "trade" in decisions.lower()  # the earlier events are still there
        quotes = flat(shown_text(app.screen.query_one(QuotesPane)))
        assert "⚠ damaged record · sources · " in quotes and "outlet: b'\\x00\\xff' is not text" in quotes
        assert "“" in quotes  # other quotes are shown as ever
        tile_text = shown_text(app.screen.query_one(TileMap))
        assert "US ⚠" in tile_text and "damaged" in tile_text
        await pilot.press("right", "left", "tab", "j", "enter")
        await settle(pilot)
        assert app.is_running, repr(app.crash)


def _sources_of_quotes_about(db: Path, code: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT DISTINCT source FROM quotes WHERE country = ? ORDER BY source",
                                           (code,))]
    finally:
        conn.close()


@pytest.mark.parametrize("value", [10**12, -5, 2**62, None, "far", 1.5])
def test_a_country_off_the_map_is_listed_as_damaged_and_the_map_stays(db: Path, store_of, value: object) -> None:  # type: ignore[no-untyped-def]
    write(db, "countries", "code", "JP", "tile_col", value)
    tiles = store_of().tiles(TOPIC)
    assert len(tiles) == 9
    jp = next(t for t in tiles if t.country.code == "JP")
    assert jp.country.damage is not None and jp.country.damage.field == "tile_col"
    assert jp.country.damage.line.startswith("⚠ damaged record · countries · JP · tile_col: ")


def test_text_that_is_not_utf8_damages_its_record_and_search_still_answers(db: Path, store_of) -> None:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(db)
    conn.execute("UPDATE countries SET name = CAST(x'ff00fe' AS TEXT) WHERE code = 'US'")
    conn.commit()
    conn.close()
    store = store_of()
    tiles = store.tiles(TOPIC)
    us = next(t for t in tiles if t.country.code == "US")
    assert us.country.damage is not None and "is not UTF-8 text" in us.country.damage.line
    assert sum(t.damage is None for t in tiles) == 8
    assert store.search("huawei").hits  # the search's joins read the name too


def countries_exported(db: Path) -> list[str]:
    conn = open_database(db)
    try:
        return [p["country"] for p in json.loads(export_positions(conn, "json", TOPIC))]
    finally:
        conn.close()


def test_export_leaves_out_a_damaged_position_with_a_line_on_stderr(db: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    before = countries_exported(db)
    write(db, "decisions", "id", "us-5g-ban", "stance", "maybe")
    after = countries_exported(db)
    err = capsys.readouterr().err
    assert "techstance: warning: ⚠ damaged record · decisions · us-5g-ban · stance: 'maybe' is not a stance" in err
    assert after == [code for code in before if code != "US"]  # every other country, as before


def test_export_warning_shows_control_characters_as_escapes(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(db, "decisions", "id", "us-5g-ban", "stance", "\x1b[2J\x07")
    conn = open_database(db)
    try:
        export_positions(conn, "csv", TOPIC)
    finally:
        conn.close()
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b[2J\\x07" in err


# ----- the map's cost depends on the tiles, not on their coordinates -----
class MapApp(App[None]):
    def __init__(self, tiles: list[CountryTile]) -> None:
        super().__init__()
        self.tiles = tiles

    def compose(self) -> ComposeResult:
        yield TileMap(id="map")

    def on_mount(self) -> None:
        self.query_one(TileMap).set_tiles(self.tiles)


def tile(code: str, row: int, col: int) -> CountryTile:
    return CountryTile(country=CountryInfo(code=code, name=code, region="r", tile_row=row, tile_col=col))


@pytest.mark.parametrize("far", [10**12, -5, 2**62, -(2**62)])
async def test_a_far_tile_costs_nothing_and_is_listed_not_dropped(far: int) -> None:
    tiles = [tile("AA", 0, 0), tile("BB", 0, 2), tile("CC", far, 1), tile("DD", 1, far)]
    app = MapApp(tiles)
    async with app.run_test(size=(100, 30)) as pilot:
        tile_map = app.query_one(TileMap)
        tracemalloc.start()
        start = time.perf_counter()
        await pilot.pause()
        text = shown_text(tile_map)
        tile_map.action_move("right")
        tile_map.action_last()
        took = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert took < 2.0, took  # a frame on a loaded machine; the old walk over positions never ended
        assert peak < 5_000_000, peak
        assert "AA" in text and "BB" in text
        assert f"⚠ damaged record · countries · CC · tile position: ({far}, 1) is off the map" in flat(text)
        assert "· DD ·" in text
        assert app.is_running


async def test_tiles_at_both_ends_of_the_map_cost_a_grid_of_what_is_shown() -> None:
    # 0 and 99, the bounds: the empty run between is a few narrow gaps, not 98 columns of them.
    app = MapApp([tile("AA", 0, 0), tile("ZZ", 99, 99)])
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        tile_map = app.query_one(TileMap)
        text = shown_text(tile_map)
        assert "AA" in text and "ZZ" in text
        assert not tile_map.list_mode


@pytest.mark.parametrize(("table", "key", "value", "column"), [
    ("countries", "code", "JP", "name"), ("countries", "code", "JP", "region"),
    ("actors", "id", "mike-pompeo", "name"), ("decisions", "id", "us-5g-ban", "summary"),
])
def test_empty_text_the_schema_refuses_is_damage_not_a_blank(db: Path, store_of, table: str, key: str,  # type: ignore[no-untyped-def]
                                                             value: str, column: str) -> None:
    # Before: a country with an empty name was a row with no name on the map and in Positions.
    write(db, table, key, value, column, "")
    store = store_of()
    if table == "countries":
        damage = next(t for t in store.tiles(TOPIC) if t.country.code == value).country.damage
    elif table == "actors":
        damage = next(a for a in store.actors() if a.id == value or (a.damage and a.damage.id == value)).damage
    else:
        detail = store.country_detail(TOPIC, "US")
        assert detail is not None and detail.current is not None
        damage = detail.current.damage
    assert damage is not None and damage.field == column and damage.problem == "is empty"

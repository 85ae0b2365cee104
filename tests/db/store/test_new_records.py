"""A new country lands on a free map cell near its region; a new person gets an id from the name;
refusals are lines a person can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from techstance.db.store.edit_errors import EditError
from techstance.db.store.edits import add_actor, add_country, add_decision, free_tile, open_for_editing


@pytest.fixture
def conn(seed_db: Path, tmp_path: Path) -> sqlite3.Connection:
    path = tmp_path / "new.db"
    path.write_bytes(seed_db.read_bytes())
    return open_for_editing(path)


def tiles(conn: sqlite3.Connection) -> dict[tuple[int, int], str]:
    return {(r, c): code for code, r, c in conn.execute("SELECT code, tile_row, tile_col FROM countries")}


def refused(action: object) -> list[tuple[str, str]]:
    with pytest.raises(EditError) as caught:
        action()  # type: ignore[operator]
    return caught.value.problems


def test_a_new_country_takes_the_free_cell_next_to_its_region_inside_the_map(conn: sqlite3.Connection) -> None:
    before = tiles(conn)
    europe = [cell for cell, code in before.items() if code in ("GB", "EU", "IT")]
    country = add_country(conn, {"code": "de", "name": " Germany ", "region": "Europe"})
    cell = (country.tile_row, country.tile_col)
    assert country.code == "DE" and country.name == "Germany"
    assert cell not in before
    assert min(abs(cell[0] - r) + abs(cell[1] - c) for r, c in europe) == 1
    rows, cols = [r for r, _ in before], [c for _, c in before]
    assert min(rows) <= cell[0] <= max(rows) and min(cols) <= cell[1] <= max(cols)  # the map does not grow
    # The next one does not land on it.
    second = add_country(conn, {"code": "FR", "name": "France", "region": "Europe"})
    assert (second.tile_row, second.tile_col) not in {*before, cell}
    audit = conn.execute("SELECT action, record_table, record_id FROM edits ORDER BY id").fetchall()
    assert audit == [("insert", "countries", "DE"), ("insert", "countries", "FR")]


def test_a_new_region_is_placed_beside_the_map_s_tiles(conn: sqlite3.Connection) -> None:
    cell = free_tile(conn, "Africa")
    assert cell not in tiles(conn)
    assert min(abs(cell[0] - r) + abs(cell[1] - c) for r, c in tiles(conn)) == 1


def test_a_new_country_is_refused_in_words_and_nothing_is_written(conn: sqlite3.Connection) -> None:
    count = conn.execute("SELECT count(*) FROM countries").fetchone()[0]
    assert refused(lambda: add_country(conn, {"code": "", "name": "", "region": ""})) == [
        ("code", "required"), ("name", "required"), ("region", "required")]
    assert refused(lambda: add_country(conn, {"code": "GBR", "name": "Britain", "region": "Europe"})) == [
        ("code", "an ISO 3166 two-letter code in capitals, e.g. GB")]
    assert refused(lambda: add_country(conn, {"code": "gb", "name": "united kingdom", "region": "Europe"})) == [
        ("code", "GB is already on the map"), ("name", "already on the map as GB")]
    assert conn.execute("SELECT count(*) FROM countries").fetchone()[0] == count
    assert conn.execute("SELECT count(*) FROM edits").fetchone()[0] == 0


def test_a_new_person_gets_an_id_from_the_name_and_is_not_added_twice(conn: sqlite3.Connection) -> None:
    actor = add_actor(conn, {"name": "Jane Doe", "kind": "company", "role": " ", "country": "GB"})
    assert (actor.id, actor.kind, actor.role, actor.country) == ("jane-doe", "company", None, "GB")
    assert refused(lambda: add_actor(conn, {"name": "jane doe", "kind": "person"})) == [
        ("name", "already listed (as 'jane-doe')")]
    assert refused(lambda: add_actor(conn, {"name": " ", "kind": "robot"})) == [
        ("name", "required"), ("kind", "choose one of person, body, company, anonymous or document")]


def test_refusals_never_show_pydantic_wording(conn: sqlite3.Connection) -> None:
    problems = refused(lambda: add_decision(conn, {"id": "", "summary": "", "country": "GB"}))
    assert ("id", "required") in problems and ("summary", "required") in problems
    assert all("should" not in message and "Field required" not in message for _, message in problems), problems

"""The build: reproducible, atomic, readable by the sqlite-utils CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from techstance.db.curation.build import BuildError, build_database
from techstance.db.curation.seeds import SeedError

from tests.helpers import SEEDS, rows


def test_same_seeds_give_a_byte_identical_database(tmp_path: Path, seed_db: Path) -> None:
    again = tmp_path / "again.db"
    build_database(SEEDS, again)
    assert again.read_bytes() == seed_db.read_bytes()


def test_ids_are_stable_slugs(seed_db: Path) -> None:
    for table in ("decisions", "quotes", "sources", "actors", "topics"):
        for r in rows(seed_db, f"SELECT id FROM {table}"):
            assert r["id"].replace("-", "").isalnum() and r["id"] == r["id"].lower()
    ids = [r["id"] for r in rows(seed_db, "SELECT id FROM evidence")]
    assert len(ids) == len(set(ids)) and all(i.startswith("ev-") for i in ids)


def test_schema_version_foreign_keys_and_view(seed_db: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(f"file:{seed_db}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    columns = [r[1] for r in conn.execute("PRAGMA table_info(current_positions)")]
    assert columns == ["topic", "country", "stance", "status", "date", "decision"]
    conn.close()


def test_failed_build_leaves_the_previous_database_untouched(tmp_path: Path,
                                                             seed_copy: Path) -> None:
    target = tmp_path / "kept.db"
    build_database(seed_copy, target)
    before = (target.read_bytes(), target.stat().st_mtime_ns)
    decisions = seed_copy / "decisions.toml"
    decisions.write_text(decisions.read_text().replace('stance = "ban"', 'stance = "banned"', 1))
    with pytest.raises(SeedError):
        build_database(seed_copy, target)
    assert (target.read_bytes(), target.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.db", "seeds"]


def test_build_into_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="is a directory"):
        build_database(SEEDS, tmp_path)


def test_build_where_no_folder_can_be_made_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(BuildError, match="cannot write"):
        build_database(SEEDS, blocker / "x.db")
    assert blocker.read_text() == "not a folder"


def _sqlite_utils(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sqlite_utils", *args],
                          capture_output=True, text=True, check=True)


def test_sqlite_utils_cli_reads_the_tables(seed_db: Path) -> None:
    out = _sqlite_utils("tables", str(seed_db)).stdout
    for table in ("topics", "countries", "sources", "actors", "decisions", "quotes", "evidence"):
        assert f'"table": "{table}"' in out


def test_sqlite_utils_search_finds_a_quote_by_a_word_in_it(seed_db: Path) -> None:
    out = _sqlite_utils("search", str(seed_db), "quotes", "sovereignty", "-c", "id").stdout
    assert "cotton-deeply-disappointing" in out


def test_the_summary_counts_in_words_that_agree_with_their_number(tmp_path: Path) -> None:
    from techstance.db.curation.build import BuildReport

    one = BuildReport(path=tmp_path / "t.db", topics=1, countries=1, sources=1, actors=1, decisions=1,
                      quotes=1, evidence=1, proposals=1, edits=1)
    line = one.summary()
    assert "1 decision, 1 quote, 1 evidence row, 1 proposed quote, 1 history entry from 1 source" in line
    assert "(1 country, 1 actor, 1 topic)" in line  # was "1 topics", "1 countries"
    two = BuildReport(path=tmp_path / "t.db", topics=2, countries=9, sources=6, actors=3, decisions=2,
                      quotes=5, evidence=4)
    assert "(9 countries, 3 actors, 2 topics)" in two.summary()

"""Opening databases and the command line: one clear line for every bad file, never a new one."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from techstance.db.curation.build import build_database
from techstance.db.curation.default_db import refresh_default_database
from techstance.db.store.connection import DatabaseOpenError, open_database
from techstance.db.store.schema import SCHEMA_VERSION

from tests.helpers import BAD_FILES, REPO, SEEDS, make_bad_file


def _snapshot(path: Path) -> tuple[bytes, int] | None:
    return (path.read_bytes(), path.stat().st_mtime_ns) if path.is_file() else None


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_database_file_is_one_clear_line_and_is_not_changed(tmp_path: Path, seed_db: Path,
                                                                kind: str) -> None:
    path = make_bad_file(tmp_path, kind, seed_db)
    before = _snapshot(path)
    with pytest.raises(DatabaseOpenError) as caught:
        open_database(path).execute("SELECT count(*) FROM quotes").fetchall()
    message = str(caught.value)
    assert message.startswith(str(path)) and BAD_FILES[kind] in message and "\n" not in message
    assert _snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if kind == "missing" else [path.name])


@pytest.mark.parametrize("kind", ["missing", "other-sqlite", "random-bytes", "newer-schema"])
def test_dashboard_refuses_bad_file_with_exit_1_and_no_traceback(tmp_path: Path, seed_db: Path,
                                                                 kind: str) -> None:
    path = make_bad_file(tmp_path, kind, seed_db)
    result = subprocess.run([sys.executable, "-m", "techstance.tui", "--db", str(path)],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("techstance: error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert path.exists() == (kind != "missing")


def test_build_command_writes_the_database_named_by_db(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "my.db"
    result = subprocess.run([sys.executable, "-m", "techstance.tui", "build", "--db", str(target)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"built {target}: 14 decisions, 41 quotes")
    open_database(target).close()


def test_db_option_before_the_command_is_honoured(tmp_path: Path) -> None:
    target = tmp_path / "first.db"
    result = subprocess.run([sys.executable, "-m", "techstance.tui", "--db", str(target), "build"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert target.is_file()


def test_default_database_is_built_when_missing_and_rebuilt_when_seeds_change(
        tmp_path: Path, seed_copy: Path) -> None:
    path = tmp_path / "data" / "techstance.db"
    assert refresh_default_database(path, seed_copy) is not None
    assert refresh_default_database(path, seed_copy) is None  # up to date: untouched
    topics = seed_copy / "topics.toml"
    topics.write_text(topics.read_text().replace("Huawei in national 5G networks", "Huawei in 5G"))
    assert refresh_default_database(path, seed_copy) is not None
    conn = open_database(path)
    assert conn.execute("SELECT title FROM topics").fetchone()[0] == "Huawei in 5G"
    conn.close()


def test_default_database_with_edits_is_never_rebuilt(tmp_path: Path, seed_copy: Path) -> None:
    path = tmp_path / "techstance.db"
    refresh_default_database(path, seed_copy)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO edits (at, action, record_table, record_id, note) "
                 "VALUES ('2026-11-21T09:00:00', 'insert', 'quotes', 'new-quote', 'an analyst added a quote')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    (seed_copy / "topics.toml").write_text((seed_copy / "topics.toml").read_text() + "\n")
    note = refresh_default_database(path, seed_copy)
    assert note is not None and "holds your edits" in note
    assert path.read_bytes() == before


def test_a_database_built_from_other_seeds_is_never_rebuilt(tmp_path: Path, seed_copy: Path) -> None:
    # Someone's own data (`techstance build --seeds mine`, the benchmarks' scale database) at
    # $TECHSTANCE_DB: running `techstance` must open it, not replace it with the bundled seeds.
    topics = seed_copy / "topics.toml"
    topics.write_text(topics.read_text().replace("Huawei in national 5G networks", "My own topic"))
    path = tmp_path / "mine.db"
    build_database(seed_copy, path)
    before = path.read_bytes()
    assert refresh_default_database(path, SEEDS) is None
    assert path.read_bytes() == before


def _legacy(path: Path) -> None:
    """As built before `seeds_origin` existed."""
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM meta WHERE key = 'seeds_origin'")
    conn.commit()
    conn.close()


def test_an_older_database_of_unknown_origin_is_rebuilt_only_at_the_apps_own_location(
        tmp_path: Path, seed_copy: Path) -> None:
    path = tmp_path / "techstance.db"
    build_database(seed_copy, path)
    _legacy(path)
    topics = seed_copy / "topics.toml"
    topics.write_text(topics.read_text().replace("Huawei in national 5G networks", "Huawei in 5G"))
    before = path.read_bytes()
    note = refresh_default_database(path, seed_copy, owned_location=False)  # $TECHSTANCE_DB
    assert note is not None and f"techstance build --db {path}" in note
    assert path.read_bytes() == before
    assert refresh_default_database(path, seed_copy, owned_location=True) is not None  # an upgrade
    conn = open_database(path)
    assert conn.execute("SELECT title FROM topics").fetchone()[0] == "Huawei in 5G"
    conn.close()


def test_building_from_the_bundled_seeds_by_hand_keeps_the_database_up_to_date(
        tmp_path: Path, seed_copy: Path) -> None:
    path = tmp_path / "techstance.db"
    result = subprocess.run([sys.executable, "-m", "techstance.tui", "--db", str(path), "build"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (seed_copy / "topics.toml").write_text((seed_copy / "topics.toml").read_text() + "\n")
    assert refresh_default_database(path, seed_copy, owned_location=False) is not None


def test_someones_own_database_of_an_older_schema_is_not_replaced(tmp_path: Path, seed_copy: Path) -> None:
    path = tmp_path / "mine.db"
    build_database(seed_copy, path)  # other seeds, as far as the bundled ones are concerned
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    assert refresh_default_database(path, SEEDS) is None
    assert path.read_bytes() == before


def test_foreign_file_at_the_default_path_is_not_overwritten(tmp_path: Path, seed_db: Path) -> None:
    path = make_bad_file(tmp_path, "other-sqlite", seed_db)
    before = path.read_bytes()
    assert refresh_default_database(path, SEEDS) is None
    assert path.read_bytes() == before


def test_data_layer_never_imports_the_ui() -> None:
    code = ("import sys, techstance.db.curation.build, techstance.db.store.connection, "
            "techstance.db.curation.default_db, techstance.db.store.reads, techstance.db.curation.seeds;"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich') or '.tui' in m);"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    for path in (REPO / "db").rglob("*.py"):
        text = path.read_text()
        assert "import textual" not in text and "from textual" not in text, path
        assert "from tui" not in text and "import tui" not in text, path


def test_opening_the_dashboard_does_not_import_pydantic() -> None:
    # Importing pydantic costs every start about 100 ms (docs/benchmarks.md); the dashboard reads
    # frozen dataclasses, and only a build or an edit validates records with it.
    code = ("import sys, techstance.tui.cli.app_commands, techstance.tui.app, techstance.db.store.opening, "
            "techstance.db.store.connection, techstance.tui.screens.dashboard;"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic');"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
